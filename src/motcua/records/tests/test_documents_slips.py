"""Form 02 (guidance / supplement request) and Form 03 (refusal) for dossiers not received,
supplements requested during processing and online submissions refused at the desk."""

import pytest

from motcua.core.errors import Conflict
from motcua.records import services
from motcua.records.documents import (
    desk_slip_pdf,
    guidance_slip_pdf,
    refusal_notice_pdf,
    refusal_slip_pdf,
    supplement_request_pdf,
)
from motcua.records.tests.factories import applicant, receive, travel
from motcua.records.tests.factories_documents import assert_fonts_embedded, pdf_text


def flat(data: bytes) -> str:
    return " ".join(pdf_text(data).split())


def issue(world, kind, **kwargs):
    with travel("2025-04-21 09:00"):
        return services.desk_slip_issue(
            actor=world.reception,
            agency=world.justice,
            procedure=world.pause_procedure,
            kind=kind,
            applicant=applicant(),
            **kwargs,
        )


@pytest.fixture(autouse=True)
def _names(world):
    world.reception.full_name = "Trần Văn Bình"
    world.reception.phone = "02393856789"
    world.reception.save(update_fields=["full_name", "phone"])
    world.specialist.full_name = "Đỗ Thị Thu Hà"
    world.specialist.save(update_fields=["full_name"])


def test_guidance_slip_lists_the_documents_to_complete(world):
    slip = issue(
        world,
        "guidance",
        reason="Hồ sơ chưa đủ thành phần theo quy định",
        items=[
            {
                "name": "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp",
                "form": "original",
                "quantity": 1,
            },
            {"name": "Giấy ủy quyền", "form": "certified_copy", "quantity": 2},
            {"name": "Văn bản khác", "form": "", "quantity": 1},
        ],
    )
    data = guidance_slip_pdf(slip)
    text = flat(data)
    for expected in (
        "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
        "Số: 1/HDHS",
        "Minh Họa, ngày 21 tháng 4 năm 2025",
        "Bộ phận tiếp nhận và trả kết quả: Bộ phận Một cửa, Sở Tư pháp",
        "Hồ sơ của: Nguyễn Thị Hồng Nhung",
        "Địa chỉ: 12 Lê Lợi, phường Hòa Lạc",
        "Số điện thoại: 0912345678",
        "Email: nhung@example.vn",
        "Nội dung yêu cầu giải quyết: Cấp phiếu lý lịch tư pháp (2.000488)",
        "1 Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp Bản chính 1",
        "2 Giấy ủy quyền Bản sao có chứng thực 2",
        "3 Văn bản khác Theo quy định 1",
        "Lý do: Hồ sơ chưa đủ thành phần theo quy định",
        "liên hệ với Trần Văn Bình, số điện thoại 02393856789, để được hướng dẫn",
        "NGƯỜI HƯỚNG DẪN",
    ):
        assert expected in text, expected
    assert "Mã hồ sơ" not in text  # a dossier not received has no record code
    assert_fonts_embedded(data)


def test_refusal_slip_states_the_reason(world):
    slip = issue(
        world, "refusal", reason="Yêu cầu không thuộc thẩm quyền giải quyết của Sở Tư pháp"
    )
    data = refusal_slip_pdf(slip)
    text = flat(data)
    for expected in (
        "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
        "Số: 1/TCHS",
        "Tiếp nhận hồ sơ của: Nguyễn Thị Hồng Nhung",
        "thông báo không tiếp nhận, giải quyết hồ sơ này với lý do cụ thể như sau:",
        "Yêu cầu không thuộc thẩm quyền giải quyết của Sở Tư pháp",
        "NGƯỜI NỘP HỒ SƠ",
        "NGƯỜI TIẾP NHẬN HỒ SƠ",
        "Trần Văn Bình",
    ):
        assert expected in text, expected
    assert_fonts_embedded(data)


def test_desk_slip_pdf_prints_the_form_of_the_slips_kind(world):
    guidance = issue(world, "guidance", reason="Thiếu tờ khai", items=[{"name": "Tờ khai"}])
    refusal = issue(world, "refusal", reason="Không thuộc thẩm quyền")
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in flat(desk_slip_pdf(guidance))
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in flat(desk_slip_pdf(refusal))


def test_a_slip_cannot_be_printed_as_the_other_form(world):
    guidance = issue(world, "guidance", reason="Thiếu tờ khai", items=[{"name": "Tờ khai"}])
    refusal = issue(world, "refusal", reason="Không thuộc thẩm quyền")
    with pytest.raises(Conflict):
        refusal_slip_pdf(guidance)
    with pytest.raises(Conflict):
        guidance_slip_pdf(refusal)


def test_supplement_request_during_processing_names_the_record(world):
    with travel("2025-04-21 08:00"):
        record = receive(world)
    with travel("2025-04-22 08:00"):
        services.step_claim(actor=world.specialist, record=record)
    with travel("2025-04-22 10:00"):
        round_ = services.supplement_request(
            actor=world.specialist,
            record=record,
            reason="Thiếu bản chụp Căn cước công dân",
            items=[{"name": "Bản chụp Căn cước công dân", "form": "copy", "quantity": 1}],
        )
    data = supplement_request_pdf(round_)
    text = flat(data)
    for expected in (
        "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
        "Số: ……/HDHS",
        "Minh Họa, ngày 22 tháng 4 năm 2025",
        "Mã hồ sơ: 000.00.12.H99-250421-0001",
        "Hồ sơ của: Nguyễn Thị Hồng Nhung",
        "Phòng Lý lịch tư pháp yêu cầu bổ sung, hoàn thiện hồ sơ (lần 1)",
        "Ông/Bà nộp phần bổ sung tại Bộ phận Một cửa",
        "1 Bản chụp Căn cước công dân Bản chụp 1",
        "Lý do: Thiếu bản chụp Căn cước công dân",
        "NGƯỜI HƯỚNG DẪN",
        "Đỗ Thị Thu Hà",
    ):
        assert expected in text, expected
    assert_fonts_embedded(data)


def test_refused_online_submission_gets_the_refusal_form(world):
    with travel("2025-04-20 21:00"):
        submitted = services.record_submit_online(
            actor=world.admin,
            source="dvcqg",
            external_code="G22.99-250420-0009",
            agency=world.justice,
            procedure=world.pause_procedure,
            applicant=applicant(name="Lê Văn Đức"),
            components=[],
        )
    with travel("2025-04-21 10:15"):
        record = services.record_refuse_online(
            actor=world.reception, record=submitted, reason="Hồ sơ nộp nhầm thủ tục"
        )
    data = refusal_notice_pdf(record)
    text = flat(data)
    for expected in (
        "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
        "Số: ……/TCHS",
        "Minh Họa, ngày 21 tháng 4 năm 2025",
        "Mã hồ sơ trên Cổng dịch vụ công: G22.99-250420-0009",
        "Tiếp nhận hồ sơ của: Lê Văn Đức",
        "Hồ sơ nộp nhầm thủ tục",
        "Trần Văn Bình",
    ):
        assert expected in text, expected
    assert "NGƯỜI NỘP HỒ SƠ" not in text  # the applicant was not at the desk
    assert_fonts_embedded(data)


def test_a_record_that_was_not_refused_has_no_refusal_form(world):
    with travel("2025-04-21 08:00"):
        record = receive(world)
    with pytest.raises(Conflict) as caught:
        refusal_notice_pdf(record)
    assert caught.value.code == "not_refused"
