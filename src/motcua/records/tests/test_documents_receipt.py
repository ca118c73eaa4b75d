"""Form 01: the receipt prints every field of domain.md §1.2 in Vietnamese, with embedded fonts
and a QR code that decodes back to the record's public lookup URL."""

import unicodedata

import pytest

from motcua.core.errors import Conflict
from motcua.records import services
from motcua.records.documents import receipt_pdf
from motcua.records.models import Record
from motcua.records.selectors import public_lookup_url
from motcua.records.services import ComponentData, FeeData
from motcua.records.tests.factories import applicant, receive, travel
from motcua.records.tests.factories_documents import (
    assert_fonts_embedded,
    pdf_pages,
    pdf_text,
    qr_codes,
    render,
)


def flat(data: bytes) -> str:
    return " ".join(pdf_text(data).split())


@pytest.fixture
def received(world):
    world.reception.full_name = "Trần Văn Bình"
    world.reception.save(update_fields=["full_name"])
    version = world.pause_procedure.versions.get(status="published")
    tk, cc = version.components.order_by("id")
    with travel("2025-04-21 08:00"):
        return receive(
            world,
            components=[
                ComponentData(name=tk.name, component_id=tk.pk, copy_kind="original", quantity=1),
                ComponentData(name=cc.name, component_id=cc.pk, copy_kind="copy", quantity=2),
            ],
            sets=2,
        )


def test_receipt_prints_every_field_with_diacritics_intact(received):
    data = receipt_pdf(received)
    text = flat(data)
    assert pdf_pages(data) == 1
    for expected in (
        "UBND TỈNH MINH HỌA",
        "SỞ TƯ PHÁP",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Minh Họa, ngày 21 tháng 4 năm 2025",
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        "Số: 1/TNHS",
        "Mã hồ sơ: 000.00.12.H99-250421-0001",
        "Bộ phận tiếp nhận và trả kết quả: Bộ phận Một cửa, Sở Tư pháp",
        "Tiếp nhận hồ sơ của: Nguyễn Thị Hồng Nhung",
        "Địa chỉ: 12 Lê Lợi, phường Hòa Lạc",
        "Số điện thoại: 0912345678",
        "Email: nhung@example.vn",
        "Nội dung yêu cầu giải quyết: Cấp phiếu lý lịch tư pháp (2.000488)",
        "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp Bản chính 1",
        "Bản chụp giấy tờ tùy thân Bản chụp 2",
        "2. Số lượng hồ sơ: 2 (bộ)",
        "Thời gian giải quyết theo quy định: 10 ngày làm việc",
        "Thời gian nhận hồ sơ: 08 giờ 00 phút, ngày 21/04/2025",
        "Thời gian trả kết quả giải quyết hồ sơ: 08 giờ 00 phút, ngày 07/05/2025",
        "Đăng ký nhận kết quả tại: Bộ phận Một cửa, Sở Tư pháp",
        "Phí, lệ phí phải nộp: 200.000 đồng (Phí cung cấp thông tin lý lịch tư pháp: 200.000 đồng)",
        "Vào Sổ theo dõi hồ sơ, Quyển số: 2025, Số thứ tự: 1",
        "NGƯỜI NỘP HỒ SƠ",
        "NGƯỜI TIẾP NHẬN HỒ SƠ",
        "Trần Văn Bình",
        "Quét mã QR để tra cứu tình trạng hồ sơ và đánh giá chất lượng giải quyết",
    ):
        assert expected in text, expected
    assert_fonts_embedded(data)


def test_receipt_qr_code_decodes_to_the_public_lookup_url(received):
    data = receipt_pdf(received)
    codes = qr_codes(render(data, scale=2))
    assert codes == [public_lookup_url(received)]
    assert received.lookup_secret in codes[0]


def test_receipt_qr_code_survives_a_low_resolution_scan(received):
    """A 100 dpi rendering (a cheap phone photo of the paper) still decodes."""
    assert qr_codes(render(receipt_pdf(received), scale=100 / 72)) == [public_lookup_url(received)]


def test_receipt_of_a_postal_return_without_fees(world):
    with travel("2025-04-21 09:30"):
        record = receive(world, return_method="postal", fees=[])
    text = flat(receipt_pdf(record))
    assert (
        "Đăng ký nhận kết quả tại: Qua dịch vụ bưu chính công ích, tại địa chỉ: 12 Lê Lợi, phường Hòa Lạc"
        in text
    )
    assert "Phí, lệ phí phải nộp: Không" in text


def test_receipt_of_an_online_submission_received_at_the_desk(world):
    with travel("2025-04-20 21:00"):
        submitted = services.record_submit_online(
            actor=world.admin,
            source="dvcqg",
            external_code="G22.99-250420-0001",
            agency=world.justice,
            procedure=world.pause_procedure,
            applicant=applicant(name="Lê Văn Đức"),
            components=[],
        )
    with travel("2025-04-21 07:45"):
        record = services.record_receive_online(actor=world.reception, record=submitted)
    text = flat(receipt_pdf(record))
    assert "Tiếp nhận hồ sơ của: Lê Văn Đức" in text
    assert "Thời gian nhận hồ sơ: 07 giờ 45 phút, ngày 21/04/2025" in text
    assert "Hồ sơ nộp trực tuyến" in text


def test_decomposed_input_still_prints_precomposed_vietnamese(world):
    decomposed = unicodedata.normalize("NFD", "Phạm Thị Ngọc Ánh")
    assert decomposed != "Phạm Thị Ngọc Ánh"
    with travel("2025-04-21 08:00"):
        record = receive(world, applicant=applicant(name=decomposed))
    assert "Tiếp nhận hồ sơ của: Phạm Thị Ngọc Ánh" in flat(receipt_pdf(record))


def test_a_record_not_yet_received_has_no_receipt(world):
    with travel("2025-04-20 21:00"):
        submitted = services.record_submit_online(
            actor=world.admin,
            source="dvcqg",
            external_code="G22.99-250420-0002",
            agency=world.justice,
            procedure=world.pause_procedure,
            applicant=applicant(),
            components=[],
        )
    with pytest.raises(Conflict) as caught:
        receipt_pdf(submitted)
    assert caught.value.code == "not_received"


def test_receipt_reads_a_fixed_number_of_queries(world, django_assert_num_queries):
    with travel("2025-04-21 08:00"):
        small = receive(world, fees=[])
        large = receive(
            world,
            components=[ComponentData(name=f"Giấy tờ {n}", copy_kind="copy") for n in range(12)]
            + [
                ComponentData(name=c.name, component_id=c.pk)
                for c in world.pause_procedure.versions.get(status="published").components.all()
            ],
            fees=[FeeData(name=f"Lệ phí {n}", amount=1000 * n) for n in range(1, 6)],
        )
    for record in (small, large):
        fresh = Record.objects.get(pk=record.pk)
        # record with its agency and header chain, components, fees, the desk's name
        with django_assert_num_queries(4):
            receipt_pdf(fresh)


def test_the_book_volume_is_the_local_year_of_receipt(world):
    with travel("2026-01-01 00:30"):  # still 2025 in UTC
        record = receive(world)
    text = flat(receipt_pdf(record))
    assert "Minh Họa, ngày 01 tháng 01 năm 2026" in text
    assert f"Quyển số: 2026, Số thứ tự: {record.book_number}" in text
