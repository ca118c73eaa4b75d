"""``motcua audit verify`` and ``motcua audit anchor`` (docs/security.md, "The audit log").

verify: recompute the hash chain, compare it with its head and with the anchors written outside
the database. Exit 0: intact; 1: tampering found (an edited, removed or reordered entry, a missing
head, an emptied log, a chain shorter than or different from its anchors, an edited anchor
file); 2: could not verify (the anchor file given or configured cannot be read).

anchor: append the signed head to MOTCUA_AUDIT_ANCHOR_DIR/anchors.jsonl and POST it to
MOTCUA_AUDIT_ANCHOR_WEBHOOK_URL when set. Exit 0: anchored; 1: refused, the head does not extend
the last anchor (nothing written); 2: the file cannot be written or the webhook is misconfigured;
3: written to the file, but the webhook did not take it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.audit import anchors
from motcua.audit.selectors import verify_chain


class Command(BaseCommand):
    help = (
        "Audit log tools: `verify` recomputes the hash chain and compares it with its head and "
        "anchors; `anchor` writes the signed chain head outside the database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="Verify the hash chain of the audit log.")
        verify.add_argument(
            "--anchor-file",
            default="",
            help="Compare with this anchor file (e.g. a copy kept by the webhook receiver) "
            "instead of MOTCUA_AUDIT_ANCHOR_DIR/anchors.jsonl.",
        )
        sub.add_parser(
            "anchor", help="Write the signed chain head to the anchor file (and webhook)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "anchor":
            self._anchor()
        else:
            self._verify(options["anchor_file"])

    def _verify(self, anchor_file: str) -> None:
        path = Path(anchor_file) if anchor_file else None
        if path is not None and not path.is_file():
            raise CommandError(f"no such anchor file: {path}", returncode=2)
        try:
            result = verify_chain(anchor_file=path)
        except anchors.AnchorError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        if result.problems:
            for problem in result.problems:
                self.stderr.write(problem.message)
            raise CommandError(
                f"audit log: {len(result.problems)} problem(s) in {result.checked} entries",
                returncode=1,
            )
        if result.anchor is None:
            anchored = f"no anchor in {result.anchor_file} to compare with"
        else:
            anchored = f"matches the anchor of {result.anchor.at} (entry {result.anchor.sequence})"
        self.stdout.write(f"audit log: {result.checked} entries, chain intact; {anchored}")

    def _anchor(self) -> None:
        try:
            webhook = anchors.webhook_configured()
            anchor = anchors.anchor_head()
        except anchors.AnchorError as exc:
            raise CommandError(str(exc), returncode=exc.exit_code) from exc
        self.stdout.write(
            f"anchored entry {anchor.sequence} ({anchor.hash[:12]}) in {anchors.default_path()}"
        )
        if webhook:
            try:
                status = anchors.send(anchor)
            except anchors.AnchorError as exc:
                raise CommandError(str(exc), returncode=exc.exit_code) from exc
            self.stdout.write(f"sent to the webhook: HTTP {status}")
