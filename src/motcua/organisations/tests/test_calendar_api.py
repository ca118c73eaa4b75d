"""``GET /api/v1/calendar/due``: the public calculator."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from motcua.organisations.api.views import CalendarDueView
from motcua.organisations.calendar import TZ, fmt_instant
from motcua.organisations.tests.factories import AgencyFactory, CalendarOverrideFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/calendar/due"


@pytest.fixture
def api() -> APIClient:
    """An API client that chose English (the language switch's cookie)."""
    client = APIClient()
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def get(api: APIClient, **params):
    return api.get(URL, params)


def test_the_url_name_is_api_calendar_due():
    assert reverse("api:calendar-due") == URL


def test_anonymous_callers_get_the_due_instant(api):
    response = get(api, start="2025-04-23T10:00:00+07:00", duration="3", unit="working_days")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"due_at", "clock_start", "explanation"}
    assert body["due_at"] == "2025-04-26T10:00:00+07:00"
    assert body["clock_start"] == "2025-04-23T10:00:00+07:00"
    assert body["explanation"][-1] == "Due at 10:00 Saturday 26/04/2025."


def test_the_documented_example_is_what_the_calculator_answers(api):
    from drf_spectacular.generators import SchemaGenerator

    response = get(api, start="2025-04-23T10:00:00+07:00", duration="3", unit="working_days")
    with translation.override("en"):
        schema = SchemaGenerator().get_schema(request=None, public=True)
    operation = schema["paths"][URL]["get"]
    documented = operation["responses"]["200"]["content"]["application/json"]["examples"]
    assert documented["ThreeWorkingDays"]["value"] == response.json()
    assert {p["name"] for p in operation["parameters"]} == {
        "start",
        "duration",
        "unit",
        "mode",
        "cutoff",
        "agency",
    }
    # 401: a bad bearer token of an API client (docs/api-clients.md).
    assert set(operation["responses"]) == {"200", "400", "401", "429"}


def test_the_answer_is_in_the_vietnam_time_zone_whatever_the_offset_of_start(api):
    response = get(api, start="2025-10-06T03:00:00Z", duration="1", unit="working_hours")
    assert response.json()["clock_start"] == "2025-10-06T10:00:00+07:00"
    assert response.json()["due_at"] == "2025-10-06T11:00:00+07:00"


def test_an_unescaped_plus_in_the_offset_is_understood(api):
    # "?start=2025-10-06T10:00:00+07:00" typed in a browser: the "+" arrives as a space.
    response = api.get(URL + "?start=2025-10-06T10:00:00+07:00&duration=1&unit=working_hours")
    assert response.status_code == 200
    assert response.json()["due_at"] == "2025-10-06T11:00:00+07:00"


def test_mode_cutoff_and_agency(api):
    agency = AgencyFactory(office_hours="08:00-12:00,13:30-17:30")
    response = get(
        api,
        start="2025-10-10T15:30:00+07:00",
        duration="2",
        unit="working_days",
        mode="days",
        cutoff="15:00",
        agency=agency.code,
    )
    assert response.status_code == 200
    body = response.json()
    assert body["clock_start"] == "2025-10-13T08:00:00+07:00"
    assert body["due_at"] == "2025-10-15T17:30:00+07:00"
    assert any("cut-off 15:00" in line for line in body["explanation"])


def test_the_agency_calendar_overrides_apply(api):
    agency = AgencyFactory()
    CalendarOverrideFactory(date="2025-10-07", agency=agency, name="Nghỉ", legal_reference="QĐ 1")
    common = {"start": "2025-10-06T10:00:00+07:00", "duration": "1", "unit": "working_days"}
    assert get(api, **common).json()["due_at"] == "2025-10-07T10:00:00+07:00"
    assert get(api, **common, agency=agency.code).json()["due_at"] == "2025-10-08T10:00:00+07:00"


def test_explanation_is_in_vietnamese_by_default():
    client = APIClient()
    vi = client.get(
        URL, {"start": "2025-10-06T10:00:00+07:00", "duration": "1", "unit": "working_days"}
    )
    with translation.override("vi"):
        expected_due = fmt_instant(datetime(2025, 10, 7, 10, tzinfo=TZ))
    assert expected_due in vi.json()["explanation"][-1]
    assert "Tuesday" not in vi.json()["explanation"][-1]


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        (
            {"start": "2025-10-06T10:00:00", "duration": "1", "unit": "working_days"},
            "start",
            "“2025-10-06T10:00:00” has no time zone offset: write it as in 2025-01-02T08:00:00+07:00.",
        ),
        (
            {"start": "yesterday", "duration": "1", "unit": "working_days"},
            "start",
            "“yesterday” is not an ISO 8601 date and time such as 2025-01-02T08:00:00+07:00.",
        ),
        (
            {"start": "1900-01-01T10:00:00+07:00", "duration": "1", "unit": "working_days"},
            "start",
            "The calculator answers for instants from 1980 to 2089.",
        ),
        (
            {"start": "2025-10-06T10:00:00+07:00", "duration": "-1", "unit": "working_days"},
            "duration",
            "Ensure this value is greater than or equal to 0.",
        ),
        (
            {"start": "2025-10-06T10:00:00+07:00", "duration": "NaN", "unit": "working_days"},
            "duration",
            "A valid number is required.",
        ),
        (
            {"start": "2025-10-06T10:00:00+07:00", "duration": "3661", "unit": "working_days"},
            "duration",
            "The duration is too long: at most 3660 working days.",
        ),
        (
            {"start": "2025-10-06T10:00:00+07:00", "duration": "1", "unit": "weeks"},
            "unit",
            '"weeks" is not a valid choice.',
        ),
        (
            {
                "start": "2025-10-06T10:00:00+07:00",
                "duration": "1",
                "unit": "working_days",
                "mode": "fast",
            },
            "mode",
            '"fast" is not a valid choice.',
        ),
        (
            {
                "start": "2025-10-06T10:00:00+07:00",
                "duration": "1",
                "unit": "working_days",
                "cutoff": "3pm",
            },
            "cutoff",
            "“3pm” is not a time of day in HH:MM form.",
        ),
        (
            {
                "start": "2025-10-06T10:00:00+07:00",
                "duration": "1",
                "unit": "working_days",
                "agency": "000.00.99.H00",
            },
            "agency",
            "No agency has the identifier code “000.00.99.H00”.",
        ),
        ({"duration": "1", "unit": "working_days"}, "start", "This field is required."),
    ],
)
def test_bad_parameters_answer_400_with_the_field_and_a_clear_message(api, params, field, message):
    response = get(api, **params)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert error["fields"] == {field: [message]}
    assert error["message"] == f"Invalid parameters. {field}: {message}"


def test_every_bad_parameter_is_reported_at_once(api):
    response = get(api, start="2025-10-06", duration="x", unit="")
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"start", "duration", "unit"}


def test_the_calculator_is_throttled(api, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"calendar": "3/min"},
    }
    params = {"start": "2025-10-06T10:00:00+07:00", "duration": "1", "unit": "working_days"}
    assert [get(api, **params).status_code for _i in range(3)] == [200, 200, 200]
    response = get(api, **params)
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "throttled"
    assert "Retry-After" in response


def test_a_forged_forwarded_header_does_not_escape_the_throttle(api, settings):
    """The count is per client address (motcua.core.client_address), not per X-Forwarded-For
    value the caller makes up; behind a trusted proxy, the address the proxy saw."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"calendar": "2/min"},
    }
    params = {"start": "2025-10-06T10:00:00+07:00", "duration": "1", "unit": "working_days"}

    def call(xff: str, remote: str = "203.0.113.66") -> int:
        return api.get(URL, params, REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=xff).status_code

    assert [call(f"192.0.2.{n}") for n in range(3)] == [200, 200, 429]
    settings.MOTCUA_TRUSTED_PROXIES = 1
    behind = [call(f"192.0.2.{n}, 198.51.100.9", remote="127.0.0.1") for n in range(3)]
    assert behind == [200, 200, 429]
    assert call("198.51.100.10", remote="127.0.0.1") == 200  # another client behind the proxy


def test_signed_in_users_are_throttled_on_their_own_count(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"calendar": "1/min"},
    }
    params = {"start": "2025-10-06T10:00:00+07:00", "duration": "1", "unit": "working_days"}
    anonymous, signed_in = APIClient(), APIClient()
    signed_in.force_authenticate(UserFactory())
    assert anonymous.get(URL, params).status_code == 200
    assert signed_in.get(URL, params).status_code == 200
    assert anonymous.get(URL, params).status_code == 429
    assert signed_in.get(URL, params).status_code == 429


def test_the_view_is_public_and_read_only(api):
    assert CalendarDueView.permission_classes[0].__name__ == "AllowAny"
    response = api.post(
        URL, {"start": "2025-10-06T10:00:00+07:00", "duration": "1", "unit": "working_days"}
    )
    assert response.status_code == 405
