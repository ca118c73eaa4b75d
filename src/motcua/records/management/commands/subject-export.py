"""``motcua subject-export --id-number N [--output FILE.json]``: everything held about one person
(``records.subject_export``) as UTF-8 JSON, for a data-subject request. The file is written
whole or not at all, readable by its owner only."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.core.errors import DomainError, NotFound
from motcua.records.subject_export import subject_export


class Command(BaseCommand):
    help = "Export everything held about one person, by ID number (data-subject request)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--id-number", required=True, help="The person's ID number or tax code."
        )
        parser.add_argument(
            "--output", metavar="FILE", help="Write the JSON here (default: stdout)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        output = options["output"]
        if output and not Path(output).resolve().parent.is_dir():
            raise CommandError(f"--output: no directory for {output}.", returncode=2)
        try:
            export = subject_export(id_number=options["id_number"])
        except NotFound as exc:
            raise CommandError(exc.message, returncode=1) from exc
        except DomainError as exc:
            raise CommandError(exc.message, returncode=2) from exc
        text = json.dumps(export, ensure_ascii=False, indent=2) + "\n"
        if not output:
            self.stdout.write(text, ending="")
            return
        target = Path(output).resolve()
        fd, temp = tempfile.mkstemp(dir=target.parent, prefix=".subject-export-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            os.replace(temp, target)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        self.stderr.write(
            f"{target}: {len(export['records'])} record(s), {len(export['desk_slips'])} desk "
            f"slip(s), {len(export['digitised_documents'])} digitised document(s)."
        )
