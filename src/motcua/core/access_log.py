"""gunicorn's access log without query-string values.

The default access log writes every request line whole, and query strings carry what must not
sit in a log: the lookup secret of a receipt's QR code (``/tra-cuu/<code>?k=...``), and the ID
numbers, phone numbers and names officers search for (``?q=...``; Decree 13/2023 on personal
data). ``PrivacyLogger`` keeps each parameter's name and writes ``***`` for its value, in the
request line, the query atom and the referer. Use it with
``gunicorn --logger-class motcua.core.access_log.PrivacyLogger`` (docs/deployment.md).

The address (``%(h)s``) is the client address the application uses (motcua.core.client_address,
``MOTCUA_TRUSTED_PROXIES``), not the proxy's; gunicorn's own when the settings cannot be read.
"""

from __future__ import annotations

import contextlib
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from gunicorn.glogging import Logger

from motcua.core.client_address import client_address

MASK = "***"


def mask_query(query: str) -> str:
    """``a=1&b=&c`` → ``a=***&b=***&c``: the names kept, every value hidden."""
    if not query:
        return query
    parts = []
    for part in query.split("&"):
        name, sep, _value = part.partition("=")
        parts.append(f"{name[:40]}={MASK}" if sep else part[:40])
    return "&".join(parts)


def mask_url(url: str) -> str:
    """``url`` with the values of its query string hidden (a fragment is dropped)."""
    url = url.split("#", 1)[0]
    base, sep, query = url.partition("?")
    return f"{base}?{mask_query(query)}" if sep else url


class PrivacyLogger(Logger):  # type: ignore[misc]
    """gunicorn's logger; the access log's atoms without query-string values."""

    def atoms(
        self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any
    ) -> dict[str, Any]:
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        # Without Django settings in this process, gunicorn's own address stays.
        with contextlib.suppress(ImproperlyConfigured):
            atoms["h"] = client_address(environ)
        atoms["r"] = "{} {} {}".format(
            environ.get("REQUEST_METHOD", "-"),
            mask_url(environ.get("RAW_URI", "") or environ.get("PATH_INFO", "")),
            environ.get("SERVER_PROTOCOL", "-"),
        )
        atoms["q"] = mask_query(environ.get("QUERY_STRING", "") or "")
        if atoms.get("f") not in (None, "-"):
            atoms["f"] = mask_url(str(atoms["f"]))
        if "{referer}i" in atoms:
            atoms["{referer}i"] = mask_url(str(atoms["{referer}i"]))
        return atoms
