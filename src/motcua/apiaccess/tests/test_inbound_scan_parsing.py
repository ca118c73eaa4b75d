"""Inbound files are parsed, not only sniffed (documents.scans.read_scan, as at the desk): a file
that merely mentions ``%PDF-`` or only starts like a scan is refused with a 400 on that file's
field and nothing is written; real PDFs and images are accepted."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from motcua.apiaccess.tests.factories import (
    INBOUND,
    b64,
    bearer,
    inbound_body,
    make_client,
    token_for,
)
from motcua.documents.tests.scan_files import FAKE_PDF, FAKE_PNG, jpeg, minimal_pdf, png
from motcua.documents.tests.test_scan_limits import HTML_WITH_PDF_COMMENT, large_png
from motcua.records.models import Record, RecordComponent

pytestmark = pytest.mark.django_db
FIELD = "documents.0.file.content"


@pytest.fixture
def portal(world):
    client, secret = make_client(world.justice, scopes="records:submit records:read")
    return bearer(token_for(client, secret))


def _post(portal: APIClient, content_type: str, data: bytes):
    body = inbound_body()
    body["documents"][0]["file"] = {"name": "x", "content_type": content_type, "content": b64(data)}
    return portal.post(INBOUND, body, format="json")


@pytest.mark.parametrize(
    ("content_type", "data"),
    [
        ("application/pdf", HTML_WITH_PDF_COMMENT),
        ("application/pdf", FAKE_PDF),
        ("image/png", FAKE_PNG),
        ("image/png", large_png(8000, 6000)),
        ("application/pdf", png()),
    ],
    ids=["html mentioning %PDF-", "only %PDF", "only PNG signature", "too many pixels", "png"],
)
def test_a_file_that_does_not_parse_is_refused_on_its_field(world, portal, content_type, data):
    response = _post(portal, content_type, data)
    assert response.status_code == 400, response.content
    assert response.json()["error"]["fields"][FIELD]
    assert Record.objects.count() == 0 and RecordComponent.objects.count() == 0


@pytest.mark.parametrize(
    ("content_type", "data", "extension"),
    [
        ("application/pdf", minimal_pdf(), ".pdf"),
        ("image/png", png(), ".png"),
        ("image/jpeg", jpeg(), ".jpg"),
    ],
)
def test_real_files_are_accepted(world, portal, content_type, data, extension):
    response = _post(portal, content_type, data)
    assert response.status_code == 201, response.content
    scan = RecordComponent.objects.get(file__gt="")
    assert scan.file.name.endswith(extension) and scan.file.read() == data
