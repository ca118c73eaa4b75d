"""Record statuses, the national portal's codes 1-10 and the one table of allowed moves.

Only ``records/services.py`` assigns ``Record.status``; it asks ``ensure_move`` first.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.core.errors import Conflict


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted online, not yet received")
    RECEIVED = "received", _("Received")
    REFUSED = "refused", _("Refused at reception")
    IN_PROGRESS = "in_progress", _("In progress")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Waiting for a supplement")
    AWAITING_PAYMENT = "awaiting_payment", _("Waiting for payment")
    APPROVED = "approved", _("Approved, result being prepared")
    RESULT_READY = "result_ready", _("Result ready")
    RETURNED = "returned", _("Result returned")
    STOPPED = "stopped", _("Processing stopped")
    WITHDRAWN = "withdrawn", _("Withdrawn at the applicant's request")


# The national portal's TrangThaiHoSo codes (domain.md §2.1 [C]); the mapping is configuration in
# spirit (settings.MOTCUA_NATIONAL_STATUS_OVERRIDES may remap an internal status).
NATIONAL_CODE: dict[str, int] = {
    Status.SUBMITTED: 1,
    Status.RECEIVED: 2,
    Status.REFUSED: 3,
    Status.IN_PROGRESS: 4,
    Status.SUPPLEMENT_REQUESTED: 5,
    Status.AWAITING_PAYMENT: 6,
    Status.WITHDRAWN: 7,
    Status.STOPPED: 8,
    Status.APPROVED: 4,
    Status.RESULT_READY: 9,
    Status.RETURNED: 10,
}

OPEN = frozenset(
    {
        Status.RECEIVED,
        Status.IN_PROGRESS,
        Status.SUPPLEMENT_REQUESTED,
        Status.AWAITING_PAYMENT,
        Status.APPROVED,
    }
)
# Statuses that end processing (timeliness is judged at the first of them).
FINISHING = frozenset({Status.RESULT_READY, Status.RETURNED, Status.STOPPED, Status.WITHDRAWN})
TERMINAL = frozenset({Status.RETURNED, Status.STOPPED, Status.WITHDRAWN, Status.REFUSED})

_S = Status
TRANSITIONS: dict[str, frozenset[str]] = {
    _S.SUBMITTED: frozenset({_S.RECEIVED, _S.REFUSED, _S.WITHDRAWN}),
    _S.RECEIVED: frozenset({_S.IN_PROGRESS, _S.SUPPLEMENT_REQUESTED, _S.STOPPED, _S.WITHDRAWN}),
    _S.IN_PROGRESS: frozenset(
        {
            _S.IN_PROGRESS,
            _S.SUPPLEMENT_REQUESTED,
            _S.AWAITING_PAYMENT,
            _S.APPROVED,
            _S.STOPPED,
            _S.WITHDRAWN,
        }
    ),
    _S.SUPPLEMENT_REQUESTED: frozenset({_S.IN_PROGRESS, _S.STOPPED, _S.WITHDRAWN}),
    _S.AWAITING_PAYMENT: frozenset({_S.IN_PROGRESS, _S.STOPPED, _S.WITHDRAWN}),
    _S.APPROVED: frozenset({_S.RESULT_READY, _S.IN_PROGRESS, _S.WITHDRAWN}),
    _S.RESULT_READY: frozenset({_S.RETURNED}),
    _S.RETURNED: frozenset(),
    _S.STOPPED: frozenset(),
    _S.WITHDRAWN: frozenset(),
    _S.REFUSED: frozenset(),
}


def can_move(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, frozenset())


def ensure_move(current: str, target: str) -> str:
    """Return ``current`` when the move to ``target`` is allowed; raise ``Conflict`` otherwise."""
    if not can_move(current, target):
        raise Conflict(
            str(
                _(
                    "This record is “%(current)s”: it cannot become “%(target)s”. Reload the page to see its current state."
                )
            )
            % {"current": Status(current).label, "target": Status(target).label},
            code="wrong_state",
        )
    return current


def national_code(status: str) -> int:
    return NATIONAL_CODE[status]


# ---- actions -------------------------------------------------------------------------------------
# Every service is one action: the statuses it may start from and the status it leaves (None =
# unchanged). The status graph above must allow every (from, to) pair here; a test checks it.
class Action(models.TextChoices):
    RECEIVE = "receive", _("Receive")
    REFUSE = "refuse", _("Refuse")
    CLAIM = "claim", _("Claim")
    ASSIGN = "assign", _("Assign")
    FORWARD = "forward", _("Forward to the next step")
    SEND_BACK = "send_back", _("Send back")
    REQUEST_OPINION = "request_opinion", _("Ask another unit for an opinion")
    GIVE_OPINION = "give_opinion", _("Give an opinion")
    REQUEST_SUPPLEMENT = "request_supplement", _("Request a supplement")
    RECEIVE_SUPPLEMENT = "receive_supplement", _("Receive the supplement")
    STOP = "stop", _("Stop processing")
    APPROVE = "approve", _("Approve")
    MARK_RESULT_READY = "mark_result_ready", _("Mark the result ready")
    RETURN_RESULT = "return_result", _("Return the result")
    WITHDRAW = "withdraw", _("Withdraw at the applicant's request")
    EXTEND = "extend", _("Apologise and set a new appointment")


_WORKING = frozenset({Status.RECEIVED, Status.IN_PROGRESS})
ACTIONS: dict[str, tuple[frozenset[str], str | None]] = {
    Action.RECEIVE: (frozenset({Status.SUBMITTED}), Status.RECEIVED),
    Action.REFUSE: (frozenset({Status.SUBMITTED}), Status.REFUSED),
    Action.CLAIM: (_WORKING, Status.IN_PROGRESS),
    Action.ASSIGN: (_WORKING, None),
    Action.FORWARD: (_WORKING, Status.IN_PROGRESS),
    Action.SEND_BACK: (frozenset({Status.IN_PROGRESS}), Status.IN_PROGRESS),
    Action.REQUEST_OPINION: (frozenset({Status.IN_PROGRESS}), None),
    Action.GIVE_OPINION: (
        frozenset({Status.IN_PROGRESS, Status.SUPPLEMENT_REQUESTED, Status.APPROVED}),
        None,
    ),
    Action.REQUEST_SUPPLEMENT: (_WORKING, Status.SUPPLEMENT_REQUESTED),
    Action.RECEIVE_SUPPLEMENT: (frozenset({Status.SUPPLEMENT_REQUESTED}), Status.IN_PROGRESS),
    Action.STOP: (
        frozenset(
            {
                Status.RECEIVED,
                Status.IN_PROGRESS,
                Status.SUPPLEMENT_REQUESTED,
                Status.AWAITING_PAYMENT,
            }
        ),
        Status.STOPPED,
    ),
    Action.APPROVE: (frozenset({Status.IN_PROGRESS}), Status.APPROVED),
    Action.MARK_RESULT_READY: (frozenset({Status.APPROVED}), Status.RESULT_READY),
    Action.RETURN_RESULT: (frozenset({Status.RESULT_READY}), Status.RETURNED),
    Action.WITHDRAW: (
        frozenset({Status.SUBMITTED, *OPEN}),
        Status.WITHDRAWN,
    ),
    Action.EXTEND: (frozenset(OPEN), None),
}


def allowed_actions(status: str) -> list[str]:
    return [action for action, (sources, _target) in ACTIONS.items() if status in sources]


def ensure_action(action: str, status: str) -> str:
    """The status the record will have after ``action``; ``Conflict`` when not allowed now."""
    sources, target = ACTIONS[action]
    if status not in sources:
        raise Conflict(
            str(
                _(
                    "“%(action)s” is not possible while the record is “%(status)s”. Reload the page to see its current state."
                )
            )
            % {"action": Action(action).label, "status": Status(status).label},
            code="wrong_state",
        )
    result = status if target is None else target
    if result != status:
        ensure_move(status, result)
    return result
