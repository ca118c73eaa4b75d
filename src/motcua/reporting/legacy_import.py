"""Historical import from a legacy system: JSON Lines, one record per line (docs/reports.md).

Each line is validated on its own; a bad line is reported with its number and reason and does
not stop the others. A line whose code already exists is ``unchanged`` (same content) or a
failure (different content: nothing is overwritten). Valid lines are written in batches: one
transaction per batch with bulk inserts; when a batch fails in the database, its lines are
written again one by one, each in its own transaction, so a bad line never takes the others with
it. On PostgreSQL, outside a transaction, a file of more than one batch is written by a writer
thread with its own connection while the next batch is prepared (``_Writer``).

The imported record gets the same fields and ``RecordEvent`` rows as a live one (received,
supplement requested/received, extended, result ready, returned, stopped, withdrawn, refused),
with ``statutory_due_after``/``due_after`` on every event, so the settlement report treats it
exactly like a live record. Imported events are history: nothing is sent to the national portal.

Deviation (docs/reports.md): the import writes ``Record``/``RecordEvent`` rows itself, outside
``records/services``, because the live services cannot back-date moves; it uses the records
app's own pure deadline functions and status table.
"""

from __future__ import annotations

import hashlib
import json
import operator
import queue
import secrets
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import psycopg
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import Count, JSONField, Model
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.audit.services import audit_log
from motcua.catalogue.models import Field, Procedure, ProcedureVersion
from motcua.core import json_input
from motcua.core.errors import PermissionDenied, ValidationFailed
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
    # Placeholders this import created (``create_missing``): for the audit entry, not the answer.
    created: dict[str, list[str]] = field(
        default_factory=lambda: {"agencies": [], "procedures": []}
    )

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
    try:
        instant.astimezone(UTC)
    except OverflowError:  # 9999-12-31T23:59:59-23:59: no such instant in UTC
        raise LineError(
            _("%(name)s: “%(value)s” is not an ISO 8601 date and time.")
            % {"name": name, "value": value}
        ) from None
    return instant


class Resolver:
    """Agencies, procedures (current version) and calendars, read once per import."""

    def __init__(self, *, create_missing: bool) -> None:
        self.create_missing = create_missing
        self.agencies: dict[str, Agency | None] = {}
        self.versions: dict[str, ProcedureVersion | None] = {}
        self.calendars: dict[int, WorkingCalendar] = {}
        self.created: dict[str, list[str]] = {"agencies": [], "procedures": []}

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
            agency = self._placeholder_agency(code, self.created["agencies"])
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
            version = self._placeholder_procedure(code, self.created["procedures"])
            self.versions[code] = version
        return version

    def calendar(self, agency: Agency) -> WorkingCalendar:
        if agency.pk not in self.calendars:
            self.calendars[agency.pk] = calendar_for(agency=agency)
        return self.calendars[agency.pk]

    @staticmethod
    def _placeholder_agency(code: str, created: list[str]) -> Agency:
        if len(code) > 20:
            raise LineError(_("Agency code “%(code)s” is too long.") % {"code": code})
        unit, _created = AdministrativeUnit.objects.get_or_create(
            code="IMPORT", defaults={"name": PLACEHOLDER + "import", "level": "province"}
        )
        agency, new = Agency.objects.get_or_create(
            code=code,
            defaults={
                "name": PLACEHOLDER + code,
                "kind": Agency.Kind.OTHER,
                "level": Agency.Level.PROVINCE,
                "administrative_unit": unit,
            },
        )
        if new:
            created.append(code)
        return agency

    @staticmethod
    def _placeholder_procedure(code: str, created: list[str]) -> ProcedureVersion:
        if len(code) > 8:
            raise LineError(_("Procedure code “%(code)s” is too long.") % {"code": code})
        fld, _created = Field.objects.get_or_create(
            code="IMPORT", defaults={"name": PLACEHOLDER + "import"}
        )
        procedure, new = Procedure.objects.get_or_create(
            code=code, defaults={"name": PLACEHOLDER + code, "field": fld}
        )
        if new:
            created.append(code)
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
            payload=RECEIVED[channel],
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
                payload=IMPORTED,
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


def _known(codes: list[str]) -> tuple[dict[str, tuple[Any, ...]], set[str | None]]:
    """Of ``codes``: the imported records' fingerprints (status, received, finished, events)
    and the codes of live records. On PostgreSQL the codes go as one array parameter
    (``= ANY``): two thousand ``IN`` placeholders cost more client-side than the queries."""
    imported: dict[str, tuple[Any, ...]]
    if connection.vendor != "postgresql":
        imported = {
            row["external_code"]: (
                row["status"],
                row["received_at"],
                row["finished_at"],
                row["n"],
            )
            for row in Record.objects.filter(source=SOURCE, external_code__in=codes)
            .values("external_code", "status", "received_at", "finished_at")
            .annotate(n=Count("events"))
        }
        live = set(
            Record.objects.filter(code__in=codes)
            .exclude(source=SOURCE)
            .values_list("code", flat=True)
        )
        return imported, live
    # One index lookup per code, whatever the statistics say (LATERAL): ``external_code IN
    # (...)`` over 2,000 codes cannot use the partial unique index on (source, external_code)
    # (PostgreSQL proves a partial index's predicate from at most 100 listed values), so it read
    # the whole records table for every batch; and right after a big import the planner still
    # believes few records are imported and scans them all. (Both lookups are on unique keys;
    # LIMIT 1 keeps the planner from flattening the LATERAL subquery into a join.)
    records, events = Record._meta.db_table, RecordEvent._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT r.external_code, r.status, r.received_at, r.finished_at, "  # noqa: S608
            f"(SELECT count(*) FROM {events} e WHERE e.record_id = r.id) "
            "FROM unnest(%s::text[]) AS c(code) CROSS JOIN LATERAL ("
            f"SELECT * FROM {records} WHERE source = %s AND external_code = c.code "
            "AND external_code <> '' LIMIT 1) r",
            [codes, SOURCE],
        )
        imported = {row[0]: tuple(row[1:]) for row in cursor.fetchall()}
        cursor.execute(
            "SELECT r.code FROM unnest(%s::text[]) AS c(code) CROSS JOIN LATERAL ("  # noqa: S608
            f"SELECT code FROM {records} WHERE code = c.code AND source <> %s LIMIT 1) r",
            [codes, SOURCE],
        )
        live = {row[0] for row in cursor.fetchall()}
    return imported, live


def _process(pending: list[Prepared], summary: Summary) -> None:
    """Compare a batch of valid lines with the database (two queries), then insert the new."""
    if not pending:
        return
    codes = [str(p.record.external_code) for p in pending]
    imported, live = _known(codes)
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


class _Table:
    """The concrete columns of a model for COPY, with their defaults computed once (the
    callable defaults of these tables are empty lists and dicts). JSON values are sent as their
    text: the default's and a constant payload's text is computed once. A row's values are
    picked in C (``itemgetter`` over its values laid on the defaults): a Python loop over the
    columns was the largest part of the writer thread's time."""

    STAMPS = frozenset({"created_at", "updated_at"})

    def __init__(self, model: type[Model], *, with_id: bool) -> None:
        fields = [f for f in model._meta.concrete_fields if with_id or not f.primary_key]
        self.name = model._meta.db_table
        self.columns = ", ".join(f'"{f.column}"' for f in fields)
        self.attnames = [f.attname for f in fields]
        self.defaults = {f.attname: None if f.primary_key else f.get_default() for f in fields}
        self.stamps = [f.attname for f in fields if f.attname in self.STAMPS]
        self.json = [i for i, f in enumerate(fields) if isinstance(f, JSONField)]
        self._pick = operator.itemgetter(*self.attnames)

    def values(self, row: Row, now: datetime) -> list[Any]:
        merged = {**self.defaults, **row.__dict__}
        for name in self.stamps:
            merged[name] = now
        values = list(self._pick(merged))
        for i in self.json:
            value = values[i]
            values[i] = value.text if type(value) is _Payload else json.dumps(value)
        return values


class _Payload(dict[str, Any]):
    """A constant event payload, with its JSON text for COPY computed once."""

    def __init__(self, **values: Any) -> None:
        super().__init__(values)
        self.text = json.dumps(values)


IMPORTED = _Payload(imported=True)
RECEIVED = {channel: _Payload(imported=True, channel=channel) for channel in CHANNELS}


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
    records = _Table(Record, with_id=True)
    events = _Table(RecordEvent, with_id=False)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [records.name, len(batch)],
        )
        ids = [row[0] for row in cursor.fetchall()]
        raw = cursor.cursor  # psycopg's cursor, inside Django's transaction
        with raw.copy(f"COPY {records.name} ({records.columns}) FROM STDIN") as copy:
            for prepared, pk in zip(batch, ids, strict=True):
                prepared.record.id = pk
                copy.write_row(records.values(prepared.record, now))
        with raw.copy(f"COPY {events.name} ({events.columns}) FROM STDIN") as copy:
            for prepared, pk in zip(batch, ids, strict=True):
                for event in prepared.events:
                    event.record_id = pk
                    copy.write_row(events.values(event, now))


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


class _Writer:
    """Checks and writes batches on a thread of its own, with its own database connection,
    while the caller prepares the next batch: Python and PostgreSQL then work at the same time
    instead of one after the other (docs/performance.md, "Historical import").

    At most one batch waits in the queue. Each batch is checked and written exactly as without
    the thread (``_process``: one transaction per batch, line by line when it is refused), in
    file order. Only used on PostgreSQL outside a transaction: the writer's connection must see
    what the caller committed (agencies, placeholders, earlier batches) and commits on its own.
    An error in the writer stops it and is raised in the caller's thread."""

    def __init__(self) -> None:
        self.summary = Summary()
        self.error: BaseException | None = None
        self._queue: queue.Queue[list[Prepared] | None] = queue.Queue(maxsize=1)
        self._thread = threading.Thread(target=self._run, name="import-writer", daemon=True)
        self._thread.start()

    @staticmethod
    def wanted() -> bool:
        return connection.vendor == "postgresql" and not connection.in_atomic_block

    def _run(self) -> None:
        try:
            while (batch := self._queue.get()) is not None:
                if self.error is None:
                    try:
                        _process(batch, self.summary)
                    except BaseException as exc:  # re-raised in the caller's thread
                        self.error = exc
        finally:
            connection.close()  # this thread's own connection

    def submit(self, batch: list[Prepared]) -> None:
        if self.error is not None:
            raise self.error
        self._queue.put(batch)

    def stop(self) -> None:
        """Wait for the batches in flight and end the thread (its error stays in ``error``)."""
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()

    def merge_into(self, summary: Summary) -> None:
        summary.imported += self.summary.imported
        summary.unchanged += self.summary.unchanged
        summary.failed += self.summary.failed
        summary.errors.extend(self.summary.errors)


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
    writer: _Writer | None = None
    try:
        for prepared in _prepared_lines(lines, resolver, summary, seen, progress):
            pending.append(prepared)
            if len(pending) >= batch_size:
                if writer is None and _Writer.wanted():
                    writer = _Writer()  # only for files of more than one batch
                if writer is None:
                    _process(pending, summary)
                else:
                    writer.submit(pending)
                    pending = []
        if writer is None:
            _process(pending, summary)
        else:
            if pending:
                writer.submit(pending)
            writer.stop()
            if writer.error is not None:
                raise writer.error
            writer.merge_into(summary)
    finally:
        if writer is not None:
            writer.stop()  # after an error too: the writer ends its batch and closes
    summary.errors.sort(key=lambda error: error["line"])  # batch failures come in later
    summary.created = resolver.created
    return summary


def can_import(user: Any) -> bool:
    """The historical import (and its ``create_missing``, which creates agencies and
    procedures) is a migration tool for superusers only (docs/security.md)."""
    return bool(
        user is not None
        and getattr(user, "is_active", False)
        and getattr(user, "is_superuser", False)
    )


def records_import(
    *,
    actor: Any,
    content: bytes,
    create_missing: bool = False,
    via: str,
    ip: str = "",
    progress: Callable[[int], None] | None = None,
) -> Summary:
    """The historical import as ``actor`` (a superuser): the command and the API call this.

    Refused before anything is read for anyone else. Every import writes one audit entry
    ``import.records`` (who, the file's SHA-256 and size, the counts, the placeholders created),
    also when it stops on an error (``aborted``). ``content`` is the file's bytes (UTF-8)."""
    if not can_import(actor):
        raise PermissionDenied(_("Only a superuser can import historical records."))
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValidationFailed(_("The file is not UTF-8 text."), field="body") from exc
    lines = text.splitlines()
    detail: dict[str, Any] = {
        "via": via,
        "sha256": hashlib.sha256(content).hexdigest(),
        "bytes": len(content),
        "lines": len(lines),
        "create_missing": bool(create_missing),
    }
    try:
        summary = import_lines(lines, create_missing=create_missing, progress=progress)
    except BaseException as exc:
        audit_log(
            actor=actor,
            action="import.records",
            object_type="records.record",
            detail={**detail, "aborted": type(exc).__name__},
            ip=ip,
        )
        raise
    audit_log(
        actor=actor,
        action="import.records",
        object_type="records.record",
        detail={
            **detail,
            "imported": summary.imported,
            "unchanged": summary.unchanged,
            "failed": summary.failed,
            "created_agencies": summary.created["agencies"],
            "created_procedures": summary.created["procedures"],
        },
        ip=ip,
    )
    return summary


def _prepared_lines(
    lines: Iterable[str],
    resolver: Resolver,
    summary: Summary,
    seen: set[str],
    progress: Callable[[int], None] | None,
) -> Iterator[Prepared]:
    """The valid lines of the file, prepared; the invalid ones are counted in ``summary``."""
    for number, text in enumerate(lines, start=1):
        if progress is not None:
            progress(number)
        if not text.strip():
            continue
        try:
            data = json_input.loads(text)  # no deep nesting, no lone surrogates
        except json_input.JSONRefused as exc:
            summary.fail(number, _("Not valid JSON: %(e)s") % {"e": exc})
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
        yield prepared
