"""Printed forms follow the masking policy (issue 13, item 11).

The attack: the police officer who held a step of the Department of Justice's record sees that
record masked on its page (``masking.sees_full_record`` is false: another agency), yet could print
its receipt, control sheet or supplement request with the applicant's phone in clear, and the
receipt's or the evaluation card's QR code with the record's lookup secret (with it, anybody
reads the record's public page and gives its evaluation). Now the forms printed by such a user
carry the phone masked and no secret, and the evaluation card (nothing but a QR code with the
secret) is refused; the record's own agency still prints them in full."""

import pytest
from django.urls import reverse

from motcua.audit.models import AuditEntry
from motcua.evaluation.selectors import evaluation_url
from motcua.records import masking
from motcua.records.selectors import public_lookup_url
from motcua.records.tests.factories_documents import (
    pdf_text,
    qr_codes,
    render,
    walk_forward_supplement_approve,
)


@pytest.fixture
def record(world):
    record = walk_forward_supplement_approve(world)
    assert record.applicant_phone
    assert not masking.sees_full_record(world.police_officer, record)
    assert masking.sees_full_record(world.reception, record)
    return record


def _forms(record):
    return {
        "receipt": reverse("records:receipt_pdf", kwargs={"code": record.code}),
        "control_sheet": reverse("records:control_sheet_pdf", kwargs={"code": record.code}),
        "supplement": reverse("records:supplement_pdf", kwargs={"code": record.code, "number": 1}),
    }


def _text(data: bytes) -> str:
    return " ".join(pdf_text(data).split())


@pytest.mark.parametrize("form", ["receipt", "control_sheet", "supplement"])
def test_an_officer_who_sees_the_record_masked_prints_it_masked(client, world, record, form):
    client.force_login(world.police_officer)
    response = client.get(_forms(record)[form])
    assert response.status_code == 200
    text = _text(response.content)
    assert record.applicant_phone not in text
    assert masking.mask_phone(record.applicant_phone) in text
    entry = AuditEntry.objects.filter(action="export.document").latest("id")
    assert entry.detail["full"] is False
    assert entry.actor_id == world.police_officer.pk


@pytest.mark.parametrize("form", ["receipt", "control_sheet", "supplement"])
def test_the_record_agency_prints_it_in_full(client, world, record, form):
    client.force_login(world.reception)
    response = client.get(_forms(record)[form])
    assert response.status_code == 200
    assert record.applicant_phone in _text(response.content)
    assert AuditEntry.objects.filter(action="export.document").latest("id").detail["full"] is True


def test_the_masked_receipt_qr_code_has_no_lookup_secret(client, world, record):
    client.force_login(world.police_officer)
    data = client.get(_forms(record)["receipt"]).content
    codes = qr_codes(render(data, scale=3.0))
    assert codes == [public_lookup_url(record, with_secret=False)]
    assert record.lookup_secret not in codes[0]
    assert "?k=" not in codes[0]


def test_the_full_receipt_qr_code_keeps_the_secret(client, world, record):
    client.force_login(world.reception)
    data = client.get(_forms(record)["receipt"]).content
    assert qr_codes(render(data, scale=3.0)) == [public_lookup_url(record)]


def test_the_evaluation_card_is_not_printed_for_a_masked_view(client, world, record):
    """The card is its QR code, and the QR code is the secret: no masked version, a 403."""
    client.force_login(world.police_officer)
    response = client.get(reverse("evaluation:card"), {"code": record.code})
    assert response.status_code == 403
    assert record.lookup_secret.encode() not in response.content
    # The record's desk still prints the card with its QR code.
    client.force_login(world.reception)
    response = client.get(reverse("evaluation:card"), {"code": record.code})
    assert response.status_code == 200
    assert qr_codes(render(response.content, scale=3.0)) == [evaluation_url(record)]
