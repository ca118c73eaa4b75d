"""The API's request parsers and their size limit (docs/security.md, "Bad input and upload
limits").

Only ``rest_framework.parsers`` / ``exceptions`` / ``renderers`` (the first imports the last) are
imported here, never ``rest_framework.views``: DRF's ``APIView`` class body loads
``DEFAULT_PARSER_CLASSES``, which names :class:`StrictJSONParser`, so a module defining the
parser and importing DRF's views is an import cycle (``motcua.core.api`` was one)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import exceptions, renderers
from rest_framework.parsers import BaseParser

from motcua.core import json_input

MB = 1024 * 1024


class RequestTooLarge(exceptions.APIException):
    status_code = 413
    default_code = "too_large"


def too_large(limit_bytes: int) -> RequestTooLarge:
    return RequestTooLarge(
        _("The request is larger than %(max)s MB.") % {"max": f"{limit_bytes / MB:g}"}
    )


def read_body(stream: Any, limit: int | None, context: Any = None) -> bytes:
    """The request body, at most ``limit`` bytes (None: no limit); a 413 ``too_large`` above
    it: before reading when the declared ``Content-Length`` (from the parser context's request)
    is above it, else after reading one byte more than the limit and no further."""
    if limit is not None and _declared_length(context) > limit:
        raise too_large(limit)
    if stream is None:
        return b""
    raw = stream.read() if limit is None else stream.read(limit + 1)
    if limit is not None and len(raw) > limit:
        raise too_large(limit)
    return bytes(raw)


def _declared_length(context: Any) -> int:
    request = (context or {}).get("request")
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0) if request is not None else 0
    except ValueError:
        return 0


def utf8_text(raw: bytes) -> str:
    """The body as text: always UTF-8, whatever ``charset`` the client named (JSON is UTF-8 on
    the wire, RFC 8259; Django takes any Python codec there, and ``utf-7`` or
    ``unicode_escape`` turned plain ASCII into a lone surrogate). Else a 400 ``parse_error``."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise exceptions.ParseError(_("The body is not UTF-8 text.")) from None


class StrictJSONParser(BaseParser):
    """The API's JSON parser: ``json_input.loads`` refuses deep nesting, lone surrogates, NaN and
    numbers out of range with a 400 ``parse_error`` (they were 500s further on), and a body above
    the view's limit is a 413 ``too_large`` in the error format. The body is read as UTF-8
    whatever the request's charset (:func:`utf8_text`).

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
        text = utf8_text(read_body(stream, limit, context))
        try:
            return json_input.loads(text)
        except json_input.JSONRefused as exc:
            raise exceptions.ParseError(f"JSON parse error - {exc}") from None
