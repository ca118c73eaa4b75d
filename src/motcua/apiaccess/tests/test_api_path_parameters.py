"""Every path parameter of the API, fed Unicode that is not what it looks like (superscript,
full-width and other non-ASCII digits, combining marks, control characters, huge numbers):
404 or 400 in the API's JSON error format, never a 500.

Found by schemathesis with a token holding every scope: ``POST /api/v1/records/%C2%B2/actions/
refuse/`` answered 500, because "²".isdigit() is true and int("²") raises ValueError."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import pytest
import yaml

from motcua.apiaccess.scopes import SCOPES, required_scope
from motcua.apiaccess.tests.factories import make_client, token_for
from motcua.records.tests.factories import receive, travel

COMMITTED = Path(__file__).resolve().parents[4] / "openapi" / "motcua.yaml"

BAD_VALUES = [
    "²",  # superscript two: str.isdigit() accepts it, int() refuses it
    "１２３",  # full-width digits: int() accepts them
    "٣",  # Arabic-Indic digit
    "𝟙",  # mathematical bold digit one
    "1\u0301",  # combining acute accent
    "1\u200b",  # zero-width space
    "\x00",
    "1\x00",
    "\x1f",
    "\x7f",
    "\u0085",  # NEL, a C1 control character
    "\ufeff",
    "9" * 30,  # beyond any database integer
    "-1",
    "ǅ" * 60,  # longer than any code column
]


def _operations() -> list[tuple[str, str, list[str]]]:
    """(method, path template, path parameter names) of every operation with a path parameter
    in the committed schema."""
    schema = yaml.safe_load(COMMITTED.read_text(encoding="utf-8"))
    found = []
    for template, item in schema["paths"].items():
        for method, operation in item.items():
            names = [p["name"] for p in operation.get("parameters", []) if p["in"] == "path"]
            if names:
                found.append((method.upper(), template, names))
    return found


OPERATIONS = _operations()


def test_every_path_parameter_is_covered():
    names = {(template, name) for _, template, names in OPERATIONS for name in names}
    assert ("/api/v1/records/{code}/actions/refuse/", "code") in names
    assert ("/api/v1/catalogue/procedures/{code}/", "code") in names
    assert ("/api/v1/documents/records/{record_id}/result/{result_id}/sign", "result_id") in names


@pytest.fixture
def callers(world, client):
    """A token holding every scope in the world's agencies and a superuser's session: the
    client endpoints and the staff-only ones both reach their lookups."""
    with travel("2025-04-21 08:00"):
        record = receive(world)
    api_client, secret = make_client(
        world.justice, world.police, world.center, scopes=" ".join(SCOPES), rate="100000/min"
    )
    token = token_for(api_client, secret)
    client.force_login(world.admin)
    return {"token": token, "record": record}


def _open_to_clients(method: str, template: str) -> bool:
    route = re.sub(r"\{(\w+)\}", r"<str:\1>", template.lstrip("/"))
    return required_scope(route, method) is not None


def _call(client, method, url, token):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    if method == "GET":
        return client.get(url, **headers)
    return client.post(url, data=b"{}", content_type="application/json", **headers)


@pytest.mark.django_db
def test_unicode_in_a_path_parameter_is_a_json_404_or_400(client, callers):
    """One test for every operation (one world, not one per operation)."""
    client.raise_request_exception = False  # a 500 is a failure to list, not an exception
    real = {"code": callers["record"].code, "record_id": str(callers["record"].pk)}
    failures = []
    for method, template, names in OPERATIONS:
        # The token where a client may call the operation, the superuser's session elsewhere.
        token = callers["token"] if _open_to_clients(method, template) else None
        for name in names:
            for bad in BAD_VALUES:
                url = template
                for other in names:
                    value = bad if other == name else real.get(other, "1")
                    url = url.replace("{" + other + "}", quote(value, safe=""))
                response = _call(client, method, url, token)
                body = response.json() if response["Content-Type"] == "application/json" else {}
                if response.status_code not in (400, 404) or set(body) != {"error"}:
                    failures.append((url, response.status_code, response.content[:120]))
    assert not failures, failures
