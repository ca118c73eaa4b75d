"""GET /api/v1/records/{code}/: the record, its clock and timeline; masking; 404 out of scope."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.records import services
from motcua.records.tests.factories import at, receive, travel
from motcua.records.tests.factories_api import (
    at_police,
    claimed,
    client_for,
    detail_url,
    error,
    submitted_online,
)


def test_the_detail_has_the_clock_steps_timeline_and_actions(world):
    with travel("2025-04-21 08:00"):
        record = claimed(world)
    with travel("2025-04-22 08:00"):
        services.supplement_request(
            actor=world.specialist,
            record=record,
            reason="Thiếu bản chụp",
            items=[{"name": "Bản chụp CCCD", "quantity": 1}],
        )
    with travel("2025-04-24 08:00"):
        services.supplement_receive(actor=world.reception, record=record)
    with travel("2025-04-24 09:00"):
        services.record_extend(
            actor=world.specialist,
            record=record,
            new_due_at=at("2025-05-15 17:00"),
            reason="Cần xác minh thêm",
        )
        body = client_for(world.specialist).get(detail_url(record)).json()
    assert body["code"] == record.code
    assert body["status"] == "in_progress"
    assert body["status_label"]
    assert body["national_code"] == 4
    assert body["received_at"] == "2025-04-21T08:00:00+07:00"
    assert body["clock_started_at"] == "2025-04-21T08:00:00+07:00"
    assert body["original_due_at"] == "2025-05-07T08:00:00+07:00"
    # paused two working days for the supplement, then extended by an apology
    assert body["statutory_due_at"] == "2025-05-09T08:00:00+07:00"
    assert body["due_at"] == "2025-05-15T17:00:00+07:00"
    assert len(body["due_explanation"]) >= 2
    assert body["finished_at"] is None
    assert body["timeliness"] == ""
    assert body["current_step"]["assignee"]["username"] == "specialist"
    assert body["current_step"]["due_at"]
    assert [e["kind"] for e in body["events"]] == [
        "record.received",
        "record.claimed",
        "record.supplement_requested",
        "record.supplement_received",
        "record.extended",
    ]
    assert [e["national_code"] for e in body["events"]] == [2, 4, 5, 4, 4]
    extended = body["events"][-1]
    assert extended["due_before"] == "2025-05-09T08:00:00+07:00"
    assert extended["due_after"] == "2025-05-15T17:00:00+07:00"
    assert extended["note"] == "Cần xác minh thêm"
    assert body["supplements"] == [
        {
            "number": 1,
            "rule": "pause",
            "requested_at": "2025-04-22T08:00:00+07:00",
            "requested_by": "specialist",
            "reason": "Thiếu bản chụp",
            "items": [{"name": "Bản chụp CCCD", "form": "", "quantity": 1}],
            "received_at": "2025-04-24T08:00:00+07:00",
            "received_by": "reception",
        }
    ]
    assert body["extensions"] == [
        {
            "number": 1,
            "issued_at": "2025-04-24T09:00:00+07:00",
            "issued_by": "specialist",
            "previous_due_at": "2025-05-09T08:00:00+07:00",
            "new_due_at": "2025-05-15T17:00:00+07:00",
            "reason": "Cần xác minh thêm",
        }
    ]
    # (no send-back: the only earlier step is the desk's)
    assert body["allowed_actions"] == [
        "forward",
        "request-opinion",
        "request-supplement",
        "stop",
        "extend",
    ]


def test_allowed_actions_depend_on_the_user(world):
    with travel("2025-04-21 08:00"):
        record = receive(world)
        assert client_for(world.specialist).get(detail_url(record)).json()["allowed_actions"] == [
            "claim"
        ]
        # The step's role is specialist: its unit's head assigns it, and does not work it.
        assert client_for(world.unit_head).get(detail_url(record)).json()["allowed_actions"] == [
            "assign",
            "stop",
            "extend",
        ]
        assert client_for(world.reception).get(detail_url(record)).json()["allowed_actions"] == [
            "withdraw",
            "extend",
        ]


def test_an_officer_of_another_agency_in_scope_sees_masked_contact(world):
    with travel("2025-04-21 08:00"):
        record = at_police(world)
        police = client_for(world.police_officer).get(detail_url(record)).json()
        desk = client_for(world.reception).get(detail_url(record)).json()
    assert police["applicant"]["masked"] is True
    assert police["applicant"]["phone"] == "*******678"
    assert police["applicant"]["id_number"] == "*********345"
    assert police["applicant"]["name"] == "Nguyễn Thị Hồng Nhung"
    assert desk["applicant"]["masked"] is False
    assert desk["applicant"]["phone"] == "0912345678"
    assert desk["applicant"]["id_number"] == "001190012345"


def test_out_of_scope_and_unknown_codes_are_the_same_404(world):
    with travel("2025-04-21 08:00"):
        record = receive(world)
    outsider = client_for(world.outsider).get(detail_url(record))
    unknown = client_for(world.reception).get(detail_url("000.00.12.H99-250421-9999"))
    by_id = client_for(world.outsider).get(detail_url(str(record.pk)))
    assert outsider.status_code == unknown.status_code == by_id.status_code == 404
    assert outsider.json() == unknown.json() == by_id.json()
    assert error(outsider)["code"] == "not_found"


def test_anonymous_is_refused(world):
    with travel("2025-04-21 08:00"):
        record = receive(world)
    response = client_for(None).get(detail_url(record))
    assert response.status_code == 403
    assert error(response)["code"] == "not_authenticated"


def test_an_online_submission_is_addressed_by_its_id(world):
    with travel("2025-04-21 08:00"):
        record = submitted_online(world)
        body = client_for(world.reception).get(detail_url(str(record.pk))).json()
    assert body["id"] == record.pk
    assert body["code"] is None
    assert body["status"] == "submitted"
    assert body["national_code"] == 1
    assert body["source"] == "dvcqg"
    assert body["external_code"] == "G22.99-20250421-0000999"
    assert body["received_at"] is None
    assert body["current_step"] is None
    assert body["allowed_actions"] == ["receive", "refuse", "withdraw"]


def test_the_detail_runs_a_bounded_number_of_queries(world):
    with travel("2025-04-21 08:00"):
        small = receive(world)
        big = at_police(world)
        for _ in range(3):
            services.step_send_back(
                actor=world.police_officer, record=big, to_order=2, reason="Xem lại"
            )
            services.step_forward(actor=world.specialist, record=big, assignee=world.police_officer)
        client = client_for(world.reception)

        def count(record):
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(detail_url(record)).status_code == 200
            return len(ctx.captured_queries)

        assert count(big) == count(small)
