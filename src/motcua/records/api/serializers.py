"""Serializers of the records API: input (parse and map codes to objects, nothing else; the
services own the business rules) and the record representations (list row and detail)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from motcua.catalogue.models import ProcedureVersion
from motcua.catalogue.selectors import procedure_get, version_current
from motcua.core.memo import memo
from motcua.core.models import User
from motcua.organisations.models import Agency, OrgUnit
from motcua.organisations.models.agency import AGENCY_CODE_PATTERN
from motcua.organisations.selectors import agency_get_by_code
from motcua.records import deadlines, masking
from motcua.records.models import Channel, Record, RecordComponent, ReturnMethod
from motcua.records.models.record import ApplicantKind
from motcua.records.services import ApplicantData, ComponentData, FeeData
from motcua.records.workflow import OPEN


# ---- fields that map codes to objects -----------------------------------------------------------
# Their format in the schema (what the lookups can find: organisations' agency_code_validator,
# catalogue's PROCEDURE_CODE_PATTERN), so that clients and the fuzzer send codes of that form.
@extend_schema_field(
    {
        "type": "string",
        "pattern": AGENCY_CODE_PATTERN,
        "maxLength": 20,
        "example": "000.00.12.H99",
    }
)
class AgencyCodeField(serializers.CharField):
    """An agency by its identifier code (e.g. ``000.00.12.H29``); unknown or inactive -> 400."""

    default_error_messages = {"unknown": _("No active agency has the identifier code “{value}”.")}

    def to_internal_value(self, data: Any) -> Agency:  # type: ignore[override]  # code -> object
        code = super().to_internal_value(data)
        # Agencies are configuration: memoised like the calendars (one query less per request).
        agency = memo(
            ("agency_by_code", code), lambda: agency_get_by_code(code=code), keep_none=False
        )
        if agency is None or not agency.is_active:
            self.fail("unknown", value=code)
        return agency


@extend_schema_field(
    {"type": "string", "pattern": r"^[0-9]\.[0-9]{6}$", "maxLength": 50, "example": "2.000488"}
)
class ProcedureCodeField(serializers.CharField):
    """A procedure by its national code (e.g. ``1.001612``); unknown or inactive -> 400."""

    default_error_messages = {"unknown": _("No active procedure has the code “{value}”.")}

    def to_internal_value(self, data: Any) -> Any:
        code = super().to_internal_value(data)
        procedure = memo(
            ("procedure_by_code", code),
            lambda: procedure_get(user=None, code=code),
            keep_none=False,
        )
        if procedure is None or not procedure.is_active:
            self.fail("unknown", value=code)
        return procedure


class UnitRefField(serializers.CharField):
    """A unit as ``<agency code>/<unit code>``, e.g. ``000.00.30.H99/HSNV``."""

    default_error_messages = {
        "format": _("Give the unit as “<agency code>/<unit code>”."),
        "unknown": _("No active unit “{value}”."),
    }

    def to_internal_value(self, data: Any) -> OrgUnit:  # type: ignore[override]  # ref -> object
        ref = super().to_internal_value(data)
        agency_code, sep, unit_code = ref.partition("/")
        if not sep or not agency_code or not unit_code:
            self.fail("format")
        agency = agency_get_by_code(code=agency_code)
        unit = (
            agency.units.filter(code=unit_code, is_active=True).first()
            if agency is not None
            else None
        )
        if unit is None:
            self.fail("unknown", value=ref)
        return unit


class UsernameField(serializers.CharField):
    """An active officer by username."""

    default_error_messages = {"unknown": _("No active officer has the username “{value}”.")}

    def to_internal_value(self, data: Any) -> User:  # type: ignore[override]  # username -> object
        username = super().to_internal_value(data)
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            self.fail("unknown", value=username)
        return user


@extend_schema_field(
    {"type": "string", "format": "date-time", "example": "2025-05-12T17:00:00+07:00"}
)
class AwareDateTimeField(serializers.DateTimeField):
    """ISO 8601 with an explicit offset; a naive instant is refused instead of guessed."""

    default_error_messages = {
        "naive": _("Give the instant with its time zone offset, e.g. 2025-05-12T17:00:00+07:00."),
    }

    def to_internal_value(self, value: Any) -> Any:
        if isinstance(value, str):
            try:
                parsed = parse_datetime(value.strip())
            except ValueError:  # 2025-02-30, 12:99, offset +25:00: DRF's parse below says "invalid"
                parsed = None
            if parsed is not None and parsed.tzinfo is None:
                self.fail("naive")
        return super().to_internal_value(value)


def _text(max_length: int | None = None, **kwargs: Any) -> serializers.CharField:
    kwargs.setdefault("required", False)
    kwargs.setdefault("allow_blank", True)
    kwargs.setdefault("default", "")
    if max_length is not None:
        kwargs["max_length"] = max_length
    return serializers.CharField(**kwargs)


def _reason(help_text: Any = None) -> serializers.CharField:
    """A required text: missing -> DRF error; blank or too long -> the service's error."""
    return serializers.CharField(allow_blank=True, help_text=help_text)


# ---- intake ---------------------------------------------------------------------------------------
class RecordApplicantInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ApplicantKind.choices, default=ApplicantKind.PERSON)
    name = serializers.CharField(max_length=200, help_text=_("Person or organisation name."))
    id_number = _text(
        20, help_text=_("ID number (9 or 12 digits) or tax code (10, 13 or 10-3 digits).")
    )
    address = _text(300)
    phone = _text(30, help_text=_("Vietnamese phone number such as 0912345678."))
    email = _text(254)
    representative_name = _text(200, help_text=_("Authorised representative, when there is one."))
    representative_id_number = _text(20)
    representative_phone = _text(30)

    def to_data(self, data: dict[str, Any]) -> ApplicantData:
        return ApplicantData(**data)


class RecordComponentInputSerializer(serializers.Serializer):
    component_code = _text(
        50,
        help_text=_(
            "Code of the document in the procedure's checklist; or give a name for another document."
        ),
    )
    name = _text(
        300, help_text=_("Document name; defaults to the checklist name of component_code.")
    )
    copy_kind = serializers.ChoiceField(
        choices=RecordComponent.CopyKind.choices, default=RecordComponent.CopyKind.ORIGINAL
    )
    quantity = serializers.IntegerField(min_value=1, max_value=100, default=1)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs.get("component_code") and not attrs.get("name"):
            raise serializers.ValidationError(
                {"component_code": [_("Give the checklist code of the document or its name.")]}
            )
        return attrs


class RecordFeeInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    amount = serializers.IntegerField(min_value=0, help_text=_("Amount in VND."))


def components_data(
    version: ProcedureVersion | None, items: list[dict[str, Any]]
) -> list[ComponentData]:
    """Map ``component_code`` to the checklist of ``version``; unknown codes are reported per
    line (``components.<n>.component_code``). Without a version (the procedure has no version in
    force) codes are left for the service to refuse."""
    known = {c.code: c for c in version.components.all()} if version is not None else {}
    result: list[ComponentData] = []
    errors: dict[str, list[Any]] = {}
    for index, item in enumerate(items):
        code = item.get("component_code") or ""
        component = known.get(code) if code else None
        if code and component is None and version is not None:
            errors[f"components.{index}.component_code"] = [
                _("The procedure's checklist has no document “%(code)s”.") % {"code": code}
            ]
            continue
        result.append(
            ComponentData(
                name=item.get("name") or (component.name if component is not None else code),
                copy_kind=item["copy_kind"],
                quantity=item["quantity"],
                component_id=component.pk if component is not None else None,
            )
        )
    if errors:
        raise serializers.ValidationError(errors)
    return result


class RecordIntakeInputSerializer(serializers.Serializer):
    """A dossier received at the desk (direct or by public postal service)."""

    agency = AgencyCodeField(
        help_text=_("Identifier code of the receiving agency (the officer's desk).")
    )
    procedure = ProcedureCodeField(
        help_text=_("National procedure code; its current published version applies.")
    )
    channel = serializers.ChoiceField(choices=[Channel.DIRECT, Channel.POSTAL])
    handling_agency = AgencyCodeField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Agency that settles the record, when the procedure has several."),
    )
    applicant = RecordApplicantInputSerializer()
    subject = _text(500, help_text=_("Content of the request; defaults to the procedure name."))
    sets = serializers.IntegerField(default=1, help_text=_("Number of sets (1-50)."))
    return_method = serializers.ChoiceField(
        choices=ReturnMethod.choices, required=False, allow_blank=True, default=""
    )
    components = RecordComponentInputSerializer(many=True)
    fees = RecordFeeInputSerializer(
        many=True,
        required=False,
        default=None,
        help_text=_("Fees due; default: the procedure's fees."),
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs["components"] = components_data(
            version_current(procedure=attrs["procedure"]), attrs["components"]
        )
        attrs["applicant"] = ApplicantData(**attrs["applicant"])
        if attrs.get("fees") is not None:
            attrs["fees"] = [FeeData(**fee) for fee in attrs["fees"]]
        return attrs


class RecordOnlineInputSerializer(serializers.Serializer):
    """An online submission from the national portal or the provincial hub (status 1)."""

    # (``source`` and ``label`` name API fields here; DRF's metaclass takes them off the class.)
    source = serializers.CharField(max_length=40, help_text=_("Source system, e.g. dvcqg."))  # type: ignore[assignment]
    external_code = serializers.CharField(
        max_length=60, help_text=_("The record's code in the source system.")
    )
    agency = AgencyCodeField(help_text=_("Identifier code of the receiving agency."))
    procedure = ProcedureCodeField()
    handling_agency = AgencyCodeField(required=False, allow_null=True, default=None)
    applicant = RecordApplicantInputSerializer()
    subject = _text(500)
    submitted_at = AwareDateTimeField(required=False, allow_null=True, default=None)
    components = RecordComponentInputSerializer(many=True, required=False, default=list)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs["components"] = components_data(
            version_current(procedure=attrs["procedure"]), attrs["components"]
        )
        attrs["applicant"] = ApplicantData(**attrs["applicant"])
        return attrs


# ---- actions --------------------------------------------------------------------------------------
def _expected_step() -> serializers.IntegerField:
    return serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_(
            "Optimistic concurrency: the id of the current step as you saw it; 409 if it moved since."
        ),
    )


class RecordClaimSerializer(serializers.Serializer):
    expected_step_id = _expected_step()


class RecordAssignSerializer(serializers.Serializer):
    assignee = UsernameField(help_text=_("Username of an officer of the step's unit."))
    expected_step_id = _expected_step()


class RecordForwardSerializer(serializers.Serializer):
    assignee = UsernameField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Officer of the next step's unit; empty: the unit's queue."),
    )
    note = _text()
    expected_step_id = _expected_step()


class RecordSendBackSerializer(serializers.Serializer):
    to_order = serializers.IntegerField(
        min_value=1, help_text=_("Order of an earlier step of the process.")
    )
    reason = _reason()
    expected_step_id = _expected_step()


class RecordRequestOpinionSerializer(serializers.Serializer):
    unit = UnitRefField(help_text=_("The unit asked, as “<agency code>/<unit code>”."))
    question = _reason()
    budget_hours = serializers.DecimalField(
        max_digits=6,
        decimal_places=2,
        default=Decimal(8),
        help_text=_("Working hours to answer (more than 0, at most 400)."),
    )


class RecordGiveOpinionSerializer(serializers.Serializer):
    step_id = serializers.IntegerField(
        help_text=_("Id of the open opinion request (a step of kind “opinion”).")
    )
    answer = _reason()


class RecordSupplementItemSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=300)
    form = serializers.ChoiceField(
        choices=RecordComponent.CopyKind.choices, required=False, allow_blank=True, default=""
    )
    quantity = serializers.IntegerField(min_value=1, max_value=100, default=1)


class RecordRequestSupplementSerializer(serializers.Serializer):
    reason = _reason()
    items = RecordSupplementItemSerializer(
        many=True, help_text=_("Every document the applicant must add.")
    )
    expected_step_id = _expected_step()


class RecordReceiveSupplementSerializer(serializers.Serializer):
    components = RecordComponentInputSerializer(many=True, required=False, default=list)
    note = _text()


class RecordReasonSerializer(serializers.Serializer):
    reason = _reason()


class RecordApproveSerializer(serializers.Serializer):
    note = _text()
    expected_step_id = _expected_step()


class RecordMarkResultReadySerializer(serializers.Serializer):
    result_summary = _text(help_text=_("The result, in a few words."))


class RecordReturnResultSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=ReturnMethod.choices)
    note = _text()


class RecordExtendSerializer(serializers.Serializer):
    new_due_at = AwareDateTimeField(
        help_text=_("The new appointment, ISO 8601 with offset, on a working day.")
    )
    reason = _reason()


class RecordReceiveOnlineSerializer(serializers.Serializer):
    expected_status = serializers.CharField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_(
            "Optimistic concurrency: the status as you saw it (submitted); 409 if it changed."
        ),
    )


# ---- output ---------------------------------------------------------------------------------------
def mask(value: str) -> str:
    """Every character but the last three replaced by ``*`` (``records.masking``)."""
    return masking.mask_id_number(value)


def sees_contact(user: Any, record: Record) -> bool:
    """The applicant's phone and ID numbers in clear: the record-page rule of
    ``records.masking`` (superusers and users with a role in the receiving or the settling
    agency). Others in scope (another agency's unit asked for a step or an opinion, a system
    account) see them masked."""
    return masking.sees_full_record(user, record)


class RecordAgencyRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class RecordUnitRefSerializer(serializers.Serializer):
    ref = serializers.SerializerMethodField(help_text=_("“<agency code>/<unit code>”"))
    code = serializers.CharField()
    name = serializers.CharField()

    def get_ref(self, unit: OrgUnit) -> str:
        return f"{unit.agency.code}/{unit.code}"


class RecordUserRefSerializer(serializers.Serializer):
    username = serializers.CharField()
    name = serializers.CharField(source="display_name")


class RecordProcedureRefSerializer(serializers.Serializer):
    code = serializers.CharField(source="procedure.code")
    name = serializers.CharField()
    version = serializers.IntegerField(source="number")


class RecordApplicantSerializer(serializers.Serializer):
    kind = serializers.CharField(source="applicant_kind")
    name = serializers.CharField(source="applicant_name")
    id_number = serializers.CharField(source="applicant_id_number")
    address = serializers.CharField(source="applicant_address")
    phone = serializers.CharField(source="applicant_phone")
    email = serializers.CharField(source="applicant_email")
    representative_name = serializers.CharField()
    representative_id_number = serializers.CharField()
    representative_phone = serializers.CharField()
    masked = serializers.SerializerMethodField(
        help_text=_(
            "true: phone and ID numbers show only their last three digits (no role in the record's agencies)."
        )
    )

    MASKED = ("id_number", "phone", "representative_id_number", "representative_phone")

    def _hidden(self) -> bool:
        return not self.context.get("sees_contact", False)

    def get_masked(self, record: Record) -> bool:
        return self._hidden()

    def to_representation(self, instance: Record) -> dict[str, Any]:
        data = super().to_representation(instance)
        if self._hidden():
            for name in self.MASKED:
                data[name] = mask(data[name])
        return data


class RecordStepSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    order = serializers.IntegerField()
    name = serializers.CharField()
    public_status = serializers.CharField()
    agency = serializers.CharField(source="agency.code")
    unit = RecordUnitRefSerializer()
    role = serializers.CharField()
    assignee = RecordUserRefSerializer(allow_null=True)
    state = serializers.CharField()
    started_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    timeliness = serializers.CharField()
    budget_hours = serializers.DecimalField(max_digits=8, decimal_places=2)
    note = serializers.CharField()
    requested_by_step = serializers.IntegerField(source="requested_by_step_id", allow_null=True)


class RecordCurrentStepSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    order = serializers.IntegerField()
    unit = RecordUnitRefSerializer()
    assignee = RecordUserRefSerializer(allow_null=True)
    state = serializers.CharField()
    started_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField(allow_null=True)


class RecordEventSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    label = serializers.CharField(source="get_kind_display")  # type: ignore[assignment]
    at = serializers.DateTimeField()
    actor = serializers.CharField(source="actor.username", allow_null=True, default=None)
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    national_code = serializers.IntegerField()
    due_before = serializers.DateTimeField(allow_null=True)
    due_after = serializers.DateTimeField(allow_null=True)
    step = serializers.IntegerField(source="step_id", allow_null=True)
    from_unit = RecordUnitRefSerializer(allow_null=True)
    to_unit = RecordUnitRefSerializer(allow_null=True)
    note = serializers.CharField()
    payload = serializers.JSONField()


class RecordSupplementSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    rule = serializers.CharField()
    requested_at = serializers.DateTimeField()
    requested_by = serializers.CharField(source="requested_by.username")
    reason = serializers.CharField()
    items = serializers.JSONField()
    received_at = serializers.DateTimeField(allow_null=True)
    received_by = serializers.CharField(
        source="received_by.username", allow_null=True, default=None
    )


class RecordExtensionSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    issued_at = serializers.DateTimeField()
    issued_by = serializers.CharField(source="issued_by.username")
    previous_due_at = serializers.DateTimeField()
    new_due_at = serializers.DateTimeField()
    reason = serializers.CharField()


class RecordComponentSerializer(serializers.Serializer):
    component_code = serializers.CharField(source="component.code", allow_null=True, default=None)
    name = serializers.CharField()
    copy_kind = serializers.CharField()
    quantity = serializers.IntegerField()
    added_at_supplement = serializers.BooleanField()


class RecordFeeSerializer(serializers.Serializer):
    name = serializers.CharField()
    amount = serializers.IntegerField()
    paid = serializers.BooleanField()


class RecordListSerializer(serializers.Serializer):
    """A row of the record list (no contact details)."""

    id = serializers.IntegerField(
        help_text=_("Addresses a record that has no code yet (online submission).")
    )
    code = serializers.CharField(allow_null=True)
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    national_code = serializers.IntegerField()
    procedure = RecordProcedureRefSerializer(source="procedure_version")
    agency = RecordAgencyRefSerializer()
    handling_agency = RecordAgencyRefSerializer()
    channel = serializers.CharField()
    applicant_name = serializers.CharField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    received_at = serializers.DateTimeField(allow_null=True)
    due_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    timeliness = serializers.CharField()
    overdue = serializers.SerializerMethodField(help_text=_("Open and past its appointment now."))
    current_step = RecordCurrentStepSerializer(allow_null=True)

    def get_overdue(self, record: Record) -> bool:
        if record.status not in OPEN:
            return False
        now = self.context.get("now") or timezone.now()
        return deadlines.is_overdue(due_at=record.due_at, at=now, paused_at=record.paused_at)


class RecordDetailSerializer(RecordListSerializer):
    """The record with its clock, steps, timeline, supplements, extensions and the actions the
    requesting user may take now. Expects the lists in the context (``views.record_detail``)."""

    applicant = RecordApplicantSerializer(source="*")
    subject = serializers.CharField()
    sets = serializers.IntegerField()
    return_method = serializers.CharField()
    fees_due = serializers.IntegerField()
    book_number = serializers.IntegerField(allow_null=True)
    external_code = serializers.CharField()
    source = serializers.CharField()  # type: ignore[assignment]
    clock_started_at = serializers.DateTimeField(allow_null=True)
    statutory_due_at = serializers.DateTimeField(allow_null=True)
    original_due_at = serializers.DateTimeField(allow_null=True)
    due_explanation = serializers.ListField(child=serializers.CharField())
    paused_at = serializers.DateTimeField(allow_null=True)
    finish_status = serializers.CharField()
    returned_at = serializers.DateTimeField(allow_null=True)
    result_summary = serializers.CharField()
    stop_reason = serializers.CharField()
    components = serializers.SerializerMethodField()
    fees = serializers.SerializerMethodField()
    steps = serializers.SerializerMethodField()
    events = serializers.SerializerMethodField()
    supplements = serializers.SerializerMethodField()
    extensions = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField(
        help_text=_("Actions this user may take now: the last part of /actions/<action>/.")
    )

    def _many(self, name: str, serializer: type[serializers.Serializer]) -> list[Any]:
        return serializer(self.context[name], many=True, context=self.context).data  # type: ignore[return-value]

    @extend_schema_field(RecordComponentSerializer(many=True))
    def get_components(self, record: Record) -> list[Any]:
        return self._many("components", RecordComponentSerializer)

    @extend_schema_field(RecordFeeSerializer(many=True))
    def get_fees(self, record: Record) -> list[Any]:
        return self._many("fees", RecordFeeSerializer)

    @extend_schema_field(RecordStepSerializer(many=True))
    def get_steps(self, record: Record) -> list[Any]:
        return self._many("steps", RecordStepSerializer)

    @extend_schema_field(RecordEventSerializer(many=True))
    def get_events(self, record: Record) -> list[Any]:
        return self._many("events", RecordEventSerializer)

    @extend_schema_field(RecordSupplementSerializer(many=True))
    def get_supplements(self, record: Record) -> list[Any]:
        return self._many("supplements", RecordSupplementSerializer)

    @extend_schema_field(RecordExtensionSerializer(many=True))
    def get_extensions(self, record: Record) -> list[Any]:
        return self._many("extensions", RecordExtensionSerializer)

    def get_allowed_actions(self, record: Record) -> list[str]:
        return list(self.context["allowed_actions"])
