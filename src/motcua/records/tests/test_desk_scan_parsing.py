"""Desk scans are parsed like the documents app parses its scans (issue 13, item 14): a PDF must
be readable by pyHanko, an image must decode in Pillow. A file that only starts with ``%PDF``
(or with the JPEG or PNG signature) is refused with a form error and nothing is written; real
files up to ``MOTCUA_UPLOAD_MAX_MB`` are accepted."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.utils import override_settings
from django.urls import reverse

from motcua.documents.tests.scan_files import (
    FAKE_JPEG,
    FAKE_PDF,
    FAKE_PNG,
    jpeg,
    minimal_pdf,
    pdf_of_size,
    png,
)
from motcua.documents.tests.test_scan_limits import large_png
from motcua.records.models import Record, RecordComponent
from motcua.records.tests.factories import travel
from motcua.records.tests.factories_ui import client_for
from motcua.records.tests.test_views_intake import (
    _data,
    _mandatory,
    _nothing_written,
    media,  # noqa: F401 - autouse fixture: each test stores its scans in its own folder
)

pytestmark = pytest.mark.django_db
MB = 1024 * 1024


def _post(world, name: str, content: bytes):
    data = _data(world)
    field = f"c{_mandatory(world).pk}_file"
    data[field] = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    with travel("2025-04-21 08:00"):
        response = client_for(world.reception).post(reverse("records:intake"), data)
    return response, field


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("scan.pdf", FAKE_PDF),
        ("scan.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n"),
        ("scan.png", FAKE_PNG),
        ("scan.jpg", FAKE_JPEG),
        ("scan.png", png()[:-40]),  # truncated: the structure breaks
        ("scan.jpg", jpeg(400, 300)[:300]),  # truncated: the pixels do not decode
        ("scan.png", large_png(8000, 6000)),  # 48 MP: over MOTCUA_SCAN_MAX_MEGAPIXELS
    ],
    ids=[
        "only %PDF",
        "no xref",
        "only PNG signature",
        "only JPEG signature",
        "cut PNG",
        "cut JPEG",
        "too many pixels",
    ],
)
def test_a_file_that_only_looks_like_a_scan_is_refused(world, name, content):
    response, field = _post(world, name, content)
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    _nothing_written()


@pytest.mark.parametrize(
    ("content", "extension"),
    [(minimal_pdf(), ".pdf"), (png(), ".png"), (jpeg(), ".jpg")],
    ids=["pdf", "png", "jpeg"],
)
def test_real_scans_are_accepted(world, content, extension):
    response, _field = _post(world, "scan", content)
    assert response.status_code == 302, response.context["form"].errors
    stored = RecordComponent.objects.exclude(file="").get()
    assert stored.file.name.endswith(extension)
    assert Path(stored.file.path).read_bytes() == content


def test_a_scan_of_exactly_the_documented_size_is_accepted(world):
    data = pdf_of_size(settings.MOTCUA_UPLOAD_MAX_MB * MB)
    response, _field = _post(world, "big.pdf", data)
    assert response.status_code == 302, response.context["form"].errors
    assert Record.objects.count() == 1
    assert RecordComponent.objects.exclude(file="").get().file.size == len(data)


@override_settings(MOTCUA_UPLOAD_MAX_MB=1)
def test_one_byte_more_is_refused(world):
    response, field = _post(world, "big.pdf", pdf_of_size(MB + 1))
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    _nothing_written()
