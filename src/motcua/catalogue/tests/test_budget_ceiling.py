"""The most working hours a process template may budget for a legal duration."""

from datetime import time
from decimal import Decimal

import pytest

from motcua.catalogue.validation import Issue, budget_ceiling_hours, decimal_fits


@pytest.mark.parametrize(
    ("value", "unit", "cutoff", "expected"),
    [
        ("10", "working_days", None, "80"),
        ("0.5", "working_days", None, "4"),
        ("6", "working_hours", None, "6"),
        ("30", "calendar_days", None, "240"),
        ("0", "working_days", time(15, 0), "2"),
        ("0", "working_days", time(11, 0), "4.5"),
        ("0", "working_days", time(12, 0), "4"),
        ("0", "working_days", None, "0"),
        ("0", "working_hours", time(17, 30), "0"),
    ],
)
def test_budget_ceiling(value, unit, cutoff, expected, settings):
    settings.MOTCUA_HOURS_PER_WORKING_DAY = 8
    settings.MOTCUA_OFFICE_HOURS = "07:30-11:30,13:00-17:00"

    ceiling = budget_ceiling_hours(duration_value=Decimal(value), duration_unit=unit, cutoff=cutoff)

    assert ceiling == Decimal(expected)


def test_hours_per_day_come_from_settings(settings):
    settings.MOTCUA_HOURS_PER_WORKING_DAY = 7

    assert (
        budget_ceiling_hours(duration_value=Decimal(2), duration_unit="working_days", cutoff=None)
        == 14
    )


@pytest.mark.parametrize(
    ("value", "fits"),
    [
        ("1", True),
        ("0.25", True),
        ("1E+2", True),
        ("99999.99", True),
        ("0.125", False),
        ("100000", False),
        ("NaN", False),
    ],
)
def test_decimal_fits_the_columns(value, fits):
    assert decimal_fits(Decimal(value)) is fits


def test_issue_paths_render_like_json_paths():
    assert Issue(("steps", 1, "unit"), "x").dotted("procedures[3]") == "procedures[3].steps[1].unit"
    assert Issue(("name",), "x").dotted() == "name"
