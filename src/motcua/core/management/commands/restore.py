"""``motcua restore FILE [--force]``: restore a backup into an empty database and media directory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.core import dbroles
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
        # As the owner when MIGRATE_DATABASE_URL is set: the restored tables belong to it, and
        # the runtime role gets its rights on them as after `migrate`.
        with dbroles.as_owner() as runtime_role:
            try:
                summary = restore(Path(options["archive"]), force=options["force"])
            except BackupError as exc:
                raise CommandError(str(exc), returncode=2) from exc
            if runtime_role:
                dbroles.grant_runtime(runtime_role)
        rows = sum(summary.tables.values())
        self.stdout.write(
            f"restored: {summary.vendor}, {rows} rows in {len(summary.tables)} tables, {summary.files} files"
        )
