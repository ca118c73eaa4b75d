"""Inbound online records: the request (documents with optional base64 files) and the answer."""

from __future__ import annotations

import base64
import binascii
import math
import os
from dataclasses import replace
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from motcua.documents import scans
from motcua.records.api.serializers import (
    AgencyCodeField,
    AwareDateTimeField,
    ProcedureCodeField,
    RecordApplicantInputSerializer,
    RecordComponentInputSerializer,
    components_data,
)
from motcua.records.services import ApplicantData
from motcua.records.services.intake import version_in_force

CONTENT_TYPES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


def _scan_problem(problem: str) -> str:
    if problem == "pixels":
        return scans.pixels_message()
    if problem == "pdf":
        return str(_("The content is a damaged PDF: it cannot be read."))
    if problem == "image":
        return str(_("The content is a damaged image: it cannot be decoded."))
    return str(_("The content is not a PDF, JPEG or PNG document."))


class InboundFileSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, help_text=_("File name, e.g. to-khai.pdf."))
    content_type = serializers.ChoiceField(
        choices=list(CONTENT_TYPES), help_text=_("application/pdf, image/jpeg or image/png.")
    )
    content = serializers.CharField(
        help_text=_("The file, base64-encoded (RFC 4648, no line breaks).")
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        limit_mb = settings.MOTCUA_UPLOAD_MAX_MB
        limit = limit_mb * 1024 * 1024
        text = attrs["content"]
        too_large = serializers.ValidationError(  # the view answers 413 (docs/api-clients.md)
            {"content": [_("The file is larger than %(max)s MB.") % {"max": limit_mb}]},
            code="too_large",
        )
        if len(text) > math.ceil(limit / 3) * 4:
            raise too_large
        try:
            data = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            raise serializers.ValidationError(
                {"content": [_("The content is not valid base64.")]}
            ) from None
        if not data:
            raise serializers.ValidationError({"content": [_("The file is empty.")]})
        if len(data) > limit:
            raise too_large
        kind = scans.sniff(data)
        expected = CONTENT_TYPES[attrs["content_type"]]
        if kind != expected:
            raise serializers.ValidationError(
                {
                    "content": [
                        _(
                            "The content is not a %(type)s document (the bytes were checked, not "
                            "the name)."
                        )
                        % {"type": attrs["content_type"]}
                    ]
                }
            )
        try:  # parsed as the desk parses its scans (records.forms.validate_scan)
            scans.read_scan(data)
        except scans.ScanRefused as exc:
            raise serializers.ValidationError(
                {"content": [_scan_problem(exc.problem)]}, code=f"file_{exc.problem}"
            ) from None
        stem = slugify(os.path.splitext(attrs["name"])[0])[:60] or "document"
        return {"file": ContentFile(data, name=f"{stem}.{kind}")}


class InboundDocumentSerializer(RecordComponentInputSerializer):
    file = InboundFileSerializer(required=False, allow_null=True, default=None)


class InboundRecordSerializer(serializers.Serializer):
    """An online record from the national portal or the provincial hub."""

    source = serializers.CharField(  # type: ignore[assignment]
        max_length=40, help_text=_("Source system, e.g. dvcqg (national portal) or lgsp.")
    )
    external_code = serializers.CharField(
        max_length=60, help_text=_("The record's code in the source system (the portal code).")
    )
    agency = AgencyCodeField(help_text=_("Identifier code of the receiving agency."))
    procedure = ProcedureCodeField(help_text=_("National procedure code."))
    handling_agency = AgencyCodeField(required=False, allow_null=True, default=None)
    applicant = RecordApplicantInputSerializer()
    subject = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    submitted_at = AwareDateTimeField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("When the applicant filed it, with offset; default: now."),
    )
    documents = InboundDocumentSerializer(many=True, required=False, default=list)

    def validate_documents(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if len(value) > 100:
            raise serializers.ValidationError(_("At most 100 documents per record."))
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        documents = attrs.pop("documents")
        try:
            # The memoised version in force, its checklist loaded (no query per request).
            version = version_in_force(attrs["procedure"].pk)
            components = components_data(version, documents)
        except serializers.ValidationError as exc:
            detail: Any = exc.detail
            raise serializers.ValidationError(
                {
                    key.replace("components.", "documents.", 1): value
                    for key, value in detail.items()
                }
            ) from None
        attrs["components"] = [
            replace(item, file=(doc.get("file") or {}).get("file"))
            for item, doc in zip(components, documents, strict=True)
        ]
        attrs["applicant"] = ApplicantData(**attrs["applicant"])
        return attrs


class InboundDocumentAnswerSerializer(serializers.Serializer):
    name = serializers.CharField()
    copy_kind = serializers.CharField()
    quantity = serializers.IntegerField()
    has_file = serializers.BooleanField()


class InboundRecordAnswerSerializer(serializers.Serializer):
    """The answer: the record as created, without applicant data (it is kept for retries)."""

    id = serializers.IntegerField(help_text=_("Addresses the record until it has a code."))
    code = serializers.CharField(
        allow_null=True, help_text=_("Given when the desk receives it; null until then.")
    )
    status = serializers.CharField()
    national_code = serializers.IntegerField(help_text=_("1: Mới đăng ký (submitted)."))
    source = serializers.CharField()  # type: ignore[assignment]
    external_code = serializers.CharField()
    agency = serializers.CharField()
    procedure = serializers.CharField()
    submitted_at = serializers.DateTimeField()
    documents = InboundDocumentAnswerSerializer(many=True)
    url = serializers.CharField(help_text=_("The record in the records API."))
