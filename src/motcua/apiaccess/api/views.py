"""``POST /api/v1/inbound/records``: online records from the national portal or the provincial
hub (scope ``records:submit``). Idempotent by (source, external code) and by the
``Idempotency-Key`` header; see docs/api-clients.md."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions
from rest_framework.exceptions import ErrorDetail
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.apiaccess import services
from motcua.apiaccess.api.serializers import InboundRecordAnswerSerializer, InboundRecordSerializer
from motcua.apiaccess.authentication import ClientAuth, ClientTokenAuthentication
from motcua.core.api import ErrorSerializer, exception_handler
from motcua.core.errors import DomainError, ValidationFailed
from motcua.core.parsers import MB, StrictJSONParser, too_large
from motcua.core.users import signed_in
from motcua.records.api.views import flatten_errors, invalid, renamed
from motcua.records.models import Record
from motcua.records.services import record_submit_online

ENDPOINT = "inbound-records"
KEY_HEADER = "Idempotency-Key"
# What the key check below accepts, for the schema: visible ASCII, spaces only inside.
KEY_SCHEMA = {
    "type": "string",
    "minLength": 1,
    "maxLength": 200,
    "pattern": r"^[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?$",
}


class IsApiClient(BasePermission):
    message = gettext_lazy("Only API clients (OAuth2 bearer tokens) may post inbound records.")

    def has_permission(self, request: Request, view: APIView) -> bool:
        return isinstance(request.auth, ClientAuth)


def request_hash(data: Any) -> str:
    """SHA-256 of the parsed body in a canonical form (key order and spacing do not matter)."""
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def answer_body(record: Record) -> dict[str, Any]:
    documents = getattr(record, "submitted_components", None)
    if documents is None:
        documents = list(record.components.all())
    return {
        "id": record.pk,
        "code": record.code or None,
        "status": record.status,
        "national_code": record.national_code,
        "source": record.source,
        "external_code": record.external_code,
        "agency": record.agency.code,
        "procedure": record.procedure_version.procedure.code,
        "submitted_at": timezone.localtime(record.submitted_at).isoformat(),
        "documents": [
            {
                "name": doc.name,
                "copy_kind": doc.copy_kind,
                "quantity": doc.quantity,
                "has_file": bool(doc.file),
            }
            for doc in documents
        ],
        "url": f"/api/v1/records/{record.pk}/",
    }


def error_answer(exc: Exception) -> services.Answer:
    response = exception_handler(exc, {})
    if response is None:  # pragma: no cover - only DomainError/APIException reach here
        raise exc
    return services.Answer(response.status_code, dict(response.data or {}))


def _documents_field(exc: DomainError) -> DomainError:
    """The service names documents ``components.N``; this endpoint calls them ``documents.N``."""
    if not isinstance(exc, ValidationFailed):
        return exc
    exc = renamed(exc)
    exc.errors = {
        (k.replace("components", "documents", 1) if k.startswith("components") else k): v
        for k, v in exc.errors.items()
    }
    if exc.field and exc.field.startswith("components"):
        exc.field = exc.field.replace("components", "documents", 1)
    return exc


def _codes(detail: Any) -> Iterator[tuple[str, str]]:
    """(code, message) of every error in DRF's nested error detail."""
    if isinstance(detail, Mapping):
        for value in detail.values():
            yield from _codes(value)
    elif isinstance(detail, list):
        for value in detail:
            yield from _codes(value)
    elif isinstance(detail, ErrorDetail):
        yield detail.code or "", str(detail)


def _refusal(detail: Any) -> DomainError:
    """400 ``invalid`` with every field's messages; 413 ``too_large`` (the same fields) when a
    file is above ``MOTCUA_UPLOAD_MAX_MB``."""
    error = invalid(flatten_errors(detail))
    too_large_file = next((text for code, text in _codes(detail) if code == "too_large"), None)
    if too_large_file is not None:
        error.status_code = 413
        error.code = "too_large"
        error.message = too_large_file
    return error


ERRORS = {
    400: ErrorSerializer,
    401: ErrorSerializer,
    403: ErrorSerializer,
    409: ErrorSerializer,
    413: ErrorSerializer,
    422: ErrorSerializer,
    429: ErrorSerializer,
}


class InboundRecordView(APIView):
    authentication_classes = [ClientTokenAuthentication]  # machines only, no session
    permission_classes = [IsApiClient]
    parser_classes = [StrictJSONParser]

    def body_limit(self) -> int:
        """Requests up to ``MOTCUA_INBOUND_MAX_MB`` (files travel in the JSON, base64)."""
        return int(settings.MOTCUA_INBOUND_MAX_MB * MB)

    @extend_schema(
        operation_id="inbound_records_create",
        summary="Post an online record (status 1) from the portal or the hub",
        description=(
            "Scope `records:submit`; the agency must be one of the client's. The record waits in "
            "status 1 (Mới đăng ký) until the desk receives it. Documents may carry their file "
            "(PDF, JPEG or PNG, base64, checked by content, at most MOTCUA_UPLOAD_MAX_MB each).\n\n"
            "**Idempotent** by (`source`, `external_code`): the same request again returns the "
            "first answer (same status and body, header `Idempotent-Replayed: true`); different "
            "content for a pair already submitted is a 409 `duplicate`. **And** by the "
            "`Idempotency-Key` header: a retry with the same key and the same body returns the "
            "first answer, even an error; the same key with another body is a 422 "
            "`idempotency_key_reused`. Concurrent retries wait for the first and replay it."
        ),
        parameters=[
            OpenApiParameter(
                KEY_HEADER,
                KEY_SCHEMA,
                OpenApiParameter.HEADER,
                required=False,
                description=gettext_lazy(
                    "A unique value per logical request (e.g. a UUID), up to 200 visible ASCII "
                    "characters. Keys are kept per client."
                ),
            )
        ],
        request=InboundRecordSerializer,
        responses={
            201: InboundRecordAnswerSerializer,
            **{
                status: OpenApiResponse(
                    ErrorSerializer, description=gettext_lazy("See docs/api-clients.md.")
                )
                for status in ERRORS
            },
        },
        examples=[
            OpenApiExample(
                "Online record",
                value={
                    "source": "dvcqg",
                    "external_code": "G22.99-20261126-0000123",
                    "agency": "000.00.12.H99",
                    "procedure": "2.000488",
                    "applicant": {"name": "Trần Văn Bình", "id_number": "001200099999"},
                    "submitted_at": "2026-11-26T21:15:00+07:00",
                    "documents": [
                        {
                            "component_code": "TK",
                            "copy_kind": "electronic",
                            "file": {
                                "name": "to-khai.pdf",
                                "content_type": "application/pdf",
                                "content": "JVBERi0xLjQK...",
                            },
                        }
                    ],
                },
                request_only=True,
            ),
            OpenApiExample(
                "Key reused",
                value={
                    "error": {
                        "code": "idempotency_key_reused",
                        "message": "This Idempotency-Key was already used with a different request.",
                    }
                },
                response_only=True,
                status_codes=["422"],
            ),
        ],
        tags=["inbound"],
    )
    def post(self, request: Request) -> Response:
        auth: ClientAuth = request.auth  # type: ignore[assignment]  # IsApiClient
        limit = self.body_limit()
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit:  # before reading anything (the parser checks what it reads too)
            raise too_large(limit)
        key = request.headers.get(KEY_HEADER)
        if key is not None and not (
            0 < len(key) <= 200 and key.isascii() and key.isprintable() and key.strip() == key
        ):
            raise exceptions.ValidationError(
                {KEY_HEADER: [_("Give 1 to 200 visible ASCII characters.")]}
            )
        digest = request_hash(request.data)

        def produce() -> services.Answer:
            serializer = InboundRecordSerializer(data=request.data)
            if not serializer.is_valid():
                return error_answer(_refusal(serializer.errors))
            data: dict[str, Any] = serializer.validated_data  # type: ignore[assignment]
            try:
                return services.inbound_record_submit(
                    client=auth.client,
                    agency=data["agency"],
                    request_hash=digest,
                    source=data["source"],
                    external_code=data["external_code"],
                    submit=lambda: record_submit_online(
                        actor=signed_in(request.user),
                        source=data["source"],
                        external_code=data["external_code"],
                        agency=data["agency"],
                        procedure=data["procedure"],
                        applicant=data["applicant"],
                        components=data["components"],
                        subject=data["subject"],
                        submitted_at=data["submitted_at"],
                        handling_agency=data["handling_agency"],
                    ),
                    render=answer_body,
                )
            except DomainError as exc:
                return error_answer(_documents_field(exc))

        if key is None:
            answer = produce()
        else:
            answer = services.idempotent_answer(
                client=auth.client,
                key=key,
                endpoint=ENDPOINT,
                request_hash=digest,
                produce=produce,
            )
        headers = {"Idempotent-Replayed": "true"} if answer.replayed else {}
        return Response(answer.body, status=answer.status, headers=headers)
