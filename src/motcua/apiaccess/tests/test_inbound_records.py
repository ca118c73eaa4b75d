"""POST /api/v1/inbound/records: online records from the portal, idempotent by (source, external
code) and by Idempotency-Key; files checked; nothing half-written."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from motcua.apiaccess.models import IdempotencyKey, InboundSubmission
from motcua.apiaccess.tests.factories import (
    INBOUND,
    PDF,
    PNG,
    b64,
    bearer,
    inbound_body,
    make_client,
    token_for,
)
from motcua.records.models import Record, RecordComponent, RecordEvent
from motcua.records.tests.factories import travel

pytestmark = pytest.mark.django_db


@pytest.fixture
def portal(world):
    client, secret = make_client(world.justice, scopes="records:submit records:read")
    return bearer(token_for(client, secret))


def post(api: APIClient, body: dict, key: str | None = None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return api.post(INBOUND, body, format="json", **headers)


def counts() -> tuple[int, int, int, int, int]:
    return (
        Record.objects.count(),
        RecordComponent.objects.count(),
        RecordEvent.objects.count(),
        InboundSubmission.objects.count(),
        IdempotencyKey.objects.count(),
    )


def test_an_online_record_waits_in_status_1_with_its_documents(world, portal):
    with travel("2025-04-21 08:00"):
        response = post(portal, inbound_body())
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "submitted" and body["national_code"] == 1
    assert body["code"] is None
    assert body["source"] == "dvcqg" and body["external_code"] == "G22.99-20250421-0000123"
    assert body["submitted_at"] == "2025-04-20T21:15:00+07:00"
    assert body["documents"] == [
        {
            "name": "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp",
            "copy_kind": "electronic",
            "quantity": 1,
            "has_file": True,
        },
        {"name": "Giấy ủy quyền", "copy_kind": "copy", "quantity": 1, "has_file": False},
    ]
    assert "applicant" not in body  # the stored answer keeps no personal data
    record = Record.objects.get(pk=body["id"])
    assert record.channel == "online" and record.applicant_name == "Trần Văn Bình"
    scan = record.components.get(component__code="TK")
    assert scan.file.name.endswith("to-khai.pdf") and scan.file.read() == PDF
    assert record.events.get().kind == "record.submitted"
    assert portal.get(body["url"]).status_code == 200


def test_a_retry_of_the_same_source_and_code_returns_the_first_answer(world, portal):
    first = post(portal, inbound_body())
    again = post(portal, inbound_body())
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Record.objects.count() == 1


def test_the_same_source_and_code_with_other_content_is_a_conflict(world, portal):
    post(portal, inbound_body())
    before = counts()
    other = post(portal, inbound_body(subject="Khác"))
    assert other.status_code == 409
    assert other.json()["error"]["code"] == "duplicate"
    assert counts() == before


def test_a_retry_with_the_same_key_returns_the_first_answer(world, portal):
    first = post(portal, inbound_body(), key="k-1")
    again = post(portal, inbound_body(), key="k-1")
    assert (again.status_code, again.json()) == (201, first.json())
    assert again["Idempotent-Replayed"] == "true"
    assert Record.objects.count() == 1


def test_the_same_key_with_another_body_is_refused_with_422(world, portal):
    post(portal, inbound_body(), key="k-1")
    before = counts()
    response = post(portal, inbound_body(external_code="OTHER-1"), key="k-1")
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "idempotency_key_reused"
    assert "Idempotency-Key" in error["message"]
    assert counts() == before


def test_an_error_answer_is_kept_under_its_key_too(world, portal):
    bad = inbound_body(procedure="9.999999")
    first = post(portal, bad, key="k-err")
    assert first.status_code == 400
    assert list(first.json()["error"]["fields"]) == ["procedure"]
    again = post(portal, bad, key="k-err")
    assert (again.status_code, again.json()) == (400, first.json())
    assert again["Idempotent-Replayed"] == "true"
    assert Record.objects.count() == 0


def test_keys_belong_to_their_client(world, portal):
    post(portal, inbound_body(), key="shared")
    hub, secret = make_client(world.justice, scopes="records:submit", name="LGSP")
    response = post(
        bearer(token_for(hub, secret)), inbound_body(external_code="HUB-1"), key="shared"
    )
    assert response.status_code == 201
    assert Record.objects.count() == 2


@pytest.mark.parametrize(
    ("file", "message"),
    [
        ({"name": "a.pdf", "content_type": "application/pdf", "content": "%%%notbase64"}, "base64"),
        ({"name": "a.pdf", "content_type": "application/pdf", "content": ""}, None),
        (
            {"name": "a.pdf", "content_type": "application/pdf", "content": b64(PNG)},
            "application/pdf",
        ),
        ({"name": "a.exe", "content_type": "application/x-msdownload", "content": b64(PDF)}, None),
    ],
)
def test_bad_files_are_refused_on_their_path_and_nothing_is_written(world, portal, file, message):
    body = inbound_body()
    body["documents"][0]["file"] = file
    before = counts()
    response = post(portal, body)
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    path = next(key for key in fields if key.startswith("documents.0.file"))
    if message:
        assert message in " ".join(fields[path])
    assert counts() == before


def test_files_over_the_limit_are_refused(world, portal, settings):
    settings.MOTCUA_UPLOAD_MAX_MB = 1
    body = inbound_body()
    body["documents"][0]["file"]["content"] = b64(PDF + b"0" * (1024 * 1024))
    response = post(portal, body)
    assert response.status_code == 413  # issue 13, item 14: a JSON 413 above the limit
    assert response.json()["error"]["code"] == "too_large"
    assert "1 MB" in response.json()["error"]["fields"]["documents.0.file.content"][0]
    assert Record.objects.count() == 0


def test_a_request_over_the_size_limit_is_refused_before_parsing(world, portal, settings):
    settings.MOTCUA_INBOUND_MAX_MB = 0
    response = post(portal, inbound_body())
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"


def test_service_errors_name_the_request_fields(world, portal):
    body = inbound_body(applicant={"name": "Bình", "phone": "12"})
    body["documents"][0]["component_code"] = "XX"
    response = post(portal, body)
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["documents.0.component_code"]
    response = post(portal, inbound_body(applicant={"name": "Bình", "phone": "12"}))
    assert list(response.json()["error"]["fields"]) == ["applicant.phone"]


def test_another_agency_is_refused(world, portal):
    response = post(portal, inbound_body(agency="000.00.30.H99"))
    assert response.status_code == 403
    assert response.json()["error"]["fields"] == {"agency": [response.json()["error"]["message"]]}
    assert Record.objects.count() == 0


def test_sessions_and_tokens_without_the_scope_are_refused(world):
    session = APIClient()
    session.force_login(world.admin)
    assert post(session, inbound_body()).status_code == 403
    reader, secret = make_client(world.justice, scopes="records:read", name="Reader")
    response = post(bearer(token_for(reader, secret)), inbound_body())
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "insufficient_scope"
    assert Record.objects.count() == 0


@pytest.mark.parametrize("key", ["", " padded ", "x" * 201, "khóa"])
def test_malformed_idempotency_keys_are_refused(world, portal, key):
    response = post(portal, inbound_body(), key=key)
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["error"]["fields"]
    assert Record.objects.count() == 0


def test_the_desk_receives_it_later(world, portal):
    from motcua.records.tests.factories_api import client_for

    with travel("2025-04-21 08:00"):
        body = post(portal, inbound_body()).json()
        response = client_for(world.reception).post(
            f"/api/v1/records/{body['id']}/actions/receive/", {}, format="json"
        )
    assert response.status_code == 200
    assert response.json()["national_code"] == 2
