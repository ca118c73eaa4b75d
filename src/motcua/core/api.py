"""Shared API helpers: DomainError -> HTTP, uniform error bodies."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import exceptions, renderers, serializers
from rest_framework.parsers import BaseParser
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from motcua.core import json_input
from motcua.core.errors import DomainError, ValidationFailed

MB = 1024 * 1024


class ErrorSerializer(serializers.Serializer):
    """Every error response: ``{"error": {"code": ..., "message": ..., "fields": {...}}}``."""

    error = serializers.DictField()


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DomainError):
        body: dict[str, Any] = {"code": exc.code, "message": exc.message}
        if isinstance(exc, ValidationFailed) and exc.errors:  # several fields at once (intake)
            body["fields"] = exc.errors
        elif exc.field:
            body["fields"] = {exc.field: [exc.message]}
        return Response({"error": body}, status=exc.status_code)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(data, dict) and "detail" in data and len(data) == 1:
        code = getattr(data["detail"], "code", "error")
        response.data = {"error": {"code": code, "message": str(data["detail"])}}
    else:
        response.data = {
            "error": {"code": "invalid", "message": "Invalid input.", "fields": data},
        }
    return response


class RequestTooLarge(exceptions.APIException):
    status_code = 413
    default_code = "too_large"


def too_large(limit_bytes: int) -> RequestTooLarge:
    return RequestTooLarge(
        _("The request is larger than %(max)s MB.") % {"max": f"{limit_bytes / MB:g}"}
    )


class StrictJSONParser(BaseParser):
    """The API's JSON parser: ``json_input.loads`` refuses deep nesting, lone surrogates and NaN
    with a 400 ``parse_error`` (they were 500s further on), and a body above the view's limit is
    a 413 ``too_large`` in the error format.

    The limit is ``view.body_limit()`` when the view has one (the inbound endpoint:
    ``MOTCUA_INBOUND_MAX_MB``), else Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE``. Not a subclass of
    DRF's ``JSONParser`` on purpose: DRF reads the body of those through ``request.body``, where
    Django refuses anything above ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (2.5 MB) with an HTML 400,
    whatever the endpoint documents."""

    media_type = "application/json"
    renderer_class = renderers.JSONRenderer

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        context = parser_context or {}
        body_limit = getattr(context.get("view"), "body_limit", None)
        limit = body_limit() if body_limit is not None else settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = b"" if stream is None else stream.read() if limit is None else stream.read(limit + 1)
        if limit is not None and len(raw) > limit:
            raise too_large(limit)
        try:
            return json_input.loads(raw.decode(context.get("encoding", settings.DEFAULT_CHARSET)))
        except ValueError as exc:  # JSONRefused, and UnicodeDecodeError (not UTF-8)
            raise exceptions.ParseError(f"JSON parse error - {exc}") from None
