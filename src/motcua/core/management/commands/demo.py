"""``motcua demo``: load the demonstration data (idempotent; refused unless MOTCUA_DEMO_DATA).

Loads the demo province, agencies, units and staff accounts, then the demo procedure catalogue
when the catalogue app provides ``catalogue_load_demo``. Running it again changes nothing.
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from motcua.core.errors import DomainError
from motcua.organisations.demo import (
    ADMIN_USERNAME,
    DEMO_PASSWORD,
    DemoSummary,
    demo_load_organisations,
)

REFUSED = (
    "Demo data is disabled here (MOTCUA_DEMO_DATA is off). The demo accounts share a published "
    "password, so they must never exist on a production system. To load them on a development or "
    "training machine, set MOTCUA_DEMO_DATA=true (the default in motcua.conf.dev)."
)


class Command(BaseCommand):
    help = "Load the demonstration province, agencies, staff accounts and procedure catalogue (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--quiet-accounts",
            action="store_true",
            help="Do not print the table of demo accounts.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.MOTCUA_DEMO_DATA:
            raise CommandError(REFUSED, returncode=2)
        try:
            with transaction.atomic():
                summary = demo_load_organisations()
                catalogue_line, catalogue_changed = self._load_catalogue()
        except (ValidationError, DomainError) as exc:
            raise CommandError(
                f"Demo data not loaded, nothing was written: {exc}", returncode=1
            ) from exc

        self._print_counts(summary)
        self.stdout.write(catalogue_line)
        if not options["quiet_accounts"]:
            self._print_accounts(summary)
        changed = summary.changed or catalogue_changed
        verdict = (
            "Demo data loaded." if changed else "Demo data already up to date; nothing changed."
        )
        self.stdout.write(self.style.SUCCESS(verdict))
        self._load_pki()

    def _load_pki(self) -> None:
        """Demo CA, leaders' signer certificates and agency seals (documents app; idempotent)."""
        from motcua.documents.demo import demo_load_pki

        self.stdout.write(f"Signatures (demo PKI): {demo_load_pki()}")

    def _load_catalogue(self) -> tuple[str, bool]:
        # Guard until motcua.catalogue.services.catalogue_load_demo lands; then call it directly.
        # find_spec, not try/except ImportError: a broken services module must fail loudly.
        if importlib.util.find_spec("motcua.catalogue.services") is None:
            return "Catalogue: skipped (motcua.catalogue.services is not available yet).", False
        catalogue_services = importlib.import_module("motcua.catalogue.services")
        loader = getattr(catalogue_services, "catalogue_load_demo", None)
        if loader is None:
            return "Catalogue: skipped (catalogue_load_demo is not available yet).", False
        from django.contrib.auth import get_user_model

        actor = get_user_model()._default_manager.get(username=ADMIN_USERNAME)
        result = loader(actor=actor)
        return f"Catalogue: {result}", bool(getattr(result, "changed", True))

    def _print_counts(self, summary: DemoSummary) -> None:
        self.stdout.write("Organisations and accounts:")
        for kind, tally in summary.tallies.items():
            self.stdout.write(
                f"  {kind:<22} {tally.total:>4} total  {tally.created:>3} created  "
                f"{tally.updated:>3} updated  {tally.unchanged:>3} unchanged"
            )

    def _print_accounts(self, summary: DemoSummary) -> None:
        self.stdout.write("")
        self.stdout.write(f"Demo accounts (initial password for all: {DEMO_PASSWORD}):")
        width = max(len(a.username) for a in summary.accounts)
        name_width = max(len(a.full_name) for a in summary.accounts)
        header = f"  {'username':<{width}}  {'full name':<{name_width}}  role @ agency / unit"
        self.stdout.write(header)
        self.stdout.write("  " + "-" * (len(header) + 20))
        for account in summary.accounts:
            grants = "; ".join(account.grants)
            if account.superuser:
                grants += " (superuser, Django admin)"
            flag = "  [new]" if account.created else ""
            self.stdout.write(
                f"  {account.username:<{width}}  {account.full_name:<{name_width}}  {grants}{flag}"
            )
