"""``GET /api/v1/reports/settlement``: the settlement report as JSON (the files are on the
report page: ``/reports/settlement/export.<csv|xlsx|pdf>``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.parsers import BaseParser
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.core.api import ErrorSerializer
from motcua.core.client_address import client_ip
from motcua.core.errors import ValidationFailed
from motcua.core.parsers import MB, read_body, utf8_text
from motcua.organisations.models.agency import AGENCY_CODE_PATTERN
from motcua.reporting.legacy_import import can_import, records_import
from motcua.reporting.settlement import (
    GROUP_BY,
    group_by_parse,
    period_parse,
    report_scope,
    settlement_report,
)


class SettlementCountsSerializer(serializers.Serializer):
    """The 11 counted columns (3-13 of the form); names as in ``settlement.COLUMNS``."""

    received_total = serializers.IntegerField()
    received_online = serializers.IntegerField()
    received_direct_postal = serializers.IntegerField()
    carried_over = serializers.IntegerField()
    settled_total = serializers.IntegerField()
    settled_early = serializers.IntegerField()
    settled_on_time = serializers.IntegerField()
    settled_late = serializers.IntegerField()
    in_progress_total = serializers.IntegerField()
    in_progress_on_time = serializers.IntegerField()
    in_progress_overdue = serializers.IntegerField()


class SettlementRowSerializer(SettlementCountsSerializer):
    agency_code = serializers.CharField(required=False)
    agency_name = serializers.CharField(required=False)
    agency_level = serializers.CharField(required=False)
    field_code = serializers.CharField(required=False)
    field_name = serializers.CharField(required=False)  # type: ignore[assignment]
    procedure_code = serializers.CharField(required=False)
    procedure_name = serializers.CharField(required=False)


class SettlementReportSerializer(serializers.Serializer):
    rows = SettlementRowSerializer(many=True)
    totals = SettlementCountsSerializer()


class SettlementReportView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["reports"],
        summary="Settlement report (Biểu 06/VPCP/KSTT, II.06a for a Center)",
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE, required=True),
            OpenApiParameter("to", OpenApiTypes.DATE, required=True),
            OpenApiParameter(
                "agency",
                {"type": "string", "pattern": AGENCY_CODE_PATTERN, "maxLength": 20},
                description="Agency identifier code",
            ),
            OpenApiParameter("group_by", OpenApiTypes.STR, enum=list(GROUP_BY)),
        ],
        responses={
            200: SettlementReportSerializer,
            400: OpenApiResponse(ErrorSerializer),
            403: OpenApiResponse(ErrorSerializer),
            404: OpenApiResponse(ErrorSerializer),
        },
    )
    def get(self, request: Request) -> Any:
        params = request.query_params
        period = period_parse(params.get("from"), params.get("to"))
        group_by = group_by_parse(params.get("group_by"))
        scope = report_scope(user=request.user, agency_code=params.get("agency"))
        report = settlement_report(period=period, scope=scope, group_by=group_by)
        return Response(report.as_json())


class JsonLinesParser(BaseParser):
    """The import body as UTF-8 text (a 400 otherwise), at most ``MOTCUA_IMPORT_MAX_MB``: above
    it a 413 ``too_large``, after reading one byte more than the limit."""

    media_type = "application/x-ndjson"

    def parse(  # type: ignore[override]
        self, stream: Any, media_type: str | None = None, parser_context: Any = None
    ) -> str:
        limit = int(settings.MOTCUA_IMPORT_MAX_MB * MB)
        return utf8_text(read_body(stream, limit, parser_context))


class PlainJsonLinesParser(JsonLinesParser):
    media_type = "application/jsonl"


class TextJsonLinesParser(JsonLinesParser):
    media_type = "text/plain"


class ImportSummarySerializer(serializers.Serializer):
    imported = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    failed = serializers.IntegerField()
    errors = serializers.ListField(child=serializers.DictField())  # type: ignore[assignment]


class IsImporter(BasePermission):
    """Superusers only: a staff account (a system administrator) is refused (403)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return can_import(request.user)


class RecordImportView(APIView):
    """Historical import (superusers: it is a migration tool). Body: JSON Lines."""

    permission_classes = [IsAuthenticated, IsImporter]
    parser_classes = [JsonLinesParser, PlainJsonLinesParser, TextJsonLinesParser]

    @extend_schema(
        tags=["imports"],
        summary="Import historical records (JSON Lines, one record per line)",
        description=(
            "Superusers only (a staff account without superuser status gets 403). Every import "
            "is written to the audit log (who, the body's SHA-256, the counts). A body above "
            "MOTCUA_IMPORT_MAX_MB (200 MB by default) is a 413 `too_large`."
        ),
        parameters=[OpenApiParameter("create_missing", OpenApiTypes.BOOL)],
        request={"application/x-ndjson": OpenApiTypes.STR},
        responses={
            200: ImportSummarySerializer,
            400: OpenApiResponse(ErrorSerializer),
            403: OpenApiResponse(ErrorSerializer),
            413: OpenApiResponse(ErrorSerializer),
        },
    )
    def post(self, request: Request) -> Response:
        body = request.data if isinstance(request.data, str) else ""
        if not body.strip():
            raise ValidationFailed(_("Send the records as JSON Lines in the body."), field="body")
        create = request.query_params.get("create_missing") in ("1", "true", "yes")
        summary = records_import(
            actor=request.user,
            content=body.encode("utf-8"),
            create_missing=create,
            via="api",
            ip=client_ip(request),
        )
        return Response(summary.as_json())
