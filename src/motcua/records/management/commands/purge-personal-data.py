"""``motcua purge-personal-data [--dry-run] [--before YYYY-MM-DD]``: anonymise applicants' personal
data past its retention period (``records.services.retention``); prints the JSON summary."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.core.errors import DomainError
from motcua.records.services.retention import personal_data_purge


class Command(BaseCommand):
    help = (
        "Anonymise the applicants of records closed before the retention period "
        "(MOTCUA_RETENTION_*), delete their scans and old API logs. Statistics are kept."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be purged; change nothing."
        )
        parser.add_argument(
            "--before",
            metavar="YYYY-MM-DD",
            help="Only data older than this date (not later than the retention cut-off).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        before = None
        if options["before"]:
            try:
                before = date.fromisoformat(options["before"])
            except ValueError as exc:
                raise CommandError(
                    f"--before: {options['before']!r} is not a date (YYYY-MM-DD).", returncode=2
                ) from exc
        try:
            summary = personal_data_purge(dry_run=options["dry_run"], before=before)
        except DomainError as exc:
            raise CommandError(exc.message, returncode=2) from exc
        self.stdout.write(json.dumps(summary.as_json(), ensure_ascii=False, indent=2))
