"""Verification: a signed registered result passes; a flipped byte, an appended update that
changes the content, an unsigned copy, a non-PDF and an unknown signer are reported as such."""

import io

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from motcua.documents import services, storage
from motcua.documents.tests.factories import approved_record
from motcua.documents.verification import Verdict, verify_pdf


@pytest.fixture
def signed(pki, procedure):
    record = approved_record(pki, procedure)
    document = services.result_generate(actor=pki.leader, record=record)
    services.result_sign(actor=pki.leader, document=document, role="signer")
    document = services.result_sign(actor=pki.leader, document=document, role="seal")
    return document, storage.read(document.storage_name)


def test_registered_signed_result_is_valid(signed):
    document, data = signed
    report = verify_pdf(data)
    assert report.verdict == Verdict.VALID, report.as_dict()
    assert report.registered is True
    assert report.result_code == document.code
    assert report.record_code == document.record.code
    assert [s.ok for s in report.signatures] == [True, True]
    assert "DEMO" in report.signatures[0].organisation
    assert report.signatures[0].signed_at is not None
    assert verify_pdf(data, expected_code=document.code).verdict == Verdict.VALID


def test_flipped_byte_is_detected(signed):
    _document, data = signed
    # Flip one byte inside the first signed range (the page content, well before the signature).
    position = data.index(b"stream") + 40
    tampered = data[:position] + bytes([data[position] ^ 0x01]) + data[position + 1 :]
    report = verify_pdf(tampered)
    assert report.verdict in (Verdict.INVALID, Verdict.DAMAGED)
    assert report.verdict != Verdict.VALID
    assert report.registered is not True


def test_appended_update_changing_content_is_detected(signed):
    document, data = signed
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    stream = generic.StreamObject(stream_data=b"BT /F1 24 Tf 100 700 Td (FORGED) Tj ET")
    contents = page["/Contents"]
    kids = list(contents) if isinstance(contents, generic.ArrayObject) else [contents]
    page["/Contents"] = generic.ArrayObject([*kids, writer.add_object(stream)])
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    report = verify_pdf(out.getvalue(), expected_code=document.code)
    assert report.verdict == Verdict.MODIFIED, report.as_dict()
    assert all(s.intact for s in report.signatures)  # the signed bytes are untouched ...
    assert any(s.changed_after for s in report.signatures)  # ... but content was added after
    assert report.registered is False


def test_unsigned_copy_is_reported(pki, procedure):
    record = approved_record(pki, procedure)
    document = services.result_generate(actor=pki.leader, record=record)
    data = storage.read(document.storage_name)
    report = verify_pdf(data, expected_code=document.code)
    assert report.verdict == Verdict.UNSIGNED
    assert report.registered is False
    assert report.signatures == []


def test_not_a_pdf_is_refused_by_magic_bytes(db):
    report = verify_pdf(b"\x89PNG\r\n\x1a\n" + b"0" * 100)
    assert report.verdict == Verdict.NOT_PDF
    assert verify_pdf(b"%PDF-1.7\nnot really a pdf").verdict == Verdict.DAMAGED


def test_signer_outside_the_trust_roots_is_untrusted(signed, settings):
    _document, data = signed
    settings.MOTCUA_DEMO_DATA = False  # the demo CA is trusted only in the demo
    settings.MOTCUA_TRUST_ROOTS = []
    report = verify_pdf(data)
    assert report.verdict == Verdict.UNTRUSTED
    assert all(s.intact and s.valid and not s.trusted for s in report.signatures)


def test_resaved_copy_is_not_the_registered_signed_file(signed):
    from pypdf import PdfReader, PdfWriter

    document, data = signed
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    out = io.BytesIO()
    writer.write(out)  # rewritten by another tool: byte offsets and objects change
    report = verify_pdf(out.getvalue(), expected_code=document.code)
    assert report.verdict != Verdict.VALID
    assert report.registered is False
