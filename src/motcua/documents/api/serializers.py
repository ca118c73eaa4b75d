from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class VerifyRequestSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=_("The signed PDF to check (not kept)."))
    result_code = serializers.CharField(
        required=False, allow_blank=True, max_length=60, help_text=_("The result code from the QR.")
    )

    def validate_file(self, upload):  # type: ignore[no-untyped-def]
        limit = settings.MOTCUA_VERIFY_MAX_MB * 1024 * 1024
        if upload.size > limit:
            raise serializers.ValidationError(
                _("The file is too large (%(mb)s MB at most).")
                % {"mb": settings.MOTCUA_VERIFY_MAX_MB}
            )
        head = upload.read(1024)
        upload.seek(0)
        if b"%PDF-" not in head:
            raise serializers.ValidationError(_("The file is not a PDF document."))
        return upload


class SignatureReportSerializer(serializers.Serializer):
    signature_field = serializers.CharField()
    signer = serializers.CharField()
    organisation = serializers.CharField()
    signed_at = serializers.DateTimeField(allow_null=True)
    timestamped = serializers.BooleanField()
    intact = serializers.BooleanField()
    valid = serializers.BooleanField()
    trusted = serializers.BooleanField()
    covers_whole_file = serializers.BooleanField()
    changed_after = serializers.BooleanField()
    ok = serializers.BooleanField()
    problem = serializers.CharField()


class VerificationReportSerializer(serializers.Serializer):
    verdict = serializers.ChoiceField(
        choices=["valid", "invalid", "modified", "untrusted", "unsigned", "not_pdf", "damaged"]
    )
    ok = serializers.BooleanField()
    message = serializers.CharField()
    sha256 = serializers.CharField()
    size = serializers.IntegerField()
    result_code = serializers.CharField()
    record_code = serializers.CharField()
    expected_code = serializers.CharField()
    registered = serializers.BooleanField(allow_null=True)
    signatures = SignatureReportSerializer(many=True)


class GenerateSerializer(serializers.Serializer):
    content = serializers.CharField(required=False, allow_blank=True, max_length=4000)


class SignSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=["signer", "seal"])


class ResultDocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    kind = serializers.CharField()
    sha256 = serializers.CharField()
    size = serializers.IntegerField()
    signature_count = serializers.IntegerField()
    sealed = serializers.BooleanField()
    pdfa = serializers.BooleanField()
