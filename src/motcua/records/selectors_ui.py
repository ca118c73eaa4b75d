"""Reads for the officer pages, built on the scoped selectors in ``records.selectors``.

- the four work queues (mine, my unit's, due soon, overdue), their counts (one query) and the
  row query (a constant number of queries per page, whatever the number of rows);
- the record page (the record and everything shown with it, loaded once);
- the desk: agencies where the user receives, online submissions waiting there, desk slips;
- the officers who may act on a step (to assign or forward to).

Nothing here reads outside the user's scope: queues start from ``steps_my_queue`` /
``steps_unit_queue``, records from ``record_list`` / ``record_get``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from motcua.core.errors import NotFound
from motcua.core.models import User
from motcua.core.users import RequestUser, signed_in
from motcua.organisations.models import Agency, OrgUnit, Role, StaffRole
from motcua.organisations.selectors import calendar_for
from motcua.records.models import DeskSlip, Record, RecordEvent, RecordStep
from motcua.records.permissions import PROCESSORS
from motcua.records.selectors import record_events, record_list, steps_my_queue, steps_unit_queue
from motcua.records.workflow import Status

QUEUE_MINE = "mine"
QUEUE_UNIT = "unit"
QUEUE_DUE_SOON = "due_soon"
QUEUE_OVERDUE = "overdue"
QUEUES = (QUEUE_MINE, QUEUE_UNIT, QUEUE_DUE_SOON, QUEUE_OVERDUE)

# Counts above this are shown as "1000+": counting a whole huge queue is never worth it.
COUNT_CAP = 1000


# ---- queues -------------------------------------------------------------------------------------
def due_soon_until(*, now: datetime) -> datetime:
    """The instant ``MOTCUA_DUE_SOON_WORKING_HOURS`` working hours after ``now`` on the
    province calendar (nights, weekends and holidays do not count)."""
    hours = settings.MOTCUA_DUE_SOON_WORKING_HOURS
    return calendar_for().add_working_time(timezone.localtime(now), timedelta(hours=hours))


def _overdue_q(now: datetime) -> Q:
    """Overdue at ``now``: the appointment has passed; a record paused for a supplement is
    judged at the instant its clock paused (``deadlines.is_overdue``). Either way the
    appointment is before ``now``: said first, it lets the database read the open records in
    appointment order up to ``now`` and stop as soon as a page is full."""
    return Q(record__due_at__lt=now) & (
        Q(record__paused_at__isnull=True) | Q(record__due_at__lt=F("record__paused_at"))
    )


def _due_soon_q(now: datetime, until: datetime) -> Q:
    """Due soon at ``now``: the appointment falls in ``[now, until]`` and the clock runs."""
    return Q(record__paused_at__isnull=True, record__due_at__gte=now, record__due_at__lte=until)


def _my_work(user: User) -> QuerySet[RecordStep]:
    return steps_my_queue(user=user) | steps_unit_queue(user=user)


def queue_steps(
    *, user: User, queue: str, now: datetime, until: datetime | None = None
) -> QuerySet[RecordStep]:
    """The active steps of one queue, unordered and without joins (see :func:`queue_rows`).

    ``mine``: assigned to the user; ``unit``: unassigned in the user's units (agency-wide
    roles: the whole agency); ``due_soon`` and ``overdue``: both together, by the record's
    appointment (``until`` = :func:`due_soon_until`)."""
    if queue == QUEUE_MINE:
        return steps_my_queue(user=user)
    if queue == QUEUE_UNIT:
        return steps_unit_queue(user=user)
    if queue == QUEUE_DUE_SOON:
        until = until or due_soon_until(now=now)
        return _my_work(user).filter(_due_soon_q(now, until))
    if queue == QUEUE_OVERDUE:
        return _my_work(user).filter(_overdue_q(now))
    raise ValueError(f"Unknown queue {queue!r}")


_ROW_RELATED = (
    "record",
    "record__procedure_version",
    "record__procedure_version__procedure",
    "unit",
    "agency",
    "assignee",
)
# What a queue row shows or computes its badges from (views.queues.queue_row and the
# _queue_row template), and nothing else: the joined rows carry long texts (procedure
# descriptions, due-date explanations, password hashes) that a list never shows.
_ROW_FIELDS = (
    "kind",
    "state",
    "role",
    "leaders_may_act",
    "name",
    "due_at",
    "record_id",
    "agency_id",
    "unit_id",
    "assignee_id",
    "record__code",
    "record__status",
    "record__applicant_name",
    "record__received_at",
    "record__due_at",
    "record__paused_at",
    "record__supplement_count",
    "record__extension_count",
    "record__agency_id",
    "record__handling_agency_id",
    "record__current_step_id",
    "record__procedure_version_id",
    "record__procedure_version__name",
    "record__procedure_version__procedure_id",
    "record__procedure_version__procedure__code",
    "unit__name",
    "agency__name",
    "agency__short_name",
    "assignee__username",
    "assignee__full_name",
    "assignee__first_name",
    "assignee__last_name",
)


class QueueRows:
    """The rows of a queue, ordered, sliced by the paginator like a queryset.

    Each slice is ONE query in two layers: the inner query picks the page's step ids with
    ``ORDER BY ... LIMIT/OFFSET`` on the narrow join (active steps and their record's
    appointment, both read from partial indexes), the outer one joins only those rows with
    everything a row shows. Joining everything first makes PostgreSQL fetch every matching row
    in full before it sorts: on a million records the deadline queues took 200+ ms that way
    (bench/queues.py, docs/performance.md)."""

    ordered = True

    def __init__(self, qs: QuerySet[RecordStep], order: list[Any]) -> None:
        self._ids = qs.order_by(*order).values("pk")
        self._order = order

    def __getitem__(self, key: slice) -> list[RecordStep]:
        if not isinstance(key, slice):  # pragma: no cover - the paginator always slices
            raise TypeError("QueueRows supports slices only")
        return list(
            RecordStep.objects.filter(pk__in=self._ids[key])
            .select_related(*_ROW_RELATED)
            .only(*_ROW_FIELDS)
            .order_by(*self._order)
        )

    def count(self) -> int:
        return self._ids.count()


def queue_rows(qs: QuerySet[RecordStep], *, queue: str) -> QueueRows:
    """The rows of ``qs`` with everything a queue row shows joined in (one query per page) in a
    stable order: by step due then appointment in the personal queues, by appointment in the
    deadline queues; the step id breaks ties."""
    order: list[Any]
    if queue in (QUEUE_MINE, QUEUE_UNIT):
        order = [F("due_at").asc(nulls_last=True), F("record__due_at").asc(nulls_last=True), "pk"]
    else:
        order = [F("record__due_at").asc(nulls_last=True), F("due_at").asc(nulls_last=True), "pk"]
    return QueueRows(qs, order)


def capped_count(qs: QuerySet[Any], cap: int = COUNT_CAP) -> int:
    """``min(count, cap + 1)`` with ``SELECT COUNT(*) FROM (... LIMIT cap + 1)``: the database
    stops after ``cap + 1`` rows however large the table."""
    return qs.order_by()[: cap + 1].count()


@dataclass(frozen=True)
class QueueCount:
    queue: str
    count: int
    capped: bool


def queue_counts(*, user: User, now: datetime, until: datetime) -> dict[str, QueueCount]:
    """The four counts in two queries, one per part of the user's work: "mine" (assigned to
    the user) and "unit" (waiting unassigned in the user's units), each counted in one pass
    with the deadline queues as filtered counts (they are cut from the union of the two).
    Each part is one range of a small partial index, so the work grows with the user's own
    queue, never with the table; counts above ``COUNT_CAP`` are shown capped."""

    def part(qs: QuerySet[RecordStep]) -> dict[str, int]:
        return qs.aggregate(
            total=Count("record"),
            due_soon=Count("record", filter=_due_soon_q(now, until)),
            overdue=Count("record", filter=_overdue_q(now)),
        )

    mine = part(steps_my_queue(user=user))
    unit = part(steps_unit_queue(user=user))
    totals = {
        QUEUE_MINE: mine["total"],
        QUEUE_UNIT: unit["total"],
        QUEUE_DUE_SOON: mine["due_soon"] + unit["due_soon"],
        QUEUE_OVERDUE: mine["overdue"] + unit["overdue"],
    }
    return {
        queue: QueueCount(
            queue=queue, count=min(totals[queue], COUNT_CAP), capped=totals[queue] > COUNT_CAP
        )
        for queue in QUEUES
    }


def search_steps(qs: QuerySet[RecordStep], text: str) -> QuerySet[RecordStep]:
    """Queue search: record code, applicant name or ID number, procedure code or name."""
    text = " ".join((text or "").split())
    if not text:
        return qs
    return qs.filter(
        Q(record__code__icontains=text)
        | Q(record__applicant_name__icontains=text)
        | Q(record__applicant_id_number=text)
        | Q(record__procedure_version__procedure__code__startswith=text)
        | Q(record__procedure_version__name__icontains=text)
    )


# ---- record page --------------------------------------------------------------------------------
@dataclass
class RecordPage:
    record: Record
    steps: list[RecordStep]
    events: list[RecordEvent]
    components: list[Any]
    fees: list[Any]
    supplements: list[Any]
    extensions: list[Any]

    @property
    def open_opinions(self) -> list[RecordStep]:
        return [
            s
            for s in self.steps
            if s.kind == RecordStep.Kind.OPINION and s.state == RecordStep.State.ACTIVE
        ]


_RECORD_RELATED = (
    "agency",
    "handling_agency",
    "procedure_version",
    "procedure_version__procedure",
    "current_step",
    "current_step__unit",
    "current_step__agency",
    "current_step__assignee",
    "received_by",
)


def record_by_ref(*, user: RequestUser, code: str | None = None, pk: int | None = None) -> Record:
    """The record with ``code`` (or, for an online submission that has no code yet, ``pk``)
    if ``user`` may see it; ``NotFound`` otherwise. Starts from ``record_list``."""
    qs = record_list(user=user).select_related(*_RECORD_RELATED)
    if code is not None:
        record = qs.filter(code=code).first()
    elif pk is not None:
        record = qs.filter(pk=pk).first()
    else:
        record = None
    if record is None:
        raise NotFound("Record not found.")
    return record


def record_page(*, user: RequestUser, code: str) -> RecordPage:
    """The record ``code`` if ``user`` may see it (else ``NotFound``) and what its page shows,
    in a fixed number of queries."""
    return record_page_for(record_by_ref(user=user, code=code))


def record_page_for(record: Record) -> RecordPage:
    steps = list(
        record.steps.select_related(
            "unit", "agency", "assignee", "finished_by", "requested_by_step"
        ).order_by("started_at", "id")
    )
    events = list(record_events(record=record).select_related("step", "step__unit"))
    return RecordPage(
        record=record,
        steps=steps,
        events=events,
        components=list(record.components.select_related("component").all()),
        fees=list(record.fees.all()),
        supplements=list(record.supplements.select_related("requested_by", "received_by").all()),
        extensions=list(record.extensions.select_related("issued_by").all()),
    )


# ---- desk ---------------------------------------------------------------------------------------
def desk_agencies(*, user: RequestUser) -> list[Agency]:
    """Agencies where ``user`` is a reception officer, by name."""
    if not getattr(user, "is_authenticated", False):
        return []
    ids = StaffRole.objects.filter(user=signed_in(user), role=Role.RECEPTION).values("agency_id")
    return list(Agency.objects.filter(pk__in=ids, is_active=True).order_by("name"))


def submissions_waiting(*, user: RequestUser, agencies: list[Agency]) -> QuerySet[Record]:
    """Online submissions (status 1) waiting at the desks of ``agencies``, oldest first."""
    return (
        record_list(user=user)
        .filter(status=Status.SUBMITTED, agency__in=agencies)
        .select_related("agency", "procedure_version", "procedure_version__procedure")
        .order_by("submitted_at", "pk")
    )


def desk_slip_get(*, user: RequestUser, pk: int) -> DeskSlip:
    """A desk slip issued at an agency where ``user`` works (else ``NotFound``)."""
    if not getattr(user, "is_authenticated", False):
        raise NotFound("Desk slip not found.")
    slips = DeskSlip.objects.select_related(
        "agency", "procedure_version", "procedure_version__procedure", "issued_by"
    )
    if not user.is_superuser:
        working = StaffRole.objects.filter(user=signed_in(user)).exclude(role=Role.SYSTEM_ADMIN)
        slips = slips.filter(agency_id__in=working.values("agency_id"))
    slip = slips.filter(pk=pk).first()
    if slip is None:
        raise NotFound("Desk slip not found.")
    return slip


# ---- officers -----------------------------------------------------------------------------------
def officers_for_step(*, unit: OrgUnit, role: str, leaders_may_act: bool = False) -> QuerySet[User]:
    """Active users who may act on a step of ``role`` in ``unit``: the query form of
    ``permissions.may_act_on`` (the service checks the chosen one with that function)."""
    here = Q(staff_roles__unit=unit) | Q(
        staff_roles__agency_id=unit.agency_id, staff_roles__unit__isnull=True
    )
    condition = here & Q(staff_roles__role__in=[role] if role else list(PROCESSORS))
    if role and leaders_may_act:
        condition |= here & Q(staff_roles__role=Role.UNIT_HEAD)
        condition |= Q(staff_roles__agency_id=unit.agency_id, staff_roles__role=Role.AGENCY_LEADER)
    return (
        User.objects.filter(is_active=True)
        .filter(condition)
        .distinct()
        .order_by("full_name", "username")
    )


def opinion_units(*, record: Record, exclude_unit_id: int | None) -> QuerySet[OrgUnit]:
    """Units that can be asked for an opinion: every active unit (not a one-stop desk) of the
    receiving, settling and step agencies of the record."""
    agency_ids = {record.agency_id, record.handling_agency_id}
    agency_ids |= set(record.steps.values_list("agency_id", flat=True))
    agency_ids |= {
        pk
        for pk in record.procedure_version.steps.values_list("agency_id", flat=True)
        if pk is not None
    }
    units = OrgUnit.objects.filter(agency_id__in=agency_ids, is_active=True, is_one_stop_desk=False)
    if exclude_unit_id is not None:
        units = units.exclude(pk=exclude_unit_id)
    return units.select_related("agency").order_by("agency__name", "name")
