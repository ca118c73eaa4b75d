"""Historical import from a legacy system: JSON Lines, one record per line (docs/reports.md).

Each line is validated on its own; a bad line is reported with its number and reason and does
not stop the others. A line whose code already exists is ``unchanged`` (same content) or a
failure (different content: nothing is overwritten). Valid lines are written in batches: one
transaction per batch with bulk inserts; when a batch fails in the database, its lines are
written again one by one, each in its own transaction, so a bad line never takes the others with
it.

The imported record gets the same fields and ``RecordEvent`` rows as a live one (received,
supplement requested/received, extended, result ready, returned, stopped, withdrawn, refused),
with ``statutory_due_after``/``due_after`` on every event, so the settlement report treats it
exactly like a live record. Imported events are history: nothing is sent to the national portal.

Deviation (docs/reports.md): the import writes ``Record``/``RecordEvent`` rows itself, outside
``records/services``, because the live services cannot back-date moves; it uses the records
app's own pure deadline functions and status table.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import psycopg
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import Count, JSONField, Model
from django.utils import timezone
from django.utils.translation import gettext as _
from psycopg.types.json import Jsonb

from motcua.catalogue.models import Field, Procedure, ProcedureVersion
from motcua.organisations.calendar import CountingMode, DurationUnit, WorkingCalendar
from motcua.organisations.models import AdministrativeUnit, Agency
from motcua.organisations.selectors import calendar_for
from motcua.records import deadlines
from motcua.records.models import EventKind, Record, RecordEvent
from motcua.records.models.record import Channel
from motcua.records.workflow import FINISHING, OPEN, Status, national_code

SOURCE = "import"
BATCH = 2000
PLACEHOLDER = "[Cần rà soát] "
CHANNELS = frozenset(Channel.values)
# A batch the database refuses (COPY raises psycopg's own errors, not Django's wrappers).
DB_ERRORS = (DatabaseError, psycopg.Error)

EVENT_TYPES: dict[str, tuple[str, str]] = {
    # event type in the file -> (event kind, status after)
    "supplement_requested": (EventKind.SUPPLEMENT_REQUESTED, Status.SUPPLEMENT_REQUESTED),
    "supplement_received": (EventKind.SUPPLEMENT_RECEIVED, Status.IN_PROGRESS),
    "result_ready": (EventKind.RESULT_READY, Status.RESULT_READY),
    "returned": (EventKind.RETURNED, Status.RETURNED),
    "stopped": (EventKind.STOPPED, Status.STOPPED),
    "withdrawn": (EventKind.WITHDRAWN, Status.WITHDRAWN),
    "refused": (EventKind.REFUSED, Status.REFUSED),
    "extended": (EventKind.EXTENDED, ""),
}
# Where each event may come from (historical data: result ready may follow any open state).
_WORKING: set[str] = {Status.RECEIVED, Status.IN_PROGRESS}
ALLOWED_FROM: dict[str, set[str]] = {
    "supplement_requested": _WORKING,
    "supplement_received": {str(Status.SUPPLEMENT_REQUESTED)},
    "result_ready": {str(s) for s in OPEN} - {Status.SUPPLEMENT_REQUESTED},
    "returned": ({str(s) for s in OPEN} - {Status.SUPPLEMENT_REQUESTED}) | {Status.RESULT_READY},
    "stopped": set(OPEN),
    "withdrawn": set(OPEN),
    "refused": {str(Status.RECEIVED)},  # only as the first event: the dossier was never received
    "extended": set(OPEN),
}


class LineError(Exception):
    pass


@dataclass
class Summary:
    imported: int = 0
    unchanged: int = 0
    failed: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "imported": self.imported,
            "unchanged": self.unchanged,
            "failed": self.failed,
            "errors": self.errors,
        }

    def fail(self, line: int, reason: str) -> None:
        self.failed += 1
        self.errors.append({"line": line, "reason": reason})


class Row:
    """The values of one record or event row: building Django model instances costs more than
    the whole COPY of the row, so the import fills plain objects and writes them itself."""

    def __init__(self, **values: Any) -> None:
        self.__dict__.update(values)

    def __getattr__(self, name: str) -> Any:  # only reached for a value never set
        raise AttributeError(name)

    def __setattr__(self, name: str, value: Any) -> None:
        self.__dict__[name] = value


@dataclass
class Prepared:
    line: int
    record: Row
    events: list[Row]
    fingerprint: tuple[Any, ...]


def _instant(value: Any, name: str) -> datetime:
    if not isinstance(value, str):
        raise LineError(_("%(name)s: give an ISO 8601 date and time.") % {"name": name})
    try:
        instant = datetime.fromisoformat(value)
    except ValueError as exc:
        raise LineError(
            _("%(name)s: “%(value)s” is not an ISO 8601 date and time.")
            % {"name": name, "value": value}
        ) from exc
    if instant.tzinfo is None:
        raise LineError(_("%(name)s: the time zone is missing (e.g. +07:00).") % {"name": name})
    return instant


class Resolver:
    """Agencies, procedures (current version) and calendars, read once per import."""

    def __init__(self, *, create_missing: bool) -> None:
        self.create_missing = create_missing
        self.agencies: dict[str, Agency | None] = {}
        self.versions: dict[str, ProcedureVersion | None] = {}
        self.calendars: dict[int, WorkingCalendar] = {}

    def agency(self, code: Any) -> Agency:
        if not isinstance(code, str) or not code.strip():
            raise LineError(_("agency_code is required."))
        code = code.strip()
        if code not in self.agencies:
            self.agencies[code] = Agency.objects.filter(code=code).first()
        agency = self.agencies[code]
        if agency is None:
            if not self.create_missing:
                raise LineError(_("Unknown agency code “%(code)s”.") % {"code": code})
            agency = self._placeholder_agency(code)
            self.agencies[code] = agency
        return agency

    def version(self, code: Any) -> ProcedureVersion:
        if not isinstance(code, str) or not code.strip():
            raise LineError(_("procedure_code is required."))
        code = code.strip()
        if code not in self.versions:
            versions = ProcedureVersion.objects.filter(procedure__code=code).select_related(
                "procedure"
            )
            self.versions[code] = (
                versions.filter(status="published").order_by("-number").first()
                or versions.order_by("-number").first()
            )
        version = self.versions[code]
        if version is None:
            if not self.create_missing:
                raise LineError(_("Unknown procedure code “%(code)s”.") % {"code": code})
            version = self._placeholder_procedure(code)
            self.versions[code] = version
        return version

    def calendar(self, agency: Agency) -> WorkingCalendar:
        if agency.pk not in self.calendars:
            self.calendars[agency.pk] = calendar_for(agency=agency)
        return self.calendars[agency.pk]

    @staticmethod
    def _placeholder_agency(code: str) -> Agency:
        if len(code) > 20:
            raise LineError(_("Agency code “%(code)s” is too long.") % {"code": code})
        unit, _created = AdministrativeUnit.objects.get_or_create(
            code="IMPORT", defaults={"name": PLACEHOLDER + "import", "level": "province"}
        )
        agency, _created = Agency.objects.get_or_create(
            code=code,
            defaults={
                "name": PLACEHOLDER + code,
                "kind": Agency.Kind.OTHER,
                "level": Agency.Level.PROVINCE,
                "administrative_unit": unit,
            },
        )
        return agency

    @staticmethod
    def _placeholder_procedure(code: str) -> ProcedureVersion:
        if len(code) > 8:
            raise LineError(_("Procedure code “%(code)s” is too long.") % {"code": code})
        fld, _created = Field.objects.get_or_create(
            code="IMPORT", defaults={"name": PLACEHOLDER + "import"}
        )
        procedure, _created = Procedure.objects.get_or_create(
            code=code, defaults={"name": PLACEHOLDER + code, "field": fld}
        )
        version = procedure.versions.order_by("-number").first()
        if version is None:
            version = ProcedureVersion.objects.create(
                procedure=procedure,
                number=1,
                name=PLACEHOLDER + code,
                level="province",
                duration_value=Decimal(0),
                result_type="other",
                description="Placeholder created by the historical import: review it.",
            )
        return version


def _clock_rule(version: ProcedureVersion) -> deadlines.ClockRule:
    return deadlines.ClockRule(
        duration=Decimal(version.duration_value),
        unit=DurationUnit(version.duration_unit),
        mode=CountingMode(version.counting_mode),
        cutoff=version.cutoff,
        hours_per_day=settings.MOTCUA_HOURS_PER_WORKING_DAY,
    )


def prepare(data: Any, *, line: int, resolver: Resolver) -> Prepared:
    """Validate one line and build the unsaved record and events (raises ``LineError``)."""
    if not isinstance(data, dict):
        raise LineError(_("Each line must be a JSON object."))
    code = data.get("code")
    if not isinstance(code, str) or not code.strip() or len(code.strip()) > 40:
        raise LineError(_("code is required (at most 40 characters)."))
    code = code.strip()
    channel = data.get("channel")
    if channel not in CHANNELS:
        raise LineError(_("channel must be direct, online or postal."))
    applicant = data.get("applicant") or {}
    if not isinstance(applicant, dict) or not str(applicant.get("name") or "").strip():
        raise LineError(_("applicant.name is required."))
    agency = resolver.agency(data.get("agency_code"))
    version = resolver.version(data.get("procedure_code"))
    received_at = _instant(data.get("received_at"), "received_at")
    given_due = _instant(data["due_at"], "due_at") if data.get("due_at") else None
    raw_events = data.get("events") or []
    if not isinstance(raw_events, list):
        raise LineError(_("events must be a list."))
    cal = resolver.calendar(agency)
    if given_due is None and Decimal(version.duration_value) <= 0:
        raise LineError(_("due_at is required: the procedure has no duration to compute it."))
    if given_due is not None:
        # The legacy appointment is authoritative: the clock is not recomputed.
        clock_start, statutory = received_at, given_due
    else:
        computed = deadlines.appointment(cal, _clock_rule(version), received_at=received_at)
        clock_start, statutory = computed.clock_start, computed.due_at
    due = statutory
    record = Row(
        code=code,
        source=SOURCE,
        external_code=code,
        lookup_secret=secrets.token_urlsafe(16),
        agency_id=agency.pk,
        handling_agency_id=agency.pk,
        procedure_version_id=version.pk,
        channel=channel,
        status=Status.RECEIVED,
        applicant_name=str(applicant.get("name")).strip()[:200],
        applicant_id_number=str(applicant.get("id_number") or "").strip()[:20],
        subject=version.name[:500],
        submitted_at=received_at,
        received_at=received_at,
        clock_started_at=clock_start,
        statutory_due_at=statutory,
        original_due_at=statutory,
        due_at=due,
        paused_at=None,
        supplement_count=0,
        extension_count=0,
        finished_at=None,
        finish_status="",
        timeliness="",
        returned_at=None,
    )
    events = [
        Row(
            kind=EventKind.RECEIVED,
            at=received_at,
            from_status=Status.SUBMITTED,
            to_status=Status.RECEIVED,
            national_code=national_code(Status.RECEIVED),
            due_after=due,
            statutory_due_after=statutory,
            due_before=None,
            payload={"imported": True, "channel": channel},
        )
    ]
    last_clock_move = 0  # index of the last event that moved the statutory due
    previous_at = received_at
    remaining = timedelta(0)
    extended = False
    status: str = Status.RECEIVED
    judged_at = received_at
    for index, raw in enumerate(raw_events, start=1):
        if not isinstance(raw, dict) or raw.get("type") not in EVENT_TYPES:
            raise LineError(
                _("events[%(i)s]: type must be one of %(types)s.")
                % {"i": index - 1, "types": ", ".join(EVENT_TYPES)}
            )
        kind_name = raw["type"]
        at = _instant(raw.get("at"), f"events[{index - 1}].at")
        if at < previous_at:
            raise LineError(
                _("events[%(i)s]: events must be in time order, after received_at.")
                % {"i": index - 1}
            )
        if status not in ALLOWED_FROM[kind_name]:
            raise LineError(
                _("events[%(i)s]: “%(type)s” cannot follow status “%(status)s”.")
                % {"i": index - 1, "type": kind_name, "status": status}
            )
        kind, target = EVENT_TYPES[kind_name]
        due_before = due
        if kind_name == "refused":
            if index != 1:
                raise LineError(_("A refused dossier has no other event."))
            record.received_at = None
            record.code = None
            events = []
            status = Status.SUBMITTED
        elif kind_name == "supplement_requested":
            remaining = deadlines.remaining_at(cal, due_at=statutory, at=at)
            record.paused_at = at
            record.supplement_count += 1
        elif kind_name == "supplement_received":
            if version.supplement_rule == "restart":
                statutory = deadlines.appointment(cal, _clock_rule(version), received_at=at).due_at
            else:
                statutory, _line = deadlines.resume_due(
                    cal, due_at=statutory, remaining=remaining, resumed_at=at
                )
            due = max(statutory, due) if extended else statutory
            record.paused_at = None
            last_clock_move = len(events)
        elif kind_name == "extended":
            new_due = _instant(raw.get("new_due_at"), f"events[{index - 1}].new_due_at")
            if new_due <= due:
                raise LineError(
                    _("events[%(i)s]: new_due_at must be later than the appointment.")
                    % {"i": index - 1}
                )
            due = new_due
            extended = True
            record.extension_count += 1
        previous_status = status
        status = target or status
        if status in FINISHING and record.finished_at is None and record.received_at:
            record.finished_at = at
            record.finish_status = status
            judged_at = record.paused_at or at  # judged at the pause, like the live services
        if status == Status.RETURNED:
            record.returned_at = at
        previous_at = at
        events.append(
            Row(
                kind=kind,
                at=at,
                from_status=previous_status,
                to_status=status,
                national_code=national_code(status),
                due_before=due_before if kind_name == "extended" else None,
                due_after=due,
                statutory_due_after=statutory,
                payload={"imported": True},
            )
        )
    if given_due is not None and record.received_at is not None:
        # The legacy system's last appointment is authoritative: it replaces the computed due
        # from the last clock move on (and, without extensions, the statutory due too).
        for event in events[last_clock_move:]:
            event.due_after = given_due
            if not extended:
                event.statutory_due_after = given_due
        due = given_due
        if not extended:
            statutory = given_due
    record.status = status
    record.due_at = due if record.received_at else None
    record.statutory_due_at = statutory if record.received_at else None
    if record.received_at is None:
        record.clock_started_at = record.original_due_at = None
    if record.finished_at is not None:
        against = getattr(settings, "MOTCUA_TIMELINESS_AGAINST", "original")
        judged_due = due if against == "latest" else statutory
        record.timeliness = deadlines.classify(finished_at=judged_at, due_at=judged_due)
    fingerprint = (record.status, record.received_at, record.finished_at, len(events))
    return Prepared(line=line, record=record, events=events, fingerprint=fingerprint)


def _process(pending: list[Prepared], summary: Summary) -> None:
    """Compare a batch of valid lines with the database (two queries), then insert the new."""
    if not pending:
        return
    codes = [str(p.record.external_code) for p in pending]
    imported = {
        row["external_code"]: (row["status"], row["received_at"], row["finished_at"], row["n"])
        for row in Record.objects.filter(source=SOURCE, external_code__in=codes)
        .values("external_code", "status", "received_at", "finished_at")
        .annotate(n=Count("events"))
    }
    live = set(
        Record.objects.filter(code__in=codes).exclude(source=SOURCE).values_list("code", flat=True)
    )
    batch: list[Prepared] = []
    for prepared in pending:
        code = str(prepared.record.external_code)
        if code in imported:
            if imported[code] == prepared.fingerprint:
                summary.unchanged += 1
            else:
                summary.fail(
                    prepared.line,
                    _(
                        "The record “%(c)s” was already imported with other content; it is left as it is."
                    )
                    % {"c": code},
                )
        elif code in live:
            summary.fail(
                prepared.line, _("A live record already has the code “%(c)s”.") % {"c": code}
            )
        else:
            batch.append(prepared)
    pending.clear()
    _flush(batch, summary)


@dataclass(frozen=True)
class _Column:
    attname: str
    column: str
    default: Any
    is_json: bool


def _columns(model: type[Model], *, with_id: bool) -> list[_Column]:
    """Every concrete column of ``model`` with its default (computed once: the callable
    defaults of these tables are empty lists and dicts, serialised as they are)."""
    columns = []
    for f in model._meta.concrete_fields:
        if f.primary_key and not with_id:
            continue
        default = None if f.primary_key else f.get_default()
        columns.append(_Column(f.attname, f.column, default, isinstance(f, JSONField)))
    return columns


def _row_values(row: Row, columns: list[_Column], now: datetime) -> list[Any]:
    values = row.__dict__
    return [
        now
        if c.attname in _STAMPS
        else Jsonb(values.get(c.attname, c.default))
        if c.is_json
        else values.get(c.attname, c.default)
        for c in columns
    ]


_STAMPS = frozenset({"created_at", "updated_at"})


def _write(batch: list[Prepared]) -> None:
    """Write a batch in one transaction: COPY on PostgreSQL (ids reserved from the sequence
    first), ``bulk_create`` elsewhere."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            _write_copy(batch)
        else:
            _write_orm(batch)


def _write_orm(batch: list[Prepared]) -> None:
    records = Record.objects.bulk_create(
        [Record(**{k: v for k, v in p.record.__dict__.items() if k != "id"}) for p in batch]
    )
    rows = []
    for prepared, record in zip(batch, records, strict=True):
        for event in prepared.events:
            rows.append(RecordEvent(**event.__dict__, record_id=record.pk))
    RecordEvent.objects.bulk_create(rows)


def _write_copy(batch: list[Prepared]) -> None:
    now = timezone.now()
    record_columns = _columns(Record, with_id=True)
    event_columns = _columns(RecordEvent, with_id=False)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [Record._meta.db_table, len(batch)],
        )
        ids = [row[0] for row in cursor.fetchall()]
        raw = cursor.cursor  # psycopg's cursor, inside Django's transaction
        names = ", ".join(f'"{c.column}"' for c in record_columns)
        with raw.copy(f"COPY {Record._meta.db_table} ({names}) FROM STDIN") as copy:
            for prepared, pk in zip(batch, ids, strict=True):
                prepared.record.id = pk
                copy.write_row(_row_values(prepared.record, record_columns, now))
        names = ", ".join(f'"{c.column}"' for c in event_columns)
        with raw.copy(f"COPY {RecordEvent._meta.db_table} ({names}) FROM STDIN") as copy:
            for prepared, pk in zip(batch, ids, strict=True):
                for event in prepared.events:
                    event.record_id = pk
                    copy.write_row(_row_values(event, event_columns, now))


def _flush(batch: list[Prepared], summary: Summary) -> None:
    if not batch:
        return
    try:
        _write(batch)
        summary.imported += len(batch)
    except DB_ERRORS:
        for prepared in batch:  # one by one: only the offending line fails
            try:
                _write([prepared])
                summary.imported += 1
            except DB_ERRORS as exc:
                summary.fail(prepared.line, _("Database refused the record: %(e)s") % {"e": exc})
    batch.clear()


def import_lines(
    lines: Iterable[str],
    *,
    create_missing: bool = False,
    progress: Callable[[int], None] | None = None,
    batch_size: int = BATCH,
) -> Summary:
    """Import JSON Lines; returns the summary (``imported``, ``unchanged``, ``failed``)."""
    resolver = Resolver(create_missing=create_missing)
    summary = Summary()
    pending: list[Prepared] = []
    seen: set[str] = set()
    for number, text in enumerate(lines, start=1):
        if progress is not None:
            progress(number)
        if not text.strip():
            continue
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            summary.fail(number, _("Not valid JSON: %(e)s") % {"e": exc.msg})
            continue
        try:
            prepared = prepare(data, line=number, resolver=resolver)
        except LineError as exc:
            summary.fail(number, str(exc))
            continue
        code = str(data["code"]).strip()
        if code in seen:
            summary.fail(number, _("The code “%(c)s” appears twice in the file.") % {"c": code})
            continue
        seen.add(code)
        pending.append(prepared)
        if len(pending) >= batch_size:
            _process(pending, summary)
    _process(pending, summary)
    summary.errors.sort(key=lambda error: error["line"])  # batch failures come in later
    return summary
