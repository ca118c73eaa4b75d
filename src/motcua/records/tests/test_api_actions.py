"""POST /api/v1/records/{code}/actions/<action>/: one endpoint per action, each calling one
service; 400 invalid, 403 in scope but not allowed, 404 out of scope, 409 wrong state/stale."""

import pytest

from motcua.records.api.views import ACTION_VIEWS
from motcua.records.models import Record, RecordEvent
from motcua.records.tests.factories import receive, travel
from motcua.records.tests.factories_api import (
    action_url,
    approved,
    at_last_step,
    at_police,
    claimed,
    client_for,
    error,
    result_ready,
    submitted_online,
)
from motcua.records.workflow import Action

START = "2025-04-21 08:00"


def post(user, record, action, body=None):
    return client_for(user).post(action_url(record, action), body or {}, format="json")


def ok(response):
    assert response.status_code == 200, response.json()
    return response.json()


def events(record):
    return list(RecordEvent.objects.filter(record_id=record.pk).values_list("kind", flat=True))


def test_every_workflow_action_has_one_endpoint():
    assert sorted(view.action for view in ACTION_VIEWS) == sorted(
        a.value.replace("_", "-") for a in Action
    )


# ---- happy paths ----------------------------------------------------------------------------------
def test_claim(world):
    with travel(START):
        record = receive(world)
        body = ok(
            post(world.specialist, record, "claim", {"expected_step_id": record.current_step_id})
        )
    assert body["status"] == "in_progress"
    assert body["national_code"] == 4
    assert body["current_step"]["assignee"]["username"] == "specialist"
    assert events(record) == ["record.received", "record.claimed"]


def test_assign(world):
    with travel(START):
        record = receive(world)
        body = ok(post(world.unit_head, record, "assign", {"assignee": "specialist2"}))
    assert body["current_step"]["assignee"]["username"] == "specialist2"
    assert events(record)[-1] == "record.assigned"
    assert len(events(record)) == 2


def test_forward(world):
    with travel(START):
        record = claimed(world)
        body = ok(
            post(
                world.specialist,
                record,
                "forward",
                {
                    "assignee": "police",
                    "note": "Đề nghị xác minh",
                    "expected_step_id": record.current_step_id,
                },
            )
        )
    assert body["current_step"]["unit"]["ref"] == "000.00.30.H99/HSNV"
    assert body["current_step"]["assignee"]["username"] == "police"
    assert body["events"][-1]["kind"] == "record.forwarded"
    assert body["events"][-1]["from_unit"]["ref"] == "000.00.12.H99/LLTP"
    assert body["events"][-1]["to_unit"]["ref"] == "000.00.30.H99/HSNV"
    assert body["events"][-1]["note"] == "Đề nghị xác minh"
    assert len(events(record)) == 3


def test_send_back(world):
    with travel(START):
        record = at_police(world)
        body = ok(
            post(
                world.police_officer,
                record,
                "send-back",
                {"to_order": 2, "reason": "Thiếu thông tin"},
            )
        )
    assert body["current_step"]["unit"]["ref"] == "000.00.12.H99/LLTP"
    assert body["current_step"]["assignee"]["username"] == "specialist"
    assert body["events"][-1]["kind"] == "record.sent_back"
    assert [s["state"] for s in body["steps"] if s["order"] == 3] == ["sent_back"]


def test_request_and_give_an_opinion(world):
    with travel(START):
        record = claimed(world)
        body = ok(
            post(
                world.specialist,
                record,
                "request-opinion",
                {
                    "unit": "000.00.30.H99/HSNV",
                    "question": "Có tiền án không?",
                    "budget_hours": "8",
                },
            )
        )
        opinion = next(s for s in body["steps"] if s["kind"] == "opinion")
        assert opinion["state"] == "active"
        assert opinion["unit"]["ref"] == "000.00.30.H99/HSNV"
        assert body["status"] == "in_progress"
        assert "forward" not in body["allowed_actions"]  # opinions pending
        police_view = client_for(world.police_officer).get(f"/api/v1/records/{record.code}/").json()
        assert "give-opinion" in police_view["allowed_actions"]
        body = ok(
            post(
                world.police_officer,
                record,
                "give-opinion",
                {"step_id": opinion["id"], "answer": "Không có"},
            )
        )
    answered = next(s for s in body["steps"] if s["id"] == opinion["id"])
    assert answered["state"] == "done"
    assert events(record)[-2:] == ["record.opinion_requested", "record.opinion_given"]


def test_request_and_receive_a_supplement(world):
    with travel(START):
        record = claimed(world)
        body = ok(
            post(
                world.specialist,
                record,
                "request-supplement",
                {
                    "reason": "Thiếu bản chụp giấy tờ tùy thân",
                    "items": [{"name": "Bản chụp CCCD", "form": "copy", "quantity": 1}],
                    "expected_step_id": record.current_step_id,
                },
            )
        )
    assert body["status"] == "supplement_requested"
    assert body["national_code"] == 5
    assert body["paused_at"] == "2025-04-21T08:00:00+07:00"
    assert body["supplements"][0]["items"] == [
        {"name": "Bản chụp CCCD", "form": "copy", "quantity": 1}
    ]
    with travel("2025-04-23 08:00"):
        body = ok(
            post(
                world.reception,
                record,
                "receive-supplement",
                {"components": [{"component_code": "CC", "copy_kind": "copy"}], "note": "Đã nhận"},
            )
        )
    assert body["status"] == "in_progress"
    assert body["paused_at"] is None
    assert body["supplements"][0]["received_by"] == "reception"
    assert body["components"][-1]["component_code"] == "CC"
    assert body["components"][-1]["added_at_supplement"] is True
    assert events(record)[-2:] == ["record.supplement_requested", "record.supplement_received"]


def test_stop(world):
    with travel(START):
        record = claimed(world)
        body = ok(
            post(world.leader, record, "stop", {"reason": "Người yêu cầu không đủ điều kiện"})
        )
    assert body["status"] == "stopped"
    assert body["national_code"] == 8
    assert body["finished_at"] == "2025-04-21T08:00:00+07:00"
    assert body["stop_reason"] == "Người yêu cầu không đủ điều kiện"
    assert body["allowed_actions"] == []


def test_approve_mark_ready_and_return(world):
    with travel(START):
        record = at_last_step(world)
        body = ok(
            post(
                world.leader,
                record,
                "approve",
                {"note": "Đồng ý", "expected_step_id": record.current_step_id},
            )
        )
        assert body["status"] == "approved"
        body = ok(
            post(
                world.reception, record, "mark-result-ready", {"result_summary": "Phiếu LLTP số 1"}
            )
        )
        assert body["status"] == "result_ready"
        assert body["national_code"] == 9
        assert body["timeliness"] == "early"
        assert body["result_summary"] == "Phiếu LLTP số 1"
        body = ok(post(world.reception, record, "return-result", {"method": "desk"}))
    assert body["status"] == "returned"
    assert body["national_code"] == 10
    assert body["return_method"] == "desk"
    assert events(record)[-3:] == ["record.approved", "record.result_ready", "record.returned"]


def test_withdraw(world):
    with travel(START):
        record = claimed(world)
        body = ok(post(world.reception, record, "withdraw", {"reason": "Đơn rút hồ sơ ngày 21/04"}))
    assert body["status"] == "withdrawn"
    assert body["national_code"] == 7
    assert body["finished_at"] is not None


def test_extend(world):
    with travel(START):
        record = claimed(world)
        body = ok(
            post(
                world.specialist,
                record,
                "extend",
                {
                    "new_due_at": "2025-05-15T17:00:00+07:00",
                    "reason": "Cần xác minh tại địa phương khác",
                },
            )
        )
    assert body["due_at"] == "2025-05-15T17:00:00+07:00"
    assert body["original_due_at"] == body["statutory_due_at"] == "2025-05-07T08:00:00+07:00"
    assert body["extensions"][0]["previous_due_at"] == "2025-05-07T08:00:00+07:00"
    assert events(record)[-1] == "record.extended"


def test_receive_an_online_submission_by_its_id(world):
    with travel(START):
        record = submitted_online(world)
        body = ok(
            post(world.reception, str(record.pk), "receive", {"expected_status": "submitted"})
        )
    assert body["id"] == record.pk
    assert body["code"] == "000.00.12.H99-250421-0001"
    assert body["status"] == "received"
    assert body["national_code"] == 2
    assert body["due_at"] == "2025-05-07T08:00:00+07:00"
    assert events(record) == ["record.submitted", "record.received"]


def test_refuse_an_online_submission(world):
    with travel(START):
        record = submitted_online(world)
        body = ok(
            post(world.reception, str(record.pk), "refuse", {"reason": "Không thuộc thẩm quyền"})
        )
    assert body["status"] == "refused"
    assert body["national_code"] == 3
    assert body["code"] is None


# ---- 400 ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("action", "body", "field"),
    [
        ("assign", {"assignee": "nobody"}, "assignee"),
        ("assign", {}, "assignee"),
        ("forward", {"assignee": "specialist2"}, "assignee"),  # not in the police unit
        ("send-back", {"to_order": 1, "reason": "Về bộ phận một cửa"}, "to_order"),
        ("send-back", {"to_order": 2, "reason": "   "}, "reason"),
        ("request-opinion", {"unit": "HSNV", "question": "?"}, "unit"),
        ("request-opinion", {"unit": "000.00.30.H99/NOPE", "question": "?"}, "unit"),
        (
            "request-opinion",
            {"unit": "000.00.30.H99/HSNV", "question": "?", "budget_hours": "0"},
            "budget_hours",
        ),
        ("give-opinion", {"step_id": 999999, "answer": "Có"}, "step_id"),
        ("request-supplement", {"reason": "Thiếu", "items": []}, "items"),
        ("request-supplement", {"reason": "Thiếu", "items": [{"quantity": 0}]}, "items.0.name"),
        ("stop", {}, "reason"),
        ("stop", {"reason": ""}, "reason"),
        ("return-result", {"method": "pigeon"}, "method"),
        ("extend", {"new_due_at": "2025-05-15T17:00:00", "reason": "Chậm"}, "new_due_at"),
        (
            "extend",
            {"new_due_at": "2025-05-06T17:00:00+07:00", "reason": "Chậm"},
            "new_due_at",
        ),  # earlier
        (
            "extend",
            {"new_due_at": "2025-05-17T10:00:00+07:00", "reason": "Chậm"},
            "new_due_at",
        ),  # Saturday
        ("extend", {"new_due_at": "tomorrow", "reason": "Chậm"}, "new_due_at"),
        # Well formed but impossible (found by fuzzing with a token: it was a 500).
        ("extend", {"new_due_at": "2024-01-01T12:99:00Z", "reason": "Chậm"}, "new_due_at"),
        ("extend", {"new_due_at": "2025-02-30T10:00:00+07:00", "reason": "Chậm"}, "new_due_at"),
    ],
)
def test_invalid_input_is_400_with_the_field_and_changes_nothing(world, action, body, field):
    actor = {
        "assign": world.unit_head,
        "return-result": world.reception,
        "stop": world.leader,
    }.get(action, world.specialist)
    with travel(START):
        record = claimed(world)
        before = events(record)
        response = post(actor, record, action, body)
    assert response.status_code == 400, response.json()
    err = error(response)
    assert err["code"] == "invalid"
    assert field in err["fields"], err
    assert events(record) == before
    assert Record.objects.get(pk=record.pk).status == "in_progress"


# ---- 403 ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("who", "action", "body"),
    [
        ("specialist2", "forward", {}),  # the step is the specialist's
        ("specialist2", "request-supplement", {"reason": "Thiếu", "items": [{"name": "Tờ khai"}]}),
        ("specialist", "assign", {"assignee": "specialist2"}),  # only heads assign
        ("specialist", "withdraw", {"reason": "Rút"}),  # only the desk
        ("reception", "approve", {}),
        ("police_officer", "stop", {"reason": "Dừng"}),  # in scope (a step), not allowed
    ],
)
def test_in_scope_but_not_allowed_is_403(world, who, action, body):
    with travel(START):
        record = at_police(world) if who == "police_officer" else claimed(world)
        if who == "police_officer":
            # back at the justice department: the police still see the record (their step)
            from motcua.records import services

            record = services.step_send_back(
                actor=world.police_officer, record=record, to_order=2, reason="Xem lại"
            )
        before = events(record)
        response = post(getattr(world, who), record, action, body)
    assert response.status_code == 403, response.json()
    assert error(response)["code"] == "forbidden"
    assert events(record) == before


# ---- 404 ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("view", ACTION_VIEWS, ids=lambda v: v.action)
def test_out_of_scope_is_404_like_an_unknown_code(world, view):
    with travel(START):
        record = claimed(world)
        outsider = post(world.outsider, record, view.action, {"reason": "x"})
        unknown = post(world.reception, "000.00.12.H99-250421-9999", view.action, {"reason": "x"})
    assert outsider.status_code == unknown.status_code == 404
    assert outsider.json() == unknown.json()
    assert events(record) == ["record.received", "record.claimed"]


@pytest.mark.parametrize("view", ACTION_VIEWS, ids=lambda v: v.action)
def test_anonymous_is_refused(world, view):
    with travel(START):
        record = claimed(world)
        response = post(None, record, view.action, {})
    assert response.status_code == 403
    assert error(response)["code"] == "not_authenticated"


# ---- 409 ------------------------------------------------------------------------------------------
def test_wrong_state_is_409(world):
    with travel(START):
        record = claimed(world)
        response = post(world.reception, record, "return-result", {"method": "desk"})
    assert response.status_code == 409
    assert error(response)["code"] == "wrong_state"
    assert events(record) == ["record.received", "record.claimed"]


def test_receiving_a_record_twice_is_409(world):
    with travel(START):
        record = submitted_online(world)
        ok(post(world.reception, str(record.pk), "receive"))
        response = post(world.reception, str(record.pk), "receive")
    assert response.status_code == 409
    assert error(response)["code"] == "wrong_state"


def test_a_stale_step_is_409(world):
    with travel(START):
        record = claimed(world)
        seen = record.current_step_id
        ok(post(world.specialist, record, "forward", {"expected_step_id": seen}))
        response = post(
            world.unit_head, record, "assign", {"assignee": "specialist2", "expected_step_id": seen}
        )
    assert response.status_code == 409
    assert error(response)["code"] == "stale"


def test_a_stale_status_is_409_on_receive(world):
    with travel(START):
        record = submitted_online(world)
        response = post(world.reception, str(record.pk), "receive", {"expected_status": "received"})
    assert response.status_code == 409
    assert error(response)["code"] == "stale"


def test_forwarding_with_an_open_opinion_is_409(world):
    with travel(START):
        record = claimed(world)
        ok(
            post(
                world.specialist,
                record,
                "request-opinion",
                {"unit": "000.00.30.H99/HSNV", "question": "?"},
            )
        )
        response = post(world.specialist, record, "forward")
    assert response.status_code == 409
    assert error(response)["code"] == "opinions_pending"


def test_an_apology_after_the_appointment_is_409(world):
    with travel(START):
        record = claimed(world)
    with travel("2025-05-07 09:00"):
        response = post(
            world.specialist,
            record,
            "extend",
            {"new_due_at": "2025-05-15T17:00:00+07:00", "reason": "Chậm"},
        )
    assert response.status_code == 409
    assert error(response)["code"] == "too_late"


def test_actions_after_the_end_are_409(world):
    with travel(START):
        record = result_ready(world)
        response = post(world.reception, record, "withdraw", {"reason": "Rút"})
    assert response.status_code == 409
    assert error(response)["code"] == "wrong_state"


def test_approving_twice_is_409(world):
    with travel(START):
        record = approved(world)
        response = post(world.leader, record, "approve")
    assert response.status_code == 409
