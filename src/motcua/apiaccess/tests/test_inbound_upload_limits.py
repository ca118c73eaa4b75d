"""Upload limits of ``POST /api/v1/inbound/records`` as documented (issue 13, item 14): a file
of exactly ``MOTCUA_UPLOAD_MAX_MB`` (20 MB by default, base64 in a request of about 27 MB) is
accepted; one byte more is a 413 ``too_large`` in the API's error format, naming the file's
field; a request above ``MOTCUA_INBOUND_MAX_MB`` is a 413 before it is parsed."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings

from motcua.apiaccess.tests.factories import (
    INBOUND,
    b64,
    bearer,
    inbound_body,
    make_client,
    token_for,
)
from motcua.documents.tests.scan_files import pdf_of_size
from motcua.records.models import Record, RecordComponent
from motcua.records.tests.factories import travel

pytestmark = pytest.mark.django_db
MB = 1024 * 1024


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Files stored here stay out of the other tests' media folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def portal(world):
    client, secret = make_client(world.justice, scopes="records:submit records:read")
    api = bearer(token_for(client, secret))
    api.raise_request_exception = False
    return api


def _with_file(data: bytes, **overrides) -> dict:
    body = inbound_body(**overrides)
    body["documents"][0]["file"]["content"] = b64(data)
    return body


def test_the_documented_default_limits():
    assert django_settings.MOTCUA_UPLOAD_MAX_MB == 20
    assert django_settings.MOTCUA_INBOUND_MAX_MB == 64


def test_a_file_of_exactly_the_documented_size_is_accepted(world, portal):
    data = pdf_of_size(django_settings.MOTCUA_UPLOAD_MAX_MB * MB)
    with travel("2025-04-21 08:00"):
        response = portal.post(INBOUND, _with_file(data), format="json")
    assert response.status_code == 201, response.content[:300]
    stored = RecordComponent.objects.exclude(file="").get()
    assert stored.file.size == len(data)


def test_one_byte_more_is_a_413_in_the_error_format(world, portal, settings):
    settings.MOTCUA_UPLOAD_MAX_MB = 1
    data = pdf_of_size(MB + 1)
    with travel("2025-04-21 08:00"):
        response = portal.post(INBOUND, _with_file(data), format="json")
    assert response.status_code == 413, response.content[:300]
    error = response.json()["error"]
    assert error["code"] == "too_large"
    assert "1 MB" in error["fields"]["documents.0.file.content"][0]
    assert Record.objects.count() == 0


def test_a_file_at_the_limit_is_accepted_with_a_small_limit(world, portal, settings):
    settings.MOTCUA_UPLOAD_MAX_MB = 1
    with travel("2025-04-21 08:00"):
        response = portal.post(INBOUND, _with_file(pdf_of_size(MB)), format="json")
    assert response.status_code == 201, response.content[:300]


def test_a_413_is_replayed_for_the_same_idempotency_key(world, portal, settings):
    settings.MOTCUA_UPLOAD_MAX_MB = 1
    body = _with_file(pdf_of_size(MB + 1))
    with travel("2025-04-21 08:00"):
        first = portal.post(INBOUND, body, format="json", HTTP_IDEMPOTENCY_KEY="k-413")
        again = portal.post(INBOUND, body, format="json", HTTP_IDEMPOTENCY_KEY="k-413")
    assert (first.status_code, again.status_code) == (413, 413)
    assert again["Idempotent-Replayed"] == "true"


def test_a_request_above_the_inbound_limit_is_a_413_before_parsing(world, portal, settings):
    settings.MOTCUA_INBOUND_MAX_MB = 1
    body = b'{"source": ' + b" " * (MB + 1) + b"}"  # never parsed: no 400 for its content
    response = portal.generic("POST", INBOUND, body, content_type="application/json")
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"
