"""Satisfaction reports: counts and shares of each level, average score and its band, the
satisfied share (satisfied + very satisfied) and the low scores with comments, grouped by
agency, desk unit, receiving officer or procedure over a period; XLSX export.

Every figure is computed by the database (one grouped query per table) from ``Evaluation``
rows, which carry the agency, unit, officer and procedure copied from the record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Avg, Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.core import spreadsheets
from motcua.evaluation import permissions, selectors
from motcua.evaluation.criteria import Band, Satisfaction
from motcua.evaluation.models import Evaluation

GROUPS: dict[str, tuple[Any, tuple[str, ...]]] = {
    "agency": (gettext_lazy("Agency"), ("agency_id", "agency__name")),
    "unit": (gettext_lazy("Desk unit"), ("unit_id", "unit__name", "unit__agency__name")),
    "officer": (
        gettext_lazy("Receiving officer"),
        ("officer_id", "officer__full_name", "officer__username"),
    ),
    "procedure": (
        gettext_lazy("Procedure"),
        ("procedure_id", "procedure__code", "procedure__name"),
    ),
}


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    @property
    def start_at(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @property
    def end_before(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min))


def month_period(day: date) -> Period:
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return Period(first, following - timedelta(days=1))


def previous_month(period: Period) -> Period:
    return month_period(period.start - timedelta(days=1))


@dataclass(frozen=True)
class Row:
    key: Any
    label: str
    count: int
    very_satisfied: int
    satisfied: int
    dissatisfied: int
    average: Decimal | None
    band: str

    def share(self, n: int) -> Decimal | None:
        return pct(n, self.count)

    @property
    def very_satisfied_share(self) -> Decimal | None:
        return self.share(self.very_satisfied)

    @property
    def satisfied_share_level(self) -> Decimal | None:
        return self.share(self.satisfied)

    @property
    def dissatisfied_share(self) -> Decimal | None:
        return self.share(self.dissatisfied)

    @property
    def satisfied_share(self) -> Decimal | None:
        """Satisfied + very satisfied, the share reported upwards."""
        return self.share(self.very_satisfied + self.satisfied)

    @property
    def band_label(self) -> str:
        return str(Band(self.band).label) if self.band else ""


def pct(part: int, whole: int) -> Decimal | None:
    """A percentage with two decimals (domain.md §4: 2 decimals; no denominator = None)."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def evaluations_for(*, user: Any, period: Period) -> QuerySet[Evaluation]:
    """Evaluations given in ``period`` about records of the user's agencies (settling or
    receiving agency); nothing for users without a reporting role."""
    qs = Evaluation.objects.filter(given_at__gte=period.start_at, given_at__lt=period.end_before)
    scope = permissions.report_agency_ids(user)
    if scope is None:
        return qs
    return qs.filter(Q(agency_id__in=scope) | Q(receiving_agency_id__in=scope))


def _label(group: str, values: dict[str, Any]) -> str:
    if group == "agency":
        return str(values["agency__name"] or "")
    if group == "unit":
        if values["unit_id"] is None:
            return _("(no desk unit)")
        return f"{values['unit__name']}, {values['unit__agency__name']}"
    if group == "officer":
        if values["officer_id"] is None:
            return _("(online, no receiving officer)")
        return str(values["officer__full_name"] or values["officer__username"])
    return f"{values['procedure__code']} · {values['procedure__name']}"


def _average(value: Any) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def summary(qs: QuerySet[Evaluation], *, group: str) -> list[Row]:
    if group not in GROUPS:
        raise ValueError(f"unknown group {group!r}")
    fields = GROUPS[group][1]
    rows = (
        qs.values(*fields)
        .annotate(
            n=Count("id"),
            very=Count("id", filter=Q(satisfaction=Satisfaction.VERY_SATISFIED)),
            sat=Count("id", filter=Q(satisfaction=Satisfaction.SATISFIED)),
            dis=Count("id", filter=Q(satisfaction=Satisfaction.DISSATISFIED)),
            avg=Avg("total"),
        )
        .order_by(*fields[1:])
    )
    result = []
    for values in rows:
        average = _average(values["avg"])
        result.append(
            Row(
                key=values[fields[0]],
                label=_label(group, values),
                count=values["n"],
                very_satisfied=values["very"],
                satisfied=values["sat"],
                dissatisfied=values["dis"],
                average=average,
                band=selectors.band_for(average) if average is not None else "",
            )
        )
    return result


def overall(qs: QuerySet[Evaluation]) -> Row:
    values = qs.aggregate(
        n=Count("id"),
        very=Count("id", filter=Q(satisfaction=Satisfaction.VERY_SATISFIED)),
        sat=Count("id", filter=Q(satisfaction=Satisfaction.SATISFIED)),
        dis=Count("id", filter=Q(satisfaction=Satisfaction.DISSATISFIED)),
        avg=Avg("total"),
    )
    average = _average(values["avg"])
    return Row(
        key=None,
        label=_("All"),
        count=values["n"] or 0,
        very_satisfied=values["very"] or 0,
        satisfied=values["sat"] or 0,
        dissatisfied=values["dis"] or 0,
        average=average,
        band=selectors.band_for(average) if average is not None else "",
    )


def month_against_last(
    *, user: Any, day: date, agency_id: int | None = None
) -> tuple[Period, Row, Period, Row]:
    """The satisfaction of ``day``'s month and of the month before, for the leaders' dashboard:
    the user's agencies, narrowed to ``agency_id`` (settling or receiving agency) when given.
    Two aggregate queries."""
    this = month_period(day)
    last = previous_month(this)
    rows = []
    for period in (this, last):
        qs = evaluations_for(user=user, period=period)
        if agency_id is not None:
            qs = qs.filter(Q(agency_id=agency_id) | Q(receiving_agency_id=agency_id))
        rows.append(overall(qs))
    return this, rows[0], last, rows[1]


def low_scores(qs: QuerySet[Evaluation], *, limit: int = 200) -> list[Evaluation]:
    """Evaluations below ``MOTCUA_EVALUATION_LOW_SCORE`` or dissatisfied, newest first."""
    from django.conf import settings

    return list(
        qs.filter(
            Q(total__lt=settings.MOTCUA_EVALUATION_LOW_SCORE)
            | Q(satisfaction=Satisfaction.DISSATISFIED)
        )
        .select_related("record", "agency", "unit", "officer", "procedure")
        .order_by("-given_at", "-id")[:limit]
    )


def xlsx(
    *, rows: list[Row], total: Row, low: list[Evaluation], group: str, period: Period
) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    if sheet is None:  # pragma: no cover - a new workbook always has one sheet
        sheet = book.create_sheet()
    sheet.title = _("Summary")[:31]
    sheet.append([_("Satisfaction report"), f"{period.start:%d/%m/%Y} – {period.end:%d/%m/%Y}"])
    header = [
        str(GROUPS[group][0]),
        _("Evaluations"),
        _("Very satisfied"),
        _("Very satisfied (%)"),
        _("Satisfied"),
        _("Satisfied (%)"),
        _("Dissatisfied"),
        _("Dissatisfied (%)"),
        _("Satisfied share (%)"),
        _("Average score"),
        _("Band"),
    ]
    sheet.append(header)
    for cell in sheet[2]:
        cell.font = Font(bold=True)

    def line(row: Row) -> list[Any]:
        return [
            row.label,
            row.count,
            row.very_satisfied,
            row.very_satisfied_share,
            row.satisfied,
            row.satisfied_share_level,
            row.dissatisfied,
            row.dissatisfied_share,
            row.satisfied_share,
            row.average,
            row.band_label,
        ]

    for row in rows:
        sheet.append(line(row))
    sheet.append(line(total))
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 48

    low_sheet = book.create_sheet(_("Low scores")[:31])
    low_sheet.append(
        [
            _("Record code"),
            _("Given at"),
            _("Agency"),
            _("Procedure"),
            _("Score"),
            _("Satisfaction"),
            _("Comment"),
        ]
    )
    for cell in low_sheet[1]:
        cell.font = Font(bold=True)
    for evaluation in low:
        low_sheet.append(
            [
                evaluation.record.code,
                timezone.localtime(evaluation.given_at).strftime("%d/%m/%Y %H:%M"),
                str(evaluation.agency),
                evaluation.procedure.code,
                evaluation.total,
                str(evaluation.get_satisfaction_display()),
                evaluation.comment,
            ]
        )
    low_sheet.column_dimensions["G"].width = 60
    return spreadsheets.xlsx_bytes(book)
