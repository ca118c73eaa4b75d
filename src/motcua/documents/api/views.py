"""Documents API: anonymous verification, and for officers result generation and signing.

Each action is its own POST; errors use the project's error format (400/403/404/409)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.core.api import ErrorSerializer
from motcua.core.errors import ValidationFailed
from motcua.core.users import signed_in
from motcua.documents import selectors, services
from motcua.documents.api.serializers import (
    GenerateSerializer,
    ResultDocumentSerializer,
    SignSerializer,
    VerificationReportSerializer,
    VerifyRequestSerializer,
)
from motcua.documents.verification import Verdict, verify_pdf

ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Invalid input"),
    403: OpenApiResponse(ErrorSerializer, description="Not allowed"),
    404: OpenApiResponse(ErrorSerializer, description="Not found (or outside your scope)"),
    409: OpenApiResponse(ErrorSerializer, description="Wrong state for this action"),
}


class VerifyView(APIView):
    """Anyone may check a signed PDF (no login; the file is not kept)."""

    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        operation_id="documents_verify",
        request={"multipart/form-data": VerifyRequestSerializer},
        responses={
            200: VerificationReportSerializer,
            400: OpenApiResponse(
                ErrorSerializer,
                description=(
                    "Invalid input: no file, too large, not a PDF (`not_pdf`) or a PDF that "
                    "cannot be read (`damaged`), with `fields.file`."
                ),
            ),
        },
    )
    def post(self, request: Request) -> Response:
        serializer = VerifyRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = verify_pdf(
            serializer.validated_data["file"].read(),
            expected_code=serializer.validated_data.get("result_code", ""),
        )
        if report.verdict in (Verdict.NOT_PDF, Verdict.DAMAGED):
            # Not a report about signatures: the file itself is unusable input.
            raise ValidationFailed(report.message, field="file", code=report.verdict)
        return Response(report.as_dict())


def _record(request: Request, record_id: int) -> Any:
    from motcua.records.selectors import record_get_by_pk

    return record_get_by_pk(user=request.user, pk=record_id)


def _result(document: Any) -> dict[str, Any]:
    return ResultDocumentSerializer(document).data  # type: ignore[return-value]


class ResultGenerateView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="documents_result_generate",
        request=GenerateSerializer,
        responses={201: ResultDocumentSerializer, **ERRORS},
    )
    def post(self, request: Request, record_id: int) -> Response:
        record = _record(request, record_id)  # out of scope: 404 before the body is read
        serializer = GenerateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        document = services.result_generate(
            actor=signed_in(request.user),
            record=record,
            content=serializer.validated_data.get("content", ""),
        )
        return Response(_result(document), status=status.HTTP_201_CREATED)


class ResultSignView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="documents_result_sign",
        request=SignSerializer,
        responses={200: ResultDocumentSerializer, **ERRORS},
    )
    def post(self, request: Request, record_id: int, result_id: int) -> Response:
        record = _record(request, record_id)  # out of scope: 404 before the body is read
        document = selectors.result_get_for_record(record=record, pk=result_id)
        serializer = SignSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        document = services.result_sign(
            actor=signed_in(request.user), document=document, role=serializer.validated_data["role"]
        )
        return Response(_result(document))
