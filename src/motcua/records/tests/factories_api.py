"""Helpers for the records API tests: clients, request bodies, and records brought to a given
point of their process through the services (the route matters, so no shortcuts)."""

from __future__ import annotations

from typing import Any

from rest_framework.test import APIClient

from motcua.records import services
from motcua.records.models import Record
from motcua.records.tests.factories import World, applicant, receive

JUSTICE = "000.00.12.H99"
POLICE = "000.00.30.H99"
PAUSE = "2.000488"
URL = "/api/v1/records/"


def client_for(user: Any | None) -> APIClient:
    """A client logged in with a session (the API's authentication), or anonymous."""
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


def action_url(record: Record | str, action: str) -> str:
    ref = record if isinstance(record, str) else (record.code or str(record.pk))
    return f"{URL}{ref}/actions/{action}/"


def detail_url(record: Record | str) -> str:
    ref = record if isinstance(record, str) else (record.code or str(record.pk))
    return f"{URL}{ref}/"


def applicant_body(**overrides: Any) -> dict[str, Any]:
    body = {
        "kind": "person",
        "name": "Nguyễn Thị Hồng Nhung",
        "id_number": "001190012345",
        "address": "12 Lê Lợi, phường Hòa Lạc",
        "phone": "0912345678",
        "email": "nhung@example.vn",
    }
    body.update(overrides)
    return body


def intake_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "agency": JUSTICE,
        "procedure": PAUSE,
        "channel": "direct",
        "applicant": applicant_body(),
        "subject": "Cấp Phiếu lý lịch tư pháp số 1",
        "sets": 1,
        "return_method": "desk",
        "components": [
            {"component_code": "TK", "copy_kind": "original", "quantity": 1},
            {"component_code": "CC", "copy_kind": "copy", "quantity": 2},
        ],
    }
    body.update(overrides)
    return body


def online_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "source": "dvcqg",
        "external_code": "G22.99-20250421-0000123",
        "agency": JUSTICE,
        "procedure": PAUSE,
        "applicant": applicant_body(),
        "subject": "Nộp trực tuyến",
        "submitted_at": "2025-04-20T21:15:00+07:00",
        "components": [{"component_code": "TK", "copy_kind": "electronic", "quantity": 1}],
    }
    body.update(overrides)
    return body


def submitted_online(world: World, external_code: str = "G22.99-20250421-0000999") -> Record:
    return services.record_submit_online(
        actor=world.admin,
        source="dvcqg",
        external_code=external_code,
        agency=world.justice,
        procedure=world.pause_procedure,
        applicant=applicant(),
        components=[],
    )


def claimed(world: World) -> Record:
    """Received; the specialist has claimed the LLTP step (order 2)."""
    record = receive(world)
    return services.step_claim(actor=world.specialist, record=record)


def at_police(world: World) -> Record:
    """Forwarded to the police unit HSNV (order 3, another agency), assigned to its officer."""
    record = claimed(world)
    return services.step_forward(
        actor=world.specialist, record=record, assignee=world.police_officer
    )


def at_last_step(world: World) -> Record:
    """At the leader's approval step (order 5), assigned to the agency leader."""
    record = at_police(world)
    record = services.step_forward(
        actor=world.police_officer, record=record, assignee=world.unit_head
    )
    return services.step_forward(actor=world.unit_head, record=record, assignee=world.leader)


def approved(world: World) -> Record:
    return services.record_approve(actor=world.leader, record=at_last_step(world))


def result_ready(world: World) -> Record:
    return services.record_mark_result_ready(actor=world.reception, record=approved(world))


def error(response: Any) -> dict[str, Any]:
    body = response.json()
    assert set(body) == {"error"}, body
    return body["error"]
