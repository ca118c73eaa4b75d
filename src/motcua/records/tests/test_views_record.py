"""The record page and its actions through the UI: what is shown, who may act, errors."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from motcua.records import services
from motcua.records.models import Record, RecordEvent, RecordStep
from motcua.records.permissions_ui import record_actions
from motcua.records.tests.factories import at, receive, travel
from motcua.records.tests.factories_ui import client_for, htmx_headers, submitted_online
from motcua.records.workflow import Action, Status


def _actions(response) -> set[str]:
    return {item.key.split(":")[0] for item in response.context["actions"]}


def _events(record: Record) -> int:
    return RecordEvent.objects.filter(record=record).count()


def _fresh(record: Record) -> Record:
    return Record.objects.select_related("current_step").get(pk=record.pk)


def test_record_page_shows_header_explanation_timeline_steps_and_documents(world):
    with travel("2025-04-21 08:00"):
        record = receive(world)
    with travel("2025-04-21 09:00"):
        services.step_claim(actor=world.specialist, record=record)
        response = client_for(world.specialist).get(reverse("records:detail", args=[record.code]))
    assert response.status_code == 200
    html = response.content.decode()
    assert record.code in html
    assert record.procedure_version.name in html
    assert "Nguyễn Thị Hồng Nhung" in html
    assert "07/05/2025" in html  # appointment
    assert 'class="rc-natcode">4<' in html  # national status code of "in progress"
    for line in record.due_explanation:
        assert str(line) in html or line.replace("'", "&#x27;") in html
    page = response.context["page"]
    assert [e.kind for e in page.events] == ["record.received", "record.claimed"]
    assert [s.name for s in page.steps][:2] == ["Tiếp nhận hồ sơ", "Thẩm định"]
    assert "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp" in html
    assert "Phí cung cấp thông tin lý lịch tư pháp" in html
    assert "200.000 ₫" in html


def test_record_of_another_agency_is_not_found(world):
    with travel("2025-04-21 08:00"):
        record = receive(world)
    outsider = client_for(world.outsider)
    assert outsider.get(reverse("records:detail", args=[record.code])).status_code == 404
    response = outsider.post(reverse("records:claim", args=[record.code]))
    assert response.status_code == 404
    assert _events(record) == 1
    # The police see it only once a step of it reaches their unit.
    assert (
        client_for(world.police_officer)
        .get(reverse("records:detail", args=[record.code]))
        .status_code
        == 404
    )
    assert (
        client_for(world.specialist)
        .get(reverse("records:detail", args=["000.00.12.H99-250421-9999"]))
        .status_code
        == 404
    )


def test_only_allowed_actions_are_shown(world):
    with travel("2025-04-21 08:00"):
        record = receive(world)
        url = reverse("records:detail", args=[record.code])
        assert _actions(client_for(world.specialist).get(url)) == {"claim"}
        # The step's role is specialist: its unit's head assigns it, and does not work it.
        assert _actions(client_for(world.unit_head).get(url)) == {"assign", "stop", "extend"}
        assert _actions(client_for(world.reception).get(url)) == {"withdraw", "extend"}
        services.step_claim(actor=world.specialist, record=record)
        mine = _actions(client_for(world.specialist).get(url))
        assert mine == {"forward", "request_opinion", "request_supplement", "stop", "extend"}
        assert _actions(client_for(world.specialist2).get(url)) == set()
        html = client_for(world.specialist2).get(url).content.decode()
    assert reverse("records:forward", args=[record.code]) not in html
    assert reverse("records:claim", args=[record.code]) not in html


def test_send_back_is_offered_once_an_earlier_step_ran_outside_the_desk(world):
    with travel("2025-04-21 08:00"):
        record = receive(world)
        services.step_claim(actor=world.specialist, record=record)
        services.step_forward(actor=world.specialist, record=record)
        services.step_claim(actor=world.police_officer, record=record)
        response = client_for(world.police_officer).get(
            reverse("records:detail", args=[record.code])
        )
        assert "send_back" in _actions(response)
        item = next(i for i in response.context["actions"] if i.key == "send_back")
        assert [value for value, _label in item.form.fields["to_order"].choices] == [2]
        back = client_for(world.police_officer).post(
            reverse("records:send_back", args=[record.code]),
            {
                "expected_step_id": _fresh(record).current_step_id,
                "to_order": 2,
                "reason": "Thiếu thông tin",
            },
        )
    assert back.status_code == 302
    record = _fresh(record)
    assert record.current_step.unit == world.lltp
    assert record.current_step.assignee == world.specialist


def test_claim_through_the_ui(world):
    with travel("2025-04-21 08:00"):
        record = receive(world)
        step_id = record.current_step_id
        response = client_for(world.specialist).post(
            reverse("records:claim", args=[record.code]), {"expected_step_id": step_id}
        )
    assert response.status_code == 302
    assert response["Location"] == reverse("records:detail", args=[record.code])
    record = _fresh(record)
    assert record.current_step.assignee == world.specialist
    assert record.status == Status.IN_PROGRESS
    assert _events(record) == 2


def test_claim_from_the_unit_queue_with_htmx_replaces_the_row(world):
    with travel("2025-04-21 08:00"):
        record = receive(world)
        response = client_for(world.specialist).post(
            reverse("records:claim", args=[record.code]),
            {"expected_step_id": record.current_step_id, "return_to": "queue_row"},
            **htmx_headers(),
        )
    assert response.status_code == 200
    assert response.content.decode().lstrip().startswith("<tr")
    assert "records:queue-changed" in response["HX-Trigger"]
    assert _fresh(record).current_step.assignee == world.specialist


def test_second_claim_is_a_conflict_with_a_reload_message(world):
    with travel("2025-04-21 08:00"):
        record = receive(world)
        step_id = record.current_step_id
        services.step_claim(actor=world.specialist2, record=record)
        response = client_for(world.specialist).post(
            reverse("records:claim", args=[record.code]),
            {"expected_step_id": step_id, "return_to": "queue_row"},
            **htmx_headers(),
        )
    assert response.status_code == 409
    assert "rc-row-result is-error" in response.content.decode()
    assert _fresh(record).current_step.assignee == world.specialist2
    assert _events(record) == 2


def test_forward_and_the_inter_agency_hand_over_through_the_ui(world):
    with travel("2025-04-21 08:00"):
        record = receive(world)
        client = client_for(world.specialist)
        client.post(
            reverse("records:claim", args=[record.code]),
            {"expected_step_id": record.current_step_id},
        )
        record = _fresh(record)
        response = client.post(
            reverse("records:forward", args=[record.code]),
            {"expected_step_id": record.current_step_id, "note": "Đề nghị xác minh"},
            **htmx_headers(),
        )
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#record-body"
    assert 'id="record-body"' in response.content.decode()
    record = _fresh(record)
    assert record.current_step.unit == world.hsnv
    assert record.events.order_by("-id").first().note == "Đề nghị xác minh"
    assert _events(record) == 3


def test_stale_expected_step_is_a_conflict_and_changes_nothing(world):
    with travel("2025-04-21 08:00"):
        record = receive(world)
        old_step = record.current_step_id
        services.step_claim(actor=world.specialist, record=record)
        services.step_forward(actor=world.specialist, record=record)
        services.step_claim(actor=world.police_officer, record=record)
        services.step_forward(actor=world.police_officer, record=record)
        # The record is back in LLTP at the head's step 4; the head's page still shows step 2.
        before = _events(record)
        response = client_for(world.unit_head).post(
            reverse("records:claim", args=[record.code]),
            {"expected_step_id": old_step},
            **htmx_headers(),
        )
    assert response.status_code == 409
    assert "Tải lại" in response.content.decode() or "Reload" in response.content.decode()
    assert _events(record) == before


def test_posting_an_action_that_is_not_allowed_is_refused(world):
    with travel("2025-04-21 08:00"):
        record = receive(world)
        services.step_claim(actor=world.specialist, record=record)
        step_id = _fresh(record).current_step_id
        other = client_for(world.specialist2)
        forbidden = other.post(
            reverse("records:forward", args=[record.code]), {"expected_step_id": step_id}
        )
        wrong_state = client_for(world.reception).post(
            reverse("records:return_result", args=[record.code]), {"method": "desk"}
        )
        approve = client_for(world.specialist).post(
            reverse("records:approve", args=[record.code]),
            {"expected_step_id": step_id},
            **htmx_headers(),
        )
    assert forbidden.status_code == 403
    assert wrong_state.status_code == 409
    assert approve.status_code == 403
    assert 'role="alert"' in approve.content.decode()
    assert _events(record) == 2


def test_invalid_input_is_shown_in_the_form_and_writes_nothing(world):
    with travel("2025-04-21 08:00"):
        record = receive(world)
        services.step_claim(actor=world.specialist, record=record)
        step_id = _fresh(record).current_step_id
        response = client_for(world.specialist).post(
            reverse("records:request_supplement", args=[record.code]),
            {"expected_step_id": step_id, "items": "  ", "reason": ""},
            **htmx_headers(),
        )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="action-request-supplement"' in html
    assert "errorlist" in html
    assert _fresh(record).status == Status.IN_PROGRESS
    assert _events(record) == 2


def test_supplement_request_and_receipt_through_the_ui(world):
    with travel("2025-04-21 08:00"):
        record = receive(world)
        services.step_claim(actor=world.specialist, record=record)
        step_id = _fresh(record).current_step_id
    with travel("2025-04-22 08:00"):
        response = client_for(world.specialist).post(
            reverse("records:request_supplement", args=[record.code]),
            {
                "expected_step_id": step_id,
                "items": "Bản sao CCCD\nGiấy xác nhận cư trú",
                "reason": "Thiếu giấy tờ",
            },
        )
    assert response.status_code == 302
    record = _fresh(record)
    assert record.status == Status.SUPPLEMENT_REQUESTED
    assert [i["name"] for i in record.supplements.get().items] == [
        "Bản sao CCCD",
        "Giấy xác nhận cư trú",
    ]
    page = client_for(world.reception).get(reverse("records:detail", args=[record.code]))
    assert "receive_supplement" in _actions(page)
    with travel("2025-04-24 08:00"):
        response = client_for(world.reception).post(
            reverse("records:receive_supplement", args=[record.code]), {"note": "Đã nộp đủ"}
        )
    assert response.status_code == 302
    assert _fresh(record).status == Status.IN_PROGRESS


def test_opinion_requested_and_given_through_the_ui(world):
    with travel("2025-04-21 08:00"):
        record = receive(world)
        services.step_claim(actor=world.specialist, record=record)
        response = client_for(world.specialist).post(
            reverse("records:request_opinion", args=[record.code]),
            {"unit": world.hsnv.pk, "question": "Có án tích không?", "budget_hours": "8"},
        )
        assert response.status_code == 302
        opinion = RecordStep.objects.get(record=record, kind=RecordStep.Kind.OPINION)
        page = client_for(world.police_officer).get(reverse("records:detail", args=[record.code]))
        assert _actions(page) == {"give_opinion"}
        # The record cannot move on while the opinion is pending.
        assert "forward" not in _actions(
            client_for(world.specialist).get(reverse("records:detail", args=[record.code]))
        )
        response = client_for(world.police_officer).post(
            reverse("records:give_opinion", args=[record.code]),
            {"opinion": opinion.pk, "answer": "Không có án tích."},
        )
    assert response.status_code == 302
    opinion.refresh_from_db()
    assert opinion.state == RecordStep.State.DONE
    assert "forward" in _actions(
        client_for(world.specialist).get(reverse("records:detail", args=[record.code]))
    )


def test_extension_through_the_ui_and_its_validation(world):
    with travel("2025-04-21 08:00"):
        record = receive(world)
        services.step_claim(actor=world.specialist, record=record)
    with travel("2025-05-05 09:00"):
        client = client_for(world.specialist)
        url = reverse("records:extend", args=[record.code])
        saturday = client.post(url, {"new_due_at": "2025-05-10T08:00", "reason": "Chờ xác minh"})
        assert saturday.status_code == 400
        assert saturday.context["actions"]
        response = client.post(url, {"new_due_at": "2025-05-12T16:00", "reason": "Chờ xác minh"})
    assert response.status_code == 302
    record = _fresh(record)
    assert record.extension_count == 1
    assert record.due_at == at("2025-05-12 16:00")


def test_online_submission_received_from_the_desk_list(world):
    with travel("2025-04-21 08:00"):
        submission = submitted_online(world)
        other = submitted_online(world, external_code="G22.99-250421-0000002")
        listing = client_for(world.reception).get(reverse("records:submissions"))
        assert {r.pk for r in listing.context["page"]} == {submission.pk, other.pk}
        assert (
            client_for(world.outsider)
            .get(reverse("records:submissions"))
            .context["page"]
            .object_list
            == []
        )
        response = client_for(world.reception).post(
            reverse("records:receive_by_id", args=[submission.pk]),
            {"expected_status": "submitted", "return_to": "submission_row"},
            **htmx_headers(),
        )
        refused = client_for(world.reception).post(
            reverse("records:refuse_by_id", args=[other.pk]), {"reason": "Không thuộc thẩm quyền"}
        )
    assert response.status_code == 200
    submission = _fresh(submission)
    assert submission.status == Status.RECEIVED and submission.code
    assert submission.code in response.content.decode()
    assert refused.status_code == 302
    assert _fresh(other).status == Status.REFUSED


def test_online_submission_received_twice_is_a_conflict(world):
    with travel("2025-04-21 08:00"):
        submission = submitted_online(world)
        services.record_receive_online(actor=world.reception, record=submission)
        response = client_for(world.reception).post(
            reverse("records:receive_by_id", args=[submission.pk]), {"expected_status": "submitted"}
        )
    assert response.status_code == 409


def test_withdraw_and_stop_need_a_reason(world):
    with travel("2025-04-21 08:00"):
        record = receive(world)
        response = client_for(world.reception).post(
            reverse("records:withdraw", args=[record.code]), {"reason": ""}
        )
        assert response.status_code == 400
        response = client_for(world.reception).post(
            reverse("records:withdraw", args=[record.code]),
            {"reason": "Đơn xin rút hồ sơ ngày 21/04"},
        )
    assert response.status_code == 302
    assert _fresh(record).status == Status.WITHDRAWN
    assert (
        _actions(client_for(world.reception).get(reverse("records:detail", args=[record.code])))
        == set()
    )


def test_full_path_to_result_returned_through_the_ui(world):
    with travel("2025-04-21 08:00"):
        record = receive(world)

    def post(user, action, **data):
        fresh = _fresh(record)
        data.setdefault("expected_step_id", fresh.current_step_id)
        response = client_for(user).post(reverse(f"records:{action}", args=[record.code]), data)
        assert response.status_code == 302, response.content.decode()[:2000]

    with travel("2025-04-22 09:00"):
        post(world.specialist, "claim")
        post(world.specialist, "forward")
        post(world.police_officer, "claim")
        post(world.police_officer, "forward")
        post(world.unit_head, "claim")
        post(world.unit_head, "forward")
        post(world.leader, "claim")
        post(world.leader, "approve", note="Đồng ý")
        post(world.reception, "mark_result_ready", result_summary="Phiếu số 12")
        post(world.reception, "return_result", method="desk")
    record = _fresh(record)
    assert record.status == Status.RETURNED
    assert record.timeliness == "early"


def test_record_actions_match_the_services(world):
    """Every action the page offers is accepted by its service (and vice versa for claim)."""
    with travel("2025-04-21 08:00"):
        record = receive(world)
        record = _fresh(record)
        assert Action.CLAIM in record_actions(world.specialist, record)
        assert Action.CLAIM not in record_actions(world.outsider, record)
        services.step_claim(actor=world.specialist, record=record)
        record = _fresh(record)
        assert Action.CLAIM not in record_actions(world.specialist2, record)
        assert Action.EXTEND in record_actions(world.specialist, record)
    with travel("2025-05-08 09:00"):  # the appointment has passed: no apology any more
        assert Action.EXTEND not in record_actions(world.specialist, _fresh(record))


def test_record_page_query_count_does_not_grow_with_the_history(world, django_assert_num_queries):
    with travel("2025-04-21 08:00"):
        record = receive(world)
        client = client_for(world.leader)
        url = reverse("records:detail", args=[record.code])
        client.get(url)
        with CaptureQueriesContext(connection) as short_history:
            client.get(url)
        for _ in range(11):
            services.record_extend(
                actor=world.reception,
                record=record,
                new_due_at=_fresh(record).due_at + timedelta(days=7),
                reason="Gia hạn",
            )
        with django_assert_num_queries(len(short_history.captured_queries)):
            response = client.get(url)
    assert len(response.context["page"].events) == 12
