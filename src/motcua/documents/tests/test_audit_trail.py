"""Issue 13, item 10: result documents leave a trail in the audit log: generated, signed,
sealed, reused (pages and API), and every download of the PDF."""

from django.urls import reverse

from motcua.audit.models import AuditEntry
from motcua.documents.models import DocumentReuse, ResultDocument
from motcua.documents.tests.factories import approved_record
from motcua.records.tests.factories import applicant, receive, travel


def _entries(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action).order_by("id"))


def test_generate_sign_seal_download_and_reuse_through_the_pages_are_audited(
    client, pki, procedure
):
    record = approved_record(pki, procedure)
    client.force_login(pki.leader)
    client.post(
        reverse("documents:generate", args=[record.pk]), {"content": ""}, REMOTE_ADDR="10.0.0.5"
    )
    document = ResultDocument.objects.get(record=record, is_current=True)
    [generated] = _entries("documents.result_generated")
    assert (generated.actor_id, generated.object_id, generated.ip) == (
        pki.leader.pk,
        record.code,
        "10.0.0.5",
    )
    assert generated.detail["result"] == document.code
    sign = reverse("documents:sign", args=[record.pk, document.pk])
    client.post(sign, {"role": "signer"})
    client.force_login(pki.reception)
    client.post(sign, {"role": "seal"})
    [signed] = _entries("documents.result_signed")
    [sealed] = _entries("documents.result_sealed")
    assert (signed.actor_id, signed.detail["order"]) == (pki.leader.pk, 1)
    assert (sealed.actor_id, sealed.detail["order"]) == (pki.reception.pk, 2)
    document.refresh_from_db()
    assert sealed.detail["sha256"] == document.sha256

    pdf = client.get(reverse("documents:file", args=[record.pk, document.pk]))
    assert pdf.status_code == 200
    [download] = _entries("export.result")
    assert (download.actor_id, download.object_id) == (pki.reception.pk, record.code)
    assert download.detail["result"] == document.code

    with travel("2025-06-02 08:00"):
        second = receive(pki, pki.pause_procedure, applicant=applicant(id_number="001190012345"))
    client.post(reverse("documents:reuse", args=[second.pk]), {"result": document.pk})
    assert DocumentReuse.objects.filter(record=second, result=document).exists()
    [reused] = _entries("documents.reused")
    assert (reused.actor_id, reused.object_id) == (pki.reception.pk, second.code)
    assert reused.detail["result"] == document.code


def test_refused_downloads_and_signatures_write_nothing(client, pki, procedure):
    record = approved_record(pki, procedure)
    client.force_login(pki.leader)
    client.post(reverse("documents:generate", args=[record.pk]), {"content": ""})
    document = ResultDocument.objects.get(record=record, is_current=True)
    client.force_login(pki.outsider)
    assert client.get(reverse("documents:file", args=[record.pk, document.pk])).status_code == 404
    sign = reverse("documents:sign", args=[record.pk, document.pk])
    assert client.post(sign, {"role": "signer"}).status_code == 404
    assert not _entries("export.result") and not _entries("documents.result_signed")


def test_api_generate_and_sign_are_audited(client, pki, procedure):
    record = approved_record(pki, procedure)
    client.force_login(pki.leader)
    created = client.post(
        f"/api/v1/documents/records/{record.pk}/result", {}, content_type="application/json"
    )
    assert created.status_code == 201
    url = f"/api/v1/documents/records/{record.pk}/result/{created.json()['id']}/sign"
    assert client.post(url, {"role": "signer"}, content_type="application/json").status_code == 200
    assert [e.actor_id for e in _entries("documents.result_generated")] == [pki.leader.pk]
    assert [e.actor_id for e in _entries("documents.result_signed")] == [pki.leader.pk]
