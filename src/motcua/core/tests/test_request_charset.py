"""Query strings and multipart form fields are read as UTF-8 whatever charset the client names:
with ``Content-Type: ...; charset=utf-7`` Django decoded ``+2AA-`` into a lone surrogate (U+D800).
(URL-encoded form bodies in another charset are refused by Django itself with a 400.)"""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from motcua.core.middleware import Utf8RequestMiddleware

QUERY = "code=%2B2AA-&name=Nguy%E1%BB%85n"
EXPECTED = {"code": "+2AA-", "name": "Nguyễn"}


def _get(charset: str):
    return RequestFactory().get(f"/tra-cuu/?{QUERY}", CONTENT_TYPE=f"text/plain; charset={charset}")


def _multipart(charset: str):
    boundary = "BoUnDaRy"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="code"\r\n\r\n+2AA-\r\n'
        f"--{boundary}--\r\n"
    ).encode("ascii")
    return RequestFactory().generic(
        "POST",
        "/tra-cuu/",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}; charset={charset}",
    )


def _seen(request, read):
    seen = {}

    def view(req):
        seen["data"] = read(req)

    Utf8RequestMiddleware(view)(request)
    return seen["data"]


@pytest.mark.parametrize("charset", ["utf-7", "UTF-7", "unicode_escape", "latin-1", "utf-16"])
def test_query_strings_are_utf8_whatever_the_charset(charset):
    assert _seen(_get(charset), lambda req: req.GET.dict()) == EXPECTED


@pytest.mark.parametrize("charset", ["utf-7", "unicode_escape"])
def test_multipart_fields_are_utf8_whatever_the_charset(charset):
    assert _seen(_multipart(charset), lambda req: req.POST.dict()) == {"code": "+2AA-"}


def test_without_the_middleware_utf7_smuggles_a_lone_surrogate():
    """What the middleware prevents (Django's own behaviour)."""
    assert _get("utf-7").GET["code"] == "\ud800"
    assert _multipart("utf-7").POST["code"] == "\ud800"


def test_utf8_and_no_charset_are_unchanged():
    assert _seen(_get("utf-8"), lambda req: req.GET.dict()) == EXPECTED
    plain = RequestFactory().get(f"/tra-cuu/?{QUERY}")
    assert _seen(plain, lambda req: req.GET.dict()) == EXPECTED


@pytest.mark.django_db
@pytest.mark.parametrize("charset", ["utf-7", "unicode_escape"])
def test_pages_given_a_hostile_charset_answer_without_a_server_error(client, charset):
    content_type = f"text/plain; charset={charset}"
    for path in ("/tra-cuu/?code=%2B2AA-&digits=%2B2AA-", "/xac-minh/?code=%2B2AA-"):
        assert client.get(path, CONTENT_TYPE=content_type).status_code < 500
