"""``motcua calendar due ...`` and ``motcua calendar days ...``: the working-time calendar on the
command line. Same parameters and JSON answer as ``GET /api/v1/calendar/due``; bad parameters
print a clear message on stderr and exit with code 2."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from motcua.organisations.calendar_query import (
    QueryInvalid,
    calendar_days,
    calendar_due,
    days_query_parse,
    due_as_json,
    due_query_parse,
)

# Exit code of a command given bad parameters (the same as argparse's own usage errors).
USAGE_ERROR = 2


class Command(BaseCommand):
    help = "The working-time calendar: due instants (due) and the days off of a year (days)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{due,days}")

        due = actions.add_parser(
            "due",
            help="When a duration counted from a receipt instant falls due (JSON on stdout).",
        )
        due.add_argument(
            "--start",
            required=True,
            help="Receipt instant, ISO 8601 with an offset: 2025-01-02T08:00:00+07:00.",
        )
        due.add_argument(
            "--duration", required=True, help="Legal duration: 0 (same day) or a positive number."
        )
        due.add_argument(
            "--unit", required=True, help="working_hours, working_days or calendar_days."
        )
        due.add_argument("--mode", help="hours (default) or days; only for working_days.")
        due.add_argument("--cutoff", help="Same-day cut-off HH:MM, e.g. 15:00.")
        due.add_argument("--agency", help="Agency identifier code, e.g. 000.00.12.H29.")

        days = actions.add_parser(
            "days",
            help="Non-working weekdays and working weekend days of a year, with their reasons.",
        )
        days.add_argument("--year", required=True, help="The year, e.g. 2026.")
        days.add_argument("--agency", help="Agency identifier code, e.g. 000.00.12.H29.")
        days.add_argument("--json", action="store_true", help="Print JSON instead of text.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "due":
                self._due(options)
            else:
                self._days(options)
        except QueryInvalid as exc:
            raise CommandError(_usage_message(exc), returncode=USAGE_ERROR) from exc

    def _due(self, options: dict[str, Any]) -> None:
        query = due_query_parse(
            {
                name: options.get(name)
                for name in ("start", "duration", "unit", "mode", "cutoff", "agency")
            }
        )
        answer = due_as_json(calendar_due(query=query))
        self.stdout.write(json.dumps(answer, ensure_ascii=False, indent=2))

    def _days(self, options: dict[str, Any]) -> None:
        query = days_query_parse({"year": options.get("year"), "agency": options.get("agency")})
        answer = calendar_days(query=query)
        if options.get("json"):
            self.stdout.write(json.dumps(answer, ensure_ascii=False, indent=2))
            return
        self.stdout.write(_("Non-working weekdays in %(year)s:") % {"year": answer["year"]})
        for row in answer["days_off"]:
            self.stdout.write(f"  {row['date']}  {row['label']}: {row['reason']}")
        if not answer["days_off"]:
            self.stdout.write("  " + _("none"))
        self.stdout.write(
            _("Weekend days that are working days in %(year)s:") % {"year": answer["year"]}
        )
        for row in answer["working_days"]:
            self.stdout.write(f"  {row['date']}  {row['label']}: {row['reason']}")
        if not answer["working_days"]:
            self.stdout.write("  " + _("none"))


def _usage_message(exc: QueryInvalid) -> str:
    lines = [_("Invalid parameters:")]
    lines += [f"  --{name}: {' '.join(messages)}" for name, messages in exc.fields.items()]
    return "\n".join(lines)
