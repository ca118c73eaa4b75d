"""Read-only representations of the catalogue for the API."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from motcua.catalogue.models import DocumentComponent, Fee, Procedure, ProcedureVersion, ProcessStep
from motcua.catalogue.selectors import current_from_prefetch
from motcua.organisations.models import Agency


class AgencyRefSerializer(serializers.ModelSerializer[Agency]):
    class Meta:
        model = Agency
        fields = ["code", "name"]


class ComponentSerializer(serializers.ModelSerializer[DocumentComponent]):
    class Meta:
        model = DocumentComponent
        fields = ["order", "code", "name", "form", "quantity", "mandatory"]


class FeeSerializer(serializers.ModelSerializer[Fee]):
    class Meta:
        model = Fee
        fields = ["order", "code", "name", "kind", "amount", "note"]


class StepSerializer(serializers.ModelSerializer[ProcessStep]):
    agency = AgencyRefSerializer(
        allow_null=True, help_text="Empty: the implementing agency handling the record."
    )
    unit = serializers.CharField(
        source="unit_code", help_text="Unit code inside the agency, e.g. MC."
    )
    is_inter_agency = serializers.BooleanField()

    class Meta:
        model = ProcessStep
        fields = [
            "order",
            "name",
            "agency",
            "unit",
            "role",
            "leaders_may_act",
            "budget_hours",
            "public_status",
            "is_inter_agency",
        ]


class VersionSummarySerializer(serializers.ModelSerializer[ProcedureVersion]):
    implementing_agencies = AgencyRefSerializer(many=True)
    receiving_agency = AgencyRefSerializer(allow_null=True)

    class Meta:
        model = ProcedureVersion
        fields = [
            "number",
            "name",
            "effective_from",
            "level",
            "implementing_agencies",
            "receiving_agency",
            "duration_value",
            "duration_unit",
            "counting_mode",
            "cutoff",
            "supplement_rule",
            "result_type",
            "online_level",
            "requires_signed_result",
            "is_illustrative",
        ]


class VersionDetailSerializer(VersionSummarySerializer):
    components = ComponentSerializer(many=True)
    fees = FeeSerializer(many=True)
    steps = StepSerializer(many=True)

    class Meta(VersionSummarySerializer.Meta):
        fields = [
            *VersionSummarySerializer.Meta.fields,
            "published_at",
            "legal_basis",
            "description",
            "components",
            "fees",
            "steps",
        ]


class FieldRefSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField()


class ProcedureListSerializer(serializers.ModelSerializer[Procedure]):
    field = FieldRefSerializer()
    current_version = serializers.SerializerMethodField()

    class Meta:
        model = Procedure
        fields = ["code", "name", "field", "is_active", "current_version"]

    @extend_schema_field(VersionSummarySerializer(allow_null=True))
    def get_current_version(self, procedure: Procedure) -> dict[str, Any] | None:
        version = current_from_prefetch(procedure)
        return VersionSummarySerializer(version).data if version is not None else None


class ProcedureDetailSerializer(ProcedureListSerializer):
    """The procedure with its current version in full (null when none is in force)."""

    @extend_schema_field(VersionDetailSerializer(allow_null=True))
    def get_current_version(self, procedure: Procedure) -> dict[str, Any] | None:
        version = self.context.get("current_version")
        return VersionDetailSerializer(version).data if version is not None else None
