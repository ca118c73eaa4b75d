"""The API call log: one row per request to ``/api/`` or ``/oauth/`` (client or user, endpoint
name, method, status, duration). Bodies are never read or stored."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from motcua.apiaccess.services import api_call_record

logger = logging.getLogger("motcua.apiaccess")

LOGGED_PREFIXES = ("/api/", "/oauth/")


class ApiCallLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(LOGGED_PREFIXES) or not settings.MOTCUA_API_LOG:
            return self.get_response(request)
        started_at = timezone.now()
        started = time.perf_counter()
        response = self.get_response(request)
        duration_ms = round((time.perf_counter() - started) * 1000)
        client = getattr(request, "motcua_api_client", None)
        # request.user is set by the session middleware, or by DRF once a token authenticated;
        # read it only when it is already loaded (no extra query for anonymous calls).
        user = request.__dict__.get("user")
        user_wrapped = getattr(user, "_wrapped", user)
        user_id = getattr(user_wrapped, "pk", None) if user_wrapped is not None else None
        match = request.resolver_match
        endpoint = (match.view_name or match.route) if match else "(unknown)"
        try:
            api_call_record(
                at=started_at,
                client_id=client.pk if client is not None else None,
                user_id=user_id if isinstance(user_id, int) else None,
                endpoint=endpoint,
                method=request.method or "",
                status=response.status_code,
                duration_ms=duration_ms,
            )
        except Exception:  # the log must never break the answer
            logger.exception("api_call_log_failed", extra={"endpoint": endpoint})
        return response
