"""Intake throughput through the service layer on PostgreSQL.

    .venv/bin/python bench/intake.py [--records 3000] [--workers 2]

Each intake is the full service: validation, record code (atomic per-agency daily sequence),
appointment from the calendar, process steps, components, fees, one event and the queued
side-effect task (django-tasks database backend, stored in the same transaction). Several
worker processes (default: one per core) receive at the same desk concurrently.
Writes bench/results/intake.json.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from common import print_table, setup_django, write_result  # noqa: E402


def _worker(count: int, queue: mp.Queue) -> None:  # type: ignore[type-arg]
    setup_django(fresh=False)
    from django.db import connection

    from motcua.catalogue.models import Procedure
    from motcua.core.models import User
    from motcua.organisations.models import Agency
    from motcua.records.services import record_receive
    from motcua.records.tests.factories import applicant, full_components

    reception = User.objects.get(username="reception")
    agency = Agency.objects.get(code="000.00.12.H99")
    procedure = Procedure.objects.get(code="2.000488")
    components = full_components(procedure)
    person = applicant()
    connection.ensure_connection()
    start = time.perf_counter()
    for _ in range(count):
        record_receive(
            actor=reception,
            agency=agency,
            procedure=procedure,
            channel="direct",
            applicant=person,
            components=components,
        )
    queue.put(time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--records", type=int, default=3000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()
    os.environ["MOTCUA_TASKS_BACKEND"] = "django_tasks_db.DatabaseBackend"
    setup_django(fresh=True)
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
    total = Record.objects.count()
    codes = Record.objects.values("code").distinct().count()
    from django_tasks_db.models import DBTaskResult

    tasks = DBTaskResult.objects.count()
    rows = [
        {
            "workers": args.workers,
            "records": total,
            "unique_codes": codes,
            "queued_tasks": tasks,
            "wall_s": round(wall, 2),
            "records_per_s": round(total / wall, 1),
        }
    ]
    print_table(rows)
    print("written:", write_result("intake", rows))
    if codes != total:
        raise SystemExit("duplicate record codes!")


if __name__ == "__main__":
    main()
