"""Shared API helpers: DomainError -> HTTP, uniform error bodies."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from motcua.core.errors import DomainError, ValidationFailed

# The parsers and the 413 are in motcua.core.parsers: DRF's views (imported here) load
# DEFAULT_PARSER_CLASSES while they are imported.


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
