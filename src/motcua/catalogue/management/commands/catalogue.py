"""``motcua catalogue import FILE [--publish]`` and ``motcua catalogue export --format json|xlsx
--output FILE``: the procedure catalogue as JSON or XLSX (formats in docs/catalogue.md).

Import is all-or-nothing: on any error it prints every error with its location on stderr, writes
nothing and exits with code 2.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.catalogue import formats, selectors, services
from motcua.core.errors import DomainError

# Exit code for bad input (as argparse uses for usage errors).
BAD_INPUT = 2


class Command(BaseCommand):
    help = "Import or export the procedure catalogue (JSON or XLSX)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{import,export}")
        load = actions.add_parser(
            "import",
            help="Create or update procedures from a JSON or XLSX file; all-or-nothing.",
        )
        load.add_argument("file", help="A .json or .xlsx file (other names: detected by content).")
        load.add_argument(
            "--publish",
            action="store_true",
            help="Publish the imported drafts (they must pass the publish checks).",
        )
        dump = actions.add_parser(
            "export", help="Write the catalogue: each procedure's newest published version."
        )
        dump.add_argument("--format", choices=["json", "xlsx"], required=True, dest="fmt")
        dump.add_argument(
            "--output", required=True, help="File to write ('-' for stdout, JSON only)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "import":
            self._import(Path(options["file"]), publish=options["publish"])
        else:
            self._export(options["fmt"], options["output"])

    def _import(self, path: Path, *, publish: bool) -> None:
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise CommandError(
                f"Cannot read {path}: {exc.strerror}.", returncode=BAD_INPUT
            ) from exc
        parsed = formats.parse_bytes(raw, formats.detect_format(path, raw))
        try:
            report = services.catalogue_import(
                actor=None, entries=parsed.entries, publish=publish, parse_errors=parsed.errors
            )
        except services.CatalogueImportError as exc:
            for error in exc.problems:
                self.stderr.write(f"{path}: {error}")
            raise CommandError(exc.summary, returncode=BAD_INPUT) from exc
        except DomainError as exc:
            raise CommandError(exc.message, returncode=BAD_INPUT) from exc
        self.stdout.write(self.style.SUCCESS(str(report)))

    def _export(self, fmt: str, output: str) -> None:
        items = formats.export_items(selectors.versions_for_export(user=None))
        data = formats.export_bytes(items, fmt)
        if output == "-":
            if fmt != "json":
                raise CommandError(
                    "XLSX cannot be written to stdout; give a file name.", returncode=BAD_INPUT
                )
            self.stdout.write(data.decode("utf-8"), ending="")
            return
        try:
            Path(output).write_bytes(data)
        except OSError as exc:
            raise CommandError(
                f"Cannot write {output}: {exc.strerror}.", returncode=BAD_INPUT
            ) from exc
        self.stdout.write(self.style.SUCCESS(f"{len(items)} procedures written to {output}."))
