"""``motcua backup --output FILE``: the database and the uploaded files in one archive."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from motcua.core.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database and the uploaded files into one .tar.gz archive."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output", "-o", help="Archive to write (default: var/backups/motcua-<time>.tar.gz)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from django.conf import settings

        output = options.get("output") or str(
            Path(settings.VAR_DIR) / "backups" / f"motcua-{timezone.now():%Y%m%d-%H%M%S}.tar.gz"
        )
        try:
            summary = backup(Path(output))
        except BackupError as exc:
            raise CommandError(str(exc), returncode=1) from exc
        rows = sum(summary.tables.values())
        self.stdout.write(
            f"backup written: {summary.path} ({summary.vendor}, {rows} rows, {summary.files} files)"
        )
