"""A control character in a path matches no page (``ControlCharacterPathMiddleware``).

On PostgreSQL a NUL in a record code taken from the path made the query fail: the public lookup,
evaluation and verification pages and the officer's record pages answered 500."""

from __future__ import annotations

import pytest

from motcua.records.tests.factories import build_world

PATHS = [
    "/tra-cuu/{}",
    "/danh-gia/{}",
    "/xac-minh/{}",
    "/records/{}/",
    "/records/{}/receipt.pdf",
    "/records/{}/supplements/1.pdf",
    "/api/v1/records/{}/",
    "/api/v1/catalogue/procedures/{}/",
]


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["%00", "1%00", "%1F", "%7F", "%C2%85"])
def test_a_control_character_in_the_path_is_a_404(client, value):
    client.raise_request_exception = False
    client.force_login(build_world().admin)
    answers = {path.format(value): client.get(path.format(value)).status_code for path in PATHS}
    assert set(answers.values()) == {404}, answers
    api = client.get(f"/api/v1/records/{value}/")
    assert set(api.json()) == {"error"}


@pytest.mark.django_db
def test_printable_codes_still_reach_their_pages(client):
    client.force_login(build_world().admin)
    assert client.get("/api/v1/catalogue/procedures/2.000488/").status_code == 200
