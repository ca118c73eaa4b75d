"""Property tests of the working-time calendar, over random calendars (office periods, holidays,
swapped working Saturdays) and over the real Vietnamese calendar."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_CEILING, Decimal

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from motcua.organisations.calendar import (
    TZ,
    CountingMode,
    DurationUnit,
    Period,
    WorkingCalendar,
    YearDays,
    compute_due,
)

# The autouse fixtures (language, throttle cache) are harmless for every example.
examples = settings(
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)

FIRST_DAY = date(2024, 1, 1)
LAST_DAY = date(2026, 12, 31)
ZERO = timedelta(0)


# ---- strategies --------------------------------------------------------------------------------
@st.composite
def office_periods(draw: st.DrawFn) -> tuple[Period, ...]:
    """One to three office periods on a quarter-hour grid: sorted, non-overlapping, separated
    by breaks, each at least 15 minutes long."""
    count = draw(st.integers(1, 3))
    quarters = sorted(draw(st.sets(QUARTERS, min_size=2 * count, max_size=2 * count)))
    as_time = [time(q // 4, q % 4 * 15) for q in quarters]
    return tuple(Period(as_time[i], as_time[i + 1]) for i in range(0, 2 * count, 2))


QUARTERS = st.integers(0, 95)
FIRST_SATURDAY = FIRST_DAY + timedelta(days=(5 - FIRST_DAY.weekday()) % 7)
HOLIDAY_SETS = st.sets(st.dates(FIRST_DAY, LAST_DAY), max_size=40)
SATURDAY_SETS = st.sets(
    st.integers(0, (LAST_DAY - FIRST_SATURDAY).days // 7).map(
        lambda k: FIRST_SATURDAY + timedelta(weeks=k)
    ),
    max_size=8,
)


@st.composite
def calendars(draw: st.DrawFn) -> WorkingCalendar:
    periods = draw(office_periods())
    holidays = draw(HOLIDAY_SETS)
    working = draw(SATURDAY_SETS)

    def source(year: int) -> YearDays:
        return YearDays(
            {d: f"Holiday {d:%d/%m}" for d in holidays if d.year == year},
            {d: "Swapped working Saturday" for d in working if d.year == year},
        )

    return WorkingCalendar(periods=periods, source=source)


BASE = datetime(2024, 1, 1, tzinfo=TZ)


def instants(last: datetime = datetime(2026, 6, 30, tzinfo=TZ)) -> st.SearchStrategy[datetime]:
    """Local instants to the second from 2024, any time of day (also outside office hours)."""
    seconds = int((last - BASE).total_seconds())
    return st.integers(0, seconds).map(lambda s: BASE + timedelta(seconds=s))


# Working time up to ~25 default working days, to the second.
durations = st.integers(0, 25 * 8 * 3600).map(lambda s: timedelta(seconds=s))


def is_period_end(cal: WorkingCalendar, instant: datetime) -> bool:
    return cal.is_working_day(instant.date()) and any(
        instant == end for _start, end in cal.periods_on(instant.date())
    )


# ---- random calendars ----------------------------------------------------------------------------
@examples
@given(cal=calendars(), start=instants(), a=durations, b=durations)
def test_adding_working_time_is_monotonic_in_the_duration(cal, start, a, b):
    short, long = sorted((a, b))
    assert cal.add_working_time(start, short) <= cal.add_working_time(start, long)


@examples
@given(cal=calendars(), start=instants(), a=durations, b=durations)
def test_adding_working_time_is_additive(cal, start, a, b):
    assert cal.add_working_time(cal.add_working_time(start, a), b) == cal.add_working_time(
        start, a + b
    )


@examples
@given(cal=calendars(), start=instants(), duration=durations)
def test_a_walk_lands_in_office_time_or_exactly_on_a_period_end(cal, start, duration):
    assume(duration > ZERO)
    due = cal.add_working_time(start, duration)
    assert cal.is_office_time(due) or is_period_end(cal, due)
    assert due > start


@examples
@given(cal=calendars(), start=instants(), duration=durations)
def test_working_time_between_inverts_adding(cal, start, duration):
    assert cal.working_time_between(start, cal.add_working_time(start, duration)) == duration


@examples
@given(cal=calendars(), a=instants(), b=instants())
def test_adding_the_working_time_between_two_instants_never_passes_the_later(cal, a, b):
    early, late = sorted((a, b))
    between = cal.working_time_between(early, late)
    assert cal.add_working_time(early, between) <= late
    assert cal.working_time_between(late, early) == ZERO


@examples
@given(cal=calendars(), instant=instants())
def test_clock_start_is_idempotent_and_in_office_time(cal, instant):
    start = cal.clock_start(instant)
    assert cal.clock_start(start) == start
    assert start >= instant
    assert cal.is_office_time(start)
    assert cal.working_time_between(instant, start) == ZERO


@examples
@given(cal=calendars(), instant=instants())
def test_the_clock_start_does_not_depend_on_the_offset_the_instant_is_written_in(cal, instant):
    assert cal.clock_start(instant.astimezone(UTC)) == cal.clock_start(instant)


@examples
@given(cal=calendars(), start=instants(), days=st.integers(0, 20))
def test_whole_office_days_of_work_end_at_the_same_office_time_n_working_days_later(
    cal, start, days
):
    start = cal.clock_start(start)
    due = cal.add_working_time(start, days * cal.working_time_per_day)
    day = start.date()
    for _i in range(days):
        day = cal.next_working_day(day)
    # Landing on a period end stays there: the next office instant is the same time of day.
    assert cal.clock_start(due) == datetime.combine(day, start.timetz())


@examples
@given(
    cal=calendars(),
    received=instants(),
    a=st.integers(1, 80),
    b=st.integers(1, 80),
    unit=st.sampled_from(list(DurationUnit)),
    mode=st.sampled_from(list(CountingMode)),
    cutoff=st.none() | st.times().map(lambda t: t.replace(second=0, microsecond=0)),
)
def test_due_is_monotonic_in_the_duration_and_never_before_the_clock_start(
    cal, received, a, b, unit, mode, cutoff
):
    # Positive quarter units: whole numbers and fractions. A fraction of a day falls back to
    # hours mode, so monotony in days mode holds among whole numbers only; and 0 means "the same
    # day" (closing time), later than a short positive duration: see the zero-duration test.
    short, long = sorted((Decimal(a) / 4, Decimal(b) / 4))
    if mode == CountingMode.DAYS and unit == DurationUnit.WORKING_DAYS:
        short, long = (x.to_integral_value(rounding=ROUND_CEILING) for x in (short, long))
    first = compute_due(
        cal, received_at=received, duration=short, unit=unit, mode=mode, cutoff=cutoff
    )
    second = compute_due(
        cal, received_at=received, duration=long, unit=unit, mode=mode, cutoff=cutoff
    )
    assert first.due_at <= second.due_at
    for result in (first, second):
        assert result.clock_start >= received
        assert result.due_at >= result.clock_start
        assert cal.is_office_time(result.clock_start)
        assert result.explanation[-1].endswith(".")


@examples
@given(
    cal=calendars(),
    received=instants(),
    days=st.integers(1, 30),
    cutoff=st.none() | st.just(time(15)),
)
def test_days_mode_is_due_at_closing_time_of_a_working_day_after_the_day_of_receipt(
    cal, received, days, cutoff
):
    result = compute_due(
        cal, received_at=received, duration=days, unit="working_days", mode="days", cutoff=cutoff
    )
    assert cal.is_working_day(result.due_at.date())
    assert result.due_at == cal.closing(result.due_at.date())
    assert result.due_at.date() > result.clock_start.date()
    counted = [
        result.clock_start.date() + timedelta(days=i)
        for i in range(1, (result.due_at.date() - result.clock_start.date()).days + 1)
    ]
    assert sum(cal.is_working_day(d) for d in counted) == days


@examples
@given(cal=calendars(), received=instants(), days=st.integers(1, 30))
def test_days_mode_never_gives_less_time_than_hours_mode(cal, received, days):
    # With a working day as long as the office day, N days in hours mode end at the latest at
    # the closing of the N-th working day after the day the clock starts: never after days mode.
    per_day = Decimal(int(cal.working_time_per_day.total_seconds())) / 3600
    by_hours = compute_due(
        cal, received_at=received, duration=days, unit="working_days", hours_per_day=per_day
    )
    by_days = compute_due(
        cal, received_at=received, duration=days, unit="working_days", mode="days"
    )
    assert by_hours.clock_start == by_days.clock_start
    assert by_hours.due_at <= by_days.due_at


@examples
@given(cal=calendars(), received=instants(), days=st.integers(0, 60))
def test_calendar_days_are_due_at_closing_time_of_a_working_day_on_or_after_the_nth_day(
    cal, received, days
):
    result = compute_due(cal, received_at=received, duration=days, unit="calendar_days")
    target = result.clock_start.date() + timedelta(days=days)
    due_day = result.due_at.date()
    assert due_day >= target
    assert result.due_at == cal.closing(due_day)
    assert cal.is_working_day(due_day)
    assert all(
        not cal.is_working_day(target + timedelta(days=i)) for i in range((due_day - target).days)
    )


@examples
@given(
    cal=calendars(),
    received=instants(),
    unit=st.sampled_from(list(DurationUnit)),
    mode=st.sampled_from(list(CountingMode)),
)
def test_a_zero_duration_is_due_at_closing_time_of_the_clock_start_day(cal, received, unit, mode):
    result = compute_due(cal, received_at=received, duration=0, unit=unit, mode=mode)
    assert result.due_at == cal.closing(result.clock_start.date())


@examples
@given(
    cal=calendars(),
    received=instants(),
    cutoff=st.times().map(lambda t: t.replace(second=0, microsecond=0)),
)
def test_a_receipt_at_or_after_the_cutoff_starts_at_the_next_working_day_opening(
    cal, received, cutoff
):
    result = compute_due(cal, received_at=received, duration=1, unit="working_hours", cutoff=cutoff)
    day = received.date()
    if cal.is_working_day(day) and received.time() >= cutoff:
        assert result.clock_start == cal.opening(cal.next_working_day(day))
    else:
        assert result.clock_start == cal.clock_start(received)


# ---- the real Vietnamese calendar ----------------------------------------------------------------
vn_instants = instants(datetime(2027, 12, 31, tzinfo=TZ))


@examples
@given(start=vn_instants, a=durations, b=durations)
def test_vietnam_adding_is_monotonic_additive_and_inverse_consistent(vn_calendar, start, a, b):
    cal = vn_calendar
    short, long = sorted((a, b))
    assert cal.add_working_time(start, short) <= cal.add_working_time(start, long)
    assert cal.add_working_time(cal.add_working_time(start, a), b) == cal.add_working_time(
        start, a + b
    )
    assert cal.working_time_between(start, cal.add_working_time(start, a)) == a


@examples
@given(start=vn_instants, duration=durations)
def test_vietnam_walks_land_in_office_hours_or_on_a_period_end(vn_calendar, start, duration):
    assume(duration > ZERO)
    due = vn_calendar.add_working_time(start, duration)
    assert vn_calendar.is_office_time(due) or due.time() in (time(11, 30), time(17, 0))
    assert vn_calendar.is_working_day(due.date())


@examples
@given(instant=vn_instants)
def test_vietnam_clock_start_is_idempotent(vn_calendar, instant):
    start = vn_calendar.clock_start(instant)
    assert vn_calendar.clock_start(start) == start
    assert start.time() >= time(7, 30)
    assert vn_calendar.is_working_day(start.date())


@examples
@given(received=vn_instants, days=st.integers(0, 40))
def test_vietnam_n_working_days_in_hours_mode_are_n_times_eight_hours(vn_calendar, received, days):
    result = compute_due(vn_calendar, received_at=received, duration=days, unit="working_days")
    if days:
        assert result.due_at == vn_calendar.add_working_time(
            result.clock_start, timedelta(hours=8 * days)
        )
        assert vn_calendar.working_time_between(result.clock_start, result.due_at) == timedelta(
            hours=8 * days
        )
    # Whole days from the opening end at the closing of the last of them (not the next opening).
    if result.clock_start.time() == time(7, 30) and days:
        assert result.due_at.time() == time(17, 0)


@examples
@given(
    received=vn_instants,
    a=st.integers(1, 160),
    b=st.integers(1, 160),
    unit=st.sampled_from(list(DurationUnit)),
    mode=st.sampled_from(list(CountingMode)),
    cutoff=st.none() | st.just(time(15)),
)
def test_vietnam_due_is_monotonic_and_never_before_the_clock_start(
    vn_calendar, received, a, b, unit, mode, cutoff
):
    short, long = sorted((Decimal(a) / 4, Decimal(b) / 4))
    if mode == CountingMode.DAYS and unit == DurationUnit.WORKING_DAYS:
        short, long = (x.to_integral_value(rounding=ROUND_CEILING) for x in (short, long))
    first = compute_due(
        vn_calendar, received_at=received, duration=short, unit=unit, mode=mode, cutoff=cutoff
    )
    second = compute_due(
        vn_calendar, received_at=received, duration=long, unit=unit, mode=mode, cutoff=cutoff
    )
    assert first.clock_start >= received
    assert first.clock_start <= first.due_at <= second.due_at
    assert first.due_at.utcoffset() == timedelta(hours=7)


@examples
@given(received=vn_instants, days=st.integers(1, 40), cutoff=st.none() | st.just(time(15)))
def test_vietnam_days_mode_is_due_at_1700_of_a_working_day(vn_calendar, received, days, cutoff):
    result = compute_due(
        vn_calendar,
        received_at=received,
        duration=days,
        unit="working_days",
        mode="days",
        cutoff=cutoff,
    )
    assert result.due_at.time() == time(17, 0)
    assert vn_calendar.is_working_day(result.due_at.date())
    hours = compute_due(
        vn_calendar, received_at=received, duration=days, unit="working_days", cutoff=cutoff
    )
    assert hours.due_at <= result.due_at
