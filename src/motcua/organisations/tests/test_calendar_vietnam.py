"""The real Vietnamese calendar (``calendar_for()``, no overrides): exact due instants around
Tết, the swap days, Hùng Kings, National Day, the cut-off, the lunch break, and the modes.

Holiday names are the Vietnamese ones of the installed `holidays` package."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import translation

from motcua.organisations.calendar import TZ, compute_due


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=TZ)


def due(cal, received: datetime, duration, unit: str = "working_days", **kwargs):
    return compute_due(cal, received_at=received, duration=duration, unit=unit, **kwargs)


def text(result) -> str:
    return "\n".join(result.explanation)


# ---- which days are working days -----------------------------------------------------------------
@pytest.mark.parametrize(
    ("day", "name"),
    [
        # Tết 2025 (Ất Tỵ): Monday 27/01 to Friday 31/01 off, Saturday 01/02 is the 4th day.
        (date(2025, 1, 27), "29 Tết"),
        (date(2025, 1, 28), "Giao thừa Tết Nguyên Đán"),
        (date(2025, 1, 29), "Tết Nguyên Đán"),
        (date(2025, 1, 30), "Mùng hai Tết Nguyên Đán"),
        (date(2025, 1, 31), "Mùng ba Tết Nguyên Đán"),
        # Tết 2026 (Bính Ngọ): Monday 16/02 to Friday 20/02.
        (date(2026, 2, 16), "Giao thừa Tết Nguyên Đán"),
        (date(2026, 2, 17), "Tết Nguyên Đán"),
        (date(2026, 2, 18), "Mùng hai Tết Nguyên Đán"),
        (date(2026, 2, 19), "Mùng ba Tết Nguyên Đán"),
        (date(2026, 2, 20), "Mùng bốn Tết Nguyên Đán"),
        # 30/4 and 1/5, and the 2025 swap: Friday 02/05 off for Saturday 26/04 worked.
        (date(2025, 4, 30), "Ngày Chiến thắng"),
        (date(2025, 5, 1), "Ngày Quốc tế Lao động"),
        (date(2025, 5, 2), "Ngày nghỉ (thay cho ngày 26/04/2025)"),
        # Hùng Kings 2026 falls on Sunday 26/04: observed on Monday 27/04.
        (date(2026, 4, 27), "Ngày Giỗ Tổ Hùng Vương (nghỉ bù)"),
        # National Day with its adjacent day: 2025 Monday 01/09 + Tuesday 02/09;
        # 2026 Tuesday 01/09 + Wednesday 02/09, and Monday 31/08 off for Saturday 22/08 worked.
        (date(2025, 9, 1), "Quốc khánh"),
        (date(2025, 9, 2), "Quốc khánh"),
        (date(2026, 8, 31), "Ngày nghỉ (thay cho ngày 22/08/2026)"),
        (date(2026, 9, 1), "Quốc khánh"),
        (date(2026, 9, 2), "Quốc khánh"),
    ],
)
def test_public_holidays_and_swap_days_are_not_working_days(vn_calendar, day, name):
    assert day.weekday() < 5
    assert not vn_calendar.is_working_day(day)
    assert vn_calendar.holiday_name(day) == name


@pytest.mark.parametrize("day", [date(2025, 4, 26), date(2026, 8, 22)])
def test_swapped_saturdays_are_working_days(vn_calendar, day):
    assert day.weekday() == 5
    assert vn_calendar.is_working_day(day)
    assert vn_calendar.day_note(day) == "Ngày làm việc bù"


def test_ordinary_days_around_the_holidays_are_working_days(vn_calendar):
    for day in (
        date(2025, 1, 24),
        date(2025, 2, 3),
        date(2025, 9, 3),
        date(2026, 8, 28),
        date(2026, 9, 3),
    ):
        assert vn_calendar.is_working_day(day), day
    for day in (date(2025, 4, 27), date(2026, 8, 23)):  # the Sundays after the swapped Saturdays
        assert not vn_calendar.is_working_day(day), day


# ---- due instants ---------------------------------------------------------------------------------
def test_tet_2025_is_skipped_in_hours_mode(vn_calendar):
    result = due(vn_calendar, at(2025, 1, 24, 10), 1)
    assert result.clock_start == at(2025, 1, 24, 10)
    assert result.due_at == at(2025, 2, 3, 10)
    explanation = text(result)
    for name in (
        "29 Tết",
        "Giao thừa Tết Nguyên Đán",
        "Mùng ba Tết Nguyên Đán",
        "Mùng bốn Tết Nguyên Đán",
    ):
        assert name in explanation
    assert "27/01/2025" in explanation and "31/01/2025" in explanation


def test_tet_2025_is_skipped_in_days_mode(vn_calendar):
    result = due(vn_calendar, at(2025, 1, 24, 10), 2, mode="days")
    assert result.due_at == at(2025, 2, 4, 17)


def test_tet_2026_is_skipped(vn_calendar):
    result = due(vn_calendar, at(2026, 2, 13, 14), 8, unit="working_hours")
    assert result.due_at == at(2026, 2, 23, 14)
    assert "Giao thừa Tết Nguyên Đán" in text(result)
    assert "Mùng bốn Tết Nguyên Đán" in text(result)
    # Received during Tết: the clock starts after it.
    during = due(vn_calendar, at(2026, 2, 18, 9), 1, unit="working_hours")
    assert during.clock_start == at(2026, 2, 23, 7, 30)
    assert during.due_at == at(2026, 2, 23, 8, 30)
    assert "Mùng hai Tết Nguyên Đán" in text(during)


def test_the_swapped_saturday_26_04_2025_counts_and_02_05_2025_does_not(vn_calendar):
    result = due(vn_calendar, at(2025, 4, 25, 9), 1)
    assert result.due_at == at(2025, 4, 26, 9)
    assert "26/04/2025 (Ngày làm việc bù)" in text(result)
    # 30/04, 01/05, 02/05 (swap) and the weekend: Tuesday 29/04 09:00 + 1 day = Monday 05/05.
    result = due(vn_calendar, at(2025, 4, 29, 9), 1)
    assert result.due_at == at(2025, 5, 5, 9)
    assert "Ngày nghỉ (thay cho ngày 26/04/2025)" in text(result)


def test_hung_kings_2026_is_observed_on_monday_27_04(vn_calendar):
    result = due(vn_calendar, at(2026, 4, 24, 9), 1)
    assert result.due_at == at(2026, 4, 28, 9)
    assert "Ngày Giỗ Tổ Hùng Vương (nghỉ bù)" in text(result)


def test_national_day_2025_with_its_adjacent_day(vn_calendar):
    assert due(vn_calendar, at(2025, 8, 29, 9), 1).due_at == at(2025, 9, 3, 9)
    assert due(vn_calendar, at(2025, 8, 29, 9), 1, mode="days").due_at == at(2025, 9, 3, 17)


def test_national_day_2026_with_its_adjacent_day_and_the_swap(vn_calendar):
    # Saturday 22/08/2026 is worked; Monday 31/08 to Wednesday 02/09 are off.
    assert due(vn_calendar, at(2026, 8, 21, 9), 1).due_at == at(2026, 8, 22, 9)
    result = due(vn_calendar, at(2026, 8, 28, 9), 1)
    assert result.due_at == at(2026, 9, 3, 9)
    assert "Ngày nghỉ (thay cho ngày 22/08/2026)" in text(result)


@pytest.mark.parametrize(
    ("received", "clock_start", "due_at"),
    [
        (at(2025, 10, 6, 14, 59), at(2025, 10, 6, 14, 59), at(2025, 10, 6, 17)),
        (at(2025, 10, 6, 15, 0), at(2025, 10, 7, 7, 30), at(2025, 10, 7, 17)),
        # Friday after the cut-off: the next working day is Monday.
        (at(2025, 10, 10, 16, 0), at(2025, 10, 13, 7, 30), at(2025, 10, 13, 17)),
    ],
)
def test_same_day_cutoff_at_1500(vn_calendar, received, clock_start, due_at):
    result = due(vn_calendar, received, 0, cutoff=time(15))
    assert (result.clock_start, result.due_at) == (clock_start, due_at)


def test_without_a_cutoff_a_same_day_procedure_received_at_1500_is_due_that_day(vn_calendar):
    assert due(vn_calendar, at(2025, 10, 6, 15), 0).due_at == at(2025, 10, 6, 17)


def test_lunch_break_is_not_counted(vn_calendar):
    result = due(vn_calendar, at(2025, 10, 6, 12), 2, unit="working_hours")
    assert result.clock_start == at(2025, 10, 6, 13)
    assert result.due_at == at(2025, 10, 6, 15)
    # Across the break: 10:00 + 3 working hours = 11:30 + 1:30 from 13:00.
    assert due(vn_calendar, at(2025, 10, 6, 10), 3, unit="working_hours").due_at == at(
        2025, 10, 6, 14, 30
    )


def test_after_closing_the_clock_starts_next_working_day(vn_calendar):
    result = due(vn_calendar, at(2025, 10, 6, 17, 30), 1, unit="working_hours")
    assert result.clock_start == at(2025, 10, 7, 7, 30)
    assert result.due_at == at(2025, 10, 7, 8, 30)
    # At 17:00 exactly the office is closed.
    assert due(vn_calendar, at(2025, 10, 6, 17), 1, unit="working_hours").clock_start == at(
        2025, 10, 7, 7, 30
    )


def test_before_opening_the_clock_starts_at_opening(vn_calendar):
    result = due(vn_calendar, at(2025, 10, 6, 6, 45), 1)
    assert result.clock_start == at(2025, 10, 6, 7, 30)
    assert result.due_at == at(2025, 10, 6, 17)


def test_on_a_weekend_the_clock_starts_monday(vn_calendar):
    result = due(vn_calendar, at(2025, 10, 4, 10), 4, unit="working_hours")
    assert result.clock_start == at(2025, 10, 6, 7, 30)
    assert result.due_at == at(2025, 10, 6, 11, 30)


@pytest.mark.parametrize(
    ("received", "days", "due_at"),
    [
        # From the opening, N days = N x 8 hours end at 17:00 of the N-th day (not 07:30 next).
        (at(2025, 10, 6, 7, 30), 1, at(2025, 10, 6, 17)),
        (at(2025, 10, 6, 7, 30), 5, at(2025, 10, 10, 17)),
        # From 13:00, one day ends at 11:30 the next day (not 13:00).
        (at(2025, 10, 6, 13), 1, at(2025, 10, 7, 11, 30)),
        # From 10:00, the same time N working days later (the weekend skipped).
        (at(2025, 10, 6, 10), 3, at(2025, 10, 9, 10)),
        (at(2025, 10, 9, 10), 3, at(2025, 10, 14, 10)),
        # Half a day from 10:00: 1:30 before the break and 2:30 after it.
        (at(2025, 10, 6, 10), Decimal("0.5"), at(2025, 10, 6, 15, 30)),
    ],
)
def test_hours_mode_counts_n_days_as_n_times_eight_working_hours(
    vn_calendar, received, days, due_at
):
    result = due(vn_calendar, received, days)
    assert result.due_at == due_at
    assert vn_calendar.working_time_between(result.clock_start, result.due_at) == timedelta(
        hours=8 * float(days)
    )


@pytest.mark.parametrize(
    ("received", "days", "due_at"),
    [
        (at(2025, 10, 6, 10), 3, at(2025, 10, 9, 17)),
        (at(2025, 10, 6, 7, 30), 1, at(2025, 10, 7, 17)),
        (at(2025, 10, 10, 16), 1, at(2025, 10, 13, 17)),  # Friday: Monday is day 1
        (at(2025, 10, 11, 10), 1, at(2025, 10, 14, 17)),  # Saturday: received Monday, due Tuesday
    ],
)
def test_days_mode_does_not_count_the_day_of_receipt(vn_calendar, received, days, due_at):
    result = due(vn_calendar, received, days, mode="days")
    assert result.due_at == due_at


def test_fractional_days_in_days_mode_fall_back_to_hours(vn_calendar):
    result = due(vn_calendar, at(2025, 10, 6, 10), Decimal("1.5"), mode="days")
    assert result.due_at == at(2025, 10, 7, 15, 30)
    with translation.override("en"):
        result = due(vn_calendar, at(2025, 10, 6, 10), Decimal("1.5"), mode="days")
    assert "A fractional number of days is counted in working hours." in result.explanation


def test_calendar_days_move_off_a_weekend(vn_calendar):
    result = due(vn_calendar, at(2025, 10, 8, 10), 3, unit="calendar_days")
    assert result.due_at == at(2025, 10, 13, 17)  # Saturday 11/10 -> Monday 13/10


def test_calendar_days_move_off_holidays(vn_calendar):
    # Monday 28/04/2025 + 2 = Wednesday 30/04 (holiday); 01/05, 02/05 off; the weekend.
    result = due(vn_calendar, at(2025, 4, 28, 9), 2, unit="calendar_days")
    assert result.due_at == at(2025, 5, 5, 17)
    assert "Ngày Chiến thắng" in text(result)


def test_calendar_days_landing_on_a_working_day_stay_there(vn_calendar):
    assert due(vn_calendar, at(2025, 10, 6, 10), 10, unit="calendar_days").due_at == at(
        2025, 10, 16, 17
    )


@pytest.mark.parametrize("unit", ["working_hours", "working_days", "calendar_days"])
def test_a_zero_duration_is_due_at_closing_time_the_same_day(vn_calendar, unit):
    assert due(vn_calendar, at(2025, 10, 6, 10), 0, unit=unit).due_at == at(2025, 10, 6, 17)
    # Received on a holiday: the same day is the next working day.
    assert due(vn_calendar, at(2025, 9, 1, 10), 0, unit=unit).due_at == at(2025, 9, 3, 17)


def test_due_instants_are_written_with_the_vietnam_offset(vn_calendar):
    from datetime import UTC

    result = due(vn_calendar, datetime(2025, 10, 6, 3, 0, tzinfo=UTC), 1, unit="working_hours")
    assert result.clock_start == at(2025, 10, 6, 10)
    assert result.due_at.isoformat() == "2025-10-06T11:00:00+07:00"


def test_a_naive_instant_is_refused(vn_calendar):
    with translation.override("en"), pytest.raises(ValueError, match="has no time zone"):
        due(vn_calendar, datetime(2025, 10, 6, 10), 1)  # noqa: DTZ001


@pytest.mark.parametrize("duration", [-1, "NaN", "Infinity", "abc", Decimal("3661")])
def test_bad_durations_are_refused(vn_calendar, duration):
    with pytest.raises(ValueError):
        due(vn_calendar, at(2025, 10, 6, 10), duration)


def test_too_many_working_hours_are_refused(vn_calendar):
    assert due(vn_calendar, at(2025, 10, 6, 10), 3660 * 8, unit="working_hours").due_at.year == 2040
    with translation.override("en"), pytest.raises(ValueError, match="at most 29280 working hours"):
        due(vn_calendar, at(2025, 10, 6, 10), 3660 * 8 + 1, unit="working_hours")


# ---- explanations ---------------------------------------------------------------------------------
def test_explanation_names_the_holidays_weekend_and_lunch_that_moved_the_due(vn_calendar):
    with translation.override("en"):
        result = due(vn_calendar, at(2025, 1, 24, 10), 3)
    lines = result.explanation
    assert (
        lines[0]
        == "Received at 10:00 Friday 24/01/2025; duration 3 working days, counted in hours mode."
    )
    assert lines[1] == (
        "3 working days = 24 working hours counted through office hours (07:30–11:30, 13:00–17:00)."
    )
    assert lines[2] == (
        "Public holidays and days off are not counted: Monday 27/01/2025 (29 Tết); "
        "Tuesday 28/01/2025 (Giao thừa Tết Nguyên Đán); Wednesday 29/01/2025 (Tết Nguyên Đán); "
        "Thursday 30/01/2025 (Mùng hai Tết Nguyên Đán); Friday 31/01/2025 (Mùng ba Tết Nguyên Đán); "
        "Saturday 01/02/2025 (Mùng bốn Tết Nguyên Đán)."
    )
    assert lines[3] == (
        "The weekend is not counted: Saturday 25/01/2025, Sunday 26/01/2025, Sunday 02/02/2025."
    )
    assert lines[4] == "The break between office periods (11:30–13:00) is not counted."
    assert lines[-1] == "Due at 10:00 Wednesday 05/02/2025."


def test_explanation_of_a_cutoff_and_days_mode(vn_calendar):
    with translation.override("en"):
        result = due(vn_calendar, at(2025, 10, 10, 15, 30), 2, mode="days", cutoff=time(15))
    assert result.explanation == [
        "Received at 15:30 Friday 10/10/2025; duration 2 working days, counted in days mode.",
        "Received at or after the same-day cut-off 15:00: the clock starts at 07:30 Monday 13/10/2025.",
        "The day of receipt (Monday 13/10/2025) is not counted; the 2 working days counted run from "
        "Tuesday 14/10/2025 to Wednesday 15/10/2025: due at closing time of the last one.",
        "The weekend is not counted: Saturday 11/10/2025, Sunday 12/10/2025.",
        "Due at 17:00 Wednesday 15/10/2025.",
    ]


@pytest.mark.parametrize(
    ("received", "phrase"),
    [
        (
            at(2025, 10, 6, 12),
            "Received during the break between office periods: the clock starts at 13:00 Monday 06/10/2025.",
        ),
        (
            at(2025, 10, 6, 18),
            "Received after closing time: the clock starts at 07:30 Tuesday 07/10/2025.",
        ),
        (
            at(2025, 10, 6, 6),
            "Received before opening time: the clock starts at 07:30 Monday 06/10/2025.",
        ),
        (
            at(2025, 10, 5, 9),
            "Received on a non-working day (Sunday 05/10/2025, weekend): the clock starts at 07:30 Monday 06/10/2025.",
        ),
        (
            at(2025, 9, 2, 9),
            "Received on a non-working day (Tuesday 02/09/2025, Quốc khánh): the clock starts at 07:30 Wednesday 03/09/2025.",
        ),
    ],
)
def test_explanation_says_why_the_clock_starts_later(vn_calendar, received, phrase):
    with translation.override("en"):
        result = due(vn_calendar, received, 1, unit="working_hours")
    assert phrase in result.explanation


def test_explanation_of_calendar_days_moved_off_a_holiday(vn_calendar):
    with translation.override("en"):
        result = due(vn_calendar, at(2025, 4, 28, 9), 2, unit="calendar_days")
    assert result.explanation[1:] == [
        "2 calendar days after Monday 28/04/2025 is Wednesday 30/04/2025.",
        "Wednesday 30/04/2025 is not a working day (Ngày Chiến thắng): moved to Monday 05/05/2025.",
        "Due at 17:00 Monday 05/05/2025.",
    ]


def test_explanation_of_a_long_duration_counts_weekends_instead_of_listing_them(vn_calendar):
    with translation.override("en"):
        result = due(vn_calendar, at(2025, 10, 6, 10), 60)
    assert "24 weekend days are not counted." in result.explanation
    assert result.due_at == at(2025, 12, 29, 10)


def test_explanation_uses_singular_for_one(vn_calendar):
    with translation.override("en"):
        result = due(vn_calendar, at(2025, 10, 6, 10), 1, mode="days")
    assert (
        result.explanation[0]
        == "Received at 10:00 Monday 06/10/2025; duration 1 working day, counted in days mode."
    )
    assert result.explanation[1] == (
        "The day of receipt (Monday 06/10/2025) is not counted; the 1 working day counted is "
        "Tuesday 07/10/2025: due at its closing time."
    )


def test_amounts_use_the_decimal_separator_of_the_language(vn_calendar):
    received = at(2025, 10, 6, 10)
    with translation.override("vi"):
        vi = due(vn_calendar, received, Decimal("1.5"))
    with translation.override("en"):
        en = due(vn_calendar, received, Decimal("1.5"))
    assert "1,5" in vi.explanation[0] and "1.5" not in vi.explanation[0]
    assert "1.5" in en.explanation[0]
