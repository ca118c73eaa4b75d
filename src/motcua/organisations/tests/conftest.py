import pytest
from django.core.cache import cache
from django.utils import translation

from motcua.organisations import selectors
from motcua.organisations.calendar import WorkingCalendar


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    """The calculator's throttle counts requests in the cache: start every test at zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def vn_calendar(db) -> WorkingCalendar:
    """The real Vietnamese calendar of the province: ``calendar_for()`` with no overrides
    (Vietnamese holiday names, default office hours). Built once per test, shared by all the
    examples of a property test."""
    from motcua.organisations.models import CalendarOverride

    assert not CalendarOverride.objects.exists()
    with translation.override("vi"):
        return selectors.calendar_for()
