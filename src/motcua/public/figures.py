"""Public figures: on-time rate and satisfaction by agency, for the current and the last month.
Aggregates only (counts and rates per agency); no record, applicant or officer is named."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from motcua.evaluation import reports
from motcua.evaluation.models import Evaluation
from motcua.records.selectors import records_all


@dataclass(frozen=True)
class AgencyFigures:
    agency: str
    finished: int
    on_time: int
    on_time_rate: Decimal | None
    evaluations: int
    satisfied_share: Decimal | None
    average: Decimal | None
    band_label: str


@dataclass(frozen=True)
class MonthFigures:
    period: reports.Period
    rows: list[AgencyFigures]
    total: AgencyFigures


def _month(period: reports.Period) -> MonthFigures:
    finished = (
        records_all()
        .filter(finished_at__gte=period.start_at, finished_at__lt=period.end_before)
        .values("handling_agency_id", "handling_agency__name")
        .annotate(n=Count("id"), ok=Count("id", filter=Q(timeliness__in=["early", "on_time"])))
    )
    by_agency: dict[int, dict[str, Any]] = {}
    for row in finished:
        by_agency.setdefault(row["handling_agency_id"], {"name": row["handling_agency__name"]})
        by_agency[row["handling_agency_id"]].update(n=row["n"], ok=row["ok"])
    evaluations = Evaluation.objects.filter(
        given_at__gte=period.start_at, given_at__lt=period.end_before
    )
    for summary in reports.summary(evaluations, group="agency"):
        by_agency.setdefault(summary.key, {"name": summary.label})["eval"] = summary

    def figures(name: str, n: int, ok: int, row: reports.Row | None) -> AgencyFigures:
        return AgencyFigures(
            agency=name,
            finished=n,
            on_time=ok,
            on_time_rate=reports.pct(ok, n),
            evaluations=row.count if row else 0,
            satisfied_share=row.satisfied_share if row else None,
            average=row.average if row else None,
            band_label=row.band_label if row else "",
        )

    rows = sorted(
        (
            figures(data["name"], data.get("n", 0), data.get("ok", 0), data.get("eval"))
            for data in by_agency.values()
        ),
        key=lambda f: f.agency,
    )
    total_eval = reports.overall(evaluations)
    total = figures(
        "",
        sum(r.finished for r in rows),
        sum(r.on_time for r in rows),
        total_eval if total_eval.count else None,
    )
    return MonthFigures(period=period, rows=rows, total=total)


def public_figures() -> list[MonthFigures]:
    current = reports.month_period(timezone.localdate())
    return [_month(current), _month(reports.previous_month(current))]


def links() -> dict[str, str]:
    """The settlement report's transparency page (motcua.reporting), when it is installed."""
    for name in ("reporting_public:transparency",):
        try:
            return {"settlement_url": reverse(name)}
        except NoReverseMatch:
            continue
    return {"settlement_url": ""}
