"""Shared pieces of the record services: locking, events, codes, the clock of a record."""

from __future__ import annotations

import secrets
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.errors import Conflict, NotFound
from motcua.core.hooks import RECORD_EVENT_ADDED, hook_call
from motcua.organisations.calendar import CountingMode, DurationUnit, WorkingCalendar
from motcua.organisations.models import Agency
from motcua.organisations.selectors import calendar_for
from motcua.records import deadlines
from motcua.records.models import Record, RecordCodeSequence, RecordEvent, RecordStep
from motcua.records.workflow import national_code


def now() -> datetime:
    return timezone.now()


def lock(record: Record | int) -> Record:
    """Re-read the record under a row lock (SELECT ... FOR UPDATE on PostgreSQL; SQLite's
    IMMEDIATE transactions already serialise writers).

    Related rows that other moves change (the current step) are NOT joined here: under READ
    COMMITTED, PostgreSQL re-checks only the locked row after waiting, so joined columns could be
    stale. They are read by later statements, which see everything committed before the lock."""
    pk = record.pk if isinstance(record, Record) else record
    try:
        return (
            Record.objects.select_for_update(of=("self",))
            .select_related("agency", "procedure_version")
            .get(pk=pk)
        )
    except Record.DoesNotExist as exc:
        raise NotFound(_("Record not found.")) from exc


def expect_unchanged(
    record: Record, *, expected_status: str | None, expected_step_id: int | None = None
) -> None:
    """Optimistic check for forms and the API: the state the user saw must still be current."""
    if expected_status is not None and record.status != expected_status:
        raise Conflict(
            _(
                "Somebody else changed this record first (it is now “%(status)s”). Reload and try again."
            )
            % {"status": record.get_status_display()},
            code="stale",
        )
    if expected_step_id is not None and record.current_step_id != expected_step_id:
        raise Conflict(
            _("Somebody else moved this record first. Reload and try again."), code="stale"
        )


def add_event(
    record: Record,
    *,
    kind: str,
    actor: Any,
    at: datetime,
    from_status: str,
    due_before: datetime | None = None,
    step: RecordStep | None = None,
    from_unit_id: int | None = None,
    to_unit_id: int | None = None,
    note: str = "",
    payload: dict[str, Any] | None = None,
) -> RecordEvent:
    event = RecordEvent.objects.create(
        record=record,
        kind=kind,
        at=at,
        actor=actor if getattr(actor, "pk", None) else None,
        from_status=from_status,
        to_status=record.status,
        national_code=national_code(record.status),
        due_before=due_before,
        due_after=record.due_at,
        statutory_due_after=record.statutory_due_at,
        step=step,
        from_unit_id=from_unit_id,
        to_unit_id=to_unit_id,
        note=note,
        payload=payload or {},
    )
    # Higher apps (the exchange outbox) write their rows in this same transaction.
    hook_call(RECORD_EVENT_ADDED, event=event)
    return event


def next_sequence(*, agency_id: int, counter: str) -> int:
    """Atomically increment and return the counter (one statement, safe across processes)."""
    table = connection.ops.quote_name(RecordCodeSequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (agency_id, counter, last_value) VALUES (%s, %s, 1) "  # noqa: S608
            f"ON CONFLICT (agency_id, counter) DO UPDATE SET last_value = {table}.last_value + 1 "
            "RETURNING last_value",
            [agency_id, counter],
        )
        row = cursor.fetchone()
    if row is None:  # pragma: no cover - RETURNING always yields the row
        raise RuntimeError("sequence upsert returned nothing")
    return int(row[0])


def record_code(*, agency: Agency, received_at: datetime) -> str:
    day = timezone.localtime(received_at).date()
    seq = next_sequence(agency_id=agency.pk, counter=f"code:{day:%Y%m%d}")
    return settings.MOTCUA_RECORD_CODE_FORMAT.format(agency_code=agency.code, date=day, seq=seq)


def new_secret() -> str:
    """The per-record lookup secret printed in the receipt's QR code: 128 random bits."""
    return secrets.token_urlsafe(16)


def clock_rule(version: Any) -> deadlines.ClockRule:
    cutoff = version.cutoff
    return deadlines.ClockRule(
        duration=Decimal(version.duration_value),
        unit=DurationUnit(version.duration_unit),
        mode=CountingMode(version.counting_mode),
        cutoff=cutoff,
        hours_per_day=settings.MOTCUA_HOURS_PER_WORKING_DAY,
    )


def record_calendar(record: Record) -> WorkingCalendar:
    return calendar_for(agency=record.agency)


def on_commit(func: Any) -> None:
    transaction.on_commit(func)
