"""Where the calendar's days come from: the `holidays` package plus the override table."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

import holidays
from django.utils import translation

from motcua.organisations.calendar import YearDays


@lru_cache(maxsize=256)
def package_year(year: int, language: str) -> YearDays:
    """Vietnamese public holidays, observed days and swaps of ``year`` (``holidays`` package)."""
    vn = holidays.country_holidays("VN", years=year, language=language)
    days_off: dict[date, str] = {d: str(name) for d, name in sorted(vn.items())}
    working: dict[date, str] = {}
    label = "Ngày làm việc bù" if language == "vi" else "Substituted working day"
    for d in sorted(getattr(vn, "weekend_workdays", ()) or ()):
        if d.year == year:
            working[d] = label
    return YearDays(days_off, working)


def holidays_language() -> str:
    return "vi" if (translation.get_language() or "vi").startswith("vi") else "en_US"
