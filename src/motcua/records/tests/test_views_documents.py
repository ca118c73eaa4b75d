"""The printed forms served from the officer pages: PDFs in scope, 404 outside, 409 when the
form does not apply to the record's state."""

from __future__ import annotations

from django.urls import reverse

from motcua.records import services
from motcua.records.tests.factories import applicant, receive, travel
from motcua.records.tests.factories_ui import client_for


def _is_pdf(response) -> bool:
    return (
        response.status_code == 200
        and response["Content-Type"] == "application/pdf"
        and response.content.startswith(b"%PDF")
    )


def test_receipt_and_control_sheet_are_printed_from_the_record_page(world):
    with travel("2025-04-21 08:00"):
        record = receive(world)
        page = client_for(world.reception).get(
            reverse("records:detail", args=[record.code]) + "?received=1"
        )
        receipt_url = reverse("records:receipt_pdf", args=[record.code])
        assert receipt_url in page.content.decode()
        assert _is_pdf(client_for(world.reception).get(receipt_url))
        assert _is_pdf(
            client_for(world.specialist).get(
                reverse("records:control_sheet_pdf", args=[record.code])
            )
        )
        assert client_for(world.outsider).get(receipt_url).status_code == 404


def test_supplement_extension_and_stop_forms(world):
    with travel("2025-04-21 08:00"):
        record = receive(world)
        services.step_claim(actor=world.specialist, record=record)
        services.supplement_request(
            actor=world.specialist, record=record, reason="Thiếu", items=[{"name": "CCCD"}]
        )
        client = client_for(world.specialist)
        assert _is_pdf(client.get(reverse("records:supplement_pdf", args=[record.code, 1])))
        assert (
            client.get(reverse("records:supplement_pdf", args=[record.code, 2])).status_code == 404
        )
        not_stopped = client.get(reverse("records:stop_notice_pdf", args=[record.code]))
        assert not_stopped.status_code == 409
        services.record_stop(
            actor=world.specialist, record=record, reason="Người yêu cầu không bổ sung"
        )
        assert _is_pdf(client.get(reverse("records:stop_notice_pdf", args=[record.code])))


def test_desk_slip_is_printed_only_at_its_agency(world):
    from motcua.records.services import desk_slip_issue

    with travel("2025-04-21 08:00"):
        slip = desk_slip_issue(
            actor=world.reception,
            agency=world.justice,
            procedure=world.pause_procedure,
            kind="guidance",
            applicant=applicant(),
            reason="Thiếu tờ khai",
            items=[{"name": "Tờ khai", "quantity": 1}],
        )
    url = reverse("records:slip_pdf", args=[slip.pk])
    page = client_for(world.reception).get(reverse("records:slip", args=[slip.pk]))
    assert url in page.content.decode()
    assert _is_pdf(client_for(world.reception).get(url))
    assert client_for(world.outsider).get(url).status_code == 404
