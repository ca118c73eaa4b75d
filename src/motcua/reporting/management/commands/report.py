"""``motcua report settlement --from YYYY-MM-DD --to YYYY-MM-DD [--agency CODE]
[--group-by agency|field|procedure] --format json|csv|xlsx|pdf [--output FILE]``.

Bad parameters end with exit status 2 and a message on stderr."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.core.errors import DomainError
from motcua.reporting import exports
from motcua.reporting.settlement import (
    GROUP_BY,
    group_by_parse,
    period_parse,
    report_scope,
    settlement_report,
)


class Command(BaseCommand):
    help = "Produce a report (settlement: Biểu 06/VPCP/KSTT) for a period of whole local days."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("report", choices=["settlement"], help="Which report.")
        parser.add_argument("--from", dest="date_from", required=True, help="First day YYYY-MM-DD.")
        parser.add_argument("--to", dest="date_to", required=True, help="Last day YYYY-MM-DD.")
        parser.add_argument(
            "--agency",
            default=None,
            help="Agency identifier code (settling agency; a Center: records received there).",
        )
        parser.add_argument("--group-by", default="agency", choices=GROUP_BY)
        parser.add_argument("--format", default="json", choices=exports.FORMATS)
        parser.add_argument("--output", default=None, help="File to write (default: stdout).")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            period = period_parse(options["date_from"], options["date_to"])
            group_by = group_by_parse(options["group_by"])
            scope = report_scope(user=None, agency_code=options["agency"])
        except DomainError as exc:
            field = f"--{exc.field.replace('_', '-')}: " if exc.field else ""
            raise CommandError(f"{field}{exc.message}", returncode=2) from exc
        report = settlement_report(period=period, scope=scope, group_by=group_by)
        data = exports.render(report, options["format"])
        if options["output"]:
            with open(options["output"], "wb") as handle:
                handle.write(data)
            self.stderr.write(f"{options['output']}: {len(report.rows)} rows")
        elif options["format"] in ("json", "csv"):
            self.stdout.write(data.decode("utf-8").lstrip("\ufeff"), ending="")
        else:
            if sys.stdout.isatty():
                raise CommandError("Binary formats need --output FILE.", returncode=2)
            sys.stdout.buffer.write(data)
