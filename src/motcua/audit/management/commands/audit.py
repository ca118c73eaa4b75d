"""``motcua audit verify``: recompute the audit chain; exit 1 when anything was tampered with."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.audit.selectors import audit_verify


class Command(BaseCommand):
    help = "Audit log tools: `verify` recomputes the hash chain and reports edited, removed or reordered entries."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="Verify the hash chain of the audit log.")

    def handle(self, *args: Any, **options: Any) -> None:
        checked, problems = audit_verify()
        if problems:
            for problem in problems:
                self.stderr.write(problem.message)
            raise CommandError(
                f"audit log: {len(problems)} problem(s) in {checked} entries", returncode=1
            )
        self.stdout.write(f"audit log: {checked} entries, chain intact")
