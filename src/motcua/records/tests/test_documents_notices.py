"""The apology with a new appointment (Extension) and the notice that processing stopped."""

import pytest

from motcua.core.errors import Conflict
from motcua.records import services
from motcua.records.documents import extension_pdf, stop_notice_pdf
from motcua.records.tests.factories import at, receive, travel
from motcua.records.tests.factories_documents import assert_fonts_embedded, pdf_text


def flat(data: bytes) -> str:
    return " ".join(pdf_text(data).split())


@pytest.fixture
def claimed(world):
    world.specialist.full_name = "Đỗ Thị Thu Hà"
    world.specialist.save(update_fields=["full_name"])
    with travel("2025-04-21 08:00"):
        record = receive(world)
    with travel("2025-04-22 08:00"):
        services.step_claim(actor=world.specialist, record=record)
    return record


def test_apology_states_the_old_and_new_appointment_and_apologises(world, claimed):
    with travel("2025-05-05 08:00"):
        extension = services.record_extend(
            actor=world.specialist,
            record=claimed,
            new_due_at=at("2025-05-12 16:00"),
            reason="Cần xác minh thêm thông tin tại cơ quan công an",
        )
    data = extension_pdf(extension)
    text = flat(data)
    for expected in (
        "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT",
        "Minh Họa, ngày 05 tháng 5 năm 2025",
        "Kính gửi: Ông/Bà/Tổ chức Nguyễn Thị Hồng Nhung",
        "Ngày 21/04/2025, Sở Tư pháp tiếp nhận hồ sơ đề nghị giải quyết thủ tục “Cấp phiếu lý lịch tư pháp (2.000488)”",
        "mã hồ sơ 000.00.12.H99-250421-0001",
        "Thời gian hẹn trả kết quả giải quyết hồ sơ: 08 giờ 00 phút, ngày 07/05/2025",
        "Lý do: Cần xác minh thêm thông tin tại cơ quan công an",
        "thành thật xin lỗi",
        "kết quả giải quyết hồ sơ sẽ được trả vào: 16 giờ 00 phút, ngày 12/05/2025",
        "THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ",
        "Người lập: Đỗ Thị Thu Hà",
    ):
        assert expected in text, expected
    assert_fonts_embedded(data)


def test_second_apology_starts_from_the_previous_new_appointment(world, claimed):
    with travel("2025-05-05 08:00"):
        services.record_extend(
            actor=world.specialist,
            record=claimed,
            new_due_at=at("2025-05-12 16:00"),
            reason="Lần một",
        )
    with travel("2025-05-12 08:00"):
        second = services.record_extend(
            actor=world.specialist,
            record=claimed,
            new_due_at=at("2025-05-15 10:00"),
            reason="Lần hai",
        )
    text = flat(extension_pdf(second))
    assert "Thời gian hẹn trả kết quả giải quyết hồ sơ: 16 giờ 00 phút, ngày 12/05/2025" in text
    assert "sẽ được trả vào: 10 giờ 00 phút, ngày 15/05/2025" in text


def test_stop_notice_states_the_reason(world, claimed):
    with travel("2025-04-23 14:00"):
        record = services.record_stop(
            actor=world.specialist,
            record=claimed,
            reason="Người yêu cầu không thuộc đối tượng được cấp",
        )
    data = stop_notice_pdf(record)
    text = flat(data)
    for expected in (
        "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ",
        "Minh Họa, ngày 23 tháng 4 năm 2025",
        "Kính gửi: Ông/Bà/Tổ chức Nguyễn Thị Hồng Nhung",
        "Sở Tư pháp thông báo dừng giải quyết hồ sơ",
        "mã hồ sơ 000.00.12.H99-250421-0001, tiếp nhận ngày 21/04/2025",
        "Lý do dừng giải quyết: Người yêu cầu không thuộc đối tượng được cấp",
        "Người lập: Đỗ Thị Thu Hà",
    ):
        assert expected in text, expected
    assert_fonts_embedded(data)


def test_a_record_still_in_progress_has_no_stop_notice(claimed):
    with pytest.raises(Conflict) as caught:
        stop_notice_pdf(claimed)
    assert caught.value.code == "not_stopped"
