"""Scopes of the machine clients: what each one allows, which staff roles it gives the client's
service account in its agencies, and which scope each API endpoint requires.

A token is valid only on the endpoints its scopes cover: an API endpoint missing from
``ENDPOINT_SCOPES`` is closed to machine clients (403 ``insufficient_scope``). Add a row when you
add an endpoint that clients may call.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext_lazy as _
from oauth2_provider.scopes import BaseScopes

from motcua.organisations.models import Role

SCOPES: dict[str, Any] = {
    "records:read": _("Read the records of the client's agencies"),
    "records:intake": _("Receive complete dossiers at the desk of the client's agencies"),
    "records:submit": _("Post online submissions (status 1) to the client's agencies"),
    "records:act": _("Take processing actions on the records of the client's agencies"),
    "catalogue:read": _("Read the procedure catalogue"),
    "reports:read": _("Read the reports of the client's agencies"),
    "calendar:read": _("Compute due dates with the working calendar"),
}

# Roles the service account holds in each of the client's agencies (agency-wide, no unit).
# A center supervisor role only makes the agency's records visible; it allows no action.
ROLES_FOR_SCOPE: dict[str, tuple[str, ...]] = {
    "records:read": (Role.CENTER_SUPERVISOR,),
    "reports:read": (Role.CENTER_SUPERVISOR,),
    "records:intake": (Role.RECEPTION,),
    "records:submit": (Role.RECEPTION,),
    "records:act": (Role.SPECIALIST, Role.UNIT_HEAD),
    "catalogue:read": (),
    "calendar:read": (),
}

READ = frozenset({"GET", "HEAD", "OPTIONS"})
WRITE = frozenset({"POST"})
# (route prefix, exact route?, methods, scope); the first matching row wins. "" = any valid token.
ENDPOINT_SCOPES: tuple[tuple[str, bool, frozenset[str], str], ...] = (
    ("api/v1/inbound/records", True, WRITE, "records:submit"),
    ("api/v1/records/online/", True, WRITE, "records:submit"),
    ("api/v1/records/", True, WRITE, "records:intake"),
    ("api/v1/records/<str:code>/actions/", False, WRITE, "records:act"),
    ("api/v1/records/", False, READ, "records:read"),
    ("api/v1/catalogue/", False, READ, "catalogue:read"),
    ("api/v1/reports/", False, READ, "reports:read"),
    ("api/v1/calendar/", False, READ, "calendar:read"),
    ("api/v1/public/", False, READ, ""),
    ("api/v1/schema/", False, READ, ""),
    ("api/v1/docs/", False, READ, ""),
)


def required_scope(route: str, method: str) -> str | None:
    """The scope an endpoint requires (``""``: any valid token); None: closed to clients."""
    for prefix, exact, methods, scope in ENDPOINT_SCOPES:
        matches = route == prefix if exact else route.startswith(prefix)
        if matches and method in methods:
            return scope
    return None


def normalise(scopes: Iterable[str]) -> list[str]:
    """Known scopes in a stable order, without duplicates; unknown names raise ValueError."""
    wanted = {scope.strip() for scope in scopes if scope.strip()}
    unknown = wanted - set(SCOPES)
    if unknown:
        raise ValueError(", ".join(sorted(unknown)))
    return [scope for scope in SCOPES if scope in wanted]


def roles_for(scopes: Iterable[str]) -> set[str]:
    return {role for scope in scopes for role in ROLES_FOR_SCOPE.get(scope, ())}


class ClientScopes(BaseScopes):
    """django-oauth-toolkit scopes backend: a client may ask only for its allowed scopes, and
    gets all of them when it asks for none."""

    def get_all_scopes(self) -> dict[str, Any]:
        return {name: str(label) for name, label in SCOPES.items()}

    def get_available_scopes(
        self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any
    ) -> list[str]:
        return _allowed(application)

    def get_default_scopes(
        self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any
    ) -> list[str]:
        return _allowed(application)


def _allowed(application: Any) -> list[str]:
    client = getattr(application, "api_client", None) if application is not None else None
    if client is None or not client.is_active:
        return []
    return client.scope_list
