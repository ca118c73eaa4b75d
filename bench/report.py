"""Benchmark of the settlement report (Biểu 06) for one month, whole province, on PostgreSQL.

    .venv/bin/python bench/report.py --generate 100000        # generate, then measure
    .venv/bin/python bench/report.py                          # measure the existing database
    BENCH_DATABASE_URL=postgres://motcua:motcua@127.0.0.1:5432/motcua_bench_report_10m \
        .venv/bin/python bench/report.py --runs 15

The data comes from ``bench/generate.py`` (a province's history at a fixed monthly volume, so
100k / 1M / 10M records differ by the length of the history; see its docstring), in its own
database (``BENCH_DATABASE_URL``, default ``motcua_bench_report``). For the last whole month
before the newest record, the report service (``settlement_report``, in-process, warm cache
after ``--warmup`` runs) runs ``--runs`` times per grouping (agency, field, procedure): median
and p95 of the wall time in Python (query + building rows), plus the server execution time from
``EXPLAIN (ANALYZE)`` (median of 3). The load average (``os.getloadavg``) is recorded before and
after each grouping: the machine is shared. Results are merged into
``bench/results/report.json`` by record count.
"""

from __future__ import annotations

import argparse
import json
import math
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


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def _server_ms(sql: str, params: Any) -> float:
    from django.db import connection, transaction

    times = []
    for _ in range(3):
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute("SET LOCAL jit = off")
            cur.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
            plan = cur.fetchone()[0]
        plan = json.loads(plan) if isinstance(plan, str) else plan
        times.append(plan[0]["Execution Time"])
    return statistics.median(times)


def measure(runs: int, warmup: int) -> list[dict[str, Any]]:
    from datetime import timedelta

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
    # the last whole month: data generated up to the end of a month ends on its last working day
    first, last = _month_before(newest.astimezone(TZ).date() + timedelta(days=3))
    period = Period(first, last)
    scope = report_scope(user=None, agency_code=None)
    total = Record.objects.count()
    rows = []
    for group_by in ("agency", "field", "procedure"):
        load_before = os.getloadavg()
        for _ in range(warmup):
            settlement_report(period=period, scope=scope, group_by=group_by)
        times = []
        report = None
        for _ in range(runs):
            started = time.perf_counter()
            report = settlement_report(period=period, scope=scope, group_by=group_by)
            times.append((time.perf_counter() - started) * 1000)
        assert report is not None
        qs = aggregate_queryset(period=period, scope=scope, group_by=group_by)
        sql, params = qs.query.sql_with_params()
        server = _server_ms(sql, params)
        load_after = os.getloadavg()
        rows.append(
            {
                "records": total,
                "period": f"{first}..{last}",
                "group_by": group_by,
                "rows": len(report.rows),
                "received_total": report.totals["received_total"],
                "carried_over": report.totals["carried_over"],
                "in_progress_total": report.totals["in_progress_total"],
                "runs": runs,
                "median_ms": round(statistics.median(times), 1),
                "p95_ms": round(_p95(times), 1),
                "min_ms": round(min(times), 1),
                "server_ms": round(server, 1),
                "load_before": " ".join(f"{x:.1f}" for x in load_before),
                "load_after": " ".join(f"{x:.1f}" for x in load_after),
            }
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--generate", type=int, metavar="RECORDS", help="Generate first.")
    parser.add_argument("--per-month", type=float, default=58_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--warmup", type=int, default=2)
    args = parser.parse_args()
    setup_django(fresh=bool(args.generate))
    seconds = None
    if args.generate:
        from datetime import date

        from generate import generate

        started = time.perf_counter()
        end = date.today().replace(day=1)  # noqa: DTZ011
        generate(records=args.generate, per_month=args.per_month, seed=args.seed, end=end)
        seconds = round(time.perf_counter() - started, 1)
    rows = measure(args.runs, args.warmup)
    for row in rows:
        row["generate_seconds"] = seconds
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
