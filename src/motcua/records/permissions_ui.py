"""Which actions a user may take on a record *now*: the status table of ``workflow`` combined
with the ``permissions.can_*`` checks, in one place for the officer pages and the API.

The services stay the authority (they check again under a row lock); this module only decides
which buttons to show, so it must never allow what a service refuses. The step's role
(``permissions.may_act_on_step``) reaches the page and the API through the same ``can_claim``,
``can_work_step`` and ``can_mark_ready`` the services call. Where a service checks something
that ``permissions`` has no ``can_*`` function for (stop, approve, give an opinion), the same
rule is written here with ``permissions.has_role`` and a comment naming the service.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone

from motcua.records import permissions
from motcua.records.models import Record, RecordStep
from motcua.records.workflow import Action, allowed_actions


@dataclass(frozen=True)
class RecordActions:
    """The result of :func:`record_actions`.

    ``allowed``: action values in the order of ``workflow.Action``;
    ``opinions``: the open opinion requests on the record this user may answer (the
    ``give_opinion`` action applies to one of them);
    ``opinions_pending``: an opinion request on the record is still unanswered (the record can
    be neither forwarded nor approved until it is: ``step_forward``, ``record_approve``).
    """

    allowed: tuple[str, ...]
    opinions: tuple[RecordStep, ...] = ()
    opinions_pending: bool = False
    has_next_step: bool = False

    def __contains__(self, action: object) -> bool:
        return action in self.allowed


def _is_user(user: Any, user_id: int | None) -> bool:
    return user_id is not None and user_id == getattr(user, "pk", None)


def _open_opinions(record: Record) -> list[RecordStep]:
    return list(
        record.steps.filter(
            kind=RecordStep.Kind.OPINION, state=RecordStep.State.ACTIVE
        ).select_related("unit", "agency", "assignee", "requested_by_step")
    )


def _has_next_step(record: Record, step: RecordStep) -> bool:
    """A later step exists in the record's process template (``step_forward`` refuses to
    forward from the last step: the record is approved there instead)."""
    return record.procedure_version.steps.filter(order__gt=step.order).exists()


def _has_earlier_step(record: Record, step: RecordStep) -> bool:
    """An earlier step outside the one-stop desk ran (``step_send_back`` refuses the desk)."""
    return (
        record.steps.filter(kind=RecordStep.Kind.MAIN, order__lt=step.order)
        .exclude(unit__is_one_stop_desk=True)
        .exists()
    )


def can_answer_opinion(user: Any, opinion: RecordStep) -> bool:
    """As ``services.step_give_opinion``: the assignee, or a processor of the asked unit."""
    if opinion.kind != RecordStep.Kind.OPINION or opinion.state != RecordStep.State.ACTIVE:
        return False
    return _is_user(user, opinion.assignee_id) or permissions.has_role(
        user, agency_id=opinion.agency_id, roles=permissions.PROCESSORS, unit_id=opinion.unit_id
    )


def record_actions(
    user: Any,
    record: Record,
    *,
    now: datetime | None = None,
    open_opinions: list[RecordStep] | None = None,
) -> RecordActions:
    """The actions ``user`` may take on ``record`` in its current state.

    ``record`` should come with ``current_step`` (and its unit) selected; a few small queries
    are made for the opinion requests and the process template. ``open_opinions`` may be given
    when the caller already loaded the record's active opinion steps.
    """
    now = now or timezone.now()
    by_status = set(allowed_actions(record.status))
    step = record.current_step
    working = (
        step is not None
        and step.state == RecordStep.State.ACTIVE
        and permissions.can_work_step(user, step)
    )
    desk = permissions.can_receive(user, record.agency_id)
    opinions = open_opinions if open_opinions is not None else _open_opinions(record)
    pending = bool(opinions)
    answerable = tuple(o for o in opinions if can_answer_opinion(user, o))
    has_next = (
        working
        and step is not None
        and Action.FORWARD in by_status
        and _has_next_step(record, step)
    )

    checks: dict[str, bool] = {
        Action.RECEIVE: desk,
        Action.REFUSE: desk,
        Action.CLAIM: step is not None and permissions.can_claim(user, step),
        Action.ASSIGN: step is not None and permissions.can_assign(user, step),
        Action.FORWARD: working and has_next and not pending,
        Action.SEND_BACK: working
        and step is not None
        and Action.SEND_BACK in by_status
        and _has_earlier_step(record, step),
        Action.REQUEST_OPINION: working,
        Action.GIVE_OPINION: bool(answerable),
        Action.REQUEST_SUPPLEMENT: working,
        Action.RECEIVE_SUPPLEMENT: desk,
        # services.record_stop: the officer working the step, or a leader of the receiving agency.
        Action.STOP: working
        or permissions.has_role(user, agency_id=record.agency_id, roles=permissions.LEADERS),
        # services.record_approve: the step's worker who is also a head/leader of its unit.
        Action.APPROVE: working
        and step is not None
        and not pending
        and permissions.has_role(
            user, agency_id=step.agency_id, roles=permissions.LEADERS, unit_id=step.unit_id
        ),
        Action.MARK_RESULT_READY: permissions.can_mark_ready(user, record),
        Action.RETURN_RESULT: desk,
        Action.WITHDRAW: desk,
        # services.record_extend: only before the current appointment passes.
        Action.EXTEND: permissions.can_extend(user, record)
        and record.due_at is not None
        and now < record.due_at,
    }
    allowed = tuple(
        action.value for action in Action if action in by_status and checks.get(action, False)
    )
    return RecordActions(
        allowed=allowed, opinions=answerable, opinions_pending=pending, has_next_step=has_next
    )
