"""A fixed-window attempt counter in the database, shared by every process and machine.

Each lookup or evaluation attempt increments two counters with one
``INSERT … ON CONFLICT DO UPDATE … RETURNING`` each (atomic on PostgreSQL and SQLite): one for
the client's IP address and one for the record code tried. When either exceeds its limit in the
current window the request is refused with HTTP 429. Settings (docs/configuration.md):
``MOTCUA_LOOKUP_LIMIT_PER_IP``, ``MOTCUA_LOOKUP_LIMIT_PER_CODE``, ``MOTCUA_LOOKUP_WINDOW_SECONDS``
and ``MOTCUA_CLIENT_IP_HEADER`` (the header a trusted reverse proxy sets with the client's
address; empty = the connection's address).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from motcua.public.models import AttemptCounter


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int  # seconds until the window ends


def client_ip(request: HttpRequest) -> str:
    header = getattr(settings, "MOTCUA_CLIENT_IP_HEADER", "")
    if header:
        value = request.META.get(header, "")
        # X-Forwarded-For: "client, proxy1, proxy2": the left-most is what the proxy saw.
        first = value.split(",")[0].strip()
        if first:
            return first[:64]
    return str(request.META.get("REMOTE_ADDR", ""))[:64] or "unknown"


def _window(now: datetime, seconds: int) -> datetime:
    epoch = int(now.timestamp())
    return datetime.fromtimestamp(epoch - epoch % seconds, tz=UTC)


def _increment(key: str, window_start: datetime) -> int:
    q = connection.ops.quote_name
    table, k, w, c = q(AttemptCounter._meta.db_table), q("key"), q("window_start"), q("count")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({k}, {w}, {c}) VALUES (%s, %s, 1) "  # noqa: S608
            f"ON CONFLICT ({k}, {w}) DO UPDATE SET {c} = {table}.{c} + 1 "
            f"RETURNING {c}",
            [key, window_start],
        )
        row = cursor.fetchone()
    if row is None:  # pragma: no cover - RETURNING always yields the row
        raise RuntimeError("attempt counter upsert returned nothing")
    count = int(row[0])
    if count == 1:
        AttemptCounter.objects.filter(window_start__lt=window_start - timedelta(days=1)).delete()
    return count


def code_key(code: str) -> str:
    digest = hashlib.sha256(code.strip().upper().encode()).hexdigest()[:32]
    return f"code:{digest}"


@transaction.atomic
def attempt(request: HttpRequest, *, code: str) -> Verdict:
    """Count one attempt for the client and for ``code``; refused over either limit."""
    seconds = max(1, int(settings.MOTCUA_LOOKUP_WINDOW_SECONDS))
    now = timezone.now()
    start = _window(now, seconds)
    per_ip = _increment(f"ip:{client_ip(request)}", start)
    per_code = _increment(code_key(code), start) if code else 0
    allowed = (
        per_ip <= settings.MOTCUA_LOOKUP_LIMIT_PER_IP
        and per_code <= settings.MOTCUA_LOOKUP_LIMIT_PER_CODE
    )
    retry = int((start + timedelta(seconds=seconds) - now).total_seconds()) + 1
    return Verdict(allowed=allowed, retry_after=max(1, retry))
