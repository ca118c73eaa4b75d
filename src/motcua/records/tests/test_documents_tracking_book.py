"""The record tracking book as XLSX, per agency and period of local dates."""

import io
from datetime import date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from motcua.core.errors import ValidationFailed
from motcua.records import services
from motcua.records.documents import tracking_book_xlsx
from motcua.records.documents.texts import BOOK_HEADINGS
from motcua.records.tests.factories import applicant, receive, travel
from motcua.records.tests.factories_documents import walk_forward_supplement_approve

HEADING_ROW = 5
FIRST_ROW = 7


def load(data: bytes):
    return load_workbook(io.BytesIO(data)).active


def data_rows(sheet):
    return [
        row for row in sheet.iter_rows(min_row=FIRST_ROW, values_only=True) if row[0] is not None
    ]


def test_book_has_the_title_headings_and_one_row_per_record(world):
    walked = walk_forward_supplement_approve(world)
    with travel("2025-04-22 09:15"):
        plain = receive(
            world,
            applicant=applicant(name="Lê Văn Đức", address="5 Trần Phú", phone="0987654321"),
            sets=3,
        )
    sheet = load(
        tracking_book_xlsx(
            agency=world.justice, date_from=date(2025, 4, 1), date_to=date(2025, 4, 30), full=True
        )
    )
    assert sheet["A1"].value == "SỔ THEO DÕI HỒ SƠ"
    assert sheet["A2"].value == "SỞ TƯ PHÁP"
    assert sheet["A3"].value == "Từ ngày 01/04/2025 đến ngày 30/04/2025"
    headings = [cell.value for cell in sheet[HEADING_ROW]]
    assert headings == list(BOOK_HEADINGS)
    assert headings[:4] == ["STT", "Mã hồ sơ", "Tên thủ tục hành chính", "Số lượng hồ sơ (bộ)"]
    assert [cell.value for cell in sheet[HEADING_ROW + 1]][:3] == ["(1)", "(2)", "(3)"]
    rows = data_rows(sheet)
    assert len(rows) == 2
    first, second = rows
    assert first == (
        1,
        walked.code,
        "Cấp phiếu lý lịch tư pháp (2.000488)",
        1,
        "Nguyễn Thị Hồng Nhung\n12 Lê Lợi, phường Hòa Lạc\n0912345678",
        "Sở Tư pháp",
        datetime(2025, 4, 21, 8, 0),  # local wall-clock time (Excel has no time zones)
        datetime(2025, 5, 9, 10, 30),  # appointment moved by the supplement pause
        datetime(2025, 4, 21, 8, 0),  # handed from the desk to the department at receipt
        datetime(2025, 4, 29, 8, 0),  # result ready
        datetime(2025, 4, 29, 9, 0),  # returned
        None,  # the applicant signs on paper
        "Bổ sung 1 lần; Kết quả: Trước hạn",
    )
    assert second[:4] == (2, plain.code, "Cấp phiếu lý lịch tư pháp (2.000488)", 3)
    assert second[4] == "Lê Văn Đức\n5 Trần Phú\n0987654321"
    assert second[6] == datetime(2025, 4, 22, 9, 15)
    assert second[9:11] == (None, None)
    assert sheet.cell(row=FIRST_ROW, column=7).number_format == "dd/mm/yyyy hh:mm"
    assert sheet.freeze_panes == f"A{FIRST_ROW}"


def test_period_is_in_local_dates_and_other_agencies_are_left_out(world):
    with travel("2025-04-30 23:50"):  # 16:50 UTC: still 30/04 in Vietnam
        late_evening = receive(world)
    with travel("2025-05-01 00:10"):  # 30/04 17:10 UTC, already 01/05 in Vietnam
        after_midnight = receive(world)
    with travel("2025-04-30 10:00"):  # received at the Center, settled by the department
        at_center = receive(world, actor=world.center_reception, agency=world.center)
    april = [
        row[1]
        for row in data_rows(
            load(
                tracking_book_xlsx(
                    agency=world.justice, date_from=date(2025, 4, 30), date_to=date(2025, 4, 30)
                )
            )
        )
    ]
    may = [
        row[1]
        for row in data_rows(
            load(
                tracking_book_xlsx(
                    agency=world.justice, date_from=date(2025, 5, 1), date_to=date(2025, 5, 1)
                )
            )
        )
    ]
    assert april == [late_evening.code]
    assert may == [after_midnight.code]
    center = [
        row[1]
        for row in data_rows(
            load(
                tracking_book_xlsx(
                    agency=world.center, date_from=date(2025, 4, 1), date_to=date(2025, 5, 31)
                )
            )
        )
    ]
    assert center == [at_center.code]  # each desk keeps its own book
    assert (
        data_rows(
            load(
                tracking_book_xlsx(
                    agency=world.police, date_from=date(2025, 4, 1), date_to=date(2025, 5, 31)
                )
            )
        )
        == []
    )


def test_stopped_and_withdrawn_records_carry_their_reason(world):
    with travel("2025-04-21 08:00"):
        stopped = receive(world)
        withdrawn = receive(world)
    with travel("2025-04-21 09:00"):
        services.step_claim(actor=world.specialist, record=stopped)
        services.record_stop(actor=world.specialist, record=stopped, reason="Không thuộc đối tượng")
        services.record_withdraw(
            actor=world.reception, record=withdrawn, reason="Đơn xin rút hồ sơ"
        )
    notes = {
        row[1]: row[12]
        for row in data_rows(
            load(
                tracking_book_xlsx(
                    agency=world.justice, date_from=date(2025, 4, 21), date_to=date(2025, 4, 21)
                )
            )
        )
    }
    assert notes[stopped.code].startswith("Dừng giải quyết: Không thuộc đối tượng")
    assert notes[withdrawn.code].startswith("Rút hồ sơ: Đơn xin rút hồ sơ")


def test_a_period_that_ends_before_it_starts_is_refused(world):
    with pytest.raises(ValidationFailed) as caught:
        tracking_book_xlsx(
            agency=world.justice, date_from=date(2025, 5, 1), date_to=date(2025, 4, 30)
        )
    assert caught.value.field == "date_to"


def test_the_number_of_queries_does_not_grow_with_the_book(world):
    counts = []
    for day in ("2025-04-21", "2025-04-22"):
        with travel(f"{day} 08:00"):
            for _ in range(1 if day.endswith("21") else 8):
                receive(world)
        with CaptureQueriesContext(connection) as queries:
            tracking_book_xlsx(
                agency=world.justice,
                date_from=date.fromisoformat(day),
                date_to=date.fromisoformat(day),
            )
        counts.append(len(queries))
    assert counts == [1, 1]
