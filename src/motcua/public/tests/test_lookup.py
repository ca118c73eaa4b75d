"""The public lookup: by the QR link (code + secret) and by the form (code + secret or the last
four digits of the phone or ID number); unknown codes and wrong proofs answer identically; no
personal data in the page."""

import pytest
from django.urls import reverse

from motcua.evaluation.tests.factories import finished_record
from motcua.public.lookup import STATUS_TEXT
from motcua.public.tests.helpers import normalised, personal_data
from motcua.records import services
from motcua.records.tests.factories import receive, travel
from motcua.records.workflow import Status

UNKNOWN = "000.00.12.H99-250421-9999"


@pytest.fixture
def record(world):
    with travel("2025-04-21 08:00"):
        record = receive(world)
    with travel("2025-04-22 08:00"):
        services.step_claim(actor=world.specialist, record=record)
    with travel("2025-04-22 10:00"):
        services.supplement_request(
            actor=world.specialist,
            record=record,
            reason="Thiếu bản chụp giấy tờ tùy thân",
            items=[{"name": "Bản chụp Căn cước", "form": "copy", "quantity": 1}],
        )
    record.refresh_from_db()
    return record


def page(client, code, secret):
    return client.get(reverse("public:lookup", args=[code]), {"k": secret})


def test_the_qr_link_shows_status_appointment_steps_and_what_to_do(client, record):
    with travel("2025-04-23 09:00"):
        response = page(client, record.code, record.lookup_secret)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Cấp phiếu lý lịch tư pháp (2.000488)" in body
    assert record.code in body
    assert "08:00, 21/04/2025" in body  # received
    assert "08:00, 07/05/2025" in body  # appointment given at receipt
    assert str(STATUS_TEXT[Status.SUPPLEMENT_REQUESTED]) in body
    assert "Bản chụp Căn cước (1)" in body
    assert "Thiếu bản chụp giấy tờ tùy thân" in body
    assert "Phòng Lý lịch tư pháp, Sở Tư pháp" in body  # units, not officers
    assert "200.000" in body  # the fee still due


def test_the_lookup_url_printed_on_the_receipt_opens_this_page(client, record):
    from motcua.records.selectors import public_lookup_url

    url = public_lookup_url(record)
    path = url.split("127.0.0.1:8000", 1)[1]
    assert client.get(path).status_code == 200


def test_no_personal_data_or_officer_names_in_the_page(client, world, record):
    body = page(client, record.code, record.lookup_secret).content.decode()
    for secret_value in personal_data(world, record):
        assert secret_value and secret_value not in body, secret_value


def test_the_current_step_public_status_is_shown(client, world):
    with travel("2025-04-21 08:00"):
        record = receive(world)
    body = page(client, record.code, record.lookup_secret).content.decode()
    assert "Đang thẩm định" in body  # RecordStep.public_status of the step in progress


def test_unknown_code_and_wrong_secret_answer_identically(client, record):
    wrong = page(client, record.code, "not-the-secret-123456")
    unknown = page(client, UNKNOWN, "not-the-secret-123456")
    missing = client.get(reverse("public:lookup", args=[record.code]))
    assert wrong.status_code == unknown.status_code == missing.status_code == 404
    assert wrong.templates[0].name == unknown.templates[0].name
    assert normalised(wrong.content, code=record.code) == normalised(unknown.content, code=UNKNOWN)
    assert normalised(missing.content, code=record.code) == normalised(
        wrong.content, code=record.code
    ).replace("?k=not-the-secret-123456", "")


@pytest.mark.parametrize("proof_attr", ["applicant_phone", "applicant_id_number"])
def test_the_form_accepts_the_last_four_digits(client, record, proof_attr):
    digits = getattr(record, proof_attr)[-4:]
    response = client.post(reverse("public:lookup_form"), {"code": record.code, "proof": digits})
    assert response.status_code == 200
    body = response.content.decode()
    assert str(STATUS_TEXT[Status.SUPPLEMENT_REQUESTED]) in body
    assert "Bản chụp Căn cước (1)" in body
    assert record.lookup_secret not in body  # four digits never reveal the secret


def test_the_form_accepts_the_secret_and_links_the_evaluation_once_finished(client, world):
    record = finished_record(world)
    response = client.post(
        reverse("public:lookup_form"), {"code": record.code, "proof": record.lookup_secret}
    )
    assert response.status_code == 200
    assert reverse("public:evaluation", args=[record.code]) in response.content.decode()


def test_the_form_answers_identically_for_wrong_digits_and_unknown_codes(client, record):
    url = reverse("public:lookup_form")
    wrong = client.post(url, {"code": record.code, "proof": "0000"})
    unknown = client.post(url, {"code": UNKNOWN, "proof": record.applicant_phone[-4:]})
    wrong_secret = client.post(url, {"code": record.code, "proof": "abcdefghijklmnop"})
    assert wrong.status_code == unknown.status_code == wrong_secret.status_code == 404
    assert normalised(wrong.content, code=record.code) == normalised(unknown.content, code=UNKNOWN)
    assert normalised(wrong.content, code=record.code) == normalised(
        wrong_secret.content, code=record.code
    )


def test_the_form_asks_for_both_fields(client):
    response = client.post(reverse("public:lookup_form"), {"code": "", "proof": ""})
    assert response.status_code == 400


def test_the_page_is_in_english_when_chosen(client, record):
    client.cookies["django_language"] = "en"
    body = page(client, record.code, record.lookup_secret).content.decode()
    assert "Processing steps" in body
    assert "What you need to do" in body
