"""The settlement report (Biểu 06/VPCP/KSTT; Center variant II.06a): 13 columns per agency,
field or procedure, for a period of whole local days.

Definitions (docs/reports.md): a record is *in the report* when it was received (``received_at``
set: refused desk slips and online submissions never received are not records received) before
the period ends and was not finished before the period starts. Then:

- carried over: received before the period starts;
- newly received: received in the period, online or direct + postal (by ``channel``);
- settled: finished (``finished_at``: result ready, returned, stopped, withdrawn) in the period,
  split by ``timeliness`` classified when it finished (blank counts as on time);
- in progress: not finished at the period's last instant T, overdue when its LAST event at or
  before T says so: a ``supplement_requested`` event paused the clock at ``at``, so the record is
  overdue iff ``at`` > the event's statutory due; any other event: iff T > that due. With
  ``MOTCUA_TIMELINESS_AGAINST = "latest"`` the event's ``due_after`` (latest appointment) is used.

The identities received = online + direct/postal + carried over, settled = early + on time + late,
in progress = within + overdue and received = settled + in progress hold by construction: every
count is a conditional COUNT over the same set of records, each record falls in exactly one cell
of each split. One aggregate query for the rows (no history replay); the overdue test is a
correlated subquery on the last event, evaluated only for records still open at T.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Case,
    Count,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.core.errors import NotFound, PermissionDenied, ValidationFailed
from motcua.core.lookups import is_code
from motcua.organisations.calendar import TZ
from motcua.organisations.models import Agency, Role, StaffRole
from motcua.organisations.models.agency import AGENCY_CODE_PATTERN
from motcua.records.models import Record, RecordEvent
from motcua.records.models.record import Channel, Timeliness
from motcua.records.workflow import Status

# The 11 counted columns (3..13 of the form), in the form's order.
COLUMNS: tuple[str, ...] = (
    "received_total",
    "received_online",
    "received_direct_postal",
    "carried_over",
    "settled_total",
    "settled_early",
    "settled_on_time",
    "settled_late",
    "in_progress_total",
    "in_progress_on_time",
    "in_progress_overdue",
)

COLUMN_LABELS = {
    "received_total": gettext_lazy("Total received"),
    "received_online": gettext_lazy("Online"),
    "received_direct_postal": gettext_lazy("Direct, postal service"),
    "carried_over": gettext_lazy("From the previous period"),
    "settled_total": gettext_lazy("Total settled"),
    "settled_early": gettext_lazy("Before the due date"),
    "settled_on_time": gettext_lazy("On the due date"),
    "settled_late": gettext_lazy("Overdue"),
    "in_progress_total": gettext_lazy("Total in progress"),
    "in_progress_on_time": gettext_lazy("Within the deadline"),
    "in_progress_overdue": gettext_lazy("Overdue"),
}

GROUP_BY = ("agency", "field", "procedure")
MAX_DAYS = 366 * 10
# Days a report may name: their midnights and the next day's exist as instants (9999-12-31 +
# one day, or 0001-01-01 00:00+07:00 in UTC, do not).
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2999, 12, 31)


@dataclass(frozen=True)
class Period:
    """Whole local days [date_from, date_to] in Asia/Ho_Chi_Minh."""

    date_from: date
    date_to: date

    @property
    def start(self) -> datetime:
        return datetime.combine(self.date_from, time.min, tzinfo=TZ)

    @property
    def end(self) -> datetime:
        """The first instant after the period (exclusive bound)."""
        return datetime.combine(self.date_to + timedelta(days=1), time.min, tzinfo=TZ)

    @property
    def last_instant(self) -> datetime:
        """T: the period's last instant (one microsecond before the next day)."""
        return self.end - timedelta(microseconds=1)


def _parse_day(text: str | None, name: str) -> date:
    if not text:
        raise ValidationFailed(
            _("Give the %(name)s date (YYYY-MM-DD).") % {"name": name}, field=name
        )
    try:
        day = date.fromisoformat(text.strip())
    except ValueError as exc:
        raise ValidationFailed(
            _("“%(value)s” is not a date: write it as YYYY-MM-DD.") % {"value": text}, field=name
        ) from exc
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValidationFailed(
            _("Give a day from %(first)s to %(last)s.")
            % {"first": FIRST_DAY.isoformat(), "last": LAST_DAY.isoformat()},
            field=name,
        )
    return day


def period_parse(date_from: str | None, date_to: str | None) -> Period:
    start = _parse_day(date_from, "from")
    end = _parse_day(date_to, "to")
    if end < start:
        raise ValidationFailed(_("The period must end on or after the day it starts."), field="to")
    if (end - start).days > MAX_DAYS:
        raise ValidationFailed(_("The period is too long: at most ten years."), field="from")
    return Period(start, end)


def group_by_parse(value: str | None) -> str:
    value = (value or "agency").strip()
    if value not in GROUP_BY:
        raise ValidationFailed(
            _("Group by one of: %(choices)s.") % {"choices": ", ".join(GROUP_BY)},
            field="group_by",
        )
    return value


# ---- scope ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ReportScope:
    """Which records the report covers. ``agency`` set: one agency (settling agency), or the
    Center's variant II.06a (records received at the Center) when it is a Center."""

    q: Q
    agency: Agency | None = None
    label: str = ""

    @property
    def is_center(self) -> bool:
        return self.agency is not None and self.agency.kind == Agency.Kind.CENTER


def _agency_q(agency: Agency) -> Q:
    if agency.kind == Agency.Kind.CENTER:
        return Q(agency_id=agency.pk)
    return Q(handling_agency_id=agency.pk)


def report_scope(*, user: Any, agency_code: str | None) -> ReportScope:
    """The records ``user`` may report on, narrowed to ``agency_code`` when given.

    ``user=None`` is the command line (the whole province). Superusers see everything; staff see
    the agencies where they hold a role (a Center role: the records received at the Center)."""
    agency: Agency | None = None
    if agency_code:
        code = agency_code.strip()
        # A code of another form (a NUL, which PostgreSQL refuses in a query) is unknown.
        agency = (
            Agency.objects.filter(code=code).first()
            if re.fullmatch(AGENCY_CODE_PATTERN, code)
            else None
        )
        if agency is None:
            raise ValidationFailed(
                _("Unknown agency code “%(code)s”.") % {"code": agency_code}, field="agency"
            )
    if user is not None and not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("Sign in to see reports."))
    if user is None or user.is_superuser:
        if agency is None:
            return ReportScope(q=Q(), label=_("Whole province"))
        return ReportScope(q=_agency_q(agency), agency=agency, label=agency.name)
    roles = list(
        StaffRole.objects.filter(user=user).values_list("agency_id", "agency__kind", "role")
    )
    if not roles:
        raise PermissionDenied(_("Reports are for staff with a role in an agency."))
    allowed = {agency_id for agency_id, _kind, _role in roles}
    if agency is not None:
        if agency.pk not in allowed:  # out of scope: answered as not found
            raise NotFound(_("You may only see the reports of your own agencies."))
        return ReportScope(q=_agency_q(agency), agency=agency, label=agency.name)
    q = Q(pk__in=[])
    for agency_id, kind, _role in roles:
        q |= (
            Q(agency_id=agency_id)
            if kind == Agency.Kind.CENTER
            else Q(handling_agency_id=agency_id)
        )
    return ReportScope(q=q, label=_("Your agencies"))


def report_agencies(*, user: Any) -> list[Agency]:
    """The agencies ``user`` may pick in the report's agency filter."""
    qs = Agency.objects.order_by("level", "name")
    if user.is_superuser:
        return list(qs)
    return list(qs.filter(staff_roles__user=user).distinct())


def is_report_user(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(
        user.is_superuser
        or StaffRole.objects.filter(user=user, role__in=list(Role.values)).exists()
    )


# ---- the cells ------------------------------------------------------------------------------------
def _due_field() -> str:
    against = getattr(settings, "MOTCUA_TIMELINESS_AGAINST", "original")
    return "due_after" if against == "latest" else "statutory_due_after"


def _overdue_at(instant: datetime) -> Subquery:
    """The last event at or before ``instant`` says whether the record is overdue then."""
    due = _due_field()
    last = (
        RecordEvent.objects.filter(record_id=OuterRef("pk"), at__lte=instant)
        .order_by("-at", "-id")
        .annotate(
            overdue_flag=Case(
                When(
                    Q(to_status=Status.SUPPLEMENT_REQUESTED) & Q(at__gt=F(due)),
                    then=Value(True),
                ),
                When(
                    ~Q(to_status=Status.SUPPLEMENT_REQUESTED) & Q(**{f"{due}__lt": instant}),
                    then=Value(True),
                ),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .values("overdue_flag")[:1]
    )
    return Subquery(last, output_field=BooleanField())


@dataclass(frozen=True)
class Cells:
    """The Q of every column for ``period`` (over the annotated base queryset)."""

    period: Period
    q: dict[str, Q] = field(default_factory=dict)

    @classmethod
    def of(cls, period: Period) -> Cells:
        start, end = period.start, period.end
        new = Q(received_at__gte=start)
        settled = Q(finished_at__gte=start, finished_at__lt=end)
        in_progress = Q(finished_at__isnull=True) | Q(finished_at__gte=end)
        early = Q(timeliness=Timeliness.EARLY)
        late = Q(timeliness=Timeliness.LATE)
        overdue = Q(report_overdue=True)
        return cls(
            period,
            {
                "received_total": Q(),
                "received_online": new & Q(channel=Channel.ONLINE),
                "received_direct_postal": new & ~Q(channel=Channel.ONLINE),
                "carried_over": Q(received_at__lt=start),
                "settled_total": settled,
                "settled_early": settled & early,
                "settled_on_time": settled & ~early & ~late,
                "settled_late": settled & late,
                "in_progress_total": in_progress,
                "in_progress_on_time": in_progress & ~overdue,
                "in_progress_overdue": in_progress & overdue,
            },
        )


def base_queryset(*, period: Period, scope: ReportScope) -> QuerySet[Record]:
    """The records in the report for ``period``: received before it ends and not finished
    before it starts; annotated with ``report_overdue`` (open at T and overdue then)."""
    start, end = period.start, period.end
    in_progress = Q(finished_at__isnull=True) | Q(finished_at__gte=end)
    return (
        Record.objects.filter(scope.q)
        .filter(received_at__lt=end)
        .filter(Q(finished_at__isnull=True) | Q(finished_at__gte=start))
        .annotate(
            report_overdue=Case(
                When(
                    in_progress,
                    then=Coalesce(_overdue_at(period.last_instant), Value(False)),
                ),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
    )


# Group keys: output key -> ORM path.
GROUP_FIELDS: dict[str, dict[str, str]] = {
    "agency": {
        "agency_code": "handling_agency__code",
        "agency_name": "handling_agency__name",
        "agency_level": "handling_agency__level",
    },
    "field": {
        "field_code": "procedure_version__procedure__field__code",
        "field_name": "procedure_version__procedure__field__name",
    },
    "procedure": {
        "procedure_code": "procedure_version__procedure__code",
        "procedure_name": "procedure_version__procedure__name",
        "field_code": "procedure_version__procedure__field__code",
    },
}
# The key that identifies a row (drill-down parameter).
GROUP_KEY = {"agency": "agency_code", "field": "field_code", "procedure": "procedure_code"}
# The longest of those codes (agency 20, procedure 8, field 50 characters).
KEY_MAX_LENGTH = 50
LEVEL_ORDER = {Agency.Level.PROVINCE: 0, Agency.Level.DISTRICT: 1, Agency.Level.COMMUNE: 2}


@dataclass
class Report:
    period: Period
    scope: ReportScope
    group_by: str
    rows: list[dict[str, Any]]
    totals: dict[str, int]

    def as_json(self) -> dict[str, Any]:
        return {
            "from": self.period.date_from.isoformat(),
            "to": self.period.date_to.isoformat(),
            "scope": self.scope.label,
            "agency": self.scope.agency.code if self.scope.agency else None,
            "group_by": self.group_by,
            "rows": self.rows,
            "totals": self.totals,
        }


def _zero() -> dict[str, int]:
    return dict.fromkeys(COLUMNS, 0)


def settlement_report(*, period: Period, scope: ReportScope, group_by: str = "agency") -> Report:
    """The report: one aggregate query."""
    keys = GROUP_FIELDS[group_by]
    qs = aggregate_queryset(period=period, scope=scope, group_by=group_by)
    rows: list[dict[str, Any]] = []
    for item in _run(qs):
        row: dict[str, Any] = {out: item[path] for out, path in keys.items()}
        row.update({name: int(item[name]) for name in COUNTED})
        # Derived, so that the last-event subquery runs once per open record, not twice.
        row["in_progress_on_time"] = row["in_progress_total"] - row["in_progress_overdue"]
        rows.append({k: row[k] for k in [*keys, *COLUMNS]})
    rows.sort(key=_sort_key(group_by))
    totals = _zero()
    for row in rows:
        for name in COLUMNS:
            totals[name] += row[name]
    return Report(period=period, scope=scope, group_by=group_by, rows=rows, totals=totals)


# Counted in SQL; ``in_progress_on_time`` is derived from them.
COUNTED = tuple(name for name in COLUMNS if name != "in_progress_on_time")


def aggregate_queryset(*, period: Period, scope: ReportScope, group_by: str) -> QuerySet[Any]:
    cells = Cells.of(period)
    return (
        base_queryset(period=period, scope=scope)
        .order_by()
        .values(*GROUP_FIELDS[group_by].values())
        .annotate(**{name: Count("pk", filter=cells.q[name]) for name in COUNTED})
    )


def _run(qs: QuerySet[Any]) -> list[dict[str, Any]]:
    """Evaluate the report query. On PostgreSQL without JIT: the subplan's cost estimate
    makes the planner JIT-compile a query that runs in milliseconds (seconds of compiling)."""
    if connection.vendor != "postgresql":
        return list(qs)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        return list(qs)


def _sort_key(group_by: str):  # type: ignore[no-untyped-def]
    if group_by == "agency":
        return lambda r: (LEVEL_ORDER.get(r["agency_level"], 9), r["agency_name"], r["agency_code"])
    key = GROUP_KEY[group_by]
    return lambda r: (r[key] or "",)


def cell_records(
    *, period: Period, scope: ReportScope, column: str, group_by: str, key: str | None
) -> QuerySet[Record]:
    """The records behind one number of the report (the same conditions as the count)."""
    if column not in COLUMNS:
        raise ValidationFailed(
            _("Unknown column “%(column)s”.") % {"column": column}, field="column"
        )
    qs = base_queryset(period=period, scope=scope).filter(Cells.of(period).q[column])
    if key:
        if not is_code(key, KEY_MAX_LENGTH):  # a NUL would make PostgreSQL refuse the query
            return qs.none()
        path = GROUP_FIELDS[group_by][GROUP_KEY[group_by]]
        qs = qs.filter(**{path: key})
    return qs


def check_identities(values: Iterable[dict[str, Any]]) -> list[str]:
    """The form's identities that do not hold (empty when all hold); for tests and checks."""
    problems = []
    for row in values:
        if row["received_total"] != (
            row["received_online"] + row["received_direct_postal"] + row["carried_over"]
        ):
            problems.append(f"received split {row}")
        if row["settled_total"] != (
            row["settled_early"] + row["settled_on_time"] + row["settled_late"]
        ):
            problems.append(f"settled split {row}")
        if row["in_progress_total"] != row["in_progress_on_time"] + row["in_progress_overdue"]:
            problems.append(f"in progress split {row}")
        if row["received_total"] != row["settled_total"] + row["in_progress_total"]:
            problems.append(f"received = settled + in progress {row}")
    return problems
