"""No 500 on bad input (issue 13, item 13): every write endpoint of the API, found in the
OpenAPI schema (not listed by hand), answers malformed JSON and malformed date-times with a 400
in the API's error format; so do the date parameters of the read endpoints.

The operations are those of the schema drf-spectacular generates from the URL configuration, so
a new endpoint is covered without touching this file. Each is called as a user who may reach
it: a superuser's session, or a bearer token with every scope for the machine-only operations
(``security`` is OAuth2 alone), on a real record so that the body is read."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from typing import Any

import pytest
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from motcua.apiaccess.scopes import SCOPES
from motcua.apiaccess.tests.factories import bearer, make_client, token_for
from motcua.core.json_input import MAX_DEPTH
from motcua.core.models import User
from motcua.records.tests.factories import build_world, receive, travel

WRITE = ("post", "put", "patch", "delete")
UNKNOWN_ID = "987654"


def _schema() -> dict[str, Any]:
    return SchemaGenerator().get_schema(request=None, public=True)


SCHEMA = _schema()


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = SCHEMA["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def _datetime_paths(node: dict[str, Any], prefix: tuple[str | int, ...] = ()) -> list[tuple]:
    """Paths (keys, 0 for array items) to every ``format: date-time`` of a request schema."""
    node = _resolve(node)
    if node.get("format") == "date-time":
        return [prefix]
    found: list[tuple] = []
    for name, child in (node.get("properties") or {}).items():
        found += _datetime_paths(child, (*prefix, name))
    if node.get("type") == "array" and "items" in node:
        found += _datetime_paths(node["items"], (*prefix, 0))
    for variant in node.get("allOf", []) + node.get("oneOf", []) + node.get("anyOf", []):
        found += _datetime_paths(variant, prefix)
    return found


def _operations() -> list[dict[str, Any]]:
    found = []
    for path, item in SCHEMA["paths"].items():
        for method, operation in item.items():
            if method not in WRITE:
                continue
            content = (operation.get("requestBody") or {}).get("content", {})
            json_schema = (content.get("application/json") or {}).get("schema")
            security = [name for entry in operation.get("security", []) for name in entry]
            found.append(
                {
                    "id": operation["operationId"],
                    "path": path,
                    "method": method,
                    "json": json_schema is not None,
                    "datetimes": _datetime_paths(json_schema) if json_schema else [],
                    "machine": bool(security) and set(security) <= {"oauth2"},
                }
            )
    return found


OPERATIONS = _operations()
JSON_OPERATIONS = [op for op in OPERATIONS if op["json"]]
DATETIME_OPERATIONS = [op for op in OPERATIONS if op["datetimes"]]


def _date_parameters() -> list[tuple[str, str, str]]:
    """(path, parameter, format) of every date or date-time query parameter of any operation."""
    found = []
    for path, item in SCHEMA["paths"].items():
        for operation in item.values():
            for parameter in operation.get("parameters", []):
                fmt = (parameter.get("schema") or {}).get("format")
                if parameter.get("in") == "query" and fmt in ("date", "date-time"):
                    found.append((path, parameter["name"], fmt))
    # The calculator's ``start`` is a string in the schema (it is read by ``parse_instant``,
    # which also takes "+07:00" arriving as " 07:00"): an instant all the same.
    found.append(("/api/v1/calendar/due", "start", "date-time"))
    return found


DATE_PARAMETERS = _date_parameters()
# Other parameters those operations need to get as far as the date.
QUERY_DEFAULTS = {
    "/api/v1/calendar/due": {"duration": "1", "unit": "working_days"},
    "/api/v1/reports/settlement": {"from": "2025-01-01", "to": "2025-01-31"},
}


def test_the_schema_lists_the_write_endpoints():
    """The enumeration is not empty by accident: intake, actions, inbound, online, verify..."""
    ids = {op["id"] for op in OPERATIONS}
    assert {"records_receive", "records_submit_online", "inbound_records_create"} <= ids
    assert {"documents_verify", "imports_records_create"} <= ids
    assert len(JSON_OPERATIONS) >= 20
    with_dates = {op["id"]: op["datetimes"] for op in DATETIME_OPERATIONS}
    assert with_dates["inbound_records_create"] == [("submitted_at",)]
    assert ("new_due_at",) in next(v for k, v in with_dates.items() if "extend" in k)
    assert {name for _path, name, _fmt in DATE_PARAMETERS} >= {"received_from", "from", "start"}


# ---- the world the requests are made in --------------------------------------------------------
class Callers:
    def __init__(self) -> None:
        self.world = build_world()
        with travel("2025-04-21 08:00"):
            self.record = receive(self.world)
        root = User.objects.create_superuser("root", "root@example.vn", "x-root-password-1")
        self.session = APIClient(raise_request_exception=False)
        self.session.force_login(root)
        client, secret = make_client(
            self.world.justice,
            self.world.police,
            self.world.center,
            scopes=" ".join(SCOPES),
            rate="1000000/min",
        )
        self.machine = bearer(token_for(client, secret))
        self.machine.raise_request_exception = False

    def url(self, op: dict[str, Any]) -> str:
        values = {"code": self.record.code, "record_id": str(self.record.pk)}
        return re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), UNKNOWN_ID), op["path"])

    def send(self, op: dict[str, Any], body: bytes | str, content_type: str = "application/json"):
        caller = self.machine if op["machine"] else self.session
        return caller.generic(op["method"].upper(), self.url(op), body, content_type=content_type)


@pytest.fixture
def callers(db):
    return Callers()


def _error(response) -> dict[str, Any]:
    """The API's error format: ``{"error": {"code", "message", ["fields"]}}``."""
    assert response.status_code < 500, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json"), response.content[:300]
    body = response.json()
    assert set(body) == {"error"}, body
    assert isinstance(body["error"]["code"], str) and isinstance(body["error"]["message"], str)
    return body["error"]


def _expected_refusal(op: dict[str, Any], response, code: str | None = None) -> dict[str, Any]:
    """A 400, except where the path names an object that does not exist (the result of
    ``.../result/{result_id}/sign``): the lookup answers 404 before the body is read."""
    error = _error(response)
    if UNKNOWN_ID in op["path"] or "{result_id}" in op["path"]:
        assert response.status_code in (400, 404), (op["id"], response.status_code, error)
        return error
    assert response.status_code == 400, (op["id"], response.status_code, error)
    if code is not None:
        assert error["code"] == code, (op["id"], error)
    return error


# ---- malformed JSON ------------------------------------------------------------------------------
def _nested(depth: int, kind: str = "[") -> str:
    if kind == "[":
        return "[" * depth + "]" * depth
    return '{"a":' * depth + "1" + "}" * depth


MALFORMED_JSON: dict[str, bytes] = {
    "lone high surrogate": b'{"reason": "\\ud800", "note": "x"}',
    "lone low surrogate": b'{"reason": "a\\udfffb"}',
    "reversed pair": b'{"reason": "\\udc00\\ud800"}',
    "surrogate then letter": b'{"reason": "\\ud83dA"}',
    "surrogate in a key": b'{"\\ud800": 1}',
    "surrogate deep in a list": b'{"components": [{"name": ["ok", "\\udbff"]}]}',
    "surrogate alone": b'"\\ud800"',
    "10 000 nested arrays": _nested(10_000).encode(),
    "100 000 nested arrays": _nested(100_000).encode(),
    "5 000 nested objects": _nested(5_000, "{").encode(),
    f"{MAX_DEPTH + 1} nested arrays": _nested(MAX_DEPTH + 1).encode(),
    "not UTF-8": b'{"reason": "\xff\xfe"}',
    "NaN": b'{"quantity": NaN}',
    "truncated": b'{"reason": ',
}


@pytest.mark.parametrize("case", list(MALFORMED_JSON))
def test_malformed_json_is_a_400_parse_error_on_every_write_endpoint(callers, case):
    for op in JSON_OPERATIONS:
        response = callers.send(op, MALFORMED_JSON[case])
        _expected_refusal(op, response, code="parse_error")


def test_valid_surrogate_pairs_and_allowed_depth_are_not_parse_errors(callers):
    """An emoji written as an escaped pair is valid JSON; so is nesting up to the limit."""
    for body in ('{"reason": "\\ud83d\\ude00"}', '{"a": ' + _nested(MAX_DEPTH - 1) + "}"):
        for op in JSON_OPERATIONS:
            response = callers.send(op, body)
            if response.status_code >= 400:
                assert _error(response)["code"] != "parse_error", (op["id"], body[:40])


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner),
    max_leaves=6,
)


@st.composite
def hostile_json(draw) -> str:
    """A JSON body with a lone surrogate escape somewhere in a string or key, or nested deeper
    than the limit (up to thousands of levels) around an arbitrary value."""
    value = json.dumps(draw(JSON_VALUES))
    if draw(st.booleans()):
        lone = draw(st.integers(0xD800, 0xDFFF))
        escape = f"\\u{lone:04x}"
        if 0xD800 <= lone <= 0xDBFF:  # a high surrogate stays lone unless a low one follows
            escape += draw(st.sampled_from(["", "x", "\\u0041", '\\"']))
        where = draw(st.sampled_from(["value", "key", "list"]))
        text = f'"{draw(st.text(alphabet="abc ", max_size=3))}{escape}"'
        if where == "key":
            return f"{{{text}: {value}}}"
        if where == "list":
            return f'{{"reason": [{value}, {text}]}}'
        return f'{{"reason": {text}, "other": {value}}}'
    depth = draw(st.integers(MAX_DEPTH + 1, 5_000))
    opening = "".join(
        draw(st.lists(st.sampled_from(["[", '{"k":']), min_size=depth, max_size=depth))
    )
    closing = "".join("]" if part == "[" else "}" for part in re.findall(r'\[|\{"k":', opening))
    return opening + value + closing[::-1]


@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(body=hostile_json())
def test_property_hostile_json_is_a_400_on_every_write_endpoint(callers, body):
    for op in JSON_OPERATIONS:
        _expected_refusal(op, callers.send(op, body), code="parse_error")


def test_a_body_above_the_limit_is_a_json_413_on_every_write_endpoint(callers, settings):
    """Django refused JSON bodies above DATA_UPLOAD_MAX_MEMORY_SIZE with an HTML 400; the API's
    parser answers a 413 ``too_large`` in the error format (the inbound endpoint's own limit is
    MOTCUA_INBOUND_MAX_MB)."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    settings.MOTCUA_INBOUND_MAX_MB = 1000 / (1024 * 1024)
    body = json.dumps({"reason": "x" * 2000})
    for op in JSON_OPERATIONS:
        response = callers.send(op, body)
        error = _error(response)
        if "{result_id}" not in op["path"]:
            assert (response.status_code, error["code"]) == (413, "too_large"), (op["id"], error)


# ---- malformed date-times in bodies ----------------------------------------------------------------
def _instant_text(y, mo, d, h, mi, s, sign, oh, om) -> str:
    return f"{y:04d}-{mo:02d}-{d:02d}T{h:02d}:{mi:02d}:{s:02d}{sign}{oh:02d}:{om:02d}"


DATETIMES = st.builds(
    _instant_text,
    st.integers(0, 9999),
    st.integers(0, 19),
    st.integers(0, 39),
    st.integers(0, 29),
    st.integers(0, 69),
    st.integers(0, 69),
    st.sampled_from("+-"),
    st.integers(0, 99),
    st.integers(0, 99),
)


def _is_instant(text: str) -> bool:
    """Would a careful parser accept it: a real calendar date and time, an offset of less than
    a day, and an instant that exists in UTC?"""
    try:
        datetime.fromisoformat(text).astimezone(UTC)
    except (ValueError, OverflowError):
        return False
    return True


def _body_with(path: tuple, value: str) -> Any:
    body: Any = value
    for key in reversed(path):
        body = [body] if key == 0 else {key: body}
    return body


def _field_name(path: tuple) -> str:
    return ".".join(str(key) for key in path)


@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(value=DATETIMES)
@example(value="2025-02-30T10:00:00+07:00")  # no 30 February
@example(value="2025-04-31T10:00:00+07:00")  # no 31 April
@example(value="2025-13-01T10:00:00+07:00")
@example(value="2025-04-21T24:00:00+07:00")
@example(value="2025-04-21T10:60:00+07:00")
@example(value="2025-04-21T10:00:00+25:00")  # offset beyond a day
@example(value="2025-04-21T10:00:00+24:00")
@example(value="2025-04-21T10:00:00-99:99")
@example(value="2025-04-21T10:00:00+07:60")
@example(value="9999-12-31T23:59:59-23:59")  # exists locally, not in UTC
@example(value="0001-01-01T00:00:00+14:00")
@example(value="0000-01-01T00:00:00+07:00")
@example(value="2025-04-21T10:00:00+23:59")  # a strange but real offset
def test_property_malformed_datetimes_are_a_400_on_every_write_endpoint(callers, value):
    for op in DATETIME_OPERATIONS:
        for path in op["datetimes"]:
            response = callers.send(op, json.dumps(_body_with(path, value)))
            error = _error(response)
            if not _is_instant(value):
                error = _expected_refusal(op, response, code="invalid")
                assert _field_name(path) in error.get("fields", {}), (op["id"], value, error)


# ---- date parameters of any endpoint ---------------------------------------------------------------
DATES = st.builds(
    lambda y, m, d: f"{y:04d}-{m:02d}-{d:02d}",
    st.integers(0, 9999),
    st.integers(0, 19),
    st.integers(0, 39),
)


def _is_day(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(day=DATES, instant=DATETIMES)
@example(day="2025-02-30", instant="2025-02-30T10:00:00+07:00")
@example(day="9999-12-31", instant="9999-12-31T23:59:59-23:59")
@example(day="0001-01-01", instant="0001-01-01T00:00:00+14:00")
@example(day="2024-02-29", instant="2025-04-21T10:00:00+25:00")
def test_property_date_parameters_never_give_a_500(callers, day, instant):
    for path, name, fmt in DATE_PARAMETERS:
        value = day if fmt == "date" else instant
        query = {**QUERY_DEFAULTS.get(path, {}), name: value}
        response = callers.session.get(path, query)
        assert response.status_code < 500, (path, name, value, response.content[:300])
        valid = _is_day(value) if fmt == "date" else _is_instant(value)
        if response.status_code != 200 or not valid:
            error = _error(response)
            if not valid:
                assert response.status_code == 400, (path, name, value, error)


# ---- JSON Lines import: a bad line is reported, never a 500 ------------------------------------------
IMPORT = next(op for op in OPERATIONS if op["id"] == "imports_records_create")


@pytest.mark.parametrize(
    "line",
    [
        MALFORMED_JSON["lone high surrogate"].decode(),
        '{"code": "X-1", "applicant_name": "\\ud800"}',
        _nested(10_000),
        '{"code": "X-1", "received_at": "9999-12-31T23:59:59-23:59"}',
        '{"code": "X-1", "received_at": "2025-02-30T10:00:00+07:00"}',
    ],
)
def test_import_lines_with_malformed_json_or_instants_are_reported(callers, line):
    response = callers.send(IMPORT, line + "\n", content_type="application/x-ndjson")
    assert response.status_code == 200, response.content[:300]
    summary = response.json()
    assert (summary["imported"], summary["failed"]) == (0, 1), summary
