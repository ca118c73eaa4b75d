"""The control sheet: one row per hand-over, built from the events and steps of a record
walked through the services, in a fixed number of queries."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.records import services
from motcua.records.documents import control_sheet_pdf, control_sheet_rows
from motcua.records.models import Record, RecordStep
from motcua.records.tests.factories import receive, travel
from motcua.records.tests.factories_documents import (
    assert_fonts_embedded,
    pdf_pages,
    pdf_text,
    walk_forward_supplement_approve,
)

LABELS = {"early": "Trước hạn", "on_time": "Đúng hạn", "late": "Quá hạn"}
POLICE_UNIT = "Phòng Hồ sơ nghiệp vụ – Công an tỉnh"


def named(world):
    for user, name in (
        (world.reception, "Trần Văn Bình"),
        (world.specialist, "Đỗ Thị Thu Hà"),
        (world.police_officer, "Hoàng Minh Tuấn"),
        (world.unit_head, "Vũ Đức Long"),
        (world.leader, "Phan Thanh Sơn"),
    ):
        user.full_name = name
        user.save(update_fields=["full_name"])


def test_rows_follow_every_hand_over_of_a_walked_record(world):
    named(world)
    record = walk_forward_supplement_approve(world)
    rows = control_sheet_rows(record)
    assert [(r.kind, r.giver_unit, r.receiver_unit) for r in rows] == [
        ("record.received", "Bộ phận Một cửa", "Phòng Lý lịch tư pháp"),
        ("record.supplement_requested", "Phòng Lý lịch tư pháp", "Người nộp hồ sơ"),
        ("record.supplement_received", "Người nộp hồ sơ", "Bộ phận Một cửa"),
        ("record.forwarded", "Phòng Lý lịch tư pháp", POLICE_UNIT),
        ("record.forwarded", POLICE_UNIT, "Phòng Lý lịch tư pháp"),
        ("record.opinion_requested", "Phòng Lý lịch tư pháp", POLICE_UNIT),
        ("record.opinion_given", POLICE_UNIT, "Phòng Lý lịch tư pháp"),
        ("record.forwarded", "Phòng Lý lịch tư pháp", "Ban Giám đốc"),
        ("record.approved", "Ban Giám đốc", "Sở Tư pháp"),
        ("record.result_ready", "Sở Tư pháp", "Bộ phận Một cửa"),
        ("record.returned", "Bộ phận Một cửa", "Người nộp hồ sơ"),
    ]
    assert [(r.giver, r.receiver) for r in rows] == [
        ("Trần Văn Bình", "Đỗ Thị Thu Hà"),
        ("Đỗ Thị Thu Hà", "Nguyễn Thị Hồng Nhung"),
        ("Nguyễn Thị Hồng Nhung", "Trần Văn Bình"),
        ("Đỗ Thị Thu Hà", "Hoàng Minh Tuấn"),
        ("Hoàng Minh Tuấn", "Vũ Đức Long"),
        ("Vũ Đức Long", "Hoàng Minh Tuấn"),
        ("Hoàng Minh Tuấn", "Vũ Đức Long"),
        ("Vũ Đức Long", "Phan Thanh Sơn"),
        ("Phan Thanh Sơn", ""),
        ("", "Trần Văn Bình"),
        ("Trần Văn Bình", "Nguyễn Thị Hồng Nhung"),
    ]
    # Each row that closes a step carries that step's own result.
    main = list(record.steps.filter(kind=RecordStep.Kind.MAIN).order_by("started_at", "id"))
    opinion = record.steps.get(kind=RecordStep.Kind.OPINION)
    desk, examine, police, sign, approve = main
    results = [r.result for r in rows]
    assert results == [
        LABELS[desk.timeliness],
        "",
        "",
        LABELS[examine.timeliness],
        LABELS[police.timeliness],
        "",
        LABELS[opinion.timeliness],
        LABELS[sign.timeliness],
        LABELS[approve.timeliness],
        LABELS[Record.objects.get(pk=record.pk).timeliness],
        "",
    ]
    # Worked out by hand on the calendar (Sat 26/04/2025 was a working day):
    # the desk step finished the moment it started; the examination (24 h, paused for the
    # supplement) was due Sat 26/04 10:30 and finished Fri 25/04; the signing step (8 h from
    # Fri 25/04 11:00) was due Sat 26/04 11:00 and finished Mon 28/04 13:30.
    assert results[0] == "Đúng hạn"
    assert results[3] == "Trước hạn"
    assert results[7] == "Quá hạn"
    assert rows[1].note == "Yêu cầu bổ sung hồ sơ: Thiếu bản chụp Căn cước công dân"
    assert rows[5].note == "Xin ý kiến: Đề nghị xác minh án tích"
    assert rows[10].note == "Trả kết quả (tại Bộ phận Một cửa)"


def test_control_sheet_pdf_prints_the_header_and_every_row(world):
    named(world)
    record = walk_forward_supplement_approve(world)
    data = control_sheet_pdf(record)
    text = " ".join(pdf_text(data).split())
    for expected in (
        "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
        f"Mã hồ sơ: {record.code}",
        "Kèm theo hồ sơ của: Nguyễn Thị Hồng Nhung",
        "Ngày nhận hồ sơ: 08 giờ 00 phút, ngày 21/04/2025",
        "Ngày hẹn trả kết quả:",
        "1. Giao: Bộ phận Một cửa 2. Nhận: Phòng Lý lịch tư pháp",
        "08 giờ 00 phút, ngày 21 tháng 4 năm 2025",
        "Người giao: Trần Văn Bình",
        "2. Nhận: Phòng Hồ sơ nghiệp vụ – Công an tỉnh",
        "13 giờ 30 phút, ngày 28 tháng 4 năm 2025",
        "Quá hạn",
        "Trước hạn",
        "Người nhận: ……",  # nobody recorded: left for a handwritten signature
    ):
        assert expected in text, expected
    assert_fonts_embedded(data)


def test_a_long_history_runs_over_pages_with_numbers_and_repeated_headings(world):
    with travel("2025-04-21 08:00"):
        record = receive(world)
    with travel("2025-04-21 08:30"):
        services.step_claim(actor=world.specialist, record=record)
    for day in range(22, 30):
        with travel(f"2025-04-{day} 09:00"):
            services.step_forward(
                actor=world.specialist, record=record, assignee=world.police_officer
            )
        with travel(f"2025-04-{day} 10:00"):
            services.step_send_back(
                actor=world.police_officer, record=record, to_order=2, reason=f"Lần {day}"
            )
    data = control_sheet_pdf(record)
    pages = pdf_pages(data)
    assert len(control_sheet_rows(record)) == 17
    assert pages >= 2
    text = pdf_text(data)
    for page in range(2, pages + 1):
        assert f"Trang {page}" in text
    assert text.count("THỜI GIAN GIAO, NHẬN") == pages  # the headings repeat on every page
    assert "Trang 1" not in text  # the first page carries no number (Decree 30)


def test_sent_back_and_stopped_rows(world):
    named(world)
    with travel("2025-04-21 08:00"):
        record = receive(world)
    with travel("2025-04-21 09:00"):
        services.step_claim(actor=world.specialist, record=record)
        services.step_forward(actor=world.specialist, record=record, assignee=world.police_officer)
    with travel("2025-04-21 10:00"):
        services.step_send_back(
            actor=world.police_officer,
            record=record,
            to_order=2,
            reason="Thiếu thông tin nơi cư trú",
        )
    with travel("2025-04-21 11:00"):
        services.record_stop(
            actor=world.specialist, record=record, reason="Người yêu cầu rút đề nghị"
        )
    rows = control_sheet_rows(record)
    assert [r.kind for r in rows] == [
        "record.received",
        "record.forwarded",
        "record.sent_back",
        "record.stopped",
    ]
    sent_back = rows[2]
    assert (sent_back.giver_unit, sent_back.receiver_unit) == (POLICE_UNIT, "Phòng Lý lịch tư pháp")
    assert (sent_back.giver, sent_back.receiver) == ("Hoàng Minh Tuấn", "Đỗ Thị Thu Hà")
    police_step = record.steps.get(unit=world.hsnv)
    assert police_step.state == RecordStep.State.SENT_BACK
    assert sent_back.result == LABELS[police_step.timeliness]
    assert sent_back.note == "Trả lại bước trước: Thiếu thông tin nơi cư trú"
    stopped = rows[3]
    assert (stopped.receiver_unit, stopped.receiver) == ("Người nộp hồ sơ", "Nguyễn Thị Hồng Nhung")
    assert stopped.note == "Dừng giải quyết: Người yêu cầu rút đề nghị"


def test_the_number_of_queries_does_not_grow_with_the_history(world):
    with travel("2025-04-21 08:00"):
        short = receive(world)
    long = walk_forward_supplement_approve(world)
    counts = []
    for record in (short, long):
        fresh = Record.objects.get(pk=record.pk)
        with CaptureQueriesContext(connection) as queries:
            control_sheet_pdf(fresh)
        counts.append(len(queries))
    assert counts == [4, 4]  # record with its header chain, events, steps, the desk's name
    assert len(control_sheet_rows(long)) > 3 * len(control_sheet_rows(short))
