"""Phiếu kiểm soát quá trình giải quyết hồ sơ: one row per hand-over of a record, built from its
events and steps in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from motcua.records.documents import texts
from motcua.records.documents.common import agency_related, desk_name, start
from motcua.records.documents.formatting import (
    clean,
    hand_over,
    person,
    printed_phone,
    time_date,
    unit_label,
)
from motcua.records.models import EventKind, Record, RecordEvent, RecordStep

HAND_OVERS = (
    EventKind.RECEIVED,
    EventKind.FORWARDED,
    EventKind.SENT_BACK,
    EventKind.OPINION_REQUESTED,
    EventKind.OPINION_GIVEN,
    EventKind.SUPPLEMENT_REQUESTED,
    EventKind.SUPPLEMENT_RECEIVED,
    EventKind.APPROVED,
    EventKind.RESULT_READY,
    EventKind.RETURNED,
    EventKind.STOPPED,
    EventKind.WITHDRAWN,
)


@dataclass(frozen=True)
class HandOver:
    """One row of the control sheet."""

    at: datetime
    kind: str
    giver_unit: str
    receiver_unit: str
    giver: str
    receiver: str
    result: str  # Trước hạn / Đúng hạn / Quá hạn, or "" when the row closes no step
    note: str


def _timeliness(value: str) -> str:
    return texts.TIMELINESS.get(value, "")


class _Context:
    def __init__(self, record: Record, steps: list[RecordStep], desk: str) -> None:
        self.record = record
        self.desk = desk
        self.home = record.agency_id
        self.by_pk = {s.pk: s for s in steps}
        self.finished = {(s.unit_id, s.finished_at): s for s in steps if s.finished_at is not None}
        self.applicant = clean(record.applicant_name)

    def unit(self, unit: Any) -> str:
        return unit_label(unit, home_agency_id=self.home)

    def finished_step(self, event: RecordEvent, unit_id: int | None) -> RecordStep | None:
        """The step this hand-over closed: named in the payload, else the one of ``unit_id``
        that finished at the event's instant."""
        pk = (event.payload or {}).get("from_step")
        if pk in self.by_pk:
            return self.by_pk[pk]
        if unit_id is not None:
            return self.finished.get((unit_id, event.at))
        return None

    def desk_step_at(self, at: datetime) -> RecordStep | None:
        for (_unit_id, finished_at), step in self.finished.items():
            if finished_at == at and step.unit.is_one_stop_desk:
                return step
        return None


def _note(kind: str, event: RecordEvent) -> str:
    template = texts.CONTROL_NOTES.get(kind, "")
    method = texts.RETURN_METHODS.get(str((event.payload or {}).get("method", "")), "")
    return clean(template.format(note=clean(event.note), method=method)).rstrip(": ")


def _row(ctx: _Context, event: RecordEvent) -> HandOver:
    kind = event.kind
    step = event.step
    actor = person(event.actor)
    record = ctx.record
    handling = clean(record.handling_agency.name)
    giver_unit = receiver_unit = giver = receiver = result = ""
    if kind == EventKind.RECEIVED:
        giver_unit, receiver_unit = ctx.desk, ctx.unit(event.to_unit)
        giver, receiver = actor, person(step.assignee) if step else ""
        done = ctx.desk_step_at(event.at)
        result = _timeliness(done.timeliness) if done else ""
    elif kind in (EventKind.FORWARDED, EventKind.SENT_BACK, EventKind.OPINION_REQUESTED):
        giver_unit, receiver_unit = ctx.unit(event.from_unit), ctx.unit(event.to_unit)
        giver, receiver = actor, person(step.assignee) if step else ""
        if kind != EventKind.OPINION_REQUESTED:
            done = ctx.finished_step(event, event.from_unit_id)
            result = _timeliness(done.timeliness) if done else ""
    elif kind == EventKind.OPINION_GIVEN:
        giver_unit, receiver_unit = ctx.unit(event.from_unit), ctx.unit(event.to_unit)
        asker = step.requested_by_step if step else None
        giver, receiver = actor, person(asker.assignee) if asker else ""
        result = _timeliness(step.timeliness) if step else ""
    elif kind == EventKind.SUPPLEMENT_REQUESTED:
        giver_unit = ctx.unit(step.unit) if step else handling
        receiver_unit, giver, receiver = texts.APPLICANT, actor, ctx.applicant
    elif kind == EventKind.SUPPLEMENT_RECEIVED:
        giver_unit, receiver_unit, giver, receiver = texts.APPLICANT, ctx.desk, ctx.applicant, actor
    elif kind == EventKind.APPROVED:
        giver_unit = ctx.unit(step.unit) if step else handling
        receiver_unit, giver = handling, actor
        result = _timeliness(step.timeliness) if step else ""
    elif kind == EventKind.RESULT_READY:
        giver_unit, receiver_unit, receiver = handling, ctx.desk, actor
        result = _timeliness(record.timeliness)
    elif kind == EventKind.RETURNED:
        giver_unit, receiver_unit, giver, receiver = ctx.desk, texts.APPLICANT, actor, ctx.applicant
    elif kind == EventKind.STOPPED:
        giver_unit = ctx.unit(step.unit) if step else handling
        receiver_unit, giver, receiver = texts.APPLICANT, actor, ctx.applicant
        result = _timeliness(record.timeliness)
    elif kind == EventKind.WITHDRAWN:
        giver_unit, receiver_unit, giver, receiver = texts.APPLICANT, ctx.desk, ctx.applicant, actor
    return HandOver(
        at=event.at,
        kind=kind,
        giver_unit=giver_unit,
        receiver_unit=receiver_unit,
        giver=giver,
        receiver=receiver,
        result=result,
        note=_note(kind, event),
    )


def _load(record: Record) -> tuple[Record, list[HandOver], str]:
    record = Record.objects.select_related(
        *agency_related("agency"), "handling_agency", "procedure_version"
    ).get(pk=record.pk)
    events = list(
        RecordEvent.objects.filter(record_id=record.pk, kind__in=HAND_OVERS)
        .select_related(
            "actor",
            "from_unit__agency",
            "to_unit__agency",
            "step__unit__agency",
            "step__assignee",
            "step__requested_by_step__assignee",
        )
        .order_by("at", "id")
    )
    steps = list(RecordStep.objects.filter(record_id=record.pk).select_related("unit"))
    desk = desk_name(record.agency)
    ctx = _Context(record, steps, desk)
    rows = [_row(ctx, event) for event in events]
    return record, rows, desk


def control_sheet_rows(record: Record) -> list[HandOver]:
    """The hand-overs of a record, oldest first (4 queries whatever the history's length)."""
    return _load(record)[1]


def control_sheet_pdf(record: Record, *, full: bool = True) -> bytes:
    """The control sheet; ``full=False``: the applicant's phone masked."""
    record, rows, _desk = _load(record)
    pdf = start(texts.CONTROL_TITLE, agency=record.agency, number=None, dated=None)
    pdf.form_title(texts.CONTROL_TITLE, subtitle=f"{texts.RECORD_CODE}: {clean(record.code)}")
    pdf.field(texts.CONTROL_ATTACHED_TO, clean(record.applicant_name), bold=True)
    pdf.fields_inline(
        [
            (texts.PHONE, printed_phone(record.applicant_phone, full=full)),
            (texts.EMAIL, clean(record.applicant_email)),
        ]
    )
    pdf.field(texts.PROCEDURE, clean(record.procedure_version.name))
    pdf.field(texts.CONTROL_RECEIVED, time_date(record.received_at))
    appointment = time_date(record.due_at)
    if record.original_due_at and record.due_at and record.original_due_at != record.due_at:
        appointment += " " + texts.CONTROL_FIRST_APPOINTMENT.format(
            at=time_date(record.original_due_at)
        )
    pdf.field(texts.CONTROL_APPOINTMENT, appointment, bold=True)
    pdf.ln(2)
    if rows:
        pdf.grid(
            texts.CONTROL_HEADINGS,
            [
                (
                    str(index),
                    "\n".join(
                        (
                            texts.CONTROL_GIVE.format(unit=row.giver_unit),
                            texts.CONTROL_TAKE.format(unit=row.receiver_unit),
                        )
                    ),
                    "\n".join(
                        (
                            hand_over(row.at),
                            texts.CONTROL_GIVER.format(name=row.giver or texts.NUMBER_BLANK),
                            texts.CONTROL_TAKER.format(name=row.receiver or texts.NUMBER_BLANK),
                        )
                    ),
                    row.result,
                    row.note,
                )
                for index, row in enumerate(rows, start=1)
            ],
            widths=(9, 47, 50, 28, 36),
            aligns=("C", "L", "L", "C", "L"),
            size=10,
        )
    else:
        pdf.paragraph(texts.CONTROL_EMPTY, style="I")
    return pdf.output_bytes()
