"""Shared pieces of the record services: locking, events, codes, the clock of a record."""

from __future__ import annotations

import functools
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core import rows
from motcua.core.errors import Conflict, NotFound
from motcua.core.hooks import RECORD_EVENT_ADDED, hook_call
from motcua.core.models import User
from motcua.organisations.calendar import CountingMode, DurationUnit, WorkingCalendar
from motcua.organisations.models import Agency
from motcua.organisations.selectors import calendar_for
from motcua.records import deadlines
from motcua.records.models import Record, RecordCodeSequence, RecordEvent, RecordStep
from motcua.records.workflow import national_code

logger = logging.getLogger("motcua.records.events")


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
    actor: User,
    at: datetime,
    from_status: str,
    due_before: datetime | None = None,
    step: RecordStep | None = None,
    from_unit_id: int | None = None,
    to_unit_id: int | None = None,
    note: str = "",
    payload: dict[str, Any] | None = None,
    update_fields: tuple[str, ...] = (),
    insert_record: bool = False,
    numbering: Numbering | None = None,
) -> RecordEvent:
    """Append the event of a move (and its outbox row and audit entry, through the hook).
    ``update_fields``: fields of ``record`` to save first, like ``rows.update`` (in the same
    statement as the event on PostgreSQL). ``insert_record`` (PostgreSQL): ``record`` is new,
    its key reserved with ``rows.reserve_id``; it is written in the event's statement, and
    numbered there too with ``numbering`` (its code is then added to the event's payload)."""
    event = RecordEvent(
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
    if insert_record and numbering is not None:
        _insert_numbered(record, event, numbering)
    elif insert_record:
        rows.insert_pair(record, event)
    elif update_fields and connection.vendor == "postgresql":
        rows.update_and_insert(record, update_fields, event)
    else:
        if update_fields:
            rows.update(record, update_fields)
        rows.insert([event])  # append-only: never saved again
    # Higher apps (the exchange outbox, the audit log) write their rows in this same
    # transaction: the outbox row is the durable side effect that takes the event out.
    hook_call(RECORD_EVENT_ADDED, event=event)
    if logger.isEnabledFor(logging.INFO):
        _log_on_commit(event, code=record.code or str(record.pk))
    return event


def _log_on_commit(event: RecordEvent, *, code: str) -> None:
    """One log line per committed event (what the ``publish_record_event`` task used to do
    from a queued task row: now without a row per event, since the outbox delivers it)."""
    kind, national, at = event.kind, event.national_code, event.at.isoformat()
    transaction.on_commit(
        lambda: logger.info(
            "record.event kind=%s record=%s national_code=%s at=%s", kind, code, national, at
        )
    )


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


def next_sequences(*, agency_id: int, counters: list[str]) -> dict[str, int]:
    """``next_sequence`` for several counters of one agency in one statement (the rows are
    locked in the order given, so concurrent callers never deadlock)."""
    table = connection.ops.quote_name(RecordCodeSequence._meta.db_table)
    values = ", ".join(["(%s, %s, 1)"] * len(counters))
    params: list[Any] = []
    for counter in counters:
        params += [agency_id, counter]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (agency_id, counter, last_value) VALUES {values} "  # noqa: S608
            f"ON CONFLICT (agency_id, counter) DO UPDATE SET last_value = {table}.last_value + 1 "
            "RETURNING counter, last_value",
            params,
        )
        found = {str(counter): int(value) for counter, value in cursor.fetchall()}
    if set(found) != set(counters):  # pragma: no cover - RETURNING always yields the rows
        raise RuntimeError("sequence upsert returned too few rows")
    return found


def code_counters(received_at: datetime) -> tuple[date, str, str]:
    """The local day of ``received_at`` and the names of its two counters: the agency's daily
    code sequence and its yearly tracking book."""
    local = timezone.localtime(received_at)
    day = local.date()
    return day, f"code:{day:%Y%m%d}", f"book:{local.year}"


def record_code_and_book_number(*, agency: Agency, received_at: datetime) -> tuple[str, int]:
    """The record's code (daily sequence of the agency) and its number in the agency's yearly
    tracking book, from one statement."""
    day, code_counter, book_counter = code_counters(received_at)
    found = next_sequences(agency_id=agency.pk, counters=[code_counter, book_counter])
    code = settings.MOTCUA_RECORD_CODE_FORMAT.format(
        agency_code=agency.code, date=day, seq=found[code_counter]
    )
    return code, found[book_counter]


@dataclass(frozen=True)
class CodeLayout:
    """A record code around its sequence number: ``prefix``, the number zero-padded to
    ``width`` digits (longer numbers are written whole, as Python's format does), ``suffix``."""

    prefix: str
    width: int
    suffix: str

    def format(self, seq: int) -> str:
        return f"{self.prefix}{str(seq).zfill(self.width)}{self.suffix}"

    def sql(self, number: str) -> tuple[str, list[str]]:
        """The code as a PostgreSQL expression of the integer expression ``number``."""
        text = f"({number})::text"
        if self.width:
            text = (
                f"CASE WHEN length({text}) >= {self.width} THEN {text} "
                f"ELSE lpad({text}, {self.width}, '0') END"
            )
        return f"(%s || {text} || %s)", [self.prefix, self.suffix]


class _SequenceMark:
    """Stands for the sequence number while the code's format is laid out."""

    def __init__(self) -> None:
        self.specs: list[str] = []

    def __format__(self, spec: str) -> str:
        self.specs.append(spec)
        return "\x00"


_ZERO_PADDED = re.compile(r"0(\d{1,2})d?")


def code_layout(agency_code: str, day: date) -> CodeLayout | None:
    """``MOTCUA_RECORD_CODE_FORMAT`` for ``agency_code`` on ``day`` split around the sequence
    number, when the number is written in a way PostgreSQL can reproduce (``{seq}``,
    ``{seq:d}``, ``{seq:0Nd}``); ``None`` for any other layout (the code is then formatted in
    Python, one statement more)."""
    return _code_layout(settings.MOTCUA_RECORD_CODE_FORMAT, agency_code, day)


@functools.lru_cache(maxsize=1024)
def _code_layout(layout: str, agency_code: str, day: date) -> CodeLayout | None:
    mark = _SequenceMark()
    try:
        text = layout.format(agency_code=agency_code, date=day, seq=mark)
    except (KeyError, IndexError, ValueError, TypeError, AttributeError):
        return None
    if len(mark.specs) != 1 or text.count("\x00") != 1 or "\x00" in agency_code:
        return None
    spec = mark.specs[0]
    if spec in ("", "d"):
        width = 0
    elif match := _ZERO_PADDED.fullmatch(spec):
        width = int(match.group(1))
    else:
        return None
    prefix, suffix = text.split("\x00")
    return CodeLayout(prefix=prefix, width=width, suffix=suffix)


@dataclass(frozen=True)
class Numbering:
    """What ``add_event`` needs to number a new record in its own statement."""

    layout: CodeLayout
    code_counter: str
    book_counter: str


def _insert_numbered(record: Record, event: RecordEvent, numbering: Numbering) -> None:
    """PostgreSQL: take the day's code number and the year's book number (the counter rows stay
    locked until commit: every intake at the desk waits for them, so this comes last), write
    the record (its key reserved) with its code and book number, and its event with the code
    in its payload, in one statement."""
    table = connection.ops.quote_name(RecordCodeSequence._meta.db_table)
    code_sql, code_params = numbering.layout.sql("c.last_value")
    record_sql, record_params = rows.insert_select_statement(
        record, {"code": "numbers.code", "book_number": "numbers.book"}, "numbers", with_pk=True
    )
    event_sql, event_params = rows.insert_select_statement(
        event, {"payload": "{value} || jsonb_build_object('code', numbers.code)"}, "numbers"
    )
    sql = (
        f"WITH counters AS (INSERT INTO {table} (agency_id, counter, last_value) "  # noqa: S608
        "VALUES (%s, %s, 1), (%s, %s, 1) ON CONFLICT (agency_id, counter) "
        f"DO UPDATE SET last_value = {table}.last_value + 1 RETURNING counter, last_value), "
        f"numbers AS (SELECT {code_sql} AS code, b.last_value AS book "
        "FROM counters c, counters b WHERE c.counter = %s AND b.counter = %s), "
        f"written AS ({record_sql}) "
        f"{event_sql}, (SELECT code FROM numbers), (SELECT book FROM numbers)"
    )
    params = [
        record.agency_id,
        numbering.code_counter,
        record.agency_id,
        numbering.book_counter,
        *code_params,
        numbering.code_counter,
        numbering.book_counter,
        *record_params,
        *event_params,
    ]
    with connection.cursor() as cursor:
        rows.execute(cursor, sql, params)
        row = cursor.fetchone()
    if row is None:  # pragma: no cover - the counters always yield both rows
        raise RuntimeError("record numbering returned nothing")
    event_id, record.code, record.book_number = row[0], row[1], int(row[2])
    event.payload = {**event.payload, "code": record.code}
    rows.mark_saved([record], None)
    rows.mark_saved([event], [event_id])


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
