"""The working-time calendar: pure functions, no database.

Everything here works on timezone-aware instants in Asia/Ho_Chi_Minh. A ``WorkingCalendar``
knows the office periods of a day (default 07:30-11:30 and 13:00-17:00), which dates are
working days (Monday-Friday, minus public holidays and days off, plus swapped working
Saturdays) and answers:

- ``clock_start(instant)``: when the clock starts for something received at ``instant``;
- ``add_working_time(start, duration)``: walk ``duration`` of office time from ``start``;
- ``working_time_between(a, b)``: the inverse;
- ``compute_due(...)``: the due instant of a legal duration, with a plain-words explanation.

Rules (domain.md §1.4, §9; the [M] ones are configuration, see docs/calendar.md):
- hours mode (default): N working days = N x 8 working hours added to the clock start; a due
  instant landing exactly on a closing time stays there;
- days mode (Civil Code art. 147-148): the day of receipt is not counted; due at the closing
  time of the N-th working day after it; fractional days fall back to hours mode;
- calendar days: closing time of the N-th calendar day after the receipt day, moved to the next
  working day's closing when that day is not a working day;
- a duration of 0 means "the same day": due at the closing time of the clock-start day;
- an optional same-day cut-off (e.g. 15:00) moves a later receipt to the next working day.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_CEILING, ROUND_HALF_EVEN, Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
ONE_DAY = timedelta(days=1)
ZERO = timedelta(0)
# A walk that finds no working time within this many days is a broken calendar, not a deadline.
MAX_WALK_DAYS = 366 * 40


class DurationUnit(enum.StrEnum):
    WORKING_HOURS = "working_hours"
    WORKING_DAYS = "working_days"
    CALENDAR_DAYS = "calendar_days"


class CountingMode(enum.StrEnum):
    HOURS = "hours"
    DAYS = "days"


@dataclass(frozen=True, order=True)
class Period:
    start: time
    end: time


_PERIOD_RE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


def parse_time(text: str) -> time:
    """Parse ``HH:MM`` (24-hour clock); ``ValueError`` with a clear message otherwise."""
    match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*", text or "")
    if not match:
        raise ValueError(_("“%(value)s” is not a time of day in HH:MM form.") % {"value": text})
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        raise ValueError(_("“%(value)s” is not a valid time of day.") % {"value": text})
    return time(hour, minute)


def parse_office_hours(text: str) -> tuple[Period, ...]:
    """Parse ``"07:30-11:30,13:00-17:00"`` into sorted, non-overlapping periods."""
    periods: list[Period] = []
    for chunk in (text or "").split(","):
        if not chunk.strip():
            continue
        match = _PERIOD_RE.match(chunk)
        if not match:
            raise ValueError(
                _("“%(value)s” is not an office period such as 07:30-11:30.")
                % {"value": chunk.strip()}
            )
        start = parse_time(f"{match.group(1)}:{match.group(2)}")
        end = parse_time(f"{match.group(3)}:{match.group(4)}")
        if end <= start:
            raise ValueError(
                _("Office period %(value)s ends before it starts.") % {"value": chunk.strip()}
            )
        periods.append(Period(start, end))
    if not periods:
        raise ValueError(_("Office hours need at least one period such as 07:30-11:30."))
    periods.sort()
    for before, after in zip(periods, periods[1:], strict=False):
        if after.start < before.end:
            raise ValueError(_("Office periods must not overlap."))
    return tuple(periods)


def ensure_aware(instant: datetime) -> datetime:
    """Return ``instant`` in Asia/Ho_Chi_Minh; naive instants are refused."""
    if instant.tzinfo is None or instant.tzinfo.utcoffset(instant) is None:
        raise ValueError(
            _("The instant %(value)s has no time zone.") % {"value": instant.isoformat()}
        )
    return instant.astimezone(TZ)


@dataclass(frozen=True)
class YearDays:
    """Non-working weekdays and working weekend days of one year, each with its reason."""

    days_off: Mapping[date, str]
    working_days: Mapping[date, str]


HolidaySource = Callable[[int], YearDays]


def no_holidays(year: int) -> YearDays:
    return YearDays({}, {})


@dataclass
class WorkingCalendar:
    """A working calendar. ``source(year)`` gives the holidays of a year (cached here)."""

    periods: tuple[Period, ...] = field(
        default_factory=lambda: parse_office_hours("07:30-11:30,13:00-17:00")
    )
    source: HolidaySource = no_holidays
    weekend: frozenset[int] = frozenset({5, 6})
    _years: dict[int, YearDays] = field(default_factory=dict, init=False, repr=False, compare=False)

    # ---- days -------------------------------------------------------------------------------
    def _year(self, year: int) -> YearDays:
        cached = self._years.get(year)
        if cached is None:
            cached = self._years[year] = self.source(year)
        return cached

    def is_working_day(self, day: date) -> bool:
        year = self._year(day.year)
        if day in year.working_days:
            return True
        if day in year.days_off:
            return False
        return day.weekday() not in self.weekend

    def day_note(self, day: date) -> str:
        """Why ``day`` is (or, for a weekend, is not) a working day; empty for ordinary days."""
        year = self._year(day.year)
        if day in year.working_days:
            return year.working_days[day]
        if day in year.days_off:
            return year.days_off[day]
        if day.weekday() in self.weekend:
            return weekday_name(day)
        return ""

    def holiday_name(self, day: date) -> str | None:
        """The name of the holiday or day off on ``day`` (``None`` for other days, including
        plain weekends and days made working days by a swap)."""
        year = self._year(day.year)
        if day in year.working_days:
            return None
        return year.days_off.get(day)

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after ``day``."""
        candidate = day + ONE_DAY
        for _i in range(MAX_WALK_DAYS):
            if self.is_working_day(candidate):
                return candidate
            candidate += ONE_DAY
        raise ValueError(
            _("The calendar has no working day after %(day)s.") % {"day": day.isoformat()}
        )

    def working_day_on_or_after(self, day: date) -> date:
        return day if self.is_working_day(day) else self.next_working_day(day)

    # ---- instants ---------------------------------------------------------------------------
    def periods_on(self, day: date) -> list[tuple[datetime, datetime]]:
        if not self.is_working_day(day):
            return []
        return [
            (datetime.combine(day, p.start, tzinfo=TZ), datetime.combine(day, p.end, tzinfo=TZ))
            for p in self.periods
        ]

    def opening(self, day: date) -> datetime:
        return datetime.combine(day, self.periods[0].start, tzinfo=TZ)

    def closing(self, day: date) -> datetime:
        return datetime.combine(day, self.periods[-1].end, tzinfo=TZ)

    @property
    def working_time_per_day(self) -> timedelta:
        return sum(
            (
                datetime.combine(date.min, p.end) - datetime.combine(date.min, p.start)
                for p in self.periods
            ),
            ZERO,
        )

    def is_office_time(self, instant: datetime) -> bool:
        """Inside an office period: ``start <= instant < end``."""
        instant = ensure_aware(instant)
        return any(start <= instant < end for start, end in self.periods_on(instant.date()))

    def clock_start(self, instant: datetime) -> datetime:
        """When the clock starts for something received at ``instant``: the instant itself in
        office hours, otherwise the next opening (after lunch, the next working day...)."""
        instant = ensure_aware(instant)
        day = instant.date()
        for start, end in self.periods_on(day):
            if instant < end:
                return max(start, instant)
        return self.opening(self.next_working_day(day))

    def add_working_time(self, start: datetime, duration: timedelta) -> datetime:
        """Walk ``duration`` of office time from ``start``. Landing exactly on the end of a
        period stays there. ``duration == 0`` returns ``start`` unchanged."""
        start = ensure_aware(start)
        if duration < ZERO:
            raise ValueError(_("A duration cannot be negative."))
        remaining = duration
        if remaining == ZERO:
            return start
        current = start
        day = start.date()
        for _i in range(MAX_WALK_DAYS):
            for period_start, period_end in self.periods_on(day):
                if period_end <= current:
                    continue
                begin = max(period_start, current)
                available = period_end - begin
                if remaining <= available:
                    return begin + remaining
                remaining -= available
            day += ONE_DAY
            current = datetime.combine(day, time(0), tzinfo=TZ)
        raise ValueError(_("The calendar has no working time left to count this duration."))

    def working_time_between(self, a: datetime, b: datetime) -> timedelta:
        """Office time in ``[a, b)``; zero when ``b <= a``."""
        a, b = ensure_aware(a), ensure_aware(b)
        if b <= a:
            return ZERO
        total = ZERO
        for day in _days(a.date(), b.date()):
            for period_start, period_end in self.periods_on(day):
                begin, end = max(period_start, a), min(period_end, b)
                if end > begin:
                    total += end - begin
        return total

    def non_working_days(self, first: date, last: date) -> list[tuple[date, str]]:
        """Non-working days in ``[first, last]`` with their reasons."""
        return [(d, self.day_note(d)) for d in _days(first, last) if not self.is_working_day(d)]

    def swapped_working_days(self, first: date, last: date) -> list[tuple[date, str]]:
        """Weekend days in ``[first, last]`` that are working days (swaps)."""
        return [
            (d, self.day_note(d))
            for d in _days(first, last)
            if d.weekday() in self.weekend and self.is_working_day(d)
        ]


def _days(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += ONE_DAY


# Marked for translation here, translated when used (Django's catalogue has them too).
WEEKDAY_NAMES = (
    gettext_noop("Monday"),
    gettext_noop("Tuesday"),
    gettext_noop("Wednesday"),
    gettext_noop("Thursday"),
    gettext_noop("Friday"),
    gettext_noop("Saturday"),
    gettext_noop("Sunday"),
)


def weekday_name(day: date) -> str:
    return _(WEEKDAY_NAMES[day.weekday()])


def fmt_instant(instant: datetime) -> str:
    instant = instant.astimezone(TZ)
    return f"{instant:%H:%M} {weekday_name(instant.date())} {instant:%d/%m/%Y}"


def fmt_day(day: date) -> str:
    return f"{weekday_name(day)} {day:%d/%m/%Y}"


def _why_off(cal: WorkingCalendar, day: date) -> str:
    """Why ``day`` is not a working day: the holiday's name, or "weekend"."""
    return cal.holiday_name(day) or _("weekend")


def _explain_start(cal: WorkingCalendar, received: datetime, start: datetime) -> str | None:
    if start == received:
        return None
    day = received.date()
    if not cal.is_working_day(day):
        return _(
            "Received on a non-working day (%(day)s, %(why)s): the clock starts at %(start)s."
        ) % {
            "day": fmt_day(day),
            "why": _why_off(cal, day),
            "start": fmt_instant(start),
        }
    periods = cal.periods_on(day)
    if received < periods[0][0]:
        why = _("before opening time")
    elif received >= periods[-1][1]:
        why = _("after closing time")
    else:
        why = _("during the break between office periods")
    return _("Received %(why)s: the clock starts at %(start)s.") % {
        "why": why,
        "start": fmt_instant(start),
    }


# Explanations list at most this many named days (a ten-year duration crosses ~110 holidays).
MAX_LISTED_DAYS = 20
# Plain weekend days are listed one by one up to this many, then only counted.
MAX_LISTED_WEEKEND_DAYS = 4


def _list_days(days: list[tuple[date, str]]) -> str:
    shown = "; ".join(f"{fmt_day(d)} ({why})" for d, why in days[:MAX_LISTED_DAYS])
    if len(days) > MAX_LISTED_DAYS:
        more = len(days) - MAX_LISTED_DAYS
        shown += " " + ngettext("and %(n)s more day", "and %(n)s more days", more) % {"n": more}
    return shown


def _explain_days(cal: WorkingCalendar, first: date, last: date) -> list[str]:
    """The days in ``[first, last]`` that a count skipped (weekends, holidays, days off) or
    counted although they fall on a weekend (swapped working days)."""
    if last < first:
        return []
    lines: list[str] = []
    skipped = cal.non_working_days(first, last)
    named = [(d, name) for d, _note in skipped if (name := cal.holiday_name(d))]
    weekend = [d for d, _note in skipped if not cal.holiday_name(d)]
    if named:
        lines.append(
            _("Public holidays and days off are not counted: %(days)s.")
            % {"days": _list_days(named)}
        )
    if weekend and len(weekend) <= MAX_LISTED_WEEKEND_DAYS:
        lines.append(
            _("The weekend is not counted: %(days)s.")
            % {"days": ", ".join(fmt_day(d) for d in weekend)}
        )
    elif weekend:
        lines.append(
            ngettext(
                "%(n)s weekend day is not counted.",
                "%(n)s weekend days are not counted.",
                len(weekend),
            )
            % {"n": len(weekend)}
        )
    swapped = cal.swapped_working_days(first, last)
    if swapped:
        lines.append(
            _("Weekend days that are working days are counted: %(days)s.")
            % {"days": _list_days(swapped)}
        )
    return lines


def _explain_breaks(cal: WorkingCalendar, start: datetime, due: datetime) -> str | None:
    """The breaks between office periods that a walk from ``start`` to ``due`` stepped over."""
    crossed: set[tuple[time, time]] = set()
    for day in _days(start.date(), due.date()):
        periods = cal.periods_on(day)
        for (_s1, end), (next_start, _e2) in zip(periods, periods[1:], strict=False):
            if start < next_start and due > end and next_start > end:
                crossed.add(
                    (end.timetz().replace(tzinfo=None), next_start.timetz().replace(tzinfo=None))
                )
        if len(crossed) == len(cal.periods) - 1:
            break
    if not crossed:
        return None
    breaks = ", ".join(f"{a:%H:%M}–{b:%H:%M}" for a, b in sorted(crossed))
    return _("The break between office periods (%(breaks)s) is not counted.") % {"breaks": breaks}


def fmt_office_hours(periods: tuple[Period, ...]) -> str:
    return ", ".join(f"{p.start:%H:%M}–{p.end:%H:%M}" for p in periods)


# ---- durations ----------------------------------------------------------------------------------
# The longest duration computed, in (working or calendar) days; working hours are limited to the
# same number of days times the hours of a working day. Legal durations are days or months: a
# longer one is an input error, and refusing it bounds the work a single request can cause.
MAX_DURATION_DAYS = 3660


def parse_amount(duration: Decimal | int | float | str) -> Decimal:
    """``duration`` as a finite, non-negative ``Decimal``; ``ValueError`` otherwise."""
    try:
        amount = duration if isinstance(duration, Decimal) else Decimal(str(duration).strip())
    except (InvalidOperation, ValueError, TypeError) as exc:
        raise ValueError(_("The duration must be zero or a positive number.")) from exc
    # Check finiteness first: ordering a NaN raises InvalidOperation instead of answering.
    if not amount.is_finite() or amount < 0:
        raise ValueError(_("The duration must be zero or a positive number."))
    return amount


def duration_limit(unit: DurationUnit | str, hours_per_day: Decimal | int = 8) -> Decimal:
    """The longest duration accepted in ``unit``."""
    if DurationUnit(unit) == DurationUnit.WORKING_HOURS:
        return Decimal(MAX_DURATION_DAYS) * Decimal(hours_per_day)
    return Decimal(MAX_DURATION_DAYS)


def check_duration(
    amount: Decimal, unit: DurationUnit | str, hours_per_day: Decimal | int = 8
) -> None:
    """Refuse a duration longer than :data:`MAX_DURATION_DAYS` (``ValueError``)."""
    limit = duration_limit(unit, hours_per_day)
    if amount > limit:
        raise ValueError(
            _("The duration is too long: at most %(limit)s %(unit)s.")
            % {"limit": _fmt_amount(limit), "unit": unit_label(DurationUnit(unit))}
        )


def hours(amount: Decimal) -> timedelta:
    """``amount`` hours as an exact ``timedelta`` (to the microsecond, without going through a
    float)."""
    micro = (amount * 3_600_000_000).to_integral_value(rounding=ROUND_HALF_EVEN)
    return timedelta(microseconds=int(micro))


# ---- due instants -------------------------------------------------------------------------------
@dataclass(frozen=True)
class DueResult:
    due_at: datetime
    clock_start: datetime
    explanation: list[str]


def compute_due(
    cal: WorkingCalendar,
    *,
    received_at: datetime,
    duration: Decimal | int | float | str,
    unit: DurationUnit | str,
    mode: CountingMode | str = CountingMode.HOURS,
    cutoff: time | None = None,
    hours_per_day: Decimal | int = 8,
) -> DueResult:
    """The due instant of ``duration`` ``unit`` for something received at ``received_at``.

    ``mode`` only matters for ``working_days``. ``ValueError`` (with a translated message) for a
    naive instant, a negative, non-finite or too long duration, an unknown unit or mode.
    """
    received = ensure_aware(received_at)
    try:
        unit = DurationUnit(unit)
    except ValueError as exc:
        raise ValueError(_("“%(value)s” is not a duration unit.") % {"value": unit}) from exc
    try:
        mode = CountingMode(mode)
    except ValueError as exc:
        raise ValueError(_("“%(value)s” is not a counting mode.") % {"value": mode}) from exc
    amount = parse_amount(duration)
    per_day = Decimal(hours_per_day)
    if not per_day.is_finite() or per_day <= 0:
        raise ValueError(_("A working day must have a positive number of hours."))
    check_duration(amount, unit, per_day)

    if unit == DurationUnit.WORKING_DAYS:
        first = _(
            "Received at %(instant)s; duration %(amount)s %(unit)s, counted in %(mode)s mode."
        ) % {
            "instant": fmt_instant(received),
            "amount": _fmt_amount(amount),
            "unit": unit_label(unit, amount),
            "mode": mode_label(mode),
        }
    else:
        first = _("Received at %(instant)s; duration %(amount)s %(unit)s.") % {
            "instant": fmt_instant(received),
            "amount": _fmt_amount(amount),
            "unit": unit_label(unit, amount),
        }
    explanation = [first]

    # 1. Clock start: cut-off, then office hours.
    day = received.date()
    if cutoff is not None and cal.is_working_day(day) and received.time() >= cutoff:
        start = cal.opening(cal.next_working_day(day))
        explanation.append(
            _(
                "Received at or after the same-day cut-off %(cutoff)s: the clock starts at %(start)s."
            )
            % {"cutoff": cutoff.strftime("%H:%M"), "start": fmt_instant(start)}
        )
    else:
        start = cal.clock_start(received)
        note = _explain_start(cal, received, start)
        if note:
            explanation.append(note)

    # 2. The due instant.
    walked = False  # whether the due instant comes from a walk through office hours
    if amount == 0:
        due = cal.closing(start.date())
        explanation.append(
            _("A same-day procedure: due at closing time of the day the clock starts.")
        )
    elif unit == DurationUnit.WORKING_HOURS:
        due = cal.add_working_time(start, hours(amount))
        walked = True
        explanation.append(
            _("%(amount)s %(unit)s counted through office hours (%(periods)s).")
            % {
                "amount": _fmt_amount(amount),
                "unit": unit_label(unit, amount),
                "periods": fmt_office_hours(cal.periods),
            }
        )
    elif unit == DurationUnit.WORKING_DAYS and (
        mode == CountingMode.HOURS or amount != amount.to_integral_value()
    ):
        if mode == CountingMode.DAYS:
            explanation.append(_("A fractional number of days is counted in working hours."))
        total = amount * per_day
        due = cal.add_working_time(start, hours(total))
        walked = True
        explanation.append(
            _(
                "%(days)s %(days_unit)s = %(hours)s %(hours_unit)s counted through office hours (%(periods)s)."
            )
            % {
                "days": _fmt_amount(amount),
                "days_unit": unit_label(DurationUnit.WORKING_DAYS, amount),
                "hours": _fmt_amount(total),
                "hours_unit": unit_label(DurationUnit.WORKING_HOURS, total),
                "periods": fmt_office_hours(cal.periods),
            }
        )
    elif unit == DurationUnit.WORKING_DAYS:
        first_counted = last = cal.next_working_day(start.date())
        for _i in range(int(amount) - 1):
            last = cal.next_working_day(last)
        due = cal.closing(last)
        if last == first_counted:
            counted = _(
                "The day of receipt (%(day)s) is not counted; the 1 working day counted is %(last)s: due at its closing time."
            )
        else:
            counted = _(
                "The day of receipt (%(day)s) is not counted; the %(n)s working days counted run from %(first)s to %(last)s: due at closing time of the last one."
            )
        explanation.append(
            counted
            % {
                "day": fmt_day(start.date()),
                "n": int(amount),
                "first": fmt_day(first_counted),
                "last": fmt_day(last),
            }
        )
    else:  # calendar days
        target = start.date() + timedelta(
            days=int(amount.to_integral_value(rounding=ROUND_CEILING))
        )
        last = cal.working_day_on_or_after(target)
        due = cal.closing(last)
        if amount != amount.to_integral_value():
            explanation.append(
                _("A fractional number of calendar days is rounded up to whole days.")
            )
        explanation.append(
            _("%(n)s calendar days after %(day)s is %(target)s.")
            % {"n": _fmt_amount(amount), "day": fmt_day(start.date()), "target": fmt_day(target)}
        )
        if last != target:
            explanation.append(
                _("%(target)s is not a working day (%(why)s): moved to %(day)s.")
                % {"target": fmt_day(target), "why": _why_off(cal, target), "day": fmt_day(last)}
            )

    # 3. What the count skipped or used: days between the receipt and the due day (the day of
    #    receipt itself is either a working day or explained above), and breaks.
    if unit != DurationUnit.CALENDAR_DAYS:
        explanation.extend(_explain_days(cal, received.date() + ONE_DAY, due.date()))
    if walked:
        note = _explain_breaks(cal, start, due)
        if note:
            explanation.append(note)
    explanation.append(_("Due at %(due)s.") % {"due": fmt_instant(due)})
    return DueResult(due_at=due, clock_start=start, explanation=explanation)


def _fmt_amount(amount: Decimal) -> str:
    """``amount`` without trailing zeros, with the active language's decimal separator
    (1.5 in English, 1,5 in Vietnamese)."""
    return number_format(Decimal(f"{amount.normalize():f}"))


_UNIT_ONE = {
    DurationUnit.WORKING_HOURS: gettext_noop("working hour"),
    DurationUnit.WORKING_DAYS: gettext_noop("working day"),
    DurationUnit.CALENDAR_DAYS: gettext_noop("calendar day"),
}
_UNIT_MANY = {
    DurationUnit.WORKING_HOURS: gettext_noop("working hours"),
    DurationUnit.WORKING_DAYS: gettext_noop("working days"),
    DurationUnit.CALENDAR_DAYS: gettext_noop("calendar days"),
}
_MODES = {CountingMode.HOURS: gettext_noop("hours"), CountingMode.DAYS: gettext_noop("days")}


def unit_label(unit: DurationUnit, amount: Decimal | None = None) -> str:
    """The unit's name, singular for an amount of exactly one (only that name is translated:
    every intake's explanation asks for several)."""
    names = _UNIT_ONE if amount is not None and amount == 1 else _UNIT_MANY
    return _(names[unit])


def mode_label(mode: CountingMode) -> str:
    return _(_MODES[mode])
