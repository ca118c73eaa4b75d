"""Digitised documents are sealed electronic copies; a new record of the same person lists
them (and earlier signed results) and attaches them without re-scanning, counting the reuse."""

import io
from datetime import date

import pytest
from PIL import Image

from motcua.core.errors import Conflict, PermissionDenied, ValidationFailed
from motcua.documents import services, storage
from motcua.documents.models import DigitisedDocument, DocumentReuse
from motcua.documents.selectors import reusable_for, reuse_counts
from motcua.documents.tests.factories import approved_record
from motcua.documents.verification import Verdict, verify_pdf
from motcua.records.tests.factories import applicant, receive, travel

OWNER = "001190012345"


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (300, 200), (240, 240, 230)).save(buffer, format="JPEG")
    return buffer.getvalue()


def _digitise(world, **overrides):
    data = dict(
        actor=world.reception,
        agency=world.justice,
        owner_id_number=OWNER,
        owner_name="Nguyễn Thị Hồng Nhung",
        component_code="000.00.00.G09-CC001",
        name="Căn cước công dân",
        issuer="Cục Cảnh sát QLHC về TTXH",
        valid_from=date(2021, 1, 1),
        valid_until=date(2036, 1, 1),
        data=_jpeg(),
    )
    data.update(overrides)
    return services.digitised_create(**data)


def test_scan_is_stored_with_metadata_and_sealed(pki):
    document = _digitise(pki)
    data = storage.read(document.storage_name)
    assert storage.sha256(data) == document.sha256
    assert document.is_digitised and document.signed_at is not None
    report = verify_pdf(data)
    assert report.verdict == Verdict.VALID, report.as_dict()
    assert report.signatures[0].signer == pki.justice.name


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"owner_id_number": "x"}, "owner_id_number"),
        ({"name": ""}, "name"),
        ({"data": b"GIF89a not allowed"}, "file"),
        ({"data": b""}, "file"),
        ({"valid_from": date(2030, 1, 1), "valid_until": date(2029, 1, 1)}, "valid_until"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_stored(pki, overrides, field):
    with pytest.raises(ValidationFailed) as refused:
        _digitise(pki, **overrides)
    assert refused.value.field == field
    assert DigitisedDocument.objects.count() == 0


def test_only_agency_officers_digitise(pki):
    with pytest.raises(PermissionDenied):
        _digitise(pki, actor=pki.outsider)


def test_reuse_is_listed_attached_and_counted(pki, procedure):
    scan = _digitise(pki)
    _digitise(pki, owner_id_number="079200000001")  # somebody else's
    expired = _digitise(pki, valid_from=date(2010, 1, 1), valid_until=date(2020, 1, 1))
    first = approved_record(pki, procedure)
    result = services.result_generate(actor=pki.leader, record=first)
    services.result_sign(actor=pki.leader, document=result, role="signer")
    result = services.result_sign(actor=pki.leader, document=result, role="seal")

    with travel("2025-06-02 08:00"):
        second = receive(pki, pki.pause_procedure, applicant=applicant(id_number=OWNER))
    options = reusable_for(record=second, user=pki.reception)
    assert [d.pk for d in options.digitised] == [scan.pk]  # valid, same person only
    assert expired.pk not in [d.pk for d in options.digitised]
    assert [r.pk for r in options.results] == [result.pk]

    services.document_reuse(actor=pki.reception, record=second, digitised=scan)
    services.document_reuse(actor=pki.reception, record=second, result=result)
    with pytest.raises(Conflict):
        services.document_reuse(actor=pki.reception, record=second, digitised=scan)
    with pytest.raises(Conflict):
        services.document_reuse(actor=pki.reception, record=second, digitised=expired)
    with pytest.raises(PermissionDenied):
        services.document_reuse(actor=pki.outsider, record=second, digitised=scan)

    assert DigitisedDocument.objects.get(pk=scan.pk).reuse_count == 1
    assert DocumentReuse.objects.filter(record=second).count() == 2
    options = reusable_for(record=second, user=pki.reception)
    assert options.attached_digitised == {scan.pk}
    assert options.attached_results == {result.pk}
    counts = reuse_counts(agency_id=pki.justice.pk)
    assert counts["attachments"] == 2 and counts["digitised"] == 1 and counts["results"] == 1
    assert counts["records"] == 1 and counts["counted_on_documents"] == 1


def test_documents_of_another_person_cannot_be_attached(pki):
    other = _digitise(pki, owner_id_number="079200000001")
    with travel("2025-06-02 08:00"):
        record = receive(pki, pki.pause_procedure, applicant=applicant(id_number=OWNER))
    with pytest.raises(ValidationFailed):
        services.document_reuse(actor=pki.reception, record=record, digitised=other)
    assert DocumentReuse.objects.count() == 0
