"""Result documents: generated as PDF/A with the codes, signed by the leader then sealed;
both signatures validate with pyHanko and with poppler's pdfsig."""

import io
import shutil
import subprocess

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from motcua.core.errors import Conflict, PermissionDenied
from motcua.documents import services, storage
from motcua.documents.models import ResultDocument, ResultSignature
from motcua.documents.selectors import result_signed
from motcua.documents.tests.factories import LEGAL_BASIS, approved_record, pdf_text
from motcua.documents.verification import trust_roots


def _signed(world, procedure):
    record = approved_record(world, procedure)
    document = services.result_generate(actor=world.leader, record=record)
    document = services.result_sign(actor=world.leader, document=document, role="signer")
    document = services.result_sign(actor=world.leader, document=document, role="seal")
    return record, document


def test_result_document_carries_codes_legal_basis_and_qr(pki, procedure, settings):
    settings.MOTCUA_PUBLIC_BASE_URL = "https://motcua.example.gov.vn"
    record = approved_record(pki, procedure)
    document = services.result_generate(actor=pki.leader, record=record)
    assert document.code == f"KQ.{pki.justice.code}.000001"
    data = storage.read(document.storage_name)
    assert storage.sha256(data) == document.sha256 == document.unsigned_sha256
    text = pdf_text(data)
    assert document.code in text
    assert record.code in text
    assert LEGAL_BASIS.splitlines()[0] in text
    assert "GIẤY CHỨNG NHẬN" in text
    assert b"pdfaid:part" in data  # PDF/A identification in the XMP metadata
    second = services.result_generate(actor=pki.leader, record=record)
    assert second.code.endswith(".000002")  # a new draft replaces the unsigned one
    assert ResultDocument.objects.get(pk=document.pk).is_current is False


def test_two_signatures_validate_with_pyhanko(pki, procedure):
    record, document = _signed(pki, procedure)
    assert document.signature_count == 2 and document.sealed
    assert result_signed(record)
    assert list(document.signatures.values_list("role", flat=True)) == ["signer", "seal"]
    data = storage.read(document.storage_name)
    assert storage.sha256(data) == document.sha256
    context = ValidationContext(trust_roots=trust_roots(), allow_fetching=False)
    signatures = PdfFileReader(io.BytesIO(data)).embedded_signatures
    assert [s.field_name for s in signatures] == ["Signature1", "Seal"]
    for signature in signatures:
        status = validate_pdf_signature(signature, context)
        assert status.bottom_line, status.pretty_print_details()
    assert "DEMO" in signatures[0].signer_cert.subject.human_friendly


def test_pdfsig_reports_both_signatures_valid(pki, procedure, tmp_path):
    assert shutil.which("pdfsig"), "poppler-utils must be installed (tools/ensure-pdf-tools)"
    _record, document = _signed(pki, procedure)
    path = tmp_path / "result.pdf"
    path.write_bytes(storage.read(document.storage_name))
    completed = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, timeout=60)
    assert completed.stdout.count("Signature is Valid") == 2, completed.stdout
    assert "Total document signed" in completed.stdout


def test_signing_order_and_permissions(pki, procedure):
    record = approved_record(pki, procedure)
    document = services.result_generate(actor=pki.leader, record=record)
    with pytest.raises(Conflict):
        services.result_sign(actor=pki.leader, document=document, role="seal")
    with pytest.raises(PermissionDenied):
        services.result_sign(actor=pki.specialist, document=document, role="signer")
    assert ResultSignature.objects.count() == 0
    before = ResultDocument.objects.get(pk=document.pk)
    assert before.sha256 == before.unsigned_sha256
    services.result_sign(actor=pki.leader, document=document, role="signer")
    with pytest.raises(Conflict):
        services.result_sign(actor=pki.leader, document=document, role="signer")
    with pytest.raises(Conflict):  # a signed result is never replaced by a new draft
        services.result_generate(actor=pki.leader, record=record)
