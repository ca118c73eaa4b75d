"""Hostile PDFs sent to verification (issue 13, item 13): files crafted to break the PDF parser
(ten thousand nested arrays, a catalogue that is a number, a signature field whose value is not
a dictionary, cross-reference loops...) answer 400 in the API's error format, ``fields.file``; the public page shows
them as damaged. Never a 500."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from motcua.documents.tests.scan_files import PAGES, minimal_pdf, pdf
from motcua.documents.verification import Verdict, verify_pdf

pytestmark = pytest.mark.django_db


CATALOG_WITH_FIELD = b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [3 0 R] >> >>"

HOSTILE = {
    "10 000 nested arrays": pdf(
        b"<< /Type /Catalog /Pages 2 0 R /X " + b"[" * 10_000 + b"]" * 10_000 + b" >>", PAGES
    ),
    "catalogue is a number": pdf(b"5", b"<< >>"),
    "signature value is a number": pdf(CATALOG_WITH_FIELD, PAGES, b"<< /FT /Sig /T (s) /V 5 >>"),
    "field is its own kid": pdf(CATALOG_WITH_FIELD, PAGES, b"<< /T (a) /Kids [3 0 R] >>"),
    "cross-reference loop": (
        b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\nxref\n0 1\n0000000000 65535 f \n"
        b"trailer << /Size 2 /Root 1 0 R /Prev 40 >>\nstartxref\n40\n%%EOF"
    ),
    "absurd sizes": (
        b"%PDF-1.7\ntrailer << /Root 1 0 R /Size 99999999999999999999 /Prev -5 >>\n"
        b"startxref\n99999999999\n%%EOF"
    ),
    "header only": b"%PDF-1.7\n" + b"\x00" * 64,
}


# Readable files whose odd parts pyHanko skips (a signature without /Filter and /SubFilter, a
# field list that is not an array): no signature can be checked, so they are reported unsigned.
ODD_BUT_READABLE = {
    "signature dictionary without filter": pdf(
        CATALOG_WITH_FIELD,
        PAGES,
        b"<< /FT /Sig /T (s) /V 4 0 R >>",
        b"<< /Type /Sig /ByteRange 5 /Contents 7 >>",
    ),
    "field list is a number": pdf(
        b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields 7 >> >>", PAGES
    ),
}


def _post(data: bytes):
    client = APIClient(raise_request_exception=False)
    upload = SimpleUploadedFile("file.pdf", data, content_type="application/pdf")
    return client.post("/api/v1/verify", {"file": upload}, format="multipart")


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_pdf_is_a_400_in_the_api_error_format(name):
    response = _post(HOSTILE[name])
    assert response.status_code == 400, (name, response.status_code, response.content[:200])
    error = response.json()["error"]
    assert error["code"] == "damaged"
    assert list(error["fields"]) == ["file"]


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_pdf_is_reported_damaged_by_the_verifier_and_the_page(client, name):
    assert verify_pdf(HOSTILE[name]).verdict == Verdict.DAMAGED
    upload = SimpleUploadedFile("file.pdf", HOSTILE[name], content_type="application/pdf")
    response = client.post("/xac-minh/", {"file": upload})
    assert response.status_code == 200
    assert response.context["report"].verdict == Verdict.DAMAGED


@pytest.mark.parametrize("name", list(ODD_BUT_READABLE))
def test_odd_but_readable_pdfs_are_reported_unsigned_not_ok(name):
    response = _post(ODD_BUT_READABLE[name])
    assert response.status_code == 200, response.content[:200]
    assert (response.json()["verdict"], response.json()["ok"]) == (Verdict.UNSIGNED, False)


def test_a_readable_unsigned_pdf_is_still_a_report_not_an_error():
    response = _post(minimal_pdf())
    assert response.status_code == 200, response.content[:200]
    assert response.json()["verdict"] == Verdict.UNSIGNED


def test_a_file_that_is_not_a_pdf_is_a_400():
    response = _post(b"GIF89a" + b"\x00" * 32)
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["file"]
