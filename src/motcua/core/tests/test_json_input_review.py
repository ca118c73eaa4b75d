"""Strict JSON input, after review (docs/security.md, "Bad input and upload limits"):

1. the charset a client names cannot smuggle a lone surrogate past the parser (a body is JSON,
   hence UTF-8, whatever the ``Content-Type`` says);
2. numbers JSON cannot carry (``1e999``, an integer of thousands of digits) are refused like any
   other bad JSON, by the API and by the historical import;
3. the parser module imports in a fresh interpreter (it was an import cycle with DRF's views);
4. the JSON Lines import body is capped by ``MOTCUA_IMPORT_MAX_MB``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation
from rest_framework.test import APIClient

from motcua.apiaccess.tests.factories import (
    INBOUND,
    bearer,
    inbound_body,
    make_client,
    token_for,
)
from motcua.records.models import Record
from motcua.records.tests.factories import build_world, receive, travel
from motcua.reporting.legacy_import import import_lines

pytestmark = pytest.mark.django_db

IMPORT = "/api/v1/imports/records"
REASON = "Thiếu giấy tờ: bản sao CCCD"
LONG_INTEGER = "1" * 5000  # above Python's 4300-digit limit for int(str)


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def portal(world):
    client, secret = make_client(world.justice, scopes="records:submit records:read")
    api = bearer(token_for(client, secret))
    api.raise_request_exception = False  # a 500 is an answer to assert on, not an exception
    return api


@pytest.fixture
def leader(world):
    api = APIClient(raise_request_exception=False)
    api.force_authenticate(world.leader)
    return api


def _send(api: APIClient, url: str, body: bytes, content_type: str):
    return api.generic("POST", url, body, content_type=content_type)


def _error_code(response) -> str:
    assert response.status_code < 500, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json"), response.content[:300]
    body = response.json()
    assert set(body) == {"error"}, body
    return body["error"]["code"]


# ---- 1. the client's charset ----------------------------------------------------------------------
def _inbound(external_code: str, **overrides: Any) -> dict[str, Any]:
    body = inbound_body(external_code=external_code, **overrides)
    body.pop("submitted_at")  # its "+07:00" reads as a (broken) UTF-7 shift sequence
    return body


# (charset, body bytes, the external code stored, or None for a 400 parse_error)
INBOUND_CASES = {
    # UTF-7 "+2AA-" is U+D800: decoded with the client's charset, a lone surrogate without any
    # "\u" escape in the text. As UTF-8 it is five ASCII characters.
    "utf-7": (json.dumps(_inbound("+2AA-")).encode(), "+2AA-"),
    # unicode_escape turns the JSON escape "\ud800" into U+D800 before the JSON parser sees it.
    "unicode_escape": (json.dumps(_inbound("\ud800")).encode(), None),
    # Latin-1 read UTF-8 Vietnamese as mojibake (no 500, but a wrong record).
    "latin-1": (json.dumps(_inbound("G22-Đà-Lạt"), ensure_ascii=False).encode(), "G22-Đà-Lạt"),
    # UTF-16 is not JSON on the wire (RFC 8259: UTF-8): refused, not guessed.
    "utf-16": (json.dumps(_inbound("G22-utf16")).encode("utf-16"), None),
}


@pytest.mark.parametrize("charset", list(INBOUND_CASES))
def test_inbound_body_is_utf8_whatever_the_charset(world, portal, charset):
    body, stored = INBOUND_CASES[charset]
    with travel("2025-04-21 08:00"):
        response = _send(portal, INBOUND, body, f"application/json; charset={charset}")
    if stored is None:
        assert _error_code(response) == "parse_error"
        assert response.status_code == 400
        assert Record.objects.count() == 0
        return
    assert response.status_code == 201, response.content[:300]
    assert response.json()["external_code"] == stored
    record = Record.objects.get()
    assert (record.external_code, record.applicant_name) == (stored, "Trần Văn Bình")


ACTION_CASES = {
    "utf-7": (b'{"reason": "+2AA-"}', "+2AA-"),
    "unicode_escape": (b'{"reason": "\\ud800 thi\\u1ebfu"}', None),
    "latin-1": (json.dumps({"reason": REASON}, ensure_ascii=False).encode(), REASON),
    "utf-16": (json.dumps({"reason": REASON}).encode("utf-16"), None),
    "utf-16-le": (json.dumps({"reason": REASON}).encode("utf-16-le"), None),  # NULs, no BOM
}


@pytest.mark.parametrize("charset", list(ACTION_CASES))
def test_record_action_body_is_utf8_whatever_the_charset(world, leader, charset):
    body, stored = ACTION_CASES[charset]
    with travel("2025-04-21 08:00"):
        record = receive(world)
        url = f"/api/v1/records/{record.code}/actions/stop/"
        response = _send(leader, url, body, f"application/json; charset={charset}")
    record.refresh_from_db()
    if stored is None:
        assert _error_code(response) == "parse_error"
        assert response.status_code == 400
        assert record.stop_reason == ""
        return
    assert response.status_code == 200, response.content[:300]
    assert record.stop_reason == stored


@pytest.mark.parametrize(
    "content_type", ["; charset=utf-8", "; charset=UTF8", "; charset=x-none", ""]
)
def test_utf8_bodies_still_read_with_or_without_a_charset(world, leader, content_type):
    """A charset Python does not know is ignored by Django: the body is UTF-8 all the same."""
    with travel("2025-04-21 08:00"):
        record = receive(world)
        body = json.dumps({"reason": REASON}, ensure_ascii=False).encode()
        url = f"/api/v1/records/{record.code}/actions/stop/"
        response = _send(leader, url, body, "application/json" + content_type)
    assert response.status_code == 200, response.content[:300]
    record.refresh_from_db()
    assert record.stop_reason == REASON


# ---- 2. numbers -----------------------------------------------------------------------------------
BAD_NUMBERS = {
    "1e999": "1e999",
    "-1e999": "-1e999",
    "a float of 400 digits": "9" * 400 + ".0",
    "an integer of 5000 digits": LONG_INTEGER,
}


def _with_number(body: dict[str, Any], key: str, number: str) -> bytes:
    return json.dumps({**body, key: "__N__"}).replace('"__N__"', number).encode()


@pytest.mark.parametrize("case", list(BAD_NUMBERS))
def test_numbers_json_cannot_carry_are_a_400_parse_error(world, portal, leader, case):
    number = BAD_NUMBERS[case]
    body = _with_number(_inbound("G22-number"), "external_code", number)
    inbound = _send(portal, INBOUND, body, "application/json")
    assert (inbound.status_code, _error_code(inbound)) == (400, "parse_error")
    with travel("2025-04-21 08:00"):
        record = receive(world)
    url = f"/api/v1/records/{record.code}/actions/stop/"
    action = _send(leader, url, _with_number({"reason": "x"}, "note", number), "application/json")
    assert (action.status_code, _error_code(action)) == (400, "parse_error")
    record.refresh_from_db()
    assert record.stop_reason == ""


IMPORT_LINE = {
    "procedure_code": "2.000488",
    "agency_code": "000.00.12.H99",
    "channel": "direct",
    "applicant": {"name": "Trần Văn An", "id_number": "001190000001"},
    "received_at": "2025-04-21T08:00:00+07:00",
}


@pytest.mark.parametrize("case", list(BAD_NUMBERS))
def test_an_import_line_with_such_a_number_is_reported_as_not_valid_json(world, case):
    """The import caught only ``JSONRefused``: the integer's ``ValueError`` aborted it (500)."""
    bad = _with_number({**IMPORT_LINE, "code": "L2"}, "quantity", BAD_NUMBERS[case])
    good = json.dumps({**IMPORT_LINE, "code": "L1"}).encode()
    admin = APIClient(raise_request_exception=False)
    admin.force_authenticate(world.admin)
    response = _send(admin, IMPORT, bad + b"\n" + good, "application/x-ndjson")
    assert response.status_code == 200, response.content[:300]
    summary = response.json()
    assert (summary["imported"], summary["failed"]) == (1, 1), summary
    assert summary["errors"][0]["line"] == 1
    assert list(Record.objects.values_list("external_code", flat=True)) == ["L1"]
    with translation.override("en"):
        again = import_lines([bad.decode(), good.decode()])
    assert again.as_json()["errors"][0]["reason"].startswith("Not valid JSON"), again.errors


# ---- 3. the parser module imports without a cycle -------------------------------------------------
@pytest.mark.parametrize(
    "imports",
    [
        "import motcua.core.parsers; import motcua.core.api",
        "import motcua.core.api",
        "import motcua.reporting.api.views",
    ],
)
def test_the_parser_modules_import_in_a_fresh_interpreter(imports):
    src = str(Path(__file__).resolve().parents[3])
    env = {**os.environ, "PYTHONPATH": src, "DJANGO_SETTINGS_MODULE": "motcua.conf.test"}
    code = f"import django; django.setup(); {imports}; print('ok')"
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert (result.returncode, result.stdout.strip()) == (0, "ok"), result.stderr[-2000:]


# ---- 4. the JSON Lines import body is capped --------------------------------------------------------
def test_an_import_body_above_the_limit_is_a_json_413(world, settings):
    settings.MOTCUA_IMPORT_MAX_MB = 1000 / (1024 * 1024)  # 1000 bytes
    admin = APIClient(raise_request_exception=False)
    admin.force_authenticate(world.admin)
    line = json.dumps({"code": "X-1", "note": "x" * 900})
    assert len(line.encode()) <= 1000
    for content_type in ("application/x-ndjson", "application/jsonl", "text/plain"):
        at_limit = _send(admin, IMPORT, line.encode().ljust(1000, b"\n"), content_type)
        assert at_limit.status_code == 200, at_limit.content[:300]  # read (the line fails)
        over = _send(admin, IMPORT, line.encode().ljust(1001, b"\n"), content_type)
        assert (over.status_code, _error_code(over)) == (413, "too_large"), content_type
    assert Record.objects.count() == 0
