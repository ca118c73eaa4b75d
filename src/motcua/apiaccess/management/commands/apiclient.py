"""``motcua apiclient create|rotate|list|deactivate``: manage machine clients from the console.
The secret is printed once; only its hash is stored."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.apiaccess import scopes as scope_rules
from motcua.apiaccess import services
from motcua.apiaccess.models import ApiClient
from motcua.core.errors import DomainError
from motcua.organisations.models import Agency


class Command(BaseCommand):
    help = "Register API clients (OAuth2 client credentials), rotate their secrets, list them."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Register a client; prints its secret once.")
        create.add_argument("--name", required=True)
        create.add_argument(
            "--agency", action="append", required=True, help="Agency identifier code (repeat)."
        )
        create.add_argument(
            "--scopes",
            nargs="+",
            required=True,
            help="Scopes, space- or comma-separated: " + ", ".join(scope_rules.SCOPES),
        )
        create.add_argument("--rate", default="", help="e.g. 600/min (default: the setting)")
        rotate = sub.add_parser("rotate", help="Issue a new secret; prints it once.")
        rotate.add_argument("name_or_client_id")
        deactivate = sub.add_parser("deactivate", help="Refuse the client's tokens from now on.")
        deactivate.add_argument("name_or_client_id")
        sub.add_parser("list", help="List the clients.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"do_{options['action']}")(options)
        except DomainError as exc:
            raise CommandError(exc.message) from exc

    def _client(self, ref: str) -> ApiClient:
        client = (
            ApiClient.objects.select_related("application").filter(name=ref).first()
            or ApiClient.objects.select_related("application")
            .filter(application__client_id=ref)
            .first()
        )
        if client is None:
            raise CommandError(f"No API client named or with the client id {ref!r}.")
        return client

    def do_create(self, options: dict[str, Any]) -> None:
        codes = options["agency"]
        agencies = list(Agency.objects.filter(code__in=codes))
        missing = sorted(set(codes) - {a.code for a in agencies})
        if missing:
            raise CommandError(f"Unknown agency code(s): {', '.join(missing)}")
        wanted = [s for item in options["scopes"] for s in item.replace(",", " ").split()]
        client, secret = services.api_client_create(
            actor=None, name=options["name"], agencies=agencies, scopes=wanted, rate=options["rate"]
        )
        self._print_secret(client, secret)

    def do_rotate(self, options: dict[str, Any]) -> None:
        client = self._client(options["name_or_client_id"])
        secret = services.api_client_rotate_secret(actor=None, client=client)
        self._print_secret(client, secret)

    def do_deactivate(self, options: dict[str, Any]) -> None:
        client = self._client(options["name_or_client_id"])
        services.api_client_update(actor=None, client=client, is_active=False)
        self.stdout.write(f"Deactivated {client.name}; its tokens are revoked.")

    def do_list(self, options: dict[str, Any]) -> None:
        for client in ApiClient.objects.select_related("application").prefetch_related("agencies"):
            agencies = ",".join(a.code for a in client.agencies.all())
            state = "active" if client.is_active else "inactive"
            self.stdout.write(
                f"{client.name}\t{client.application.client_id}\t{state}\t"
                f"{client.scopes}\t{agencies}\t{client.rate or '-'}"
            )

    def _print_secret(self, client: ApiClient, secret: str) -> None:
        self.stdout.write(f"name:          {client.name}")
        self.stdout.write(f"client_id:     {client.application.client_id}")
        self.stdout.write(f"client_secret: {secret}")
        self.stdout.write(f"scopes:        {client.scopes}")
        self.stdout.write("The secret is shown only now; only its hash is stored.")
