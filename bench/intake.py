"""Intake throughput through the service layer on PostgreSQL.

    .venv/bin/python bench/intake.py [--records 3000] [--workers 2] [--profile 200]

Each intake is the full service: validation, record code (atomic per-agency daily sequence),
appointment from the calendar, process steps, components, fees, one event and what the event
brings with it in the same transaction (the exchange outbox row and its deliveries: the queued
side effect that takes the event out; the audit log entry). Several worker
processes (default: one per core) receive at the same desk concurrently. Besides the wall
clock, the CPU time of the workers and of their PostgreSQL backends is measured (/proc), which
gives what the cores can do when nothing else runs on them.

The benchmark uses its own database (``motcua_bench_intake``, recreated on every run) so that
it never drops the million records of ``bench/seed.py``.

``--profile N`` then receives N more records in this process: CPU per intake (this process and
its PostgreSQL backend) and statements per intake by table and kind, then N more under cProfile
with a CPU-time clock (other load on the machine does not count) to show the Python functions
that cost most.
Writes bench/results/intake.json.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import multiprocessing as mp
import os
import pstats
import re
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from common import DEFAULT_URL, print_table, setup_django, write_result  # noqa: E402

DATABASE_URL = os.environ.get(
    "BENCH_INTAKE_DATABASE_URL", DEFAULT_URL.rsplit("/", 1)[0] + "/motcua_bench_intake"
)


def _desk() -> tuple[Any, ...]:
    from motcua.catalogue.models import Procedure
    from motcua.core.models import User
    from motcua.organisations.models import Agency
    from motcua.records.tests.factories import applicant, full_components

    reception = User.objects.get(username="reception")
    agency = Agency.objects.get(code="000.00.12.H99")
    procedure = Procedure.objects.get(code="2.000488")
    return reception, agency, procedure, full_components(procedure), applicant()


def _receive(desk: tuple[Any, ...], count: int) -> None:
    from motcua.records.services import record_receive

    reception, agency, procedure, components, person = desk
    for _ in range(count):
        record_receive(
            actor=reception,
            agency=agency,
            procedure=procedure,
            channel="direct",
            applicant=person,
            components=components,
        )


def _cpu_seconds(pid: int) -> float:
    """CPU time (user + system) used so far by process ``pid`` (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _worker(count: int, queue: mp.Queue) -> None:  # type: ignore[type-arg]
    setup_django(DATABASE_URL, fresh=False)
    from django.db import connection

    desk = _desk()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = int(cursor.fetchone()[0])
    start, python, server = time.perf_counter(), time.process_time(), _cpu_seconds(backend)
    _receive(desk, count)
    queue.put(
        (
            time.perf_counter() - start,
            time.process_time() - python,
            _cpu_seconds(backend) - server,
        )
    )


_TABLE = re.compile(r'(?:FROM|INTO|UPDATE)\s+"?([a-z_]+)"?', re.IGNORECASE)


def _statement(sql: str) -> str:
    verb = sql.split(None, 1)[0].upper() if sql.strip() else "?"
    if verb in ("SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "COMMIT"):
        return verb
    match = _TABLE.search(sql)
    return f"{verb} {match.group(1) if match else '?'}"


def profile(count: int) -> list[dict[str, Any]]:
    """Receive ``count`` records in this process under cProfile; print where the time goes."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    desk = _desk()
    _receive(desk, 5)  # warm the memo (calendars, plans) and the connection
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = int(cursor.fetchone()[0])
    python, server = time.process_time(), _cpu_seconds(backend)
    with CaptureQueriesContext(connection) as captured:
        start = time.perf_counter()
        _receive(desk, count)
        wall = time.perf_counter() - start
    python, server = time.process_time() - python, _cpu_seconds(backend) - server
    queries = captured.captured_queries
    by_statement = Counter(_statement(q["sql"]) for q in queries)
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    _receive(desk, count)
    profiler.disable()
    print(f"\nprofile: {count} intakes in one process, {wall:.2f} s ({count / wall:.1f}/s)")
    print(
        f"CPU per intake: Python {1000 * python / count:.2f} ms, PostgreSQL "
        f"{1000 * server / count:.2f} ms; statements per intake: {len(queries) / count:.1f}"
    )
    print_table(
        [
            {"statement": name, "per_intake": round(n / count, 2)}
            for name, n in by_statement.most_common()
        ]
    )
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(
        r"motcua|django/db/models/(query|base)|psycopg/cursor", 30
    )
    print(out.getvalue())
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(15)
    print(out.getvalue())
    return [
        {
            "profiled_intakes": count,
            "profiled_per_s": round(count / wall, 1),
            "python_cpu_ms": round(1000 * python / count, 2),
            "postgres_cpu_ms": round(1000 * server / count, 2),
            "queries_per_intake": round(len(queries) / count, 1),
            "statements_per_intake": {
                name: round(n / count, 2) for name, n in by_statement.most_common()
            },
        }
    ]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--records", type=int, default=3000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--profile", type=int, default=0, metavar="N")
    args = parser.parse_args()
    os.environ["MOTCUA_TASKS_BACKEND"] = "django_tasks_db.DatabaseBackend"
    load = os.getloadavg()
    setup_django(DATABASE_URL, fresh=True)
    from motcua.records.models import Record
    from motcua.records.tests.factories import build_world

    build_world()
    per_worker = args.records // args.workers
    queue: mp.Queue = mp.Queue()  # type: ignore[type-arg]
    ctx = mp.get_context("fork")
    from django.db import connections

    connections.close_all()
    wall = time.perf_counter()
    procs = [ctx.Process(target=_worker, args=(per_worker, queue)) for _ in range(args.workers)]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join()
    wall = time.perf_counter() - wall
    results = [queue.get() for _ in procs]
    total = Record.objects.count()
    codes = Record.objects.values("code").distinct().count()
    from motcua.exchange.models import OutboxEvent

    outbox = OutboxEvent.objects.count()
    rows: list[dict[str, Any]] = [
        {
            "workers": args.workers,
            "records": total,
            "unique_codes": codes,
            "outbox_events": outbox,
            "wall_s": round(wall, 2),
            "records_per_s": round(total / wall, 1),
            # CPU per intake, whatever else runs on the machine: the worker (Python) and the
            # PostgreSQL backend serving it; "cpu_bound_per_s" is what the cores could do if
            # they ran nothing else (commit fsync waits excluded).
            "python_cpu_ms": round(1000 * sum(r[1] for r in results) / total, 2),
            "postgres_cpu_ms": round(1000 * sum(r[2] for r in results) / total, 2),
            "cpu_bound_per_s": round(
                (os.cpu_count() or 1) * total / sum(r[1] + r[2] for r in results), 1
            ),
            "load_average": " ".join(f"{x:.2f}" for x in load),
        }
    ]
    print_table(rows)
    if codes != total:
        raise SystemExit("duplicate record codes!")
    if args.profile:
        rows += profile(args.profile)
    print("written:", write_result("intake", rows))


if __name__ == "__main__":
    main()
