"""The records API: intake, online submissions, the scoped list and detail, and one POST
endpoint per action. Views parse input, call one service and render the record; the services
check permissions and state (403, 409) and the selectors the scope (404)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import generics, serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.audit.services import audit_request
from motcua.core.api import ErrorSerializer
from motcua.core.errors import Conflict, NotFound, ValidationFailed
from motcua.core.lookups import is_code, parse_id
from motcua.core.models import User
from motcua.core.parsers import StrictJSONParser
from motcua.core.users import signed_in
from motcua.records import services
from motcua.records.api import serializers as s
from motcua.records.filters import RecordFilterSet
from motcua.records.models import Record, RecordStep
from motcua.records.permissions_ui import record_actions
from motcua.records.selectors import record_events, record_list

TAG = "records"


# ---- helpers --------------------------------------------------------------------------------------
def flatten_errors(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested serializer errors as ``{"applicant.phone": [...], "components.1.quantity": [...]}``,
    the same shape as the services' field errors."""
    result: dict[str, list[str]] = {}
    if isinstance(detail, Mapping):
        for key, value in detail.items():
            result.update(flatten_errors(value, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(detail, list) and detail and all(isinstance(item, str) for item in detail):
        result[prefix or "non_field_errors"] = [str(item) for item in detail]
    elif isinstance(detail, list):
        for index, value in enumerate(detail):
            result.update(flatten_errors(value, f"{prefix}.{index}" if prefix else str(index)))
    elif detail:
        result[prefix or "non_field_errors"] = [str(detail)]
    return result


def invalid(errors: dict[str, list[str]]) -> ValidationFailed:
    return ValidationFailed(
        _("Invalid input: %(fields)s.") % {"fields": ", ".join(errors)},
        field=next(iter(errors), None),
        errors=errors,
    )


def validated(serializer: serializers.Serializer) -> dict[str, Any]:
    if not serializer.is_valid():
        raise invalid(flatten_errors(serializer.errors))
    return serializer.validated_data  # type: ignore[return-value]


# Field names of the intake services -> the request's field paths.
INTAKE_FIELDS = {
    "applicant_name": "applicant.name",
    "applicant_id_number": "applicant.id_number",
    "applicant_address": "applicant.address",
    "applicant_phone": "applicant.phone",
    "applicant_email": "applicant.email",
    "applicant_kind": "applicant.kind",
    "representative_name": "applicant.representative_name",
    "representative_id_number": "applicant.representative_id_number",
    "representative_phone": "applicant.representative_phone",
}


def intake_field(name: str) -> str:
    """``components[2]`` -> ``components.2``; applicant fields -> ``applicant.<field>``."""
    if name.startswith("components[") and name.endswith("]"):
        return f"components.{name[len('components[') : -1]}"
    return INTAKE_FIELDS.get(name, name)


def renamed(exc: ValidationFailed) -> ValidationFailed:
    errors = exc.errors or ({exc.field: [exc.message]} if exc.field else {})
    if not errors:
        return exc
    return ValidationFailed(
        exc.message,
        field=intake_field(exc.field) if exc.field else None,
        code=exc.code,
        errors={intake_field(k): v for k, v in errors.items()},
    )


def _scoped(user: Any) -> QuerySet[Record]:
    return record_list(user=user).select_related(
        "agency",
        "handling_agency",
        "procedure_version__procedure",
        "current_step__unit__agency",
        "current_step__assignee",
    )


def record_for(user: Any, ref: str) -> Record:
    """The record by its code, or by its numeric id (online submissions have no code until the
    desk receives them). Out of scope and unknown are the same 404."""
    qs = _scoped(user)
    pk = parse_id(ref)
    record = None
    if pk is not None:
        record = qs.filter(pk=pk).first()
    elif is_code(ref, Record._meta.get_field("code").max_length or 0):
        record = qs.filter(code=ref).first()
    if record is None:
        raise NotFound(_("Record not found."))
    return record


def record_detail(request: Request, record: Record) -> dict[str, Any]:
    """The detail representation, loaded in a fixed number of queries."""
    steps = list(
        record.steps.select_related("unit__agency", "agency", "assignee").order_by(
            "started_at", "id"
        )
    )
    open_opinions = [
        step
        for step in steps
        if step.kind == RecordStep.Kind.OPINION and step.state == RecordStep.State.ACTIVE
    ]
    context = {
        "request": request,
        "now": timezone.now(),
        "sees_contact": s.sees_contact(request.user, record),
        "steps": steps,
        "events": list(
            record_events(record=record).select_related("from_unit__agency", "to_unit__agency")
        ),
        "components": list(record.components.select_related("component")),
        "fees": list(record.fees.all()),
        "supplements": list(record.supplements.select_related("requested_by", "received_by")),
        "extensions": list(record.extensions.select_related("issued_by")),
        "allowed_actions": [
            action.replace("_", "-")
            for action in record_actions(request.user, record, open_opinions=open_opinions).allowed
        ],
    }
    return s.RecordDetailSerializer(record, context=context).data  # type: ignore[return-value]


ERRORS_READ = {403: ErrorSerializer, 404: ErrorSerializer}
ERRORS_WRITE = {
    400: ErrorSerializer,
    403: ErrorSerializer,
    404: ErrorSerializer,
    409: ErrorSerializer,
}

CODE_PARAMETER = OpenApiParameter(
    "code",
    str,
    OpenApiParameter.PATH,
    description=gettext_lazy(
        "The record code (e.g. 000.00.12.H29-250421-0001), or its numeric id for an online "
        "submission that has no code yet."
    ),
)

ERROR_EXAMPLES = [
    OpenApiExample(
        "Invalid",
        value={
            "error": {
                "code": "invalid",
                "message": "Invalid input: applicant.phone.",
                "fields": {
                    "applicant.phone": ["Enter a Vietnamese phone number such as 0912345678."]
                },
            }
        },
        response_only=True,
        status_codes=["400"],
    ),
    OpenApiExample(
        "Wrong state",
        value={
            "error": {
                "code": "wrong_state",
                "message": "“Approve” is not possible while the record is …",
            }
        },
        response_only=True,
        status_codes=["409"],
    ),
]


# ---- list, intake, detail -------------------------------------------------------------------------
class RecordPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class RecordListView(generics.ListAPIView):
    """``GET``: the records the user may see; ``POST``: intake at the desk."""

    serializer_class = s.RecordListSerializer
    filterset_class = RecordFilterSet
    pagination_class = RecordPagination
    parser_classes = [StrictJSONParser]

    def get_queryset(self) -> QuerySet[Record]:
        return _scoped(self.request.user)

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "now": timezone.now()}

    @extend_schema(
        operation_id="records_list",
        summary="Records in the user's scope",
        description=(
            "Records of the agencies where the user has a role, and records with a step in the "
            "user's agency or unit (inter-agency work). Paginated (`page`, `page_size` up to "
            "200, default 50); a constant number of queries whatever the page size."
        ),
        responses={200: s.RecordListSerializer(many=True), **ERRORS_READ, 400: ErrorSerializer},
        tags=[TAG],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="records_receive",
        summary="Receive a dossier at the desk",
        description=(
            "A reception officer of the agency receives a complete dossier (direct or by public "
            "postal service): the record gets its code, appointment and first processing step. "
            "The procedure's current published version applies. Incomplete dossiers are refused "
            "with 400 on `components` (issue the guidance slip instead)."
        ),
        request=s.RecordIntakeInputSerializer,
        responses={201: s.RecordDetailSerializer, **ERRORS_WRITE},
        examples=[
            OpenApiExample(
                "Desk intake",
                value={
                    "agency": "000.00.12.H99",
                    "procedure": "2.000488",
                    "channel": "direct",
                    "applicant": {
                        "kind": "person",
                        "name": "Nguyễn Thị Hồng Nhung",
                        "id_number": "001190012345",
                        "address": "12 Lê Lợi, phường Hòa Lạc",
                        "phone": "0912345678",
                        "email": "nhung@example.vn",
                    },
                    "sets": 1,
                    "return_method": "desk",
                    "components": [
                        {"component_code": "TK", "copy_kind": "original", "quantity": 1}
                    ],
                },
                request_only=True,
            ),
            *ERROR_EXAMPLES[:1],
        ],
        tags=[TAG],
    )
    def post(self, request: Request) -> Response:
        data = validated(s.RecordIntakeInputSerializer(data=request.data))
        try:
            record = services.record_receive(
                actor=signed_in(request.user),
                agency=data["agency"],
                procedure=data["procedure"],
                channel=data["channel"],
                applicant=data["applicant"],
                components=data["components"],
                subject=data["subject"],
                sets=data["sets"],
                fees=data["fees"],
                return_method=data["return_method"],
                handling_agency=data["handling_agency"],
            )
        except ValidationFailed as exc:
            raise renamed(exc) from exc
        return Response(
            record_detail(request, record_for(request.user, str(record.pk))), status=201
        )


class IsStaffAccount(BasePermission):
    """Online submissions come from system accounts (``is_staff``) until the integration issue
    brings OAuth2 machine clients."""

    message = gettext_lazy("Only a system account may post online submissions.")

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and (user.is_staff or user.is_superuser))


class RecordOnlineView(APIView):
    permission_classes = [IsStaffAccount]
    parser_classes = [StrictJSONParser]

    @extend_schema(
        operation_id="records_submit_online",
        summary="Post an online submission (status 1)",
        description=(
            "An online submission from the national portal or the provincial hub. Idempotent by "
            "(`source`, `external_code`): posting the same pair again for the same agency returns "
            "the existing record with 200 instead of creating one; the same pair for another "
            "agency is a 409. The desk receives it later with `actions/receive/`."
        ),
        request=s.RecordOnlineInputSerializer,
        responses={
            201: s.RecordDetailSerializer,
            200: OpenApiResponse(
                s.RecordDetailSerializer, description="Already submitted: the existing record."
            ),
            **ERRORS_WRITE,
        },
        tags=[TAG],
    )
    def post(self, request: Request) -> Response:
        data = validated(s.RecordOnlineInputSerializer(data=request.data))
        try:
            record = services.record_submit_online(
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
            )
        except ValidationFailed as exc:
            raise renamed(exc) from exc
        except Conflict as exc:
            if exc.code != "duplicate":
                raise
            # The pair identifies the submission the client itself posted before: look it up by
            # the pair within the named agency (system accounts hold no agency role, so the
            # scoped selectors would not find it). Another agency's record -> the 409 stands.
            existing = (
                data["agency"]
                .records.filter(
                    source=data["source"].strip(), external_code=data["external_code"].strip()
                )
                .select_related("agency", "handling_agency", "procedure_version__procedure")
                .first()
            )
            if existing is None:
                raise
            # The answer carries the applicant's data without a new move: logged as a view.
            audit_request(
                request,
                action="personal_data.viewed",
                obj=existing,
                detail={"via": "api_online_replay", "full": s.sees_contact(request.user, existing)},
            )
            return Response(record_detail(request, existing), status=200)
        return Response(record_detail(request, record), status=201)


class RecordDetailView(APIView):
    @extend_schema(
        operation_id="records_retrieve",
        summary="A record with its timeline",
        description=(
            "The record, its clock (received, clock start, appointments and their explanation), "
            "the current step, every step, the events, supplements, extensions and the actions "
            "the user may take now. The applicant's phone and ID numbers are masked except the "
            "last three digits unless the user has a role in the receiving or settling agency. "
            "A record out of the user's scope answers 404 exactly like an unknown code."
        ),
        parameters=[CODE_PARAMETER],
        responses={200: s.RecordDetailSerializer, **ERRORS_READ},
        tags=[TAG],
    )
    def get(self, request: Request, code: str) -> Response:
        record = record_for(request.user, code)
        audit_request(
            request,
            action="personal_data.viewed",
            obj=record,
            detail={"via": "api", "full": s.sees_contact(request.user, record)},
        )
        return Response(record_detail(request, record))


# ---- actions ------------------------------------------------------------------------------------
class RecordActionView(APIView):
    """``POST /api/v1/records/{code}/actions/<action>/``: parse the body, call the one service
    of the action, answer with the record as it is now."""

    action: ClassVar[str]
    input_serializer: ClassVar[type[serializers.Serializer]]
    parser_classes = [StrictJSONParser]

    def post(self, request: Request, code: str) -> Response:
        record = record_for(request.user, code)
        data = validated(self.input_serializer(data=request.data, context={"request": request}))
        self.perform(actor=signed_in(request.user), record=record, data=data)
        return Response(record_detail(request, record_for(request.user, str(record.pk))))

    def perform(self, *, actor: User, record: Record, data: dict[str, Any]) -> None:
        raise NotImplementedError


def action_schema(
    action: str, summary: str, description: str, request: type[serializers.Serializer]
) -> Any:
    return extend_schema_view(
        post=extend_schema(
            operation_id=f"records_action_{action.replace('-', '_')}",
            summary=summary,
            description=description,
            parameters=[CODE_PARAMETER],
            request=request,
            responses={200: s.RecordDetailSerializer, **ERRORS_WRITE},
            examples=ERROR_EXAMPLES,
            tags=[TAG],
        )
    )


@action_schema(
    "claim",
    "Claim the current step",
    "Take an unassigned step from your unit's queue. Supports `expected_step_id`.",
    s.RecordClaimSerializer,
)
class ClaimView(RecordActionView):
    action = "claim"
    input_serializer = s.RecordClaimSerializer

    def perform(self, *, actor: User, record: Record, data: dict[str, Any]) -> None:
        services.step_claim(actor=actor, record=record, expected_step_id=data["expected_step_id"])


@action_schema(
    "assign",
    "Assign the current step",
    "A unit head or the agency's leader gives the step to an officer of its unit. Supports "
    "`expected_step_id`.",
    s.RecordAssignSerializer,
)
class AssignView(RecordActionView):
    action = "assign"
    input_serializer = s.RecordAssignSerializer

    def perform(self, *, actor: User, record: Record, data: dict[str, Any]) -> None:
        services.step_assign(
            actor=actor,
            record=record,
            assignee=data["assignee"],
            expected_step_id=data["expected_step_id"],
        )


@action_schema(
    "forward",
    "Forward to the next step",
    "Finish the current step and hand the record to the next step of the process, optionally to "
    "a chosen officer of that step's unit. 409 `opinions_pending` while an opinion request is "
    "open, `last_step` at the last step. Supports `expected_step_id`.",
    s.RecordForwardSerializer,
)
class ForwardView(RecordActionView):
    action = "forward"
    input_serializer = s.RecordForwardSerializer

    def perform(self, *, actor: User, record: Record, data: dict[str, Any]) -> None:
        services.step_forward(
            actor=actor,
            record=record,
            assignee=data["assignee"],
            note=data["note"],
            expected_step_id=data["expected_step_id"],
        )


@action_schema(
    "send-back",
    "Send back to an earlier step",
    "Return the record to an earlier step of the process (not the desk) with a reason. Supports "
    "`expected_step_id`.",
    s.RecordSendBackSerializer,
)
class SendBackView(RecordActionView):
    action = "send-back"
    input_serializer = s.RecordSendBackSerializer

    def perform(self, *, actor: User, record: Record, data: dict[str, Any]) -> None:
        services.step_send_back(
            actor=actor,
            record=record,
            to_order=data["to_order"],
            reason=data["reason"],
            expected_step_id=data["expected_step_id"],
        )


@action_schema(
    "request-opinion",
    "Ask another unit for an opinion",
    "Open a parallel opinion request in another unit (of any agency); the record does not move.",
    s.RecordRequestOpinionSerializer,
)
class RequestOpinionView(RecordActionView):
    action = "request-opinion"
    input_serializer = s.RecordRequestOpinionSerializer

    def perform(self, *, actor: User, record: Record, data: dict[str, Any]) -> None:
        services.step_request_opinion(
            actor=actor,
            record=record,
            unit=data["unit"],
            question=data["question"],
            budget_hours=data["budget_hours"],
        )


@action_schema(
    "give-opinion",
    "Answer an opinion request",
    "An officer of the asked unit answers the open opinion request `step_id` of this record.",
    s.RecordGiveOpinionSerializer,
)
class GiveOpinionView(RecordActionView):
    action = "give-opinion"
    input_serializer = s.RecordGiveOpinionSerializer

    def perform(self, *, actor: User, record: Record, data: dict[str, Any]) -> None:
        opinion = record.steps.filter(pk=data["step_id"], kind=RecordStep.Kind.OPINION).first()
        if opinion is None:
            raise ValidationFailed(
                _("This record has no opinion request with this id."), field="step_id"
            )
        services.step_give_opinion(actor=actor, opinion=opinion, answer=data["answer"])


@action_schema(
    "request-supplement",
    "Request a supplement (Form 02)",
    "Ask the applicant, once and in writing, for every missing document. The clock pauses or "
    "will restart per the procedure's rule. Supports `expected_step_id`.",
    s.RecordRequestSupplementSerializer,
)
class RequestSupplementView(RecordActionView):
    action = "request-supplement"
    input_serializer = s.RecordRequestSupplementSerializer

    def perform(self, *, actor: User, record: Record, data: dict[str, Any]) -> None:
        services.supplement_request(
            actor=actor,
            record=record,
            reason=data["reason"],
            items=[dict(item) for item in data["items"]],
            expected_step_id=data["expected_step_id"],
        )


@action_schema(
    "receive-supplement",
    "Receive the supplement at the desk",
    "The desk receives the documents asked for: the clock resumes (pause rule) or restarts.",
    s.RecordReceiveSupplementSerializer,
)
class ReceiveSupplementView(RecordActionView):
    action = "receive-supplement"
    input_serializer = s.RecordReceiveSupplementSerializer

    def perform(self, *, actor: User, record: Record, data: dict[str, Any]) -> None:
        components = s.components_data(record.procedure_version, data["components"])
        try:
            services.supplement_receive(
                actor=actor, record=record, components=components, note=data["note"]
            )
        except ValidationFailed as exc:
            raise renamed(exc) from exc


@action_schema(
    "stop",
    "Stop processing",
    "Stop processing with a reason (Thông báo dừng giải quyết hồ sơ); processing ends.",
    s.RecordReasonSerializer,
)
class StopView(RecordActionView):
    action = "stop"
    input_serializer = s.RecordReasonSerializer

    def perform(self, *, actor: User, record: Record, data: dict[str, Any]) -> None:
        services.record_stop(actor=actor, record=record, reason=data["reason"])


@action_schema(
    "approve",
    "Approve",
    "A unit head or leader working the current step approves the result. Supports "
    "`expected_step_id`.",
    s.RecordApproveSerializer,
)
class ApproveView(RecordActionView):
    action = "approve"
    input_serializer = s.RecordApproveSerializer

    def perform(self, *, actor: User, record: Record, data: dict[str, Any]) -> None:
        services.record_approve(
            actor=actor, record=record, note=data["note"], expected_step_id=data["expected_step_id"]
        )


@action_schema(
    "mark-result-ready",
    "Mark the result ready",
    "The result is ready for the applicant; processing ends and timeliness is judged.",
    s.RecordMarkResultReadySerializer,
)
class MarkResultReadyView(RecordActionView):
    action = "mark-result-ready"
    input_serializer = s.RecordMarkResultReadySerializer

    def perform(self, *, actor: User, record: Record, data: dict[str, Any]) -> None:
        services.record_mark_result_ready(
            actor=actor, record=record, result_summary=data["result_summary"]
        )


@action_schema(
    "return-result",
    "Return the result",
    "The desk returns the result at the desk, by post or electronically.",
    s.RecordReturnResultSerializer,
)
class ReturnResultView(RecordActionView):
    action = "return-result"
    input_serializer = s.RecordReturnResultSerializer

    def perform(self, *, actor: User, record: Record, data: dict[str, Any]) -> None:
        services.record_return_result(
            actor=actor, record=record, method=data["method"], note=data["note"]
        )


@action_schema(
    "withdraw",
    "Withdraw at the applicant's request",
    "The desk records the applicant's written request to withdraw the record.",
    s.RecordReasonSerializer,
)
class WithdrawView(RecordActionView):
    action = "withdraw"
    input_serializer = s.RecordReasonSerializer

    def perform(self, *, actor: User, record: Record, data: dict[str, Any]) -> None:
        services.record_withdraw(actor=actor, record=record, reason=data["reason"])


@action_schema(
    "extend",
    "Apologise and set a new appointment",
    "Before the current appointment passes: a new, later appointment on a working day with the "
    "reason (Văn bản xin lỗi và đề nghị gia hạn). 409 `too_late` once it has passed.",
    s.RecordExtendSerializer,
)
class ExtendView(RecordActionView):
    action = "extend"
    input_serializer = s.RecordExtendSerializer

    def perform(self, *, actor: User, record: Record, data: dict[str, Any]) -> None:
        services.record_extend(
            actor=actor, record=record, new_due_at=data["new_due_at"], reason=data["reason"]
        )


@action_schema(
    "receive",
    "Receive an online submission",
    "The desk receives an online submission (status 1): it gets its code and appointment now. "
    "Address it by its numeric id. Supports `expected_status`.",
    s.RecordReceiveOnlineSerializer,
)
class ReceiveView(RecordActionView):
    action = "receive"
    input_serializer = s.RecordReceiveOnlineSerializer

    def perform(self, *, actor: User, record: Record, data: dict[str, Any]) -> None:
        services.record_receive_online(
            actor=actor, record=record, expected_status=data["expected_status"]
        )


@action_schema(
    "refuse",
    "Refuse an online submission",
    "The desk refuses an online submission (status 1 -> 3) with the reason.",
    s.RecordReasonSerializer,
)
class RefuseView(RecordActionView):
    action = "refuse"
    input_serializer = s.RecordReasonSerializer

    def perform(self, *, actor: User, record: Record, data: dict[str, Any]) -> None:
        services.record_refuse_online(actor=actor, record=record, reason=data["reason"])


ACTION_VIEWS: tuple[type[RecordActionView], ...] = (
    ReceiveView,
    RefuseView,
    ClaimView,
    AssignView,
    ForwardView,
    SendBackView,
    RequestOpinionView,
    GiveOpinionView,
    RequestSupplementView,
    ReceiveSupplementView,
    StopView,
    ApproveView,
    MarkResultReadyView,
    ReturnResultView,
    WithdrawView,
    ExtendView,
)

__all__ = ["ACTION_VIEWS", "RecordDetailView", "RecordListView", "RecordOnlineView"]
