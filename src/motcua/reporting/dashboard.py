"""Figures for the leaders' dashboard and the public transparency page: a handful of aggregate
queries over the record table (no history replay), scoped like the settlement report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from motcua.organisations.calendar import TZ
from motcua.records.models import Record
from motcua.records.models.record import Channel, Timeliness
from motcua.records.workflow import OPEN
from motcua.reporting.settlement import Period, ReportScope, settlement_report

DUE_SOON = timedelta(days=2)


def month_period(day: date) -> Period:
    """The whole local month containing ``day``."""
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return Period(first, following - timedelta(days=1))


def previous_month(day: date) -> date:
    return day.replace(day=1) - timedelta(days=1)


def today() -> date:
    return timezone.now().astimezone(TZ).date()


@dataclass
class MonthRate:
    month: date
    settled: int
    timely: int

    @property
    def rate(self) -> float | None:
        return self.timely / self.settled if self.settled else None


def on_time_by_month(
    *, scope: ReportScope, months: int = 12, until: date | None = None
) -> list[MonthRate]:
    """Settled records per local month (finished in that month) and how many were early or on
    time, for the ``months`` months ending with ``until``'s month: one query."""
    last = until or today()
    first = last.replace(day=1)
    for _ in range(months - 1):
        first = previous_month(first).replace(day=1)
    start = datetime.combine(first, datetime.min.time(), tzinfo=TZ)
    end = month_period(last).end
    rows = (
        Record.objects.filter(scope.q)
        .filter(finished_at__gte=start, finished_at__lt=end, received_at__isnull=False)
        .annotate(month=TruncMonth("finished_at", tzinfo=TZ))
        .order_by()
        .values("month")
        .annotate(
            settled=Count("pk"),
            timely=Count("pk", filter=~Q(timeliness=Timeliness.LATE)),
        )
    )
    found = {_as_date(r["month"]): (r["settled"], r["timely"]) for r in rows}
    result = []
    month = first
    for _ in range(months):
        settled, timely = found.get(month, (0, 0))
        result.append(MonthRate(month, settled, timely))
        month = month_period(month).date_to + timedelta(days=1)
    return result


def _as_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.astimezone(TZ).date() if value.tzinfo else value.date()
    return value  # type: ignore[no-any-return]


def _due_field() -> str:
    against = getattr(settings, "MOTCUA_TIMELINESS_AGAINST", "original")
    return "due_at" if against == "latest" else "statutory_due_at"


def open_by_agency(*, scope: ReportScope, now: datetime | None = None) -> list[dict[str, Any]]:
    """Open records per settling agency: overdue now, due within two days, total. One query.
    A record paused for a supplement is judged at the pause (like the report)."""
    now = now or timezone.now()
    due = _due_field()
    paused = Q(paused_at__isnull=False)
    overdue = (paused & Q(paused_at__gt=F(due))) | (~paused & Q(**{f"{due}__lt": now}))
    soon = ~paused & Q(**{f"{due}__gte": now, f"{due}__lt": now + DUE_SOON})
    rows = (
        Record.objects.filter(scope.q)
        .filter(status__in=list(OPEN), received_at__isnull=False, finished_at__isnull=True)
        .order_by()
        .values("handling_agency__code", "handling_agency__name")
        .annotate(
            open=Count("pk"),
            overdue=Count("pk", filter=overdue),
            due_soon=Count("pk", filter=soon),
        )
        .order_by("-overdue", "-due_soon", "handling_agency__name")
    )
    return [
        {
            "agency_code": r["handling_agency__code"],
            "agency_name": r["handling_agency__name"],
            "open": r["open"],
            "overdue": r["overdue"],
            "due_soon": r["due_soon"],
        }
        for r in rows
    ]


def busiest_procedures(
    *, scope: ReportScope, period: Period, limit: int = 10
) -> list[dict[str, Any]]:
    """The procedures with most records received in ``period``."""
    rows = (
        Record.objects.filter(scope.q)
        .filter(received_at__gte=period.start, received_at__lt=period.end)
        .order_by()
        .values("procedure_version__procedure__code", "procedure_version__procedure__name")
        .annotate(received=Count("pk"))
        .order_by("-received", "procedure_version__procedure__code")[:limit]
    )
    return [
        {
            "code": r["procedure_version__procedure__code"],
            "name": r["procedure_version__procedure__name"],
            "received": r["received"],
        }
        for r in rows
    ]


def channel_mix(*, scope: ReportScope, period: Period) -> dict[str, int]:
    rows = (
        Record.objects.filter(scope.q)
        .filter(received_at__gte=period.start, received_at__lt=period.end)
        .order_by()
        .values("channel")
        .annotate(n=Count("pk"))
    )
    mix = dict.fromkeys(Channel.values, 0)
    for r in rows:
        mix[r["channel"]] = r["n"]
    return mix


def processing_time(*, scope: ReportScope, period: Period, limit: int = 10) -> list[dict[str, Any]]:
    """Average calendar time from receipt to the end of processing, per procedure, for the
    records settled in ``period`` (most settled first)."""
    spent = ExpressionWrapper(F("finished_at") - F("received_at"), output_field=DurationField())
    rows = (
        Record.objects.filter(scope.q)
        .filter(
            finished_at__gte=period.start, finished_at__lt=period.end, received_at__isnull=False
        )
        .order_by()
        .values("procedure_version__procedure__code", "procedure_version__procedure__name")
        .annotate(settled=Count("pk"), average=Avg(spent))
        .order_by("-settled", "procedure_version__procedure__code")[:limit]
    )
    result = []
    for r in rows:
        average = r["average"]
        if isinstance(average, (int, float)):  # some backends answer in microseconds
            average = timedelta(microseconds=average)
        result.append(
            {
                "code": r["procedure_version__procedure__code"],
                "name": r["procedure_version__procedure__name"],
                "settled": r["settled"],
                "average_days": round(average.total_seconds() / 86400, 1) if average else None,
            }
        )
    return result


@dataclass
class Dashboard:
    this_month: Any
    last_month: Any
    rates: list[MonthRate]
    open_agencies: list[dict[str, Any]]
    busiest: list[dict[str, Any]]
    channels: dict[str, int]
    times: list[dict[str, Any]]


def dashboard(*, scope: ReportScope, day: date | None = None) -> Dashboard:
    day = day or today()
    this = month_period(day)
    this = Period(this.date_from, min(this.date_to, day))
    last = month_period(previous_month(day))
    return Dashboard(
        this_month=settlement_report(period=this, scope=scope).totals,
        last_month=settlement_report(period=last, scope=scope).totals,
        rates=on_time_by_month(scope=scope, until=day),
        open_agencies=open_by_agency(scope=scope),
        busiest=busiest_procedures(scope=scope, period=this),
        channels=channel_mix(scope=scope, period=this),
        times=processing_time(scope=scope, period=this),
    )
