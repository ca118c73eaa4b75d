"""Speed of the historical import (``motcua import-records``) on PostgreSQL.

    .venv/bin/python bench/report_import.py [--lines 20000] [--seed N]

Uses a database made by ``bench/generate.py`` (``BENCH_DATABASE_URL``, default
``motcua_bench_report``: demo organisations and catalogue, and records: the import checks the
codes against them). Generates ``--lines`` JSON Lines with
the published demo procedures and their agencies (65 % direct, 10 % postal, 25 % online; 3 % with
a supplement round, 2 % late, 85 % finished; every line gives its due_at, as legacy
systems do), imports them, then imports the same lines again
(all ``unchanged``), through ``import_lines``, the service behind ``motcua import-records`` and
``POST /api/v1/imports/records``. ``--seed`` fixes the lines (default: the time, so that each run
imports new codes). The load average is recorded with each run (the machine is shared). Results
are written to ``bench/results/report_import.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

os.environ.setdefault(
    "BENCH_DATABASE_URL", "postgres://motcua:motcua@127.0.0.1:5432/motcua_bench_report"
)

from common import RESULTS, machine, print_table, setup_django  # noqa: E402


def make_lines(count: int, seed: int = 7) -> list[str]:
    from motcua.catalogue.models import ProcedureVersion
    from motcua.organisations.calendar import TZ

    rng = random.Random(seed)
    pairs = [
        (v.procedure.code, agency.code)
        for v in ProcedureVersion.objects.filter(status="published").select_related("procedure")
        for agency in v.implementing_agencies.all()
    ]
    start = datetime(2019, 1, 2, 8, 0, tzinfo=TZ)
    lines = []
    for index in range(count):
        procedure, agency = rng.choice(pairs)
        received = start + timedelta(days=rng.randrange(0, 5 * 365), minutes=rng.randrange(0, 480))
        r = rng.random()
        channel = "direct" if r < 0.65 else "postal" if r < 0.75 else "online"
        events = []
        at = received
        if rng.random() < 0.03:
            at += timedelta(days=1)
            events.append({"type": "supplement_requested", "at": at.isoformat()})
            at += timedelta(days=rng.randrange(1, 6))
            events.append({"type": "supplement_received", "at": at.isoformat()})
        if rng.random() < 0.85:
            late = rng.random() < 0.02
            at += timedelta(days=rng.randrange(20, 40) if late else rng.randrange(1, 5))
            events.append({"type": "result_ready", "at": at.isoformat()})
            events.append({"type": "returned", "at": (at + timedelta(days=1)).isoformat()})
        lines.append(
            json.dumps(
                {
                    "code": f"LEGACY-{seed}-{index:08d}",
                    "procedure_code": procedure,
                    "agency_code": agency,
                    "channel": channel,
                    "applicant": {"name": "Nguyễn Văn An", "id_number": f"{index:012d}"},
                    "received_at": received.isoformat(),
                    "due_at": (received + timedelta(days=14)).isoformat(),
                    "events": events,
                },
                ensure_ascii=False,
            )
        )
    return lines


class BackendCpu:
    """CPU seconds used by the PostgreSQL backends of the benchmark database (same machine),
    read from ``/proc``: the import's own connection and the writer thread's (which closes at the
    end of the import, so every backend of the database is sampled every 20 ms while the import
    runs; at most the last 20 ms of a closing backend are missed). Only the benchmark uses this
    database."""

    def __init__(self) -> None:
        from django.db import connection

        # the backend's process title: "postgres: [15/main: ]USER DATABASE HOST(PORT) state"
        settings = connection.settings_dict
        self.title = f" {settings['USER']} {settings['NAME']} ".encode()
        self.seen: dict[int, float] = {}
        self.start: dict[int, float] = {}
        self._stop = threading.Event()
        self.own_cpu = 0.0

    def _sample(self) -> dict[int, float]:
        tick = os.sysconf("SC_CLK_TCK")
        found = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                title = (entry / "cmdline").read_bytes()
                if not title.startswith(b"postgres: ") or self.title not in title:
                    continue
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            found[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
        return found

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            self.seen.update(self._sample())
        self.own_cpu = time.thread_time()  # the sampling, not the import: subtracted

    def __enter__(self) -> BackendCpu:
        self.start = self._sample()
        self.seen = dict(self.start)
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.seen.update(self._sample())

    @property
    def seconds(self) -> float:
        return sum(cpu - self.start.get(pid, 0.0) for pid, cpu in self.seen.items())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args()
    setup_django(fresh=False)
    from motcua.reporting.legacy_import import import_lines

    lines = make_lines(args.lines, seed=args.seed if args.seed is not None else int(time.time()))
    rows = []
    for label in ("first import", "same file again"):
        load_before = os.getloadavg()
        with BackendCpu() as backends:
            cpu_before = time.process_time()
            started = time.perf_counter()
            summary = import_lines(lines)
            seconds = time.perf_counter() - started
            python_cpu = time.process_time() - cpu_before
        python_cpu -= backends.own_cpu
        server_cpu = backends.seconds
        rows.append(
            {
                "run": label,
                "lines": len(lines),
                "imported": summary.imported,
                "unchanged": summary.unchanged,
                "failed": summary.failed,
                "seconds": round(seconds, 1),
                "lines_per_second": round(len(lines) / seconds),
                # CPU actually used: on a quiet 2-core machine Python and PostgreSQL each
                # have a core, so lines / (python + server CPU) is a floor of the throughput
                "python_cpu_s": round(python_cpu, 1),
                "server_cpu_s": round(server_cpu, 1),
                "lines_per_cpu_second": round(len(lines) / (python_cpu + server_cpu)),
                # the import writes on a thread of its own while it prepares the next batch:
                # with a core each, the larger of the two CPU times bounds the throughput
                "quiet_bound_lines_per_second": round(len(lines) / max(python_cpu, server_cpu)),
                "load_before": " ".join(f"{x:.1f}" for x in load_before),
                "load_after": " ".join(f"{x:.1f}" for x in os.getloadavg()),
            }
        )
    print_table(rows)
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / "report_import.json"
    path.write_text(
        json.dumps(
            {"benchmark": "report_import", "machine": machine(), "rows": rows},
            indent=2,
            ensure_ascii=False,
        )
    )
    print("written:", path)


if __name__ == "__main__":
    main()
