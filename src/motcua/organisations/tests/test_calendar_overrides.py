"""The override table and agency office hours change ``calendar_for()``."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from motcua.organisations.calendar import TZ, Period, compute_due
from motcua.organisations.models import CalendarOverride
from motcua.organisations.selectors import calendar_for
from motcua.organisations.tests.factories import AgencyFactory, CalendarOverrideFactory

pytestmark = pytest.mark.django_db

WEDNESDAY = date(2025, 10, 8)
SATURDAY = date(2025, 10, 11)


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=TZ)


def test_a_province_wide_day_off_applies_to_every_agency():
    agency = AgencyFactory()
    assert calendar_for().is_working_day(WEDNESDAY)
    CalendarOverrideFactory(
        date=WEDNESDAY, name="Nghỉ bầu cử", legal_reference="Quyết định 12/QĐ-UBND"
    )
    for cal in (calendar_for(), calendar_for(agency=agency)):
        assert not cal.is_working_day(WEDNESDAY)
        assert cal.day_note(WEDNESDAY) == "Nghỉ bầu cử (Quyết định 12/QĐ-UBND)"


def test_a_province_wide_working_saturday_applies_to_every_agency():
    agency = AgencyFactory()
    CalendarOverrideFactory(date=SATURDAY, working=True, legal_reference="Công văn 5/UBND")
    for cal in (calendar_for(), calendar_for(agency=agency)):
        assert cal.is_working_day(SATURDAY)
        assert cal.swapped_working_days(SATURDAY, SATURDAY) == [
            (SATURDAY, "Ngày làm việc bù (Công văn 5/UBND)")
        ]


def test_an_agency_override_applies_to_that_agency_only_and_wins_over_the_province():
    agency, other = AgencyFactory(), AgencyFactory()
    CalendarOverrideFactory(date=WEDNESDAY)  # province: day off
    CalendarOverrideFactory(date=WEDNESDAY, agency=agency, working=True)  # agency: works
    CalendarOverrideFactory(date=SATURDAY, agency=other, working=True)
    assert calendar_for(agency=agency).is_working_day(WEDNESDAY)
    assert not calendar_for(agency=other).is_working_day(WEDNESDAY)
    assert not calendar_for().is_working_day(WEDNESDAY)
    assert calendar_for(agency=other).is_working_day(SATURDAY)
    assert not calendar_for(agency=agency).is_working_day(SATURDAY)
    assert not calendar_for().is_working_day(SATURDAY)


def test_overrides_win_over_the_holidays_package():
    # A swap the package does not know, and one it knows that a province changed.
    CalendarOverrideFactory(date=date(2025, 5, 2), working=True, name="Làm việc")
    CalendarOverrideFactory(date=date(2025, 4, 26), name="Không làm bù")
    cal = calendar_for()
    assert cal.is_working_day(date(2025, 5, 2))
    assert not cal.is_working_day(date(2025, 4, 26))
    assert cal.holiday_name(date(2025, 5, 2)) is None


def test_an_override_moves_a_due_instant_and_is_explained():
    CalendarOverrideFactory(
        date=WEDNESDAY, name="Nghỉ bầu cử", legal_reference="Quyết định 12/QĐ-UBND"
    )
    with translation.override("en"):
        result = compute_due(
            calendar_for(), received_at=at(2025, 10, 7, 10), duration=1, unit="working_days"
        )
    assert result.due_at == at(2025, 10, 9, 10)
    assert (
        "Public holidays and days off are not counted: Wednesday 08/10/2025 "
        "(Nghỉ bầu cử (Quyết định 12/QĐ-UBND))." in result.explanation
    )


def test_calendar_for_reads_the_overrides_in_one_query(django_assert_num_queries):
    agency = AgencyFactory()
    CalendarOverrideFactory(date=WEDNESDAY)
    with django_assert_num_queries(1):
        cal = calendar_for(agency=agency)
        cal.is_working_day(WEDNESDAY)
        cal.is_working_day(date(2026, 1, 1))


def test_one_override_per_date_for_the_province_and_per_agency():
    agency = AgencyFactory()
    CalendarOverrideFactory(date=WEDNESDAY)
    CalendarOverrideFactory(date=WEDNESDAY, agency=agency)
    with pytest.raises(IntegrityError), transaction.atomic():
        CalendarOverrideFactory(date=WEDNESDAY)
    with pytest.raises(IntegrityError), transaction.atomic():
        CalendarOverrideFactory(date=WEDNESDAY, agency=agency)
    assert CalendarOverride.objects.count() == 2


def test_agency_office_hours_change_the_periods():
    agency = AgencyFactory(office_hours="08:00-12:00,13:30-17:30")
    cal = calendar_for(agency=agency)
    assert [(p.start.isoformat(), p.end.isoformat()) for p in cal.periods] == [
        ("08:00:00", "12:00:00"),
        ("13:30:00", "17:30:00"),
    ]
    result = compute_due(cal, received_at=at(2025, 10, 6, 7, 45), duration=1, unit="working_days")
    assert result.clock_start == at(2025, 10, 6, 8)
    assert result.due_at == at(2025, 10, 6, 17, 30)
    days = compute_due(
        cal, received_at=at(2025, 10, 6, 10), duration=2, unit="working_days", mode="days"
    )
    assert days.due_at == at(2025, 10, 8, 17, 30)


def test_an_agency_without_office_hours_uses_the_province_default(settings):
    settings.MOTCUA_OFFICE_HOURS = "07:00-11:00,13:30-17:30"
    agency = AgencyFactory(office_hours="")
    assert calendar_for(agency=agency).periods[0] == calendar_for().periods[0]
    assert calendar_for(agency=agency).periods[-1].end.isoformat() == "17:30:00"


@pytest.mark.parametrize(
    ("office_hours", "message"),
    [
        ("17:00-07:30", "Office period 17:00-07:30 ends before it starts."),
        ("07:30-11:30,11:00-17:00", "Office periods must not overlap."),
        ("7h30-11h30", "“7h30-11h30” is not an office period such as 07:30-11:30."),
        ("07:30-24:00", "“24:00” is not a valid time of day."),
        (" , ", "Office hours need at least one period such as 07:30-11:30."),
    ],
)
def test_invalid_office_hours_are_refused_with_a_clear_message(office_hours, message):
    agency = AgencyFactory.build(office_hours=office_hours)
    agency.administrative_unit.save()
    agency.administrative_unit_id = agency.administrative_unit.pk
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        agency.full_clean()
    assert caught.value.message_dict == {"office_hours": [message]}


def test_valid_office_hours_pass_full_clean():
    agency = AgencyFactory.build(office_hours="07:30-11:30, 13:00-17:00")
    agency.administrative_unit.save()
    agency.administrative_unit_id = agency.administrative_unit.pk
    agency.full_clean()


def test_overrides_of_other_years_are_ignored_in_a_year():
    CalendarOverrideFactory(date=date(2024, 10, 9))
    cal = calendar_for()
    assert not cal.is_working_day(date(2024, 10, 9))
    assert cal.is_working_day(date(2025, 10, 9))


def test_the_province_default_office_hours_make_an_eight_hour_day():
    cal = calendar_for()
    assert cal.periods == (Period(time(7, 30), time(11, 30)), Period(time(13, 0), time(17, 0)))
    assert cal.working_time_per_day == timedelta(hours=8)
