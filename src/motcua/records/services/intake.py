"""Intake: records received at the desk, online submissions, and dossiers not received."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalogue.models import ProcedureVersion, VersionStatus
from motcua.catalogue.selectors import PlannedStep, process_plan
from motcua.core import rows
from motcua.core.errors import Conflict, PermissionDenied, ValidationFailed
from motcua.core.memo import memo
from motcua.core.models import User
from motcua.organisations.models import Agency
from motcua.organisations.selectors import calendar_for
from motcua.records import deadlines, permissions
from motcua.records.models import (
    Channel,
    DeskSlip,
    Record,
    RecordComponent,
    RecordFee,
    RecordStep,
)
from motcua.records.models.event import EventKind
from motcua.records.services.common import (
    Numbering,
    add_event,
    clock_rule,
    code_counters,
    code_layout,
    expect_unchanged,
    lock,
    new_secret,
    next_sequence,
    now,
    record_code_and_book_number,
)
from motcua.records.workflow import Action, Status, ensure_action

T = TypeVar("T")

# The predicate of the partial unique index ``record_unique_external_code`` (source, portal
# code), for INSERT ... ON CONFLICT to infer it.
UNIQUE_EXTERNAL_CODE_PREDICATE = "NOT (\"external_code\" = '')"

ID_RE = re.compile(r"^\d{9}$|^\d{10}$|^\d{12}$|^\d{13}$|^\d{10}-\d{3}$")
PHONE_RE = re.compile(r"^(\+84|0)\d{8,10}$")


@dataclass(frozen=True)
class ApplicantData:
    name: str
    id_number: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""
    kind: str = "person"
    representative_name: str = ""
    representative_id_number: str = ""
    representative_phone: str = ""


@dataclass(frozen=True)
class ComponentData:
    name: str
    copy_kind: str = RecordComponent.CopyKind.ORIGINAL
    quantity: int = 1
    component_id: int | None = None
    file: Any = None


@dataclass(frozen=True)
class FeeData:
    name: str
    amount: int


@dataclass
class _Errors:
    errors: dict[str, list[str]] = field(default_factory=dict)

    def add(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    def raise_if_any(self) -> None:
        if self.errors:
            first_field, messages = next(iter(self.errors.items()))
            raise ValidationFailed(messages[0], field=first_field, errors=self.errors)


def _clean_phone(value: str) -> str:
    return re.sub(r"[\s.\-()]", "", value or "")


def validate_applicant(applicant: ApplicantData, errors: _Errors) -> ApplicantData:
    name = " ".join((applicant.name or "").split())
    if not name:
        errors.add("applicant_name", _("Enter the applicant's name."))
    elif len(name) > 200:
        errors.add(
            "applicant_name", _("The applicant's name is too long (200 characters at most).")
        )
    id_number = (applicant.id_number or "").strip()
    if id_number and not ID_RE.match(id_number):
        errors.add(
            "applicant_id_number",
            _("An ID number has 9 or 12 digits; a tax code 10 or 13 digits (or 10-3)."),
        )
    phone = _clean_phone(applicant.phone)
    if phone and not PHONE_RE.match(phone):
        errors.add("applicant_phone", _("Enter a Vietnamese phone number such as 0912345678."))
    email = (applicant.email or "").strip()
    if email:
        try:
            validate_email(email)
        except DjangoValidationError:
            errors.add("applicant_email", _("Enter a valid e-mail address."))
    if applicant.kind not in ("person", "organisation"):
        errors.add("applicant_kind", _("The applicant is a person or an organisation."))
    rep_id = (applicant.representative_id_number or "").strip()
    if rep_id and not ID_RE.match(rep_id):
        errors.add("representative_id_number", _("An ID number has 9 or 12 digits."))
    rep_phone = _clean_phone(applicant.representative_phone)
    if rep_phone and not PHONE_RE.match(rep_phone):
        errors.add("representative_phone", _("Enter a Vietnamese phone number such as 0912345678."))
    return ApplicantData(
        name=name,
        id_number=id_number,
        address=" ".join((applicant.address or "").split()),
        phone=phone,
        email=email,
        kind=applicant.kind,
        representative_name=" ".join((applicant.representative_name or "").split()),
        representative_id_number=rep_id,
        representative_phone=rep_phone,
    )


def _published_versions(procedure_id: int) -> list[ProcedureVersion]:
    """The published versions of a procedure, newest first, with their procedure, components,
    fees and implementing agencies loaded; memoised (cleared here when a version is saved; the
    other processes see a change within the memo's TTL, like the process plans): one query
    per procedure and TTL instead of one per intake."""
    return memo(
        ("published_versions", procedure_id),
        lambda: list(
            ProcedureVersion.objects.filter(
                procedure_id=procedure_id, status=VersionStatus.PUBLISHED
            )
            .select_related("procedure")
            .prefetch_related("components", "fees", "implementing_agencies")
            .order_by("-number")
        ),
    )


def version_in_force(procedure_id: int, at: datetime | None = None) -> ProcedureVersion | None:
    """Same answer as ``catalogue.selectors.version_current``: the newest published version
    whose ``effective_from`` has been reached at ``at`` (default: now)."""
    at = at or timezone.now()
    for version in _published_versions(procedure_id):
        if version.effective_from is not None and version.effective_from <= at:
            return version
    return None


def _current_version(procedure: Any, errors: _Errors) -> ProcedureVersion | None:
    if isinstance(procedure, ProcedureVersion):
        procedure_id: int | None = procedure.procedure_id
    else:
        procedure_id = procedure.pk if procedure is not None else None
    version = version_in_force(procedure_id) if procedure_id is not None else None
    if version is None:
        errors.add(
            "procedure", _("This procedure has no published version: it cannot be received.")
        )
    return version


def _version_rows(version: ProcedureVersion, name: str, build: Callable[[], T]) -> T:
    """Rows of a published version (its agencies, components, fees), memoised in-process like
    the process plans: a published version never changes, and the memo is cleared when
    versions or agencies change. Saves three queries per intake (bench/intake.py)."""
    if version.status == VersionStatus.DRAFT:
        return build()
    return memo(("version_rows", name, version.pk), build)


def _implementing(version: ProcedureVersion) -> list[Agency]:
    cached: list[Agency] | None = getattr(version, "_implementing_cache", None)
    if cached is None:
        cached = _version_rows(
            version, "implementing", lambda: list(version.implementing_agencies.all())
        )
        version._implementing_cache = cached  # type: ignore[attr-defined]
    return cached


def _agency_may_receive(agency: Agency, version: ProcedureVersion) -> bool:
    if agency.kind == Agency.Kind.CENTER or version.receiving_agency_id == agency.pk:
        return True
    return any(a.pk == agency.pk for a in _implementing(version))


def _handling_agency(
    agency: Agency, version: ProcedureVersion, handling: Agency | None, errors: _Errors
) -> Agency | None:
    """The implementing agency that settles the record: the receiving agency itself when it
    implements the procedure, the only implementing agency, or the one the officer chose."""
    implementing = _implementing(version)
    if handling is not None:
        if handling not in implementing:
            errors.add("handling_agency", _("This agency does not settle the procedure."))
            return None
        return handling
    if agency in implementing:
        return agency
    if len(implementing) == 1:
        return implementing[0]
    errors.add("handling_agency", _("Choose the agency that will settle this record."))
    return None


def plan_for(record: Record) -> list[PlannedStep]:
    """The resolved process of the record's version (memoised: published versions never change;
    the memo is cleared when agencies, units or versions change)."""
    plan = memo(
        ("plan", record.procedure_version_id, record.handling_agency_id),
        lambda: process_plan(
            version=record.procedure_version, handling_agency=record.handling_agency
        ),
    )
    for step in plan:
        if step.unit is None:
            raise ValidationFailed(
                _(
                    "Step %(order)s of the procedure's process refers to a unit that does not exist in %(agency)s."
                )
                % {"order": step.order, "agency": step.agency}
            )
    return plan


def _apply_applicant(record: Record, applicant: ApplicantData) -> None:
    record.applicant_kind = applicant.kind
    record.applicant_name = applicant.name
    record.applicant_id_number = applicant.id_number
    record.applicant_address = applicant.address
    record.applicant_phone = applicant.phone
    record.applicant_email = applicant.email
    record.representative_name = applicant.representative_name
    record.representative_id_number = applicant.representative_id_number
    record.representative_phone = applicant.representative_phone


def _validate_components(
    version: ProcedureVersion,
    components: list[ComponentData],
    errors: _Errors,
    *,
    require_mandatory: bool,
) -> None:
    known = {
        c.pk: c
        for c in _version_rows(version, "components", lambda: list(version.components.all()))
    }
    given = set()
    for index, item in enumerate(components):
        if item.component_id is not None and item.component_id not in known:
            errors.add(f"components[{index}]", _("This document is not part of the procedure."))
        if not (item.name or "").strip():
            errors.add(f"components[{index}]", _("Each submitted document needs a name."))
        if item.quantity < 1 or item.quantity > 100:
            errors.add(f"components[{index}]", _("The quantity must be between 1 and 100."))
        if item.copy_kind not in RecordComponent.CopyKind.values:
            errors.add(f"components[{index}]", _("Unknown document form."))
        if item.component_id is not None:
            given.add(item.component_id)
    if require_mandatory:
        missing = [c.name for c in known.values() if c.mandatory and c.pk not in given]
        if missing:
            errors.add(
                "components",
                _(
                    "The dossier is incomplete (missing: %(names)s). Issue the guidance slip (Form 02) instead of receiving it."
                )
                % {"names": "; ".join(missing)},
            )


def _start_processing(record: Record, *, actor: User, at: datetime) -> list[RecordStep]:
    """The step instances at receipt, unsaved: a first step at a one-stop desk is done by the
    receiving officer; the next one (the last of the list) becomes active in its unit's queue."""
    plan = plan_for(record)
    if not plan:
        return []
    first = plan[0]
    steps: list[RecordStep] = []
    if first.unit is not None and first.unit.is_one_stop_desk and len(plan) > 1:
        done = build_step(record, template=first, at=at, assignee=actor)
        done.state = RecordStep.State.DONE
        done.finished_at = at
        done.finished_by = actor
        done.timeliness = (
            deadlines.classify(finished_at=at, due_at=done.due_at) if done.due_at else ""
        )
        steps.append(done)
        first = plan[1]
    steps.append(build_step(record, template=first, at=at, assignee=None))
    return steps


def activate_step(
    record: Record, *, template: PlannedStep, at: datetime, assignee: Any
) -> RecordStep:
    step = build_step(record, template=template, at=at, assignee=assignee)
    step.save()
    return step


def build_step(record: Record, *, template: PlannedStep, at: datetime, assignee: Any) -> RecordStep:
    """An unsaved active step following ``template`` from ``at``."""
    if template.unit is None:  # pragma: no cover - plan_for() refuses missing units
        raise ValidationFailed(_("The process refers to a unit that does not exist."))
    cal = calendar_for(agency=template.agency)
    return RecordStep(
        record=record,
        order=template.order,
        name=template.name,
        public_status=template.public_status,
        agency=template.agency,
        unit=template.unit,
        role=template.role,
        leaders_may_act=template.leaders_may_act,
        assignee=assignee,
        state=RecordStep.State.ACTIVE,
        started_at=at,
        due_at=deadlines.step_due(cal, started_at=at, budget_hours=template.budget_hours),
        budget_hours=template.budget_hours,
    )


def _set_clock(record: Record, *, at: datetime) -> None:
    cal = calendar_for(agency=record.agency)
    result = deadlines.appointment(cal, clock_rule(record.procedure_version), received_at=at)
    record.clock_started_at = result.clock_start
    record.statutory_due_at = result.due_at
    record.original_due_at = result.due_at
    record.due_at = result.due_at
    record.due_explanation = list(result.explanation)


def _add_components(
    record: Record, components: list[ComponentData], *, at_supplement: bool = False
) -> list[RecordComponent]:
    created = _build_components(record, components, at_supplement=at_supplement)
    rows.insert(created)
    return created


def _build_components(
    record: Record, components: list[ComponentData], *, at_supplement: bool = False
) -> list[RecordComponent]:
    return [
        RecordComponent(
            record=record,
            component_id=item.component_id,
            name=item.name.strip(),
            copy_kind=item.copy_kind,
            quantity=item.quantity,
            file=item.file or "",
            is_digitised=bool(item.file),
            added_at_supplement=at_supplement,
        )
        for item in components
    ]


@transaction.atomic
def record_receive(
    *,
    actor: User,
    agency: Agency,
    procedure: Any,
    channel: str,
    applicant: ApplicantData,
    components: list[ComponentData],
    subject: str = "",
    sets: int = 1,
    fees: list[FeeData] | None = None,
    return_method: str = "",
    handling_agency: Agency | None = None,
) -> Record:
    """Receive a complete dossier at the desk: code, appointment, steps, one event."""
    permissions.ensure_can_receive(actor, agency.pk)
    errors = _Errors()
    if channel not in (Channel.DIRECT, Channel.POSTAL):
        errors.add(
            "channel", _("At the desk a dossier arrives directly or by public postal service.")
        )
    applicant = validate_applicant(applicant, errors)
    version = _current_version(procedure, errors)
    if version is not None:
        if not _agency_may_receive(agency, version):
            errors.add("procedure", _("This agency does not receive this procedure."))
        handling = _handling_agency(agency, version, handling_agency, errors)
        _validate_components(version, components, errors, require_mandatory=True)
    if not 1 <= sets <= 50:
        errors.add("sets", _("The number of sets must be between 1 and 50."))
    if return_method and return_method not in ("desk", "postal", "electronic"):
        errors.add("return_method", _("Unknown way of returning the result."))
    errors.raise_if_any()
    if version is None:  # pragma: no cover - raise_if_any() has refused it already
        raise ValidationFailed(_("Choose a procedure."), field="procedure")
    at = now()
    record = Record(
        agency=agency,
        handling_agency=handling,
        procedure_version=version,
        channel=channel,
        status=Status.SUBMITTED,
        lookup_secret=new_secret(),
        subject=(subject or version.name)[:500],
        sets=sets,
        return_method=return_method,
    )
    _apply_applicant(record, applicant)
    return _receive(record, actor=actor, at=at, components=components, fees=fees)


def _receive(
    record: Record,
    *,
    actor: User,
    at: datetime,
    components: list[ComponentData] | None,
    fees: list[FeeData] | None,
) -> Record:
    previous = record.status
    record.status = ensure_action(Action.RECEIVE, record.status)
    record.received_at = at
    record.received_by = actor
    _set_clock(record, at=at)
    version = record.procedure_version
    fee_rows = (
        fees
        if fees is not None
        else _version_rows(
            version,
            "fees",
            lambda: [FeeData(name=f.name, amount=f.amount) for f in version.fees.all()],
        )
    )
    record.fees_due = sum(f.amount for f in fee_rows)
    # On PostgreSQL a new record is written once, last, with its code, in the statement of its
    # event: its key is reserved first and the rows that refer to it go before it (foreign keys
    # are checked at commit). Written first and updated with its code at the end, every one of
    # its indexes took two entries (the code and the current step are indexed, so the update
    # is never a HOT one).
    write_last = record.pk is None and connection.vendor == "postgresql"
    if write_last:
        record.pk = rows.reserve_id(Record)
    elif record.pk is None:
        rows.insert([record])
    else:  # an online submission received at the desk
        record.save()
    steps = _start_processing(record, actor=actor, at=at)
    rows.insert_groups(
        [
            _build_components(record, components or []),
            [RecordFee(record=record, name=f.name, amount=f.amount) for f in fee_rows],
            steps,
        ]
    )
    step = steps[-1] if steps else None
    record.current_step = step
    # The day's record number and the year's book number come last: taking one locks the
    # agency's counter row until commit, and every other intake at that desk waits for it.
    # Taken first, they serialised whole intakes (2 workers were no faster than 1). On
    # PostgreSQL they are taken in the statement that writes the record and its event, the
    # code laid out in SQL (when its format allows: otherwise in Python, one statement more).
    numbering = None
    if write_last:
        day, code_counter, book_counter = code_counters(at)
        layout = code_layout(record.agency.code, day)
        if layout is not None:
            numbering = Numbering(layout, code_counter, book_counter)
    if numbering is None:
        record.code, record.book_number = record_code_and_book_number(
            agency=record.agency, received_at=at
        )
    add_event(
        record,
        kind=EventKind.RECEIVED,
        actor=actor,
        at=at,
        from_status=previous,
        step=step,
        to_unit_id=step.unit_id if step else None,
        payload={"code": record.code, "channel": record.channel}
        if numbering is None
        else {"channel": record.channel},
        update_fields=() if write_last else ("code", "book_number", "current_step", "updated_at"),
        insert_record=write_last,
        numbering=numbering,
    )
    return record


@transaction.atomic
def record_submit_online(
    *,
    actor: User,
    source: str,
    external_code: str,
    agency: Agency,
    procedure: Any,
    applicant: ApplicantData,
    components: list[ComponentData],
    subject: str = "",
    submitted_at: datetime | None = None,
    handling_agency: Agency | None = None,
) -> Record:
    """An online submission (national portal / provincial hub): status 1 until the desk receives it.

    ``actor`` is the integration account that posts it (staff accounts; machine clients come
    with the integration work) or a reception officer of the agency; ``None`` for internal calls."""
    if actor is not None and not (
        getattr(actor, "is_staff", False)
        or getattr(actor, "is_superuser", False)
        or permissions.can_receive(actor, agency.pk)
    ):
        raise PermissionDenied(_("This account may not submit records on behalf of the portal."))
    errors = _Errors()
    applicant = validate_applicant(applicant, errors)
    version = _current_version(procedure, errors)
    if not (source or "").strip():
        errors.add("source", _("The source system is required."))
    if not (external_code or "").strip():
        errors.add("external_code", _("The portal code is required."))
    if version is not None:
        if not _agency_may_receive(agency, version):
            errors.add("procedure", _("This agency does not receive this procedure."))
        handling = _handling_agency(agency, version, handling_agency, errors)
        _validate_components(version, components, errors, require_mandatory=False)
    errors.raise_if_any()
    if version is None:  # pragma: no cover - raise_if_any() has refused it already
        raise ValidationFailed(_("Choose a procedure."), field="procedure")
    at = now()
    record = Record(
        agency=agency,
        handling_agency=handling,
        procedure_version=version,
        channel=Channel.ONLINE,
        status=Status.SUBMITTED,
        lookup_secret=new_secret(),
        source=source.strip(),
        external_code=external_code.strip(),
        subject=(subject or version.name)[:500],
        submitted_at=submitted_at or at,
    )
    _apply_applicant(record, applicant)
    # One statement, no savepoint: a record already there (or being written by a concurrent
    # request, which this waits for) with the same portal code leaves the row unwritten.
    if not rows.insert_unless_conflict(
        record, ["source", "external_code"], where=UNIQUE_EXTERNAL_CODE_PREDICATE
    ):
        raise Conflict(
            _("A record with this portal code has already been submitted."), code="duplicate"
        )
    # The rows just written, in id order like ``record.components.all()``, for the caller's
    # answer (the inbound API), without reading them back.
    record.submitted_components = _add_components(record, components)  # type: ignore[attr-defined]
    add_event(record, kind=EventKind.SUBMITTED, actor=actor, at=at, from_status="")
    return record


@transaction.atomic
def record_receive_online(
    *, actor: User, record: Record, expected_status: str | None = None
) -> Record:
    """The desk receives an online submission: it gets its code and appointment now."""
    record = lock(record)
    permissions.ensure_can_receive(actor, record.agency_id)
    expect_unchanged(record, expected_status=expected_status)
    ensure_action(Action.RECEIVE, record.status)
    return _receive(record, actor=actor, at=now(), components=None, fees=None)


@transaction.atomic
def record_refuse_online(*, actor: User, record: Record, reason: str) -> Record:
    record = lock(record)
    permissions.ensure_can_receive(actor, record.agency_id)
    if not (reason or "").strip():
        raise ValidationFailed(_("State the reason for refusing the dossier."), field="reason")
    previous = record.status
    record.status = ensure_action(Action.REFUSE, record.status)
    record.stop_reason = reason.strip()
    record.save(update_fields=["status", "stop_reason", "updated_at"])
    add_event(
        record,
        kind=EventKind.REFUSED,
        actor=actor,
        at=now(),
        from_status=previous,
        note=reason.strip(),
    )
    return record


@transaction.atomic
def desk_slip_issue(
    *,
    actor: User,
    agency: Agency,
    procedure: Any,
    kind: str,
    applicant: ApplicantData,
    reason: str,
    items: list[dict[str, Any]] | None = None,
    channel: str = Channel.DIRECT,
    subject: str = "",
) -> DeskSlip:
    """A dossier NOT received: guidance slip (Form 02) or refusal slip (Form 03)."""
    permissions.ensure_can_receive(actor, agency.pk)
    errors = _Errors()
    if kind not in DeskSlip.Kind.values:
        errors.add("kind", _("Choose the guidance slip or the refusal slip."))
    applicant = validate_applicant(applicant, errors)
    version = _current_version(procedure, errors)
    if not (reason or "").strip():
        errors.add("reason", _("State the reason."))
    clean_items: list[dict[str, Any]] = []
    for index, item in enumerate(items or []):
        name = str(item.get("name", "")).strip()
        if not name:
            errors.add(f"items[{index}]", _("Each document to complete needs a name."))
        clean_items.append(
            {
                "name": name,
                "form": str(item.get("form", "")),
                "quantity": int(item.get("quantity") or 1),
            }
        )
    if kind == DeskSlip.Kind.GUIDANCE and not clean_items:
        errors.add("items", _("List the documents the applicant must add or complete."))
    errors.raise_if_any()
    if version is None:  # pragma: no cover - raise_if_any() has refused it already
        raise ValidationFailed(_("Choose a procedure."), field="procedure")
    at = now()
    suffix = "HDHS" if kind == DeskSlip.Kind.GUIDANCE else "TCHS"
    number = next_sequence(
        agency_id=agency.pk, counter=f"slip:{kind}:{timezone.localtime(at).year}"
    )
    return DeskSlip.objects.create(
        kind=kind,
        number=f"{number}/{suffix}",
        agency=agency,
        procedure_version=version,
        channel=channel,
        applicant_name=applicant.name,
        applicant_id_number=applicant.id_number,
        applicant_address=applicant.address,
        applicant_phone=applicant.phone,
        applicant_email=applicant.email,
        subject=(subject or version.name)[:500],
        reason=reason.strip(),
        items=clean_items,
        issued_at=at,
        issued_by=actor,
    )
