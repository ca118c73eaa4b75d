"""``motcua restore FILE [--force]``: restore a backup into an empty database and media directory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.core.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore a `motcua backup` archive into the configured database (which must be empty)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Overwrite a database/media directory that is not empty.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = restore(Path(options["archive"]), force=options["force"])
        except BackupError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        rows = sum(summary.tables.values())
        self.stdout.write(
            f"restored: {summary.vendor}, {rows} rows in {len(summary.tables)} tables, {summary.files} files"
        )
