from rest_framework import serializers


class LookupQuerySerializer(serializers.Serializer):
    code = serializers.CharField(max_length=40, help_text="The record code printed on the receipt.")
    k = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=64,
        help_text="The secret from the receipt's QR code.",
    )
    digits = serializers.RegexField(
        r"^[0-9]{4}$",
        required=False,
        allow_blank=True,
        help_text="Or: the last 4 digits of the applicant's phone or ID number.",
    )

    def validate(self, attrs):  # type: ignore[no-untyped-def]
        if not attrs.get("k") and not attrs.get("digits"):
            raise serializers.ValidationError("Give the secret (k) or the four digits (digits).")
        return attrs


class PublicTimelineItemSerializer(serializers.Serializer):
    label = serializers.CharField()  # type: ignore[assignment]
    unit = serializers.CharField(help_text="The unit and agency (never an officer's name).")
    started_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    state = serializers.CharField()
    state_label = serializers.CharField()


class PublicFeeSerializer(serializers.Serializer):
    name = serializers.CharField()
    amount = serializers.IntegerField(help_text="VND")


class PublicRecordSerializer(serializers.Serializer):
    code = serializers.CharField()
    procedure = serializers.CharField()
    procedure_code = serializers.CharField()
    agency = serializers.CharField()
    received_at = serializers.DateTimeField(allow_null=True)
    due_at = serializers.DateTimeField(allow_null=True, help_text="The appointment.")
    finished_at = serializers.DateTimeField(allow_null=True)
    returned_at = serializers.DateTimeField(allow_null=True)
    status = serializers.CharField()
    status_text = serializers.CharField()
    timeline = PublicTimelineItemSerializer(many=True)
    supplement_reason = serializers.CharField(allow_blank=True)
    supplement_items = serializers.ListField(child=serializers.CharField())
    fees_due = PublicFeeSerializer(many=True)
    fees_total = serializers.IntegerField()
    evaluable = serializers.BooleanField()
    evaluated = serializers.BooleanField()
