"""Pages and API: anonymous verification (page and POST /api/v1/verify, QR /xac-minh/<code>),
and the officers' result panel with one POST per action (anonymous, other agency, allowed)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from motcua.documents import services, storage
from motcua.documents.models import DocumentReuse, ResultDocument
from motcua.documents.tests.factories import approved_record


@pytest.fixture
def sealed(pki, procedure):
    record = approved_record(pki, procedure)
    document = services.result_generate(actor=pki.leader, record=record)
    services.result_sign(actor=pki.leader, document=document, role="signer")
    document = services.result_sign(actor=pki.leader, document=document, role="seal")
    return document


def _upload(data: bytes, name: str = "result.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def test_public_page_verifies_an_upload(client, sealed):
    assert client.get("/xac-minh/").status_code == 200
    response = client.post("/xac-minh/", {"file": _upload(storage.read(sealed.storage_name))})
    assert response.status_code == 200
    assert response.context["report"].verdict == "valid"
    assert sealed.code in response.content.decode()


def test_qr_page_compares_with_the_registered_file(client, sealed):
    url = reverse("verification:code", args=[sealed.code])
    page = client.get(url)
    assert page.status_code == 200
    assert sealed.record.applicant_name not in page.content.decode()  # no personal data
    data = storage.read(sealed.storage_name)
    response = client.post(url, {"file": _upload(data + b"\n%tail\n")})
    assert response.context["report"].verdict != "valid"
    assert client.get(reverse("verification:code", args=["KQ.X.000001"])).status_code == 404


def test_upload_limits_and_type(client, sealed, settings):
    response = client.post("/xac-minh/", {"file": _upload(b"GIF89a....", "x.pdf")})
    assert response.status_code == 400
    settings.MOTCUA_VERIFY_MAX_MB = 0
    response = client.post("/xac-minh/", {"file": _upload(storage.read(sealed.storage_name))})
    assert response.status_code == 400


def test_api_verify_is_anonymous(client, sealed):
    data = storage.read(sealed.storage_name)
    response = client.post("/api/v1/verify", {"file": _upload(data), "result_code": sealed.code})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["verdict"] == "valid" and body["registered"] is True
    assert [s["ok"] for s in body["signatures"]] == [True, True]
    refused = client.post("/api/v1/verify", {"file": _upload(b"hello", "a.pdf")})
    assert refused.status_code == 400


def test_officer_panel_permissions(client, pki, procedure):
    record = approved_record(pki, procedure)
    url = reverse("documents:record", args=[record.pk])
    assert client.get(url).status_code == 302  # anonymous: to the login page
    client.force_login(pki.outsider)
    assert client.get(url).status_code == 404  # another agency: as if it did not exist
    assert client.post(reverse("documents:generate", args=[record.pk])).status_code == 404
    client.force_login(pki.leader)
    assert client.get(url).status_code == 200


def test_officer_generates_signs_and_seals_through_the_pages(client, pki, procedure):
    record = approved_record(pki, procedure)
    client.force_login(pki.leader)
    client.post(reverse("documents:generate", args=[record.pk]), {"content": ""})
    document = ResultDocument.objects.get(record=record, is_current=True)
    sign = reverse("documents:sign", args=[record.pk, document.pk])
    client.post(sign, {"role": "signer"})
    client.force_login(pki.reception)
    client.post(sign, {"role": "seal"})
    document.refresh_from_db()
    assert document.sealed and document.signature_count == 2
    page = client.get(reverse("documents:record", args=[record.pk]))
    assert document.code in page.content.decode()
    pdf = client.get(reverse("documents:file", args=[record.pk, document.pk]))
    assert pdf["Content-Type"] == "application/pdf"


def test_api_generate_and_sign(client, pki, procedure):
    record = approved_record(pki, procedure)
    client.force_login(pki.leader)
    created = client.post(
        f"/api/v1/documents/records/{record.pk}/result", {}, content_type="application/json"
    )
    assert created.status_code == 201, created.content
    result_id = created.json()["id"]
    url = f"/api/v1/documents/records/{record.pk}/result/{result_id}/sign"
    assert client.post(url, {"role": "seal"}, content_type="application/json").status_code == 409
    signed = client.post(url, {"role": "signer"}, content_type="application/json")
    assert signed.status_code == 200 and signed.json()["signature_count"] == 1
    client.force_login(pki.outsider)
    assert client.post(url, {"role": "seal"}, content_type="application/json").status_code == 404


def test_reuse_button_attaches(client, pki, sealed):
    from motcua.records.tests.factories import applicant, receive, travel

    with travel("2025-06-02 08:00"):
        record = receive(pki, pki.pause_procedure, applicant=applicant(id_number="001190012345"))
    client.force_login(pki.reception)
    page = client.get(reverse("documents:record", args=[record.pk]))
    assert sealed.code in page.content.decode()
    client.post(reverse("documents:reuse", args=[record.pk]), {"result": sealed.pk})
    assert DocumentReuse.objects.filter(record=record, result=sealed).count() == 1
    assert (
        client.post(reverse("documents:reuse", args=[record.pk]), {"result": 0}).status_code == 404
    )


def test_record_page_links_to_the_result_panel(client, pki, procedure):
    record = approved_record(pki, procedure)
    client.force_login(pki.leader)
    page = client.get(reverse("records:detail", args=[record.code]))
    assert page.status_code == 200
    assert reverse("documents:record", args=[record.pk]) in page.content.decode()
