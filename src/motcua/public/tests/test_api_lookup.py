"""GET /api/v1/public/lookup: anonymous, the same data as the page, identical 404s."""

import pytest
from django.urls import reverse

from motcua.public.tests.helpers import personal_data
from motcua.records.tests.factories import receive, travel


@pytest.fixture
def record(world):
    with travel("2025-04-21 08:00"):
        return receive(world)


def call(client, **params):
    return client.get(reverse("api:public:lookup"), params)


def test_lookup_by_secret_and_by_digits(client, world, record):
    by_secret = call(client, code=record.code, k=record.lookup_secret)
    by_digits = call(client, code=record.code, digits=record.applicant_id_number[-4:])
    assert by_secret.status_code == by_digits.status_code == 200
    data = by_secret.json()
    assert data == by_digits.json()
    assert data["code"] == record.code
    assert data["status"] == "in_progress" or data["status"] == "received"
    assert data["status_text"] == "Đang thẩm định"
    assert data["timeline"][0]["unit"] == "Bộ phận Một cửa, Sở Tư pháp"
    assert data["fees_due"] == [
        {"name": "Phí cung cấp thông tin lý lịch tư pháp", "amount": 200000}
    ]
    text = by_secret.content.decode()
    for value in personal_data(world, record):
        assert value not in text


def test_unknown_and_wrong_answer_the_same_404(client, record):
    wrong = call(client, code=record.code, k="nope")
    unknown = call(client, code="000.00.12.H99-250421-9999", k=record.lookup_secret)
    digits = call(client, code=record.code, digits="0000")
    assert wrong.status_code == unknown.status_code == digits.status_code == 404
    assert wrong.json() == unknown.json() == digits.json()


def test_no_answer_is_stored_by_a_browser_or_proxy(client, record, settings):
    """The answers carry the record's status and fees: like the HTML page, never cached."""
    answers = [
        call(client, code=record.code, k=record.lookup_secret),  # 200
        call(client, code=record.code, k="nope"),  # 404
        call(client, code=record.code),  # 400
    ]
    settings.MOTCUA_LOOKUP_LIMIT_PER_IP = 1
    answers.append(call(client, code=record.code, k=record.lookup_secret))  # 429
    assert [a.status_code for a in answers] == [200, 404, 400, 429]
    for answer in answers:
        assert "no-store" in answer["Cache-Control"], answer.status_code
    page = client.get(reverse("public:lookup", args=[record.code]), {"k": "x"})
    assert "no-store" in page["Cache-Control"]


def test_a_proof_is_required(client, record):
    response = call(client, code=record.code)
    assert response.status_code == 400
    assert call(client, code=record.code, digits="12a4").status_code == 400


def test_the_schema_documents_the_lookup_and_its_errors(tmp_path):
    import yaml
    from django.core.management import call_command

    target = tmp_path / "schema.yml"
    call_command("spectacular", "--file", str(target))
    operation = yaml.safe_load(target.read_text(encoding="utf-8"))["paths"][
        "/api/v1/public/lookup"
    ]["get"]
    assert set(operation["responses"]) == {"200", "400", "404", "429"}
    assert {p["name"] for p in operation["parameters"]} == {"code", "k", "digits"}
