"""``motcua import-records FILE.jsonl --user SUPERUSER [--create-missing]``: historical records
from a legacy system (docs/reports.md). Runs as the named superuser (anyone else is refused,
exit 2) and is audited under that name. Prints the JSON summary; a progress bar on a terminal."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.core.errors import DomainError
from motcua.reporting.legacy_import import can_import, records_import


class Command(BaseCommand):
    help = "Import historical records (JSON Lines, one record per line)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="JSON Lines file ('-' for standard input).")
        parser.add_argument(
            "--user",
            required=True,
            help="The superuser the import runs as (written to the audit log).",
        )
        parser.add_argument(
            "--create-missing",
            action="store_true",
            help="Create placeholder agencies and procedures (flagged for review) for unknown codes.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["file"]
        actor = get_user_model().objects.filter(username=options["user"]).first()
        if not can_import(actor):
            raise CommandError(
                f"{options['user']!r} is not an active superuser: only superusers import.",
                returncode=2,
            )
        try:
            handle = sys.stdin.buffer if path == "-" else open(path, "rb")  # noqa: SIM115
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror}", returncode=2) from exc
        with handle:
            content = handle.read()
        total = len(content.splitlines())
        tty = sys.stderr.isatty()

        def progress(number: int) -> None:
            if tty and (number % 200 == 0 or number == total):
                filled = int(30 * number / max(total, 1))
                self.stderr.write(
                    f"\r[{'#' * filled}{'.' * (30 - filled)}] {number}/{total}", ending=""
                )

        try:
            summary = records_import(
                actor=actor,
                content=content,
                create_missing=options["create_missing"],
                via="command",
                progress=progress,
            )
        except DomainError as exc:
            raise CommandError(exc.message, returncode=2) from exc
        if tty:
            self.stderr.write("")
        self.stdout.write(json.dumps(summary.as_json(), ensure_ascii=False, indent=2))
        if summary.failed and not summary.imported and not summary.unchanged:
            raise CommandError("No line could be imported.", returncode=1)
