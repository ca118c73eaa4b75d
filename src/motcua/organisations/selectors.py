"""Reads for organisations: agencies, units and the working calendar of an agency."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.conf import settings
from django.db.models import Q, QuerySet

from motcua.core.memo import memo
from motcua.core.models import User
from motcua.organisations.calendar import (
    HolidaySource,
    WorkingCalendar,
    YearDays,
    parse_office_hours,
)
from motcua.organisations.holidays_source import holidays_language, package_year
from motcua.organisations.models import Agency, CalendarOverride, Role, StaffRole


def agency_get_by_code(*, code: str) -> Agency | None:
    if "\x00" in code:  # no code holds a NUL; PostgreSQL refuses it in a query (a 500)
        return None
    return Agency.objects.filter(code=code).first()


def calendar_overrides(*, agency: Agency | None) -> list[CalendarOverride]:
    """Overrides for the whole province and, when given, for ``agency`` (agency wins)."""
    condition = Q(agency__isnull=True)
    if agency is not None:
        condition |= Q(agency=agency)
    return list(CalendarOverride.objects.filter(condition).order_by("agency_id", "date"))


def calendar_for(*, agency: Agency | None = None) -> WorkingCalendar:
    """The working calendar of ``agency`` (or of the province): its office hours, the public
    holidays and swaps of the `holidays` package and the override table. One query, memoised
    in-process for a short while (``motcua.core.memo``; cleared when overrides change)."""
    key = (
        "calendar",
        agency.pk if agency else None,
        agency.office_hours if agency else "",
        holidays_language(),
    )
    return memo(key, lambda: _build_calendar(agency))


def _build_calendar(agency: Agency | None) -> WorkingCalendar:
    periods = parse_office_hours(
        (agency.office_hours if agency else "") or settings.MOTCUA_OFFICE_HOURS
    )
    overrides = calendar_overrides(agency=agency)
    language = holidays_language()
    return WorkingCalendar(periods=periods, source=_source(overrides, language))


def _source(overrides: Iterable[CalendarOverride], language: str) -> HolidaySource:
    # Province-wide rows first, agency rows after so that they win on the same date.
    ordered = sorted(overrides, key=lambda o: (o.agency_id is not None, o.date))

    def source(year: int) -> YearDays:
        base = package_year(year, language)
        days_off: dict[date, str] = dict(base.days_off)
        working: dict[date, str] = dict(base.working_days)
        for item in ordered:
            if item.date.year != year:
                continue
            label = f"{item.name} ({item.legal_reference})"
            if item.kind == CalendarOverride.Kind.DAY_OFF:
                days_off[item.date] = label
                working.pop(item.date, None)
            else:
                working[item.date] = label
                days_off.pop(item.date, None)
        return YearDays(days_off, working)

    return source


def staff_roles_of(*, user: User) -> QuerySet[StaffRole]:
    return StaffRole.objects.filter(user=user).select_related("agency", "unit")


def user_agency_ids(*, user: User, roles: Iterable[str] | None = None) -> set[int]:
    qs = StaffRole.objects.filter(user=user)
    if roles is not None:
        qs = qs.filter(role__in=list(roles))
    return set(qs.values_list("agency_id", flat=True))


def user_has_role(*, user: User, role: Role | str) -> bool:
    return StaffRole.objects.filter(user=user, role=role).exists()


def today_local() -> date:
    from django.utils import timezone

    return timezone.localdate()
