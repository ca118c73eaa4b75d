"""``motcua import-records FILE.jsonl [--create-missing]``: historical records from a legacy
system (docs/reports.md). Prints the JSON summary; a progress bar on a terminal."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.reporting.legacy_import import import_lines


class Command(BaseCommand):
    help = "Import historical records (JSON Lines, one record per line)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="JSON Lines file ('-' for standard input).")
        parser.add_argument(
            "--create-missing",
            action="store_true",
            help="Create placeholder agencies and procedures (flagged for review) for unknown codes.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["file"]
        try:
            handle = sys.stdin if path == "-" else open(path, encoding="utf-8")  # noqa: SIM115
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror}", returncode=2) from exc
        with handle:
            lines = handle.readlines()
        total = len(lines)
        tty = sys.stderr.isatty()

        def progress(number: int) -> None:
            if tty and (number % 200 == 0 or number == total):
                filled = int(30 * number / max(total, 1))
                self.stderr.write(
                    f"\r[{'#' * filled}{'.' * (30 - filled)}] {number}/{total}", ending=""
                )

        summary = import_lines(lines, create_missing=options["create_missing"], progress=progress)
        if tty:
            self.stderr.write("")
        self.stdout.write(json.dumps(summary.as_json(), ensure_ascii=False, indent=2))
        if summary.failed and not summary.imported and not summary.unchanged:
            raise CommandError("No line could be imported.", returncode=1)
