"""Shared set-up for the benchmarks: a dedicated PostgreSQL database, Django configured."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DEFAULT_URL = "postgres://motcua:motcua@127.0.0.1:5432/motcua_bench"


def setup_django(database_url: str | None = None, *, fresh: bool = True) -> str:
    """Point Django at the benchmark database (recreated when ``fresh``) and migrate it."""
    url = database_url or os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.conf.dev")
    os.environ["DEBUG"] = "false"
    if fresh and url.startswith("postgres"):
        subprocess.run(
            [str(ROOT / "tools" / "ensure-postgres")], check=True, stdout=subprocess.DEVNULL
        )
        name = url.rsplit("/", 1)[1]
        psql = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qAt", "-c"]
        subprocess.run([*psql, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], check=True)
        subprocess.run([*psql, f"CREATE DATABASE {name} OWNER motcua"], check=True)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return url


def machine() -> dict[str, str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    pg = subprocess.run(["psql", "--version"], capture_output=True, text=True).stdout.strip()
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "postgresql": pg,
    }


def write_result(name: str, rows: list[dict[str, object]]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(
        json.dumps(
            {
                "benchmark": name,
                "at": datetime.now(UTC).isoformat(),
                "machine": machine(),
                "rows": rows,
            },
            indent=2,
            ensure_ascii=False,
        )
    )
    return path


def print_table(rows: list[dict[str, object]]) -> None:
    if not rows:
        return
    keys = list(rows[0])
    widths = {k: max(len(k), *(len(str(r[k])) for r in rows)) for k in keys}
    print(" | ".join(k.ljust(widths[k]) for k in keys))
    print("-+-".join("-" * widths[k] for k in keys))
    for row in rows:
        print(" | ".join(str(row[k]).ljust(widths[k]) for k in keys))


class Timer:
    def __enter__(self) -> Timer:
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self.start


def stopwatch() -> tuple[list[tuple[str, float]], Callable[[str], None]]:
    """The (label, seconds) list of a multi-step run and ``lap(label)``, which records and prints
    the time since the previous lap."""
    timings: list[tuple[str, float]] = []
    last = time.perf_counter()

    def lap(label: str) -> None:
        nonlocal last
        now = time.perf_counter()
        timings.append((label, now - last))
        print(f"  {label:<34} {now - last:7.1f} s", flush=True)
        last = now

    return timings, lap
