"""Property tests of the record clock: pauses keep exactly the remaining working time, and the
early / on-time / late classification is consistent."""

from datetime import datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from motcua.organisations.calendar import TZ, WorkingCalendar, YearDays
from motcua.records import deadlines

BASE = datetime(2025, 1, 1, 0, 0, tzinfo=TZ)


def vietnam_like() -> WorkingCalendar:
    """Office hours 07:30-11:30, 13:00-17:00 with a few fixed holidays (pure, no database)."""
    off = {
        datetime(2025, 1, 1).date(): "Tết Dương lịch",
        datetime(2025, 4, 30).date(): "30/4",
        datetime(2025, 5, 1).date(): "1/5",
        datetime(2025, 5, 2).date(): "swap",
    }
    working = {datetime(2025, 4, 26).date(): "swapped Saturday"}
    return WorkingCalendar(
        source=lambda year: YearDays(off if year == 2025 else {}, working if year == 2025 else {})
    )


instants = st.integers(min_value=0, max_value=200 * 24 * 60).map(
    lambda m: BASE + timedelta(minutes=m)
)
working_minutes = st.integers(min_value=1, max_value=60 * 8 * 30).map(
    lambda m: timedelta(minutes=m)
)


@given(
    received=instants,
    duration=working_minutes,
    pause_after=working_minutes,
    gap=st.integers(0, 60 * 24 * 30),
)
def test_a_pause_keeps_exactly_the_remaining_working_time(received, duration, pause_after, gap):
    cal = vietnam_like()
    start = cal.clock_start(received)
    due = cal.add_working_time(start, duration)
    paused_at = start + pause_after
    resumed_at = paused_at + timedelta(minutes=gap)
    remaining = deadlines.remaining_at(cal, due_at=due, at=paused_at)
    new_due, _text = deadlines.resume_due(
        cal, due_at=due, remaining=remaining, resumed_at=resumed_at
    )
    if remaining > timedelta(0):
        assert cal.working_time_between(cal.clock_start(resumed_at), new_due) == remaining
    else:
        assert new_due == due


@given(received=instants, duration=working_minutes, gap=st.integers(0, 60 * 24 * 30))
def test_pausing_never_moves_the_due_earlier(received, duration, gap):
    cal = vietnam_like()
    start = cal.clock_start(received)
    due = cal.add_working_time(start, duration)
    paused_at = received
    resumed_at = paused_at + timedelta(minutes=gap)
    remaining = deadlines.remaining_at(cal, due_at=due, at=paused_at)
    new_due, _text = deadlines.resume_due(
        cal, due_at=due, remaining=remaining, resumed_at=resumed_at
    )
    assert new_due >= due


@given(finished=instants, due=instants)
def test_classification_is_consistent(finished, due):
    result = deadlines.classify(finished_at=finished, due_at=due)
    if finished > due:
        assert result == "late"
    elif finished.astimezone(TZ).date() < due.astimezone(TZ).date():
        assert result == "early"
    else:
        assert result == "on_time"
        assert finished.astimezone(TZ).date() == due.astimezone(TZ).date()


@given(due=instants, at=instants, paused=st.one_of(st.none(), instants))
def test_overdue_is_judged_at_the_pause(due, at, paused):
    result = deadlines.is_overdue(due_at=due, at=at, paused_at=paused)
    judged = paused if paused is not None and paused <= at else at
    assert result == (judged > due)
