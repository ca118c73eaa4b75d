"""Shared API helpers: DomainError -> HTTP, uniform error bodies."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework import serializers
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from motcua.core import json_input
from motcua.core.errors import DomainError


class ErrorSerializer(serializers.Serializer):
    """Every error response: ``{"error": {"code": ..., "message": ..., "fields": {...}}}``."""

    error = serializers.DictField()


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DomainError):
        body: dict[str, Any] = {"code": exc.code, "message": exc.message}
        errors = getattr(exc, "errors", None)  # several fields at once (e.g. intake)
        if isinstance(errors, dict) and errors:
            body["fields"] = errors
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


class StrictJSONParser(JSONParser):
    """DRF's JSON parser, refusing what ``json_input.loads`` refuses (deep nesting, lone
    surrogates, NaN) with a 400 ``parse_error`` instead of a 500 further on."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            raw = stream.read() if stream is not None else b""
            return json_input.loads(raw.decode(encoding))
        except ValueError as exc:  # JSONRefused, and UnicodeDecodeError (not UTF-8)
            raise ParseError(f"JSON parse error - {exc}") from None
