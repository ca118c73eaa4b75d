"""End-to-end paths through the services: one event per move, the national code at each
point and the timeliness result."""

import pytest

from motcua.core.errors import Conflict, PermissionDenied, ValidationFailed
from motcua.records import services
from motcua.records.models import DeskSlip, Record, RecordEvent, RecordStep
from motcua.records.services import ComponentData
from motcua.records.tests.factories import applicant, at, receive, travel
from motcua.records.workflow import Status


def moved(record, action, *, kind, code, **kwargs):
    """Run ``action`` and check it appended exactly one event of ``kind`` with ``code``."""
    before = RecordEvent.objects.filter(record_id=record.pk).count()
    result = action(record=record, **kwargs)
    events = list(RecordEvent.objects.filter(record_id=record.pk).order_by("id"))
    assert len(events) == before + 1, f"{kind}: expected exactly one new event"
    assert events[-1].kind == kind
    assert events[-1].national_code == code
    fresh = Record.objects.get(pk=record.pk)
    assert fresh.national_code == code
    return result, fresh


def walk_to_approval(world, record, *, start_day="2025-04-22", claimed=False):
    with travel(f"{start_day} 08:00"):
        if not claimed:
            _r, record = moved(
                record, services.step_claim, kind="record.claimed", code=4, actor=world.specialist
            )
    with travel(f"{start_day} 09:00"):
        _r, record = moved(
            record,
            services.step_forward,
            kind="record.forwarded",
            code=4,
            actor=world.specialist,
            assignee=world.police_officer,
        )
    with travel(f"{start_day} 10:00"):
        _r, record = moved(
            record,
            services.step_forward,
            kind="record.forwarded",
            code=4,
            actor=world.police_officer,
        )
    with travel(f"{start_day} 13:30"):
        _r, record = moved(
            record, services.step_claim, kind="record.claimed", code=4, actor=world.unit_head
        )
        _r, record = moved(
            record,
            services.step_forward,
            kind="record.forwarded",
            code=4,
            actor=world.unit_head,
            assignee=world.leader,
        )
    with travel(f"{start_day} 15:00"):
        _r, record = moved(
            record, services.record_approve, kind="record.approved", code=4, actor=world.leader
        )
    return record


def test_plain_path_early(world):
    with travel("2025-04-21 08:00"):
        record = receive(world)
    assert record.status == Status.RECEIVED
    assert record.national_code == 2
    assert record.code == "000.00.12.H99-250421-0001"
    assert record.due_at == at(
        "2025-05-07 08:00"
    )  # 10 days x 8h across 30/4, 1/5, 2/5; Sat 26/4 worked
    assert record.events.count() == 1
    record = walk_to_approval(world, record)
    assert record.status == Status.APPROVED
    with travel("2025-04-23 08:00"):
        _r, record = moved(
            record,
            services.record_mark_result_ready,
            kind="record.result_ready",
            code=9,
            actor=world.reception,
        )
    assert record.finished_at == at("2025-04-23 08:00")
    assert record.timeliness == "early"
    with travel("2025-04-24 09:00"):
        _r, record = moved(
            record,
            services.record_return_result,
            kind="record.returned",
            code=10,
            actor=world.reception,
            method="desk",
        )
    assert record.finished_at == at("2025-04-23 08:00")  # the first finishing move counts
    assert record.returned_at == at("2025-04-24 09:00")
    steps = list(record.steps.order_by("id"))
    assert [s.unit.code for s in steps] == ["MC", "LLTP", "HSNV", "LLTP", "LD"]
    assert all(s.state == RecordStep.State.DONE for s in steps)
    assert steps[2].agency == world.police  # the inter-agency hand-over is timed like any step
    assert steps[2].timeliness == "early"


def test_on_time_and_late(world):
    with travel("2025-04-21 08:00"):
        on_time = receive(world)
        late = receive(world)
    for record in (on_time, late):
        walk_to_approval(world, record)
    with travel("2025-05-07 07:45"):  # due 07/05 08:00: same day, before the due instant
        record = services.record_mark_result_ready(actor=world.reception, record=on_time)
    assert record.timeliness == "on_time"
    with travel("2025-05-07 08:01"):
        record = services.record_mark_result_ready(actor=world.reception, record=late)
    assert record.timeliness == "late"


def test_supplement_with_pause_keeps_the_remaining_time(world):
    with travel("2025-04-21 08:00"):
        record = receive(world)
    with travel("2025-04-22 08:00"):
        services.step_claim(actor=world.specialist, record=record)
    # Requested on Tue 22/04 10:00: the clock had run 7.5h (Mon) + 2.5h = 10h of 80h; 70h left.
    with travel("2025-04-22 10:00"):
        round_, record = moved(
            record,
            services.supplement_request,
            kind="record.supplement_requested",
            code=5,
            actor=world.specialist,
            reason="Thiếu bản chụp giấy tờ tùy thân",
            items=[{"name": "Bản chụp CCCD", "form": "copy", "quantity": 1}],
        )
    assert round_.remaining_seconds == 70 * 3600
    assert record.paused_at == at("2025-04-22 10:00")
    # The citizen comes back on Tue 06/05 at 14:00: 70h counted again from there.
    with travel("2025-05-06 14:00"):
        _r, record = moved(
            record,
            services.supplement_receive,
            kind="record.supplement_received",
            code=4,
            actor=world.reception,
            components=[ComponentData(name="Bản chụp CCCD", copy_kind="copy")],
        )
    # 70h from Tue 06/05 14:00: 06/05 → 3h (67 left); 07,08,09,12,13,14,15,16 → 8 days = 64h
    # (3 left); Mon 19/05 07:30 + 3h → 10:30.
    assert record.due_at == at("2025-05-19 10:30")
    assert record.statutory_due_at == record.due_at
    assert record.paused_at is None
    assert record.supplement_count == 1
    assert record.events.filter(kind="record.supplement_received").get().due_before == at(
        "2025-05-07 08:00"
    )


def test_supplement_with_restart_counts_the_whole_duration_again(world):
    with travel("2025-04-21 08:00"):
        record = receive(world, world.restart_procedure)
    with travel("2025-04-22 08:00"):
        services.step_claim(actor=world.specialist, record=record)
    with travel("2025-04-22 10:00"):
        services.supplement_request(
            actor=world.specialist,
            record=record,
            reason="Thiếu tờ khai",
            items=[{"name": "Tờ khai"}],
        )
    with travel("2025-05-06 14:00"):
        record = services.supplement_receive(actor=world.reception, record=record)
    # 80h from Tue 06/05 14:00: 3h on 06/05, 9 days (07..16, 19) = 72h → 75h; the last 5h on
    # Tue 20/05: 07:30-11:30 (4h) and 13:00-14:00.
    assert record.due_at == at("2025-05-20 14:00")
    assert "restart" in " ".join(record.due_explanation).lower() or "lại" in " ".join(
        record.due_explanation
    )


def test_two_supplement_rounds_and_late_finish(world):
    with travel("2025-04-21 08:00"):
        record = receive(world)
    with travel("2025-04-21 09:00"):
        services.step_claim(actor=world.specialist, record=record)
        services.supplement_request(
            actor=world.specialist, record=record, reason="r1", items=[{"name": "A"}]
        )
    with travel("2025-04-22 09:00"):
        services.supplement_receive(actor=world.reception, record=record)
    with travel("2025-04-22 10:00"):
        services.supplement_request(
            actor=world.specialist, record=record, reason="r2", items=[{"name": "B"}]
        )
    with travel("2025-04-23 10:00"):
        record = services.supplement_receive(actor=world.reception, record=record)
    assert record.supplement_count == 2
    assert record.supplements.count() == 2
    # Each pause moved the due by exactly the paused office time: 8h (Mon 09:00 → Tue 09:00)
    # then 8h (Tue 10:00 → Wed 10:00): 07/05 08:00 + 16h → 09/05 08:00.
    assert record.due_at == at("2025-05-09 08:00")
    walk_to_approval(world, record, start_day="2025-05-09", claimed=True)
    with travel("2025-05-09 16:00"):
        record = services.record_mark_result_ready(actor=world.reception, record=record)
    assert record.timeliness == "late"


def test_pause_that_starts_after_the_due_instant_cannot_rescue_a_late_record(world):
    with travel("2025-04-21 08:00"):
        record = receive(world)
    with travel("2025-05-08 09:00"):  # already overdue (due 07/05 08:00)
        services.step_claim(actor=world.specialist, record=record)
        services.supplement_request(
            actor=world.specialist, record=record, reason="late", items=[{"name": "A"}]
        )
    with travel("2025-05-12 09:00"):
        record = services.supplement_receive(actor=world.reception, record=record)
    assert record.due_at == at("2025-05-07 08:00")


def test_stopped_record(world):
    with travel("2025-04-21 08:00"):
        record = receive(world)
    with travel("2025-04-21 09:00"):
        services.step_claim(actor=world.specialist, record=record)
        _r, record = moved(
            record,
            services.record_stop,
            kind="record.stopped",
            code=8,
            actor=world.specialist,
            reason="Người yêu cầu không thuộc đối tượng",
        )
    assert record.finished_at == at("2025-04-21 09:00")
    assert record.timeliness == "early"
    assert not record.steps.filter(state=RecordStep.State.ACTIVE).exists()
    with pytest.raises(Conflict):
        services.step_claim(actor=world.specialist, record=record)


def test_withdrawn_record(world):
    with travel("2025-04-21 08:00"):
        record = receive(world)
    with travel("2025-05-08 08:00"):
        _r, record = moved(
            record,
            services.record_withdraw,
            kind="record.withdrawn",
            code=7,
            actor=world.reception,
            reason="Đơn xin rút hồ sơ của công dân",
        )
    assert record.timeliness == "late"  # withdrawn after the appointment had passed
    assert record.finish_status == Status.WITHDRAWN


def test_apology_and_extension_keep_the_original_for_statistics(world, settings):
    with travel("2025-04-21 08:00"):
        record = receive(world)
        judged_latest = receive(world)
    with travel("2025-05-06 10:00"):
        ext, record = moved(
            record,
            services.record_extend,
            kind="record.extended",
            code=2,
            actor=world.leader,
            new_due_at=at("2025-05-12 17:00"),
            reason="Cần xác minh thêm tại Công an tỉnh",
        )
        services.record_extend(
            actor=world.leader,
            record=judged_latest,
            new_due_at=at("2025-05-12 17:00"),
            reason="Xác minh",
        )
    assert ext.previous_due_at == at("2025-05-07 08:00")
    assert record.due_at == at("2025-05-12 17:00")
    assert record.original_due_at == at("2025-05-07 08:00")
    assert record.statutory_due_at == at("2025-05-07 08:00")
    assert record.events.get(kind="record.extended").due_before == at("2025-05-07 08:00")
    for item in (record, judged_latest):
        walk_to_approval(world, item, start_day="2025-05-08")
    with travel("2025-05-09 09:00"):
        record = services.record_mark_result_ready(actor=world.reception, record=record)
    assert record.timeliness == "late"  # default: judged against the original appointment
    settings.MOTCUA_TIMELINESS_AGAINST = "latest"
    with travel("2025-05-09 09:00"):
        judged_latest = services.record_mark_result_ready(
            actor=world.reception, record=judged_latest
        )
    assert judged_latest.timeliness == "early"


def test_apology_after_the_appointment_is_refused(world):
    with travel("2025-04-21 08:00"):
        record = receive(world)
    with travel("2025-05-07 09:00"), pytest.raises(Conflict):
        services.record_extend(
            actor=world.leader, record=record, new_due_at=at("2025-05-12 17:00"), reason="x"
        )
    assert record.extensions.count() == 0


def test_send_back_and_opinion(world):
    with travel("2025-04-21 08:00"):
        record = receive(world)
    with travel("2025-04-21 09:00"):
        services.step_claim(actor=world.specialist, record=record)
        services.step_forward(actor=world.specialist, record=record, assignee=world.police_officer)
        services.step_forward(actor=world.police_officer, record=record)
        services.step_claim(actor=world.unit_head, record=record)
    with travel("2025-04-21 10:00"):
        _r, record = moved(
            record,
            services.step_request_opinion,
            kind="record.opinion_requested",
            code=4,
            actor=world.unit_head,
            unit=world.hsnv,
            question="Đề nghị cho ý kiến về tiền án",
        )
        with pytest.raises(Conflict):
            services.step_forward(actor=world.unit_head, record=record)
        opinion = record.steps.get(kind=RecordStep.Kind.OPINION)
    with travel("2025-04-21 10:30"):
        before = record.events.count()
        services.step_give_opinion(
            actor=world.police_officer, opinion=opinion, answer="Không có tiền án"
        )
        assert record.events.count() == before + 1
        assert record.events.order_by("id").last().kind == "record.opinion_given"
        opinion.refresh_from_db()
        assert opinion.state == RecordStep.State.DONE and opinion.finished_at == at(
            "2025-04-21 10:30"
        )
        _r, record = moved(
            record,
            services.step_send_back,
            kind="record.sent_back",
            code=4,
            actor=world.unit_head,
            to_order=2,
            reason="Bổ sung nhận xét",
        )
    current = record.current_step
    assert current.order == 2
    assert current.assignee == world.specialist  # back to who handled it
    with pytest.raises(ValidationFailed):
        services.step_send_back(actor=world.specialist, record=record, to_order=1, reason="desk")


def test_refused_and_guidance_slips_are_not_records(world):
    with travel("2025-04-21 08:00"):
        slip = services.desk_slip_issue(
            actor=world.reception,
            agency=world.justice,
            procedure=world.pause_procedure,
            kind=DeskSlip.Kind.GUIDANCE,
            applicant=applicant(),
            reason="Thiếu tờ khai",
            items=[
                {
                    "name": "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp",
                    "form": "original",
                    "quantity": 1,
                }
            ],
        )
        refusal = services.desk_slip_issue(
            actor=world.reception,
            agency=world.justice,
            procedure=world.pause_procedure,
            kind=DeskSlip.Kind.REFUSAL,
            applicant=applicant(),
            reason="Không thuộc thẩm quyền",
        )
    assert slip.number == "1/HDHS"
    assert refusal.number == "1/TCHS"
    assert Record.objects.count() == 0


def test_online_submission_received_or_refused(world):
    with travel("2025-04-19 21:00"):  # Saturday evening, online
        record = services.record_submit_online(
            actor=None,
            source="dvcqg",
            external_code="G22.99-250419-0001",
            agency=world.justice,
            procedure=world.pause_procedure,
            applicant=applicant(),
            components=[],
        )
        refused = services.record_submit_online(
            actor=None,
            source="dvcqg",
            external_code="G22.99-250419-0002",
            agency=world.justice,
            procedure=world.pause_procedure,
            applicant=applicant(),
            components=[],
        )
    assert record.national_code == 1 and record.code is None
    with pytest.raises(Conflict):
        services.record_submit_online(
            actor=None,
            source="dvcqg",
            external_code="G22.99-250419-0001",
            agency=world.justice,
            procedure=world.pause_procedure,
            applicant=applicant(),
            components=[],
        )
    with travel("2025-04-21 08:00"):
        _r, record = moved(
            record,
            services.record_receive_online,
            kind="record.received",
            code=2,
            actor=world.reception,
        )
        _r, refused = moved(
            refused,
            services.record_refuse_online,
            kind="record.refused",
            code=3,
            actor=world.reception,
            reason="Sai cơ quan",
        )
    assert record.code == "000.00.12.H99-250421-0001"
    assert record.due_at == at("2025-05-07 08:00")
    assert refused.code is None and refused.finished_at is None


def test_same_day_procedure_with_cut_off(world):
    with travel("2025-04-21 14:59"):
        before = receive(world, world.sameday_procedure)
    with travel("2025-04-21 15:00"):
        after = receive(world, world.sameday_procedure)
    assert before.due_at == at("2025-04-21 17:00")
    assert after.due_at == at("2025-04-22 17:00")
    assert any("15:00" in line for line in after.due_explanation)


def test_permissions_on_moves(world):
    with travel("2025-04-21 08:00"):
        record = receive(world)
    with pytest.raises(PermissionDenied):
        services.step_claim(actor=world.police_officer, record=record)  # not their unit yet
    with pytest.raises(PermissionDenied):
        services.record_return_result(actor=world.specialist, record=record, method="desk")
    with pytest.raises(PermissionDenied):
        receive(world, actor=world.outsider)
    services.step_claim(actor=world.specialist, record=record)
    with pytest.raises(PermissionDenied):
        services.step_forward(actor=world.specialist2, record=record)  # not the assignee
    with pytest.raises(ValidationFailed):
        services.step_assign(
            actor=world.unit_head, record=record, assignee=world.police_officer
        )  # not in LLTP
    with pytest.raises(PermissionDenied):
        services.step_assign(
            actor=world.admin, record=record, assignee=world.specialist2
        )  # admins don't move records
    services.step_assign(actor=world.unit_head, record=record, assignee=world.specialist2)
    with pytest.raises(ValidationFailed):
        services.step_forward(
            actor=world.specialist2, record=record, assignee=world.specialist
        )  # not in HSNV
    services.step_forward(actor=world.specialist2, record=record, assignee=world.police_officer)


def test_record_codes_count_per_agency_and_day(world):
    with travel("2025-04-21 08:00"):
        first = receive(world)
        second = receive(world)
    with travel("2025-04-22 08:00"):
        third = receive(world)
    assert [first.code, second.code, third.code] == [
        "000.00.12.H99-250421-0001",
        "000.00.12.H99-250421-0002",
        "000.00.12.H99-250422-0001",
    ]
    assert len({first.lookup_secret, second.lookup_secret, third.lookup_secret}) == 3
    assert len(first.lookup_secret) >= 16  # 128 random bits, url-safe base64


def test_step_due_instants_follow_budgets(world):
    with travel("2025-04-21 08:00"):
        record = receive(world)
    # 24 working hours from Mon 08:00: Mon 7.5h, Tue 8h, Wed 8h (23.5h), then Thu 07:30 + 0.5h.
    assert record.current_step.due_at == at("2025-04-24 08:00")


def test_only_integration_accounts_or_the_desk_submit_online(world):
    with pytest.raises(PermissionDenied):
        services.record_submit_online(
            actor=world.specialist,
            source="dvcqg",
            external_code="G22.99-250419-0009",
            agency=world.justice,
            procedure=world.pause_procedure,
            applicant=applicant(),
            components=[],
        )
    assert Record.objects.count() == 0


def test_after_approval_the_result_goes_to_the_desk_step(world):
    from decimal import Decimal

    from motcua.catalogue import services as catalogue
    from motcua.catalogue.content import ComponentContent, StepContent, VersionContent
    from motcua.catalogue.models import Field
    from motcua.organisations.models import Role

    procedure = catalogue.procedure_create(
        actor=world.admin, code="1.000123", name="Có bước trả kết quả", field=Field.objects.first()
    )
    content = VersionContent(
        name="Có bước trả kết quả",
        implementing_agencies=(world.justice.code,),
        duration_value=Decimal(3),
        components=(ComponentContent("TK", "Tờ khai", "original", 1, True),),
        steps=(
            StepContent(
                "Tiếp nhận", "MC", Role.RECEPTION, Decimal(2), "Đã tiếp nhận", world.justice.code
            ),
            StepContent(
                "Thẩm định",
                "LLTP",
                Role.SPECIALIST,
                Decimal(12),
                "Đang thẩm định",
                world.justice.code,
            ),
            StepContent(
                "Phê duyệt",
                "LD",
                Role.AGENCY_LEADER,
                Decimal(6),
                "Đang phê duyệt",
                world.justice.code,
            ),
            StepContent(
                "Trả kết quả",
                "MC",
                Role.RECEPTION,
                Decimal(4),
                "Chờ trả kết quả",
                world.justice.code,
            ),
        ),
    )
    version = catalogue.version_create_draft(
        actor=world.admin, procedure=procedure, content=content
    )
    catalogue.version_publish(
        actor=world.admin, version=version, effective_from=at("2020-01-01 00:00")
    )
    with travel("2025-04-21 08:00"):
        record = receive(world, procedure)
        services.step_claim(actor=world.specialist, record=record)
        services.step_forward(actor=world.specialist, record=record, assignee=world.leader)
        _r, record = moved(
            record, services.record_approve, kind="record.approved", code=4, actor=world.leader
        )
    assert record.current_step.unit == world.desk and record.current_step.order == 4
    assert record.current_step.state == RecordStep.State.ACTIVE
    assert record.events.get(kind="record.approved").to_unit == world.desk
    with pytest.raises(PermissionDenied):
        services.record_mark_result_ready(actor=world.police_officer, record=record)
    with travel("2025-04-21 10:00"):
        record = services.record_mark_result_ready(actor=world.reception, record=record)
    desk_step = record.steps.get(order=4)
    assert desk_step.state == RecordStep.State.DONE and desk_step.finished_by == world.reception
    assert record.status == Status.RESULT_READY and record.timeliness == "early"


def test_events_carry_the_due_instants_for_as_of_reports(world):
    with travel("2025-04-21 08:00"):
        record = receive(world)
    with travel("2025-05-06 10:00"):
        services.record_extend(
            actor=world.leader, record=record, new_due_at=at("2025-05-12 17:00"), reason="x"
        )
    received, extended = record.events.order_by("id")
    assert received.statutory_due_after == received.due_after == at("2025-05-07 08:00")
    assert extended.due_after == at("2025-05-12 17:00")
    assert extended.statutory_due_after == at("2025-05-07 08:00")
