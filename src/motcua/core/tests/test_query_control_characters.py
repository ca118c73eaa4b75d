"""A control character in a form or query value is "not found" (or the report's 400), never a
500: on PostgreSQL a NUL in a value that reaches a query made the database refuse it.

Each entry point answers a malformed value exactly as it answers an unknown one (no oracle):
the citizen's lookup form, the kiosk's two steps, the evaluation card, the settlement report
(API, page, exports, drill-down) and the dashboard. Run on PostgreSQL to reproduce the 500."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from motcua.evaluation.tests.factories import desk_colleague, finished_record
from motcua.records.tests.factories import World, build_world

VALUES = ["\x00", "A\x00", "\x01", "\x1f", "\x7f", "\x85", "\u200b"]
UNKNOWN_CODE = "H99.99-251231-9999"
UNKNOWN_AGENCY = "999.99.99.H99"
PERIOD = {"from": "2025-04-01", "to": "2025-04-30"}

Call = Callable[[Client, World, str], Any]


def _lookup_form(client: Client, world: World, value: str) -> Any:
    return client.post(reverse("public:lookup_form"), {"code": value, "proof": "1234"})


def _kiosk(client: Client, world: World, value: str) -> Any:
    client.force_login(desk_colleague(world))
    return client.post(reverse("public:kiosk"), {"code": value})


def _kiosk_submit(client: Client, world: World, value: str) -> Any:
    client.force_login(desk_colleague(world))
    return client.post(reverse("public:kiosk_submit"), {"code": value, "c5": "2"})


def _evaluation_card(client: Client, world: World, value: str) -> Any:
    client.force_login(world.admin)
    return client.get(reverse("evaluation:card"), {"code": value})


def _report_api(client: Client, world: World, value: str) -> Any:
    client.force_login(world.admin)
    return client.get("/api/v1/reports/settlement", {**PERIOD, "agency": value})


def _report_page(client: Client, world: World, value: str) -> Any:
    client.force_login(world.admin)
    return client.get(reverse("reporting:settlement"), {"agency": value})


def _report_csv(client: Client, world: World, value: str) -> Any:
    client.force_login(world.admin)
    return client.get(reverse("reporting:settlement_csv"), {"agency": value})


def _report_records(client: Client, world: World, value: str) -> Any:
    client.force_login(world.admin)
    return client.get(reverse("reporting:settlement_records"), {"agency": value})


def _report_records_key(client: Client, world: World, value: str) -> Any:
    client.force_login(world.admin)
    return client.get(reverse("reporting:settlement_records"), {"key": value})


def _dashboard(client: Client, world: World, value: str) -> Any:
    client.force_login(world.admin)
    return client.get(reverse("reporting:dashboard"), {"agency": value})


# (entry point, the value it answers like: an unknown code or agency, or a valid empty key)
ENTRY_POINTS: dict[str, tuple[Call, str]] = {
    "lookup_form": (_lookup_form, UNKNOWN_CODE),
    "kiosk": (_kiosk, UNKNOWN_CODE),
    "kiosk_submit": (_kiosk_submit, UNKNOWN_CODE),
    "evaluation_card": (_evaluation_card, UNKNOWN_CODE),
    "report_api": (_report_api, UNKNOWN_AGENCY),
    "report_page": (_report_page, UNKNOWN_AGENCY),
    "report_csv": (_report_csv, UNKNOWN_AGENCY),
    "report_records": (_report_records, UNKNOWN_AGENCY),
    "report_records_key": (_report_records_key, "no-such-agency"),
    "dashboard": (_dashboard, UNKNOWN_AGENCY),
}


@pytest.fixture
def world(db):
    world = build_world()
    finished_record(world)
    return world


@pytest.mark.parametrize("value", VALUES, ids=[ascii(v) for v in VALUES])
@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_a_control_character_is_answered_like_an_unknown_value(world, entry, value):
    call, unknown = ENTRY_POINTS[entry]
    client = Client(raise_request_exception=False)
    if entry == "lookup_form" and not value.strip():
        unknown = ""  # str.strip() removes U+001F and U+0085: answered as a missing code
    expected = call(client, world, unknown).status_code
    assert expected in (200, 400, 404)
    answer = call(client, world, value)
    assert answer.status_code == expected, answer.content[:300]


@pytest.mark.parametrize("value", ["\x00", "000.00.12.H99 x", "000.00.12.h99"])
def test_the_report_api_refuses_a_malformed_agency_in_its_error_format(world, value):
    client = Client(raise_request_exception=False)
    client.force_login(world.admin)
    response = client.get("/api/v1/reports/settlement", {**PERIOD, "agency": value})
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]["fields"]) == {"agency"}


def test_the_report_api_still_finds_a_well_formed_agency(world):
    client = Client()
    client.force_login(world.admin)
    response = client.get(
        "/api/v1/reports/settlement", {**PERIOD, "agency": f" {world.justice.code} "}
    )
    assert response.status_code == 200


def test_the_transparency_page_refuses_a_month_too_large_for_a_date(db):
    client = Client(raise_request_exception=False)
    assert client.get("/cong-khai/ket-qua/", {"thang": "9" * 30 + "-01"}).status_code == 400
