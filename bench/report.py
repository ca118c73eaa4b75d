"""Benchmark of the settlement report (Biểu 06) for one month, whole province, on PostgreSQL.

    .venv/bin/python bench/report.py --records 100000          # seed, then measure
    .venv/bin/python bench/report.py --records 1000000
    .venv/bin/python bench/report.py --reuse                    # measure the existing database

The data comes from ``bench/seed.py`` (records over ``--years`` years with their events, channel
mix, supplements, early / on time / late finishes; see its docstring), loaded into its own
database (``BENCH_DATABASE_URL``, default ``motcua_bench_report``) so that other benchmarks are
not disturbed. For the last whole month before the newest record it runs the report grouped by
agency, field and procedure ``--runs`` times each and records the median wall time in Python
(query + Python) and the server execution time from ``EXPLAIN (ANALYZE)``. Results are merged
into ``bench/results/report.json`` by record count.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

os.environ.setdefault(
    "BENCH_DATABASE_URL", "postgres://motcua:motcua@127.0.0.1:5432/motcua_bench_report"
)

from common import RESULTS, machine, print_table, setup_django  # noqa: E402


def _month_before(day: Any) -> tuple[Any, Any]:
    from datetime import timedelta

    first_this = day.replace(day=1)
    last_prev = first_this - timedelta(days=1)
    return last_prev.replace(day=1), last_prev


def measure(runs: int) -> list[dict[str, Any]]:
    from django.db import connection
    from django.db.models import Max

    from motcua.organisations.calendar import TZ
    from motcua.records.models import Record
    from motcua.reporting.settlement import (
        Period,
        aggregate_queryset,
        report_scope,
        settlement_report,
    )

    newest = Record.objects.aggregate(m=Max("received_at"))["m"]
    first, last = _month_before(newest.astimezone(TZ).date())
    period = Period(first, last)
    scope = report_scope(user=None, agency_code=None)
    total = Record.objects.count()
    rows = []
    for group_by in ("agency", "field", "procedure"):
        times = []
        report = None
        for _ in range(runs):
            started = time.perf_counter()
            report = settlement_report(period=period, scope=scope, group_by=group_by)
            times.append((time.perf_counter() - started) * 1000)
        assert report is not None
        qs = aggregate_queryset(period=period, scope=scope, group_by=group_by)
        sql, params = qs.query.sql_with_params()
        with connection.cursor() as cur:
            cur.execute("SET jit = off")
            cur.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
            plan = cur.fetchone()[0]
        plan = json.loads(plan) if isinstance(plan, str) else plan
        rows.append(
            {
                "records": total,
                "period": f"{first}..{last}",
                "group_by": group_by,
                "rows": len(report.rows),
                "received_total": report.totals["received_total"],
                "in_progress_total": report.totals["in_progress_total"],
                "median_ms": round(statistics.median(times), 1),
                "min_ms": round(min(times), 1),
                "server_ms": round(plan[0]["Execution Time"], 1),
            }
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--open-share", type=float, default=0.02)
    parser.add_argument("--years", type=float, default=3.0)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--reuse", action="store_true", help="Measure the existing database.")
    args = parser.parse_args()
    setup_django(fresh=not args.reuse)
    seconds = None
    if not args.reuse:
        from seed import seed

        started = time.perf_counter()
        seed(records=args.records, open_share=args.open_share, years=args.years)
        seconds = round(time.perf_counter() - started, 1)
    rows = measure(args.runs)
    load = round(os.getloadavg()[0], 1)
    for row in rows:
        row["seed_seconds"] = seconds
        row["load_average_1m"] = load  # the machine is shared: read the times with it
    print_table(rows)
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / "report.json"
    existing: list[dict[str, Any]] = []
    if path.exists():
        existing = json.loads(path.read_text()).get("rows", [])
    counts = {row["records"] for row in rows}
    merged = [r for r in existing if r.get("records") not in counts] + rows
    merged.sort(key=lambda r: (r["records"], r["group_by"]))
    path.write_text(
        json.dumps(
            {"benchmark": "report", "machine": machine(), "rows": merged},
            indent=2,
            ensure_ascii=False,
        )
    )
    print("written:", path)


if __name__ == "__main__":
    main()
