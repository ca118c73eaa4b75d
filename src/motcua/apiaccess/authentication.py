"""Bearer tokens of machine clients (OAuth2 client credentials, django-oauth-toolkit).

The token is looked up by its SHA-256 checksum (tokens are not stored in clear), must be valid
(not expired) and belong to an active client. The request then runs as the client's service
account, and the token must carry the scope the endpoint requires (``scopes.ENDPOINT_SCOPES``):
an endpoint without a row is closed to tokens. Requests without ``Authorization: Bearer`` fall
through to the next authenticator (the session).
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from oauth2_provider.models import AccessToken
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from motcua.apiaccess.models import ApiClient
from motcua.apiaccess.scopes import required_scope


class ClientAuth:
    """``request.auth`` of a client request: the client and its token's scopes."""

    def __init__(self, client: ApiClient, scopes: frozenset[str]) -> None:
        self.client = client
        self.scopes = scopes

    def has_scope(self, scope: str) -> bool:
        return not scope or scope in self.scopes


class InsufficientScope(exceptions.PermissionDenied):
    default_code = "insufficient_scope"


def _bearer(request: Request) -> str | None:
    parts = get_authorization_header(request).split()
    if not parts or parts[0].lower() != b"bearer":
        return None
    if len(parts) != 2:
        raise exceptions.AuthenticationFailed(
            _("Send the token as “Authorization: Bearer <token>”."), code="invalid_token"
        )
    try:
        return parts[1].decode("ascii")
    except UnicodeDecodeError:
        raise exceptions.AuthenticationFailed(
            _("The token is invalid or has expired."), code="invalid_token"
        ) from None


class ClientTokenAuthentication(BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[Any, ClientAuth] | None:
        raw = _bearer(request)
        if raw is None:
            return None
        checksum = hashlib.sha256(raw.encode("ascii")).hexdigest()
        token = (
            AccessToken.objects.select_related("application__api_client__user")
            .filter(token_checksum=checksum)
            .first()
        )
        client: ApiClient | None = getattr(token.application, "api_client", None) if token else None
        if (
            token is None
            or client is None
            or token.expires <= timezone.now()
            or not client.is_active
            or not client.user.is_active
        ):
            raise exceptions.AuthenticationFailed(
                _("The token is invalid or has expired."), code="invalid_token"
            )
        # Seen by the API call log even when the request is refused below.
        request._request.motcua_api_client = client  # type: ignore[attr-defined]
        auth = ClientAuth(client, frozenset(token.scope.split()))
        match = request._request.resolver_match
        scope = required_scope(match.route if match else "", request.method or "")
        if scope is None or not auth.has_scope(scope):
            raise InsufficientScope(
                _("This token does not allow this request (scope needed: %(scope)s).")
                % {"scope": scope or _("none: the endpoint is closed to API clients")}
            )
        return client.user, auth

    def authenticate_header(self, request: Request) -> str | None:
        # 401 with a challenge only for requests that tried a bearer token; requests without
        # one keep the session's answer (403 not_authenticated).
        if get_authorization_header(request).lower().startswith(b"bearer"):
            return 'Bearer realm="api"'
        return None
