"""Intake at the desk through the UI: the checklist, the three outcomes, errors that write
nothing, and scans accepted by their content only."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.utils import override_settings
from django.urls import reverse

from motcua.catalogue.selectors import version_current
from motcua.documents.tests.scan_files import minimal_pdf, png
from motcua.records.models import DeskSlip, Record, RecordComponent, RecordEvent
from motcua.records.tests.factories import travel
from motcua.records.tests.factories_ui import client_for, htmx_headers

PDF = minimal_pdf()  # scans are parsed: real files (documents/tests/scan_files.py)
PNG = png()
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Each test stores its scans in its own folder, so that "nothing written" can be checked."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _version(procedure):
    return version_current(procedure=procedure)


def _data(world, procedure=None, *, tick=True, **overrides):
    procedure = procedure or world.pause_procedure
    version = _version(procedure)
    data = {
        "agency": world.justice.pk,
        "procedure": procedure.pk,
        "version": version.pk,
        "applicant_kind": "person",
        "applicant_name": "Nguyễn Thị Hồng Nhung",
        "applicant_id_number": "001190012345",
        "applicant_phone": "0912 345 678",
        "applicant_email": "nhung@example.vn",
        "applicant_address": "12 Lê Lợi",
        "sets": "1",
        "channel": "direct",
        "return_method": "desk",
        "outcome": "receive",
        "reason": "",
        "extra_items": "",
    }
    for component in version.components.all():
        prefix = f"c{component.pk}_"
        if tick:
            data[prefix + "submitted"] = "on"
        data[prefix + "copy_kind"] = "original"
        data[prefix + "quantity"] = "1"
    data.update(overrides)
    return data


def _nothing_written():
    assert Record.objects.count() == 0
    assert RecordComponent.objects.count() == 0
    assert RecordEvent.objects.count() == 0
    assert DeskSlip.objects.count() == 0
    stored = Path(settings.MEDIA_ROOT) / "records"
    assert not stored.exists() or not any(p.is_file() for p in stored.rglob("*"))


def _mandatory(world, procedure=None):
    return _version(procedure or world.pause_procedure).components.get(mandatory=True)


def test_intake_page_lists_the_procedures_of_my_desk(world):
    response = client_for(world.reception).get(reverse("records:intake"))
    assert response.status_code == 200
    codes = {p.code for p in response.context["form"].procedure_choices}
    assert codes == {"2.000488", "2.000505", "2.000815"}


def test_only_reception_officers_reach_the_desk(world):
    assert client_for(world.specialist).get(reverse("records:intake")).status_code == 403
    assert client_for(world.specialist).get(reverse("records:submissions")).status_code == 403


def test_checklist_partial_shows_components_fees_and_appointment(world):
    with travel("2025-04-21 08:00"):
        response = client_for(world.reception).get(
            reverse("records:intake_checklist"),
            {"agency": world.justice.pk, "procedure": world.pause_procedure.pk},
            **htmx_headers("checklist"),
        )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="checklist"' in html and "<html" not in html
    assert "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp" in html
    assert "Bản chụp giấy tờ tùy thân" in html
    assert "200.000 ₫" in html
    assert "07/05/2025" in html  # the appointment if received now
    assert f'name="version" value="{_version(world.pause_procedure).pk}"' in html


@pytest.mark.parametrize("procedure", ["²", "١", "9" * 30])
def test_a_procedure_id_that_is_not_ascii_digits_selects_nothing(world, procedure):
    """ "²".isdigit() is true and int("²") raises ValueError (the desk page gave a 500)."""
    response = client_for(world.reception).get(
        reverse("records:intake_checklist"),
        {"agency": world.justice.pk, "procedure": procedure},
        **htmx_headers("checklist"),
    )
    assert response.status_code == 200
    assert "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp" not in response.content.decode()


def test_receiving_a_complete_dossier_redirects_to_the_record_page(world):
    with travel("2025-04-21 08:00"):
        response = client_for(world.reception).post(reverse("records:intake"), _data(world))
    assert response.status_code == 302
    record = Record.objects.get()
    assert response["Location"] == reverse("records:detail", args=[record.code]) + "?received=1"
    assert record.applicant_phone == "0912345678"
    assert record.channel == "direct" and record.return_method == "desk"
    assert record.components.count() == 2
    assert record.fees_due == 200000
    page = client_for(world.reception).get(response["Location"])
    assert record.code in page.content.decode()


def test_missing_name_writes_nothing(world):
    response = client_for(world.reception).post(
        reverse("records:intake"), _data(world, applicant_name="   ")
    )
    assert response.status_code == 400
    assert response.context["form"].errors["applicant_name"]
    _nothing_written()


def test_bad_phone_writes_nothing(world):
    response = client_for(world.reception).post(
        reverse("records:intake"), _data(world, applicant_phone="12345")
    )
    assert response.status_code == 400
    assert response.context["form"].errors["applicant_phone"]
    _nothing_written()


def test_incomplete_dossier_tells_to_issue_form_02_and_writes_nothing(world):
    data = _data(world)
    data.pop(f"c{_mandatory(world).pk}_submitted")
    response = client_for(world.reception).post(reverse("records:intake"), data)
    assert response.status_code == 400
    errors = " ".join(response.context["form"].non_field_errors())
    assert "Form 02" in errors or "Mẫu 02" in errors or "02" in errors
    assert _mandatory(world).name in errors
    _nothing_written()


def test_guidance_slip_lists_the_unticked_documents(world):
    data = _data(world, outcome="guidance", extra_items="Giấy ủy quyền có chứng thực")
    data.pop(f"c{_mandatory(world).pk}_submitted")
    response = client_for(world.reception).post(reverse("records:intake"), data)
    assert response.status_code == 302
    slip = DeskSlip.objects.get()
    assert response["Location"] == reverse("records:slip", args=[slip.pk])
    assert slip.kind == "guidance"
    assert [item["name"] for item in slip.items] == [
        _mandatory(world).name,
        "Giấy ủy quyền có chứng thực",
    ]
    assert slip.reason
    assert Record.objects.count() == 0
    page = client_for(world.reception).get(response["Location"])
    assert slip.number in page.content.decode()
    assert client_for(world.outsider).get(response["Location"]).status_code == 404


def test_guidance_slip_with_everything_ticked_asks_what_is_missing(world):
    response = client_for(world.reception).post(
        reverse("records:intake"), _data(world, outcome="guidance")
    )
    assert response.status_code == 400
    assert response.context["form"].errors["extra_items"]
    _nothing_written()


def test_refusal_slip_needs_a_reason(world):
    response = client_for(world.reception).post(
        reverse("records:intake"), _data(world, outcome="refusal")
    )
    assert response.status_code == 400
    assert response.context["form"].errors["reason"]
    _nothing_written()
    response = client_for(world.reception).post(
        reverse("records:intake"),
        _data(world, outcome="refusal", reason="Không thuộc thẩm quyền giải quyết"),
    )
    assert response.status_code == 302
    slip = DeskSlip.objects.get()
    assert slip.kind == "refusal" and slip.reason == "Không thuộc thẩm quyền giải quyết"
    assert Record.objects.count() == 0


def test_a_procedure_of_another_desk_is_refused(world):
    # The outsider's desk (another department) does not receive this procedure; naming the
    # justice desk in the form does not help: only the officer's own desks are offered.
    other = client_for(world.outsider).post(reverse("records:intake"), _data(world))
    assert other.status_code == 400
    assert other.context["form"].errors["procedure"]
    _nothing_written()


def test_a_stale_checklist_is_refused(world):
    response = client_for(world.reception).post(
        reverse("records:intake"), _data(world, version="999999")
    )
    assert response.status_code == 400
    assert response.context["form"].non_field_errors()
    _nothing_written()


def test_scans_are_stored_under_a_safe_name_with_their_real_type(world):
    data = _data(world)
    component = _mandatory(world)
    data[f"c{component.pk}_file"] = SimpleUploadedFile(
        "tờ khai (1).PDF", PDF, content_type="application/octet-stream"
    )
    with travel("2025-04-21 08:00"):
        response = client_for(world.reception).post(reverse("records:intake"), data)
    assert response.status_code == 302
    stored = RecordComponent.objects.get(component=component)
    assert stored.is_digitised
    assert stored.file.name.endswith(".pdf")
    assert Path(stored.file.path).read_bytes() == PDF


def test_a_png_named_pdf_is_stored_as_png(world):
    data = _data(world)
    component = _mandatory(world)
    data[f"c{component.pk}_file"] = SimpleUploadedFile(
        "scan.pdf", PNG, content_type="application/pdf"
    )
    with travel("2025-04-21 08:00"):
        response = client_for(world.reception).post(reverse("records:intake"), data)
    assert response.status_code == 302
    assert RecordComponent.objects.get(component=component).file.name.endswith(".png")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("scan.pdf", EXE),
        ("scan.pdf", b"Just some text, not a scan\n"),
        ("scan.jpg", b"GIF89a" + b"\x00" * 32),
    ],
)
def test_a_renamed_file_that_is_not_a_scan_is_refused(world, name, content):
    data = _data(world)
    field = f"c{_mandatory(world).pk}_file"
    data[field] = SimpleUploadedFile(name, content, content_type="application/pdf")
    response = client_for(world.reception).post(reverse("records:intake"), data)
    assert response.status_code == 400
    errors = response.context["form"].errors[field]
    assert any(name in str(e) for e in errors)
    _nothing_written()


@override_settings(MOTCUA_UPLOAD_MAX_MB=1)
def test_a_scan_over_the_size_limit_is_refused(world):
    data = _data(world)
    field = f"c{_mandatory(world).pk}_file"
    data[field] = SimpleUploadedFile(
        "big.pdf", PDF + b"0" * (1024 * 1024), content_type="application/pdf"
    )
    response = client_for(world.reception).post(reverse("records:intake"), data)
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    _nothing_written()


def test_representative_and_organisation_are_recorded(world):
    data = _data(
        world,
        applicant_kind="organisation",
        applicant_name="Công ty TNHH Minh Phát",
        applicant_id_number="0312345678",
        representative_name="Trần Văn Bảo",
        representative_id_number="001090011111",
        representative_phone="0987654321",
        channel="postal",
        return_method="postal",
    )
    with travel("2025-04-21 08:00"):
        response = client_for(world.reception).post(reverse("records:intake"), data)
    assert response.status_code == 302
    record = Record.objects.get()
    assert (
        record.applicant_kind,
        record.representative_name,
        record.channel,
        record.return_method,
    ) == (
        "organisation",
        "Trần Văn Bảo",
        "postal",
        "postal",
    )


def test_bad_representative_id_writes_nothing(world):
    response = client_for(world.reception).post(
        reverse("records:intake"),
        _data(world, representative_name="Trần Văn Bảo", representative_id_number="12"),
    )
    assert response.status_code == 400
    assert response.context["form"].errors["representative_id_number"]
    _nothing_written()
