"""The citizen's lookup: find a record by its code plus the secret from the receipt's QR code,
or plus the last four digits of the applicant's phone or ID number, and build what the public
page shows. No personal data leaves here: no ID numbers, addresses, phones or officer names.

Unknown codes and wrong secrets take the same path (one query by code, then constant-time
comparisons against the record's values or dummies of the same shape) and the callers answer
them identically.
"""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.evaluation import selectors as evaluation_selectors
from motcua.records.models import Record, RecordStep
from motcua.records.selectors import record_get_public
from motcua.records.workflow import Status

CODE_MAX = 40
_DUMMY_SECRET = "x" * 22
_DUMMY_DIGITS = "----"

STATUS_TEXT: dict[str, Any] = {
    Status.SUBMITTED: gettext_lazy("Submitted online, waiting to be received at the desk"),
    Status.RECEIVED: gettext_lazy("Received at the desk, waiting for processing"),
    Status.REFUSED: gettext_lazy("Not received"),
    Status.IN_PROGRESS: gettext_lazy("Being processed"),
    Status.SUPPLEMENT_REQUESTED: gettext_lazy("Waiting for your supplement"),
    Status.AWAITING_PAYMENT: gettext_lazy("Waiting for your payment"),
    Status.APPROVED: gettext_lazy("Approved, the result is being prepared"),
    Status.RESULT_READY: gettext_lazy("The result is ready to be returned to you"),
    Status.RETURNED: gettext_lazy("The result has been returned"),
    Status.STOPPED: gettext_lazy("Processing stopped"),
    Status.WITHDRAWN: gettext_lazy("Withdrawn at your request"),
}


_CLOSED = frozenset({Status.RETURNED, Status.STOPPED, Status.WITHDRAWN, Status.REFUSED})


def vnd(amount: int) -> str:
    """``200.000 đ``: Vietnamese grouping in both languages (the amounts are Vietnamese)."""
    return f"{amount:,}".replace(",", ".") + " đ"


def normalise_code(code: str) -> str:
    return (code or "").strip()[:CODE_MAX]


def _last4(value: str) -> str:
    digits = re.sub(r"\D", "", value or "")
    return digits[-4:] if len(digits) >= 4 else _DUMMY_DIGITS


def _eq(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def find(*, code: str, secret: str = "", digits: str = "") -> tuple[Record | None, bool]:
    """The record when ``code`` and the secret (or the four digits) match, else None; and
    whether the match was by the secret (which also opens the evaluation)."""
    record = record_get_public(code=normalise_code(code)) if code else None
    expected_secret = record.lookup_secret if record is not None else _DUMMY_SECRET
    phone = _last4(record.applicant_phone) if record is not None else _DUMMY_DIGITS
    id_number = _last4(record.applicant_id_number) if record is not None else _DUMMY_DIGITS
    given_digits = re.sub(r"\D", "", digits or "")
    by_secret = bool(secret) and _eq(expected_secret, secret)
    digits_ok = len(given_digits) == 4
    by_phone = _eq(phone, given_digits if digits_ok else "????")
    by_id = _eq(id_number, given_digits if digits_ok else "????")
    if record is None or not (by_secret or by_phone or by_id):
        return None, False
    if record.status in (Status.SUBMITTED, Status.REFUSED) or record.received_at is None:
        return None, False  # not received: no code was given to the applicant
    return record, by_secret


@dataclass(frozen=True)
class TimelineItem:
    label: str
    unit: str
    started_at: datetime
    finished_at: datetime | None
    state: str
    state_label: str


@dataclass(frozen=True)
class PublicView:
    code: str
    procedure: str
    procedure_code: str
    agency: str
    received_at: datetime | None
    due_at: datetime | None
    finished_at: datetime | None
    returned_at: datetime | None
    status: str
    status_text: str
    timeline: list[TimelineItem] = field(default_factory=list)
    supplement_reason: str = ""
    supplement_items: list[str] = field(default_factory=list)
    fees_due: list[tuple[str, int]] = field(default_factory=list)
    fees_total: int = 0
    evaluable: bool = False
    evaluated: bool = False

    @property
    def show_fees(self) -> bool:
        return bool(self.fees_due) and self.status not in _CLOSED

    @property
    def fees_display(self) -> list[tuple[str, str]]:
        return [(name, vnd(amount)) for name, amount in self.fees_due]

    @property
    def has_todo(self) -> bool:
        return bool(self.supplement_reason or self.supplement_items or self.show_fees)


def _status_text(record: Record) -> str:
    step = record.current_step
    # Waiting for the applicant (supplement, payment) says so, whatever the step is.
    waiting = record.status in (Status.SUPPLEMENT_REQUESTED, Status.AWAITING_PAYMENT)
    active = step is not None and step.state == RecordStep.State.ACTIVE
    if record.is_open and not waiting and active and step is not None and step.public_status:
        return step.public_status
    return str(STATUS_TEXT.get(record.status, record.get_status_display()))


def _item_text(item: object) -> str:
    if isinstance(item, dict):
        name = str(item.get("name", "")).strip()
        quantity = item.get("quantity")
        if name and quantity:
            return _("%(name)s (%(quantity)s)") % {"name": name, "quantity": quantity}
        return name
    return str(item)


def public_view(record: Record) -> PublicView:
    steps = (
        record.steps.filter(kind=RecordStep.Kind.MAIN)
        .exclude(state=RecordStep.State.CANCELLED)
        .select_related("unit", "agency")
        .order_by("started_at", "id")
    )
    timeline = [
        TimelineItem(
            label=step.public_status or step.name,
            unit=f"{step.unit.name}, {step.agency}",
            started_at=step.started_at,
            finished_at=step.finished_at,
            state=step.state,
            state_label=str(step.get_state_display()),
        )
        for step in steps
    ]
    reason, items = "", []
    if record.status == Status.SUPPLEMENT_REQUESTED:
        open_round = record.supplements.filter(received_at__isnull=True).order_by("-number").first()
        if open_round is not None:
            reason = open_round.reason
            items = [text for text in (_item_text(i) for i in open_round.items or []) if text]
    fees = [(fee.name, fee.amount) for fee in record.fees.filter(paid=False).order_by("id")]
    version = record.procedure_version
    evaluation = evaluation_selectors.evaluation_of(record)
    return PublicView(
        code=record.code or "",
        procedure=version.name,
        procedure_code=version.procedure.code,
        agency=str(record.handling_agency),
        received_at=record.received_at,
        due_at=record.due_at,
        finished_at=record.finished_at,
        returned_at=record.returned_at,
        status=record.status,
        status_text=_status_text(record),
        timeline=timeline,
        supplement_reason=reason,
        supplement_items=items,
        fees_due=fees,
        fees_total=sum(amount for _name, amount in fees),
        evaluable=evaluation_selectors.is_evaluable(record),
        evaluated=evaluation is not None,
    )
