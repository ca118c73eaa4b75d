"""Server time of the officer's queue and search pages on a large database.

    .venv/bin/python bench/queues.py [--seed] [--records 1000000] [--repeat 50]

With ``--seed`` the benchmark database is recreated and filled first (``bench/seed.py``, about
three minutes for a million records on two cores); without it the database seeded last time is
used (its record count must match ``--records``, a guard against measuring the wrong data).

Four demo officers (the busiest of each role in the seeded data: a commune specialist, a
department unit head, the province Center's reception officer and a commune chairman) are
logged in with ``django.test.Client.force_login`` and request, round-robin, every page type:
each queue's first page and a later page, the record search without a filter (first and a later
page), by record code and by applicant name. Each (officer, page) is requested ``--repeat``
times (default 50, i.e. 200 requests per page type) after one unmeasured warm-up request.

Server time is measured around ``client.get`` (URL resolution, middleware, session, the view,
the queries and the template: everything but the network). The number of queries and the
database's share of the time are taken in a separate, unmeasured pass with
``CaptureQueriesContext``. Settings: ``motcua.conf.dev`` with DEBUG off and persistent
connections (``DB_CONN_MAX_AGE=60``, as in docs/deployment.md).
Writes bench/results/queues.json.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from common import print_table, setup_django, write_result  # noqa: E402

TARGET_P95_MS = 100.0
OFFICERS = {
    "specialist": "congchuc.tpht.anbinh",
    "unit head": "truongphong.dkkd",
    "reception": "tiepnhan.ttpvhcc",
    "leader": "chutich.anbinh",
}
LATER_QUEUE_PAGE = 4
LATER_SEARCH_PAGE = 4
SAMPLES = 50  # codes and names drawn per officer for the search requests


def _pages(user: Any) -> list[tuple[str, list[str]]]:
    """(page type, URLs to cycle through) for ``user``."""
    from django.urls import reverse

    from motcua.records.models import RecordStep

    # Records this officer worked on (their own steps): codes and names that are in scope.
    worked = list(
        RecordStep.objects.filter(assignee=user)
        .order_by("-record_id")
        .values_list("record__code", "record__applicant_name")[: SAMPLES * 40 : 40]
    )
    if not worked:
        raise SystemExit(f"{user.username} has no steps: was the database seeded?")
    search = reverse("records:search")
    pages: list[tuple[str, list[str]]] = []
    for queue in ("mine", "unit", "due_soon", "overdue"):
        url = reverse(f"records:queue_{queue}")
        pages.append((f"queue {queue} p1", [url]))
        pages.append((f"queue {queue} p{LATER_QUEUE_PAGE}", [f"{url}?page={LATER_QUEUE_PAGE}"]))
    pages.append(("search (all) p1", [search]))
    pages.append((f"search (all) p{LATER_SEARCH_PAGE}", [f"{search}?page={LATER_SEARCH_PAGE}"]))
    pages.append(("search by code", [f"{search}?q={code}" for code, _name in worked]))
    pages.append(
        ("search by name", [f"{search}?q={name.replace(' ', '+')}" for _code, name in worked])
    )
    return pages


def _shorten(sql: str) -> str:
    """The beginning and the end (FROM ... WHERE ... ORDER BY) of a long statement."""
    return sql if len(sql) <= 2400 else f"{sql[:400]} ... {sql[-2000:]}"


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))
    return ordered[index]


def _stats(samples: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(statistics.median(samples), 1),
        "p95_ms": round(_percentile(samples, 0.95), 1),
        "max_ms": round(max(samples), 1),
    }


def run(
    *, repeat: int, gc_freeze: bool = False
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from motcua.core.models import User

    clients: list[tuple[str, Client, list[tuple[str, list[str]]]]] = []
    for role, username in OFFICERS.items():
        user = User.objects.get(username=username)
        client = Client(HTTP_HOST="localhost")
        client.force_login(user)
        clients.append((role, client, _pages(user)))

    # Unmeasured pass: warm-up, status check, queries and the database's share of the time.
    info: dict[tuple[str, str], dict[str, Any]] = {}
    for role, client, pages in clients:
        for page, urls in pages:
            client.get(urls[0])
            with CaptureQueriesContext(connection) as captured:
                response = client.get(urls[-1])
            if response.status_code != 200:
                raise SystemExit(f"{role} {page}: HTTP {response.status_code}")
            times = [float(q["time"]) * 1000 for q in captured.captured_queries]
            slowest = max(range(len(times)), key=times.__getitem__) if times else None
            info[(role, page)] = {
                "queries": len(times),
                "db_ms": round(sum(times), 1),
                "slowest_sql": _shorten(captured.captured_queries[slowest]["sql"])
                if slowest is not None
                else "",
                "slowest_ms": round(times[slowest], 1) if slowest is not None else 0.0,
            }

    if gc_freeze:  # what a server can do once warm: no full collections over start-up objects
        gc.collect()
        gc.freeze()
    samples: dict[tuple[str, str], list[float]] = {key: [] for key in info}
    for round_ in range(repeat):
        for role, client, pages in clients:
            for page, urls in pages:
                url = urls[round_ % len(urls)]
                start = time.perf_counter()
                response = client.get(url)
                elapsed = (time.perf_counter() - start) * 1000
                if response.status_code != 200:
                    raise SystemExit(f"{role} {page} {url}: HTTP {response.status_code}")
                samples[(role, page)].append(elapsed)

    detail = [
        {
            "officer": role,
            "page": page,
            "n": len(values),
            **_stats(values),
            "queries": info[(role, page)]["queries"],
            "db_ms": info[(role, page)]["db_ms"],
            "slowest_ms": info[(role, page)]["slowest_ms"],
        }
        for (role, page), values in samples.items()
    ]
    page_types = list(dict.fromkeys(page for _role, page in samples))
    summary = []
    for page in page_types:
        values = [v for (_role, p), vs in samples.items() if p == page for v in vs]
        queries = sorted({info[(role, p)]["queries"] for (role, p) in info if p == page})
        summary.append(
            {
                "page": page,
                "n": len(values),
                **_stats(values),
                "queries": "/".join(map(str, queries)),
            }
        )
    slow = [
        {"officer": role, "page": page, **data}
        for (role, page), data in info.items()
        if data["slowest_ms"] >= 20
    ]
    return summary, detail + [{"slow_queries": slow}]


def _record_count() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = 'records_record'")
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--seed", action="store_true", help="recreate and fill the database first")
    parser.add_argument("--repeat", type=int, default=50, help="requests per officer and page")
    parser.add_argument(
        "--gc-freeze", action="store_true", help="gc.freeze() after the warm-up (see README)"
    )
    parser.add_argument(
        "--result", default="queues", help="name of the JSON file in bench/results/"
    )
    args = parser.parse_args()
    os.environ.setdefault("DB_CONN_MAX_AGE", "60")
    seeded: list[dict[str, Any]] = []
    if args.seed:
        setup_django(fresh=True)
        from seed import seed

        seeded = seed(records=args.records)
        write_result("seed", seeded)
    else:
        setup_django(fresh=False)
        found = _record_count()
        if abs(found - args.records) > args.records * 0.02:
            raise SystemExit(
                f"the benchmark database holds about {found:,} records, not {args.records:,}: "
                "run with --seed"
            )
    load = os.getloadavg()
    summary, detail = run(repeat=args.repeat, gc_freeze=args.gc_freeze)
    print_table(summary)
    print()
    print_table([row for row in detail if "officer" in row])
    worst = max(row["p95_ms"] for row in summary)
    verdict = "PASS" if worst < TARGET_P95_MS else "FAIL"
    print(f"\nworst p95 {worst} ms (target < {TARGET_P95_MS:.0f} ms): {verdict}")
    print(f"load average before the run: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    rows: list[dict[str, Any]] = [
        {
            "records": args.records,
            "repeat": args.repeat,
            "gc_freeze": args.gc_freeze,
            "pgoptions": os.environ.get("PGOPTIONS", ""),
            "load_average": [round(x, 2) for x in load],
            "worst_p95_ms": worst,
            "target_p95_ms": TARGET_P95_MS,
            "verdict": verdict,
            "seed": seeded,
        },
        {"summary": summary},
        {"detail": detail},
    ]
    print("written:", write_result(args.result, rows))


if __name__ == "__main__":
    main()
