"""`motcua outbox-worker`: deliver the outbox to the subscribers until stopped (SIGTERM/SIGINT
finish the current batch first)."""

from __future__ import annotations

import signal
from typing import Any

from django.core.management.base import BaseCommand

from motcua.exchange.worker import OutboxWorker, WorkerConfig


class Command(BaseCommand):
    help = "Deliver outbox events to webhooks, the national portal and other subscribers."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--worker-id", default="", help="Name shown on claimed deliveries.")
        parser.add_argument("--batch-size", type=int, default=None)
        parser.add_argument(
            "--until-idle", action="store_true", help="Stop when nothing is due (for scripts)."
        )
        parser.add_argument("--max-seconds", type=float, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        config = WorkerConfig()
        if options["batch_size"]:
            config.batch_size = options["batch_size"]
        stopping = {"flag": False}

        def stop(signum: int, frame: Any) -> None:
            stopping["flag"] = True

        previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
        worker = OutboxWorker(worker_id=options["worker_id"], config=config)
        if options["verbosity"] > 0:
            self.stdout.write(f"outbox worker {worker.worker_id} started")
        try:
            total = worker.run(
                should_stop=lambda: stopping["flag"],
                max_seconds=options["max_seconds"],
                until_idle=options["until_idle"],
            )
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        if options["verbosity"] > 0:
            self.stdout.write(
                f"outbox worker {worker.worker_id} stopped: delivered={total.delivered} "
                f"failed={total.failed} dead={total.dead}"
            )
