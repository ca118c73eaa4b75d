"""Processing moves: queue work, hand-overs, supplements, stop, approval, result, withdrawal,
apology and extension. Each is one transaction with exactly one RecordEvent."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from motcua.core.errors import Conflict, PermissionDenied, ValidationFailed
from motcua.core.models import User
from motcua.documents.selectors import result_signed
from motcua.organisations.models import OrgUnit, Role
from motcua.organisations.selectors import calendar_for
from motcua.records import deadlines, permissions
from motcua.records.models import Extension, Record, RecordStep, SupplementRound
from motcua.records.models.event import EventKind
from motcua.records.services.common import add_event, clock_rule, expect_unchanged, lock, now
from motcua.records.services.intake import ComponentData, _add_components, activate_step, plan_for
from motcua.records.workflow import Action, ensure_action


def _reason(text: str, *, field: str = "reason") -> str:
    cleaned = (text or "").strip()
    if not cleaned:
        raise ValidationFailed(_("State the reason."), field=field)
    if len(cleaned) > 2000:
        raise ValidationFailed(_("The text is too long (2000 characters at most)."), field=field)
    return cleaned


def _current(record: Record) -> RecordStep:
    step = record.current_step
    if step is None or step.state != RecordStep.State.ACTIVE:
        raise Conflict(_("This record has no step in progress."), code="wrong_state")
    return step


def _finish_step(
    step: RecordStep, *, actor: User, at: datetime, state: str = RecordStep.State.DONE
) -> None:
    step.state = state
    step.finished_at = at
    step.finished_by = actor if getattr(actor, "pk", None) else None
    step.timeliness = deadlines.classify(finished_at=at, due_at=step.due_at) if step.due_at else ""
    step.save(update_fields=["state", "finished_at", "finished_by", "timeliness"])


def _close_open_steps(record: Record, *, actor: User, at: datetime) -> None:
    for step in record.steps.filter(state=RecordStep.State.ACTIVE):
        _finish_step(step, actor=actor, at=at, state=RecordStep.State.CANCELLED)


def _finish(record: Record, *, at: datetime) -> None:
    """Processing ends at the first of result ready, returned, stopped, withdrawn."""
    if record.finished_at is not None or record.received_at is None:
        return
    record.finished_at = at
    record.finish_status = record.status
    against = getattr(settings, "MOTCUA_TIMELINESS_AGAINST", "original")
    judged_due = record.due_at if against == "latest" else record.statutory_due_at
    judged_at = record.paused_at or at
    if judged_due is not None:
        record.timeliness = deadlines.classify(finished_at=judged_at, due_at=judged_due)


def _emit(record: Record, **kwargs: Any) -> None:
    add_event(record, **kwargs)


def _assignee_may_act(
    user: User | None, *, unit: OrgUnit, role: str, leaders_may_act: bool
) -> None:
    """A step is only given to somebody who may act on it (``permissions.may_act_on``)."""
    if user is None:
        return
    if not permissions.may_act_on(
        user,
        agency_id=unit.agency_id,
        unit_id=unit.pk,
        role=role,
        leaders_may_act=leaders_may_act,
    ):
        raise ValidationFailed(
            _("The chosen officer does not hold the role of this step (%(role)s) in %(unit)s.")
            % {"role": Role(role).label if role in Role.values else role, "unit": unit.name},
            field="assignee",
        )


# ---- queue work ------------------------------------------------------------------------------------
@transaction.atomic
def step_claim(*, actor: User, record: Record, expected_step_id: int | None = None) -> Record:
    record = lock(record)
    expect_unchanged(record, expected_status=None, expected_step_id=expected_step_id)
    step = _current(record)
    if step.assignee_id is not None:
        who = step.assignee.display_name() if step.assignee else ""
        raise Conflict(
            _("This step has already been claimed by %(name)s.") % {"name": who},
            code="already_claimed",
        )
    permissions.ensure_can_claim(actor, step)
    previous = record.status
    record.status = ensure_action(Action.CLAIM, record.status)
    step.assignee = actor
    step.save(update_fields=["assignee"])
    record.save(update_fields=["status", "updated_at"])
    _emit(record, kind=EventKind.CLAIMED, actor=actor, at=now(), from_status=previous, step=step)
    return record


@transaction.atomic
def step_assign(
    *, actor: User, record: Record, assignee: User, expected_step_id: int | None = None
) -> Record:
    record = lock(record)
    expect_unchanged(record, expected_status=None, expected_step_id=expected_step_id)
    step = _current(record)
    permissions.ensure_can_assign(actor, step)
    _assignee_may_act(
        assignee, unit=step.unit, role=step.role, leaders_may_act=step.leaders_may_act
    )
    previous = record.status
    record.status = ensure_action(Action.ASSIGN, record.status)
    step.assignee = assignee
    step.save(update_fields=["assignee"])
    record.save(update_fields=["status", "updated_at"])
    _emit(
        record,
        kind=EventKind.ASSIGNED,
        actor=actor,
        at=now(),
        from_status=previous,
        step=step,
        payload={"assignee": assignee.username},
    )
    return record


@transaction.atomic
def step_forward(
    *,
    actor: User,
    record: Record,
    assignee: User | None = None,
    note: str = "",
    expected_step_id: int | None = None,
) -> Record:
    """Finish the current step and hand the record to the next step of the process template."""
    record = lock(record)
    expect_unchanged(record, expected_status=None, expected_step_id=expected_step_id)
    step = _current(record)
    permissions.ensure_can_work_step(actor, step)
    if record.steps.filter(kind=RecordStep.Kind.OPINION, state=RecordStep.State.ACTIVE).exists():
        raise Conflict(
            _("Wait for the opinions you asked for before forwarding."), code="opinions_pending"
        )
    templates = [p for p in plan_for(record) if p.order > step.order]
    if not templates:
        raise Conflict(_("This is the last step: approve the record instead."), code="last_step")
    nxt = templates[0]
    if nxt.unit is not None:
        _assignee_may_act(
            assignee, unit=nxt.unit, role=nxt.role, leaders_may_act=nxt.leaders_may_act
        )
    previous = record.status
    record.status = ensure_action(Action.FORWARD, record.status)
    at = now()
    _finish_step(step, actor=actor, at=at)
    new_step = activate_step(record, template=nxt, at=at, assignee=assignee)
    record.current_step = new_step
    record.save(update_fields=["status", "current_step", "updated_at"])
    _emit(
        record,
        kind=EventKind.FORWARDED,
        actor=actor,
        at=at,
        from_status=previous,
        step=new_step,
        from_unit_id=step.unit_id,
        to_unit_id=new_step.unit_id,
        note=note.strip(),
        payload={"from_step": step.pk, "step_result": step.timeliness},
    )
    return record


@transaction.atomic
def step_send_back(
    *, actor: User, record: Record, to_order: int, reason: str, expected_step_id: int | None = None
) -> Record:
    """Return the record to an earlier step of the template, with a reason."""
    reason = _reason(reason)
    record = lock(record)
    expect_unchanged(record, expected_status=None, expected_step_id=expected_step_id)
    step = _current(record)
    permissions.ensure_can_work_step(actor, step)
    target = next((p for p in plan_for(record) if p.order == to_order), None)
    if target is None or to_order >= step.order:
        raise ValidationFailed(
            _("Choose an earlier step to send the record back to."), field="to_order"
        )
    if target.unit is None or target.unit.is_one_stop_desk:
        raise ValidationFailed(
            _("A record cannot be sent back to the desk; request a supplement instead."),
            field="to_order",
        )
    previous_handler = (
        record.steps.filter(kind=RecordStep.Kind.MAIN, order=to_order, state=RecordStep.State.DONE)
        .order_by("-finished_at")
        .first()
    )
    previous = record.status
    record.status = ensure_action(Action.SEND_BACK, record.status)
    at = now()
    _finish_step(step, actor=actor, at=at, state=RecordStep.State.SENT_BACK)
    new_step = activate_step(
        record,
        template=target,
        at=at,
        assignee=previous_handler.assignee if previous_handler else None,
    )
    record.current_step = new_step
    record.save(update_fields=["status", "current_step", "updated_at"])
    _emit(
        record,
        kind=EventKind.SENT_BACK,
        actor=actor,
        at=at,
        from_status=previous,
        step=new_step,
        from_unit_id=step.unit_id,
        to_unit_id=new_step.unit_id,
        note=reason,
    )
    return record


@transaction.atomic
def step_request_opinion(
    *, actor: User, record: Record, unit: OrgUnit, question: str, budget_hours: Decimal | int = 8
) -> Record:
    """Ask another unit (of any agency) for an opinion; the record does not move."""
    question = _reason(question, field="question")
    try:
        budget = Decimal(str(budget_hours))
    except InvalidOperation as exc:
        raise ValidationFailed(
            _("The time budget must be a number of working hours."), field="budget_hours"
        ) from exc
    if budget <= 0 or budget > 400:
        raise ValidationFailed(
            _("The time budget must be between 0 and 400 working hours."), field="budget_hours"
        )
    record = lock(record)
    step = _current(record)
    permissions.ensure_can_work_step(actor, step)
    if unit.pk == step.unit_id:
        raise ValidationFailed(_("Ask a unit other than your own."), field="unit")
    previous = record.status
    record.status = ensure_action(Action.REQUEST_OPINION, record.status)
    at = now()
    cal = calendar_for(agency=unit.agency)
    opinion = RecordStep.objects.create(
        record=record,
        kind=RecordStep.Kind.OPINION,
        order=step.order,
        name=_("Opinion of %(unit)s") % {"unit": unit.name},
        agency=unit.agency,
        unit=unit,
        state=RecordStep.State.ACTIVE,
        started_at=at,
        due_at=deadlines.step_due(cal, started_at=at, budget_hours=budget),
        budget_hours=budget,
        note=question,
        requested_by_step=step,
    )
    record.save(update_fields=["updated_at"])
    _emit(
        record,
        kind=EventKind.OPINION_REQUESTED,
        actor=actor,
        at=at,
        from_status=previous,
        step=opinion,
        from_unit_id=step.unit_id,
        to_unit_id=unit.pk,
        note=question,
    )
    return record


@transaction.atomic
def step_give_opinion(*, actor: User, opinion: RecordStep, answer: str) -> Record:
    answer = _reason(answer, field="answer")
    record = lock(opinion.record_id)
    opinion = RecordStep.objects.select_for_update().get(pk=opinion.pk)
    if opinion.kind != RecordStep.Kind.OPINION or opinion.state != RecordStep.State.ACTIVE:
        raise Conflict(_("This opinion request is already answered."), code="wrong_state")
    if not (
        opinion.assignee_id == actor.pk
        or permissions.has_role(
            actor,
            agency_id=opinion.agency_id,
            roles=permissions.PROCESSORS,
            unit_id=opinion.unit_id,
        )
    ):
        raise PermissionDenied(_("Only an officer of the asked unit can answer."))
    previous = record.status
    record.status = ensure_action(Action.GIVE_OPINION, record.status)
    at = now()
    opinion.note = f"{opinion.note}\n---\n{answer}"
    opinion.assignee = opinion.assignee or actor
    opinion.save(update_fields=["note", "assignee"])
    _finish_step(opinion, actor=actor, at=at)
    record.save(update_fields=["updated_at"])
    _emit(
        record,
        kind=EventKind.OPINION_GIVEN,
        actor=actor,
        at=at,
        from_status=previous,
        step=opinion,
        from_unit_id=opinion.unit_id,
        to_unit_id=opinion.requested_by_step.unit_id if opinion.requested_by_step else None,
        note=answer,
    )
    return record


# ---- supplement ----------------------------------------------------------------------------------
@transaction.atomic
def supplement_request(
    *,
    actor: User,
    record: Record,
    reason: str,
    items: list[dict[str, Any]],
    expected_step_id: int | None = None,
) -> SupplementRound:
    """Ask the applicant, once and in writing (Form 02), for everything missing. The clock
    pauses or will restart per the procedure version's rule."""
    reason = _reason(reason)
    clean = [
        {
            "name": str(i.get("name", "")).strip(),
            "form": str(i.get("form", "")),
            "quantity": int(i.get("quantity") or 1),
        }
        for i in items or []
    ]
    if not clean or any(not i["name"] for i in clean):
        raise ValidationFailed(
            _("List every document the applicant must add, each with a name."), field="items"
        )
    record = lock(record)
    expect_unchanged(record, expected_status=None, expected_step_id=expected_step_id)
    step = _current(record)
    permissions.ensure_can_work_step(actor, step)
    previous = record.status
    record.status = ensure_action(Action.REQUEST_SUPPLEMENT, record.status)
    at = now()
    cal = calendar_for(agency=record.agency)
    remaining = (
        deadlines.remaining_at(cal, due_at=record.statutory_due_at, at=at)
        if record.statutory_due_at
        else timedelta(0)
    )
    record.supplement_count += 1
    round_ = SupplementRound.objects.create(
        record=record,
        number=record.supplement_count,
        rule=record.procedure_version.supplement_rule,
        requested_at=at,
        requested_by=actor,
        reason=reason,
        items=clean,
        remaining_seconds=int(remaining.total_seconds()),
        step=step,
    )
    record.paused_at = at
    record.save(update_fields=["status", "supplement_count", "paused_at", "updated_at"])
    _emit(
        record,
        kind=EventKind.SUPPLEMENT_REQUESTED,
        actor=actor,
        at=at,
        from_status=previous,
        step=step,
        note=reason,
        payload={"round": round_.number, "rule": round_.rule, "items": clean},
    )
    return round_


@transaction.atomic
def supplement_receive(
    *, actor: User, record: Record, components: list[ComponentData] | None = None, note: str = ""
) -> Record:
    """The desk receives the supplement: the clock resumes (pause rule) or restarts."""
    record = lock(record)
    permissions.ensure_can_receive(actor, record.agency_id)
    previous = record.status
    record.status = ensure_action(Action.RECEIVE_SUPPLEMENT, record.status)
    round_ = (
        record.supplements.select_for_update()
        .filter(received_at__isnull=True)
        .order_by("-number")
        .first()
    )
    if round_ is None:
        raise Conflict(_("There is no open supplement request."), code="wrong_state")
    at = now()
    cal = calendar_for(agency=record.agency)
    due_before = record.due_at
    if round_.rule == SupplementRound.Rule.RESTART:
        result = deadlines.appointment(cal, clock_rule(record.procedure_version), received_at=at)
        new_due, lines = (
            result.due_at,
            [
                _("Supplement received: the clock restarts (procedure rule)."),
                *result.explanation,
            ],
        )
        record.clock_started_at = result.clock_start
    else:
        if record.statutory_due_at is None:  # pragma: no cover - every received record has one
            raise Conflict(_("This record has no appointment."), code="wrong_state")
        new_due, line = deadlines.resume_due(
            cal,
            due_at=record.statutory_due_at,
            remaining=timedelta(seconds=round_.remaining_seconds),
            resumed_at=at,
        )
        lines = [line]
    record.statutory_due_at = new_due
    record.due_at = (
        max(new_due, record.due_at) if record.extension_count and record.due_at else new_due
    )
    record.due_explanation = [*record.due_explanation, *lines]
    record.paused_at = None
    round_.received_at = at
    round_.received_by = actor
    round_.save(update_fields=["received_at", "received_by"])
    step = record.current_step
    if step is not None and step.state == RecordStep.State.ACTIVE and step.due_at is not None:
        step_cal = calendar_for(agency=step.agency)
        if round_.rule == SupplementRound.Rule.RESTART:
            step.due_at = deadlines.step_due(
                step_cal, started_at=at, budget_hours=step.budget_hours
            )
        else:
            left = deadlines.remaining_at(step_cal, due_at=step.due_at, at=round_.requested_at)
            step.due_at, _line = deadlines.resume_due(
                step_cal, due_at=step.due_at, remaining=left, resumed_at=at
            )
        step.save(update_fields=["due_at"])
    if components:
        _add_components(record, components, at_supplement=True)
    record.save()
    _emit(
        record,
        kind=EventKind.SUPPLEMENT_RECEIVED,
        actor=actor,
        at=at,
        from_status=previous,
        due_before=due_before,
        step=step,
        note=note.strip(),
        payload={"round": round_.number, "rule": round_.rule},
    )
    return record


# ---- ending --------------------------------------------------------------------------------------
@transaction.atomic
def record_stop(*, actor: User, record: Record, reason: str) -> Record:
    """Stop processing (Thông báo dừng giải quyết hồ sơ)."""
    reason = _reason(reason)
    record = lock(record)
    step = record.current_step
    allowed = (step is not None and permissions.can_work_step(actor, step)) or permissions.has_role(
        actor, agency_id=record.agency_id, roles=permissions.LEADERS
    )
    if not allowed:
        raise PermissionDenied(_("Only the officer handling the record or a leader can stop it."))
    previous = record.status
    record.status = ensure_action(Action.STOP, record.status)
    at = now()
    record.stop_reason = reason
    _finish(record, at=at)
    _close_open_steps(record, actor=actor, at=at)
    record.save()
    _emit(
        record,
        kind=EventKind.STOPPED,
        actor=actor,
        at=at,
        from_status=previous,
        step=step,
        note=reason,
    )
    return record


@transaction.atomic
def record_approve(
    *, actor: User, record: Record, note: str = "", expected_step_id: int | None = None
) -> Record:
    """A leader approves the result at their step."""
    record = lock(record)
    expect_unchanged(record, expected_status=None, expected_step_id=expected_step_id)
    step = _current(record)
    permissions.ensure_can_work_step(actor, step)
    if not permissions.has_role(
        actor, agency_id=step.agency_id, roles=permissions.LEADERS, unit_id=step.unit_id
    ):
        raise PermissionDenied(_("Only a unit head or a leader can approve."))
    if record.steps.filter(kind=RecordStep.Kind.OPINION, state=RecordStep.State.ACTIVE).exists():
        raise Conflict(
            _("Wait for the opinions you asked for before approving."), code="opinions_pending"
        )
    previous = record.status
    record.status = ensure_action(Action.APPROVE, record.status)
    at = now()
    _finish_step(step, actor=actor, at=at)
    # The result goes on to the next step of the process (usually the desk that returns it).
    following = [p for p in plan_for(record) if p.order > step.order]
    next_step = (
        activate_step(record, template=following[0], at=at, assignee=None) if following else None
    )
    if next_step is not None:
        record.current_step = next_step
    record.save(update_fields=["status", "current_step", "updated_at"])
    _emit(
        record,
        kind=EventKind.APPROVED,
        actor=actor,
        at=at,
        from_status=previous,
        step=next_step or step,
        from_unit_id=step.unit_id,
        to_unit_id=next_step.unit_id if next_step else None,
        note=note.strip(),
    )
    return record


@transaction.atomic
def record_mark_result_ready(*, actor: User, record: Record, result_summary: str = "") -> Record:
    record = lock(record)
    permissions.ensure_can_mark_ready(actor, record)
    previous = record.status
    record.status = ensure_action(Action.MARK_RESULT_READY, record.status)
    if record.procedure_version.requires_signed_result and not result_signed(record):
        raise Conflict(
            _(
                "This procedure requires a digitally signed result: generate the result "
                "document and have it signed and sealed first."
            ),
            code="result_not_signed",
        )
    at = now()
    record.result_summary = (result_summary or "").strip()
    _finish(record, at=at)
    step = record.current_step
    if step is not None and step.state == RecordStep.State.ACTIVE:
        _finish_step(step, actor=actor, at=at)
    _close_open_steps(record, actor=actor, at=at)
    record.save()
    _emit(
        record,
        kind=EventKind.RESULT_READY,
        actor=actor,
        at=at,
        from_status=previous,
        note=record.result_summary,
    )
    return record


@transaction.atomic
def record_return_result(*, actor: User, record: Record, method: str, note: str = "") -> Record:
    if method not in ("desk", "postal", "electronic"):
        raise ValidationFailed(
            _("Choose how the result is returned: at the desk, by post or electronically."),
            field="method",
        )
    record = lock(record)
    permissions.ensure_can_receive(actor, record.agency_id)
    previous = record.status
    record.status = ensure_action(Action.RETURN_RESULT, record.status)
    at = now()
    record.returned_at = at
    record.return_method = method
    _finish(record, at=at)
    record.save()
    _emit(
        record,
        kind=EventKind.RETURNED,
        actor=actor,
        at=at,
        from_status=previous,
        note=note.strip(),
        payload={"method": method},
    )
    return record


@transaction.atomic
def record_withdraw(*, actor: User, record: Record, reason: str) -> Record:
    """The applicant withdraws the record (their written request is received at the desk)."""
    reason = _reason(reason)
    record = lock(record)
    permissions.ensure_can_receive(actor, record.agency_id)
    previous = record.status
    record.status = ensure_action(Action.WITHDRAW, record.status)
    at = now()
    record.stop_reason = reason
    _finish(record, at=at)
    _close_open_steps(record, actor=actor, at=at)
    record.save()
    _emit(record, kind=EventKind.WITHDRAWN, actor=actor, at=at, from_status=previous, note=reason)
    return record


@transaction.atomic
def record_extend(*, actor: User, record: Record, new_due_at: datetime, reason: str) -> Extension:
    """Apology and new appointment, issued before the current appointment passes."""
    reason = _reason(reason)
    if new_due_at.tzinfo is None:
        raise ValidationFailed(_("The new appointment needs a time zone."), field="new_due_at")
    record = lock(record)
    permissions.ensure_can_extend(actor, record)
    previous = record.status
    record.status = ensure_action(Action.EXTEND, record.status)
    at = now()
    if record.due_at is None or at >= record.due_at:
        raise Conflict(
            _("The appointment has already passed: an apology must be issued before it."),
            code="too_late",
        )
    if new_due_at <= record.due_at:
        raise ValidationFailed(
            _("The new appointment must be later than the current one."), field="new_due_at"
        )
    cal = calendar_for(agency=record.agency)
    if not cal.is_working_day(new_due_at.astimezone(cal_tz()).date()):
        raise ValidationFailed(
            _("The new appointment must fall on a working day."), field="new_due_at"
        )
    due_before = record.due_at
    record.extension_count += 1
    extension = Extension.objects.create(
        record=record,
        number=record.extension_count,
        issued_at=at,
        issued_by=actor,
        previous_due_at=due_before,
        new_due_at=new_due_at,
        reason=reason,
    )
    record.due_at = new_due_at
    record.save(update_fields=["due_at", "extension_count", "updated_at"])
    _emit(
        record,
        kind=EventKind.EXTENDED,
        actor=actor,
        at=at,
        from_status=previous,
        due_before=due_before,
        note=reason,
        payload={"number": extension.number},
    )
    return extension


def cal_tz() -> ZoneInfo:
    from motcua.organisations.calendar import TZ

    return TZ
