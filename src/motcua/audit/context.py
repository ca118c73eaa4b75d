"""Who is acting in the current request (for audit entries written by signal receivers)."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.http import HttpRequest, HttpResponse

from motcua.core.client_address import client_ip

_current: ContextVar[tuple[Any, str] | None] = ContextVar("motcua_audit_actor", default=None)


def current() -> tuple[Any, str]:
    value = _current.get()
    return value if value is not None else (None, "")


class AuditContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        token = _current.set(
            (user if getattr(user, "is_authenticated", False) else None, client_ip(request))
        )
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)
