"""Outbox delivery throughput: two `motcua outbox-worker` processes on PostgreSQL delivering
signed webhooks to a local receiver (target: >= 500 events/s).

    .venv/bin/python bench/outbox.py [--records 4000] [--workers 2] [--batch 100]

Steps: recreate the benchmark database ``motcua_bench_outbox`` (``BENCH_OUTBOX_DATABASE_URL``
to change it), fill it with ``bench/seed.py`` (records with their steps and events), write one
outbox event per record event and one delivery per event for a webhook subscriber (the rows
the move's hook would have written), start a receiver on 127.0.0.1 that checks every signature
and de-duplicates by event id (threads in this process), start the workers and wait until every
delivery is delivered. Throughput = deliveries / (last delivered_at - first delivered_at);
the wall time including the workers' start-up is reported too.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "src"))

from common import print_table, setup_django, write_result  # noqa: E402

DEFAULT_URL = "postgres://motcua:motcua@127.0.0.1:5432/motcua_bench_outbox"
SECRET = "bench-secret-0123456789abcdef"  # noqa: S105 - a local test receiver


def _fill_outbox() -> int:
    import uuid

    from django.db import transaction

    from motcua.exchange.models import Delivery, OutboxEvent, Subscriber
    from motcua.exchange.outbox import event_body
    from motcua.records.models import RecordEvent

    subscriber = Subscriber.objects.get(name="bench receiver")
    events = RecordEvent.objects.select_related(
        "record__agency", "record__procedure_version__procedure"
    ).order_by("id")
    total = 0
    batch: list[Any] = []

    def flush() -> None:
        nonlocal total
        with transaction.atomic():
            made = OutboxEvent.objects.bulk_create(batch)
            Delivery.objects.bulk_create(
                Delivery(
                    subscriber=subscriber,
                    event=item,
                    record_id=item.record_id,
                    next_attempt_at=item.created_at,
                    created_at=item.created_at,
                )
                for item in made
            )
        total += len(made)
        batch.clear()

    from django.utils import timezone

    now = timezone.now()
    for event in events.iterator(chunk_size=2000):
        event_id = uuid.uuid4()
        batch.append(
            OutboxEvent(
                event_id=event_id,
                record_event=event,
                record_id=event.record_id,
                kind=event.kind,
                occurred_at=event.at,
                created_at=now,
                body=event_body(str(event_id), event, created_at=now),
            )
        )
        if len(batch) >= 2000:
            flush()
    if batch:
        flush()
    return total


def run(*, records: int, workers: int, batch: int) -> list[dict[str, Any]]:
    from django.db.models import Count, Max, Min
    from seed import seed

    from motcua.exchange.models import Delivery, Subscriber
    from motcua.exchange.tests.fakes import WebhookReceiver

    t0 = time.perf_counter()
    seed(records=records, open_share=0.05, years=1)
    receiver = WebhookReceiver(SECRET).start()
    Subscriber.objects.create(
        name="bench receiver", kind="webhook", url=receiver.url + "/hook", secret=SECRET
    )
    total = _fill_outbox()
    print(f"  {total} deliveries queued in {time.perf_counter() - t0:.1f} s", flush=True)

    url = os.environ["DATABASE_URL"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "motcua.conf.dev",
        "DEBUG": "false",
        "DATABASE_URL": url,
        "MOTCUA_OUTBOX_BATCH_SIZE": str(batch),
        "MOTCUA_OUTBOX_POLL_SECONDS": "0.05",
        "LOG_LEVEL": "WARNING",
    }
    started = time.perf_counter()
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "motcua",
                "outbox-worker",
                "--worker-id",
                f"bench-{i}",
                "-v",
                "0",
            ],
            env=env,
        )
        for i in range(workers)
    ]
    try:
        while Delivery.objects.exclude(state="delivered").exists():
            time.sleep(0.2)
            if time.perf_counter() - started > 600:
                raise SystemExit("not delivered within 10 minutes")
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            process.wait(timeout=30)
        receiver.stop()
    wall = time.perf_counter() - started
    span = Delivery.objects.aggregate(first=Min("delivered_at"), last=Max("delivered_at"))
    seconds = (span["last"] - span["first"]).total_seconds()
    per_worker = {
        row["lease_owner"]: row["n"]
        for row in Delivery.objects.values("lease_owner").annotate(n=Count("id"))
    }
    assert len(receiver.events) == total, (len(receiver.events), total)
    assert receiver.rejected == 0 and receiver.concurrent == []
    return [
        {
            "deliveries": total,
            "workers": workers,
            "batch": batch,
            "delivering_s": round(seconds, 2),
            "events_per_s": round(total / seconds, 1),
            "wall_s_with_startup": round(wall, 2),
            "duplicates": receiver.duplicates,
            "per_worker": per_worker,
        }
    ]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--records", type=int, default=4000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--batch", type=int, default=100)
    args = parser.parse_args()
    setup_django(os.environ.get("BENCH_OUTBOX_DATABASE_URL", DEFAULT_URL), fresh=True)
    rows = run(records=args.records, workers=args.workers, batch=args.batch)
    print_table(rows)
    print("written:", write_result("outbox", rows))


if __name__ == "__main__":
    main()
