"""Per-client rate limits: requests per period counted per client in the default cache.

The rate is the client's own (``ApiClient.rate``) or ``MOTCUA_API_CLIENT_RATE``. Session users
(officers) are not limited here. With several server processes each keeps its own count unless
the default cache is shared (Redis); see docs/api-clients.md."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from motcua.apiaccess.authentication import ClientAuth


class ClientRateThrottle(SimpleRateThrottle):
    scope = "api_client"

    def __init__(self) -> None:  # the rate is per client: chosen in allow_request
        self.rate: str | None = None

    def get_rate(self) -> str | None:
        return self.rate

    def allow_request(self, request: Request, view: Any) -> bool:
        auth = request.auth
        if not isinstance(auth, ClientAuth):
            return True
        self.rate = auth.client.rate or settings.MOTCUA_API_CLIENT_RATE
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        auth = request.auth
        if not isinstance(auth, ClientAuth):
            return None
        return self.cache_format % {"scope": self.scope, "ident": auth.client.pk}
