"""A fixed-window attempt counter in the database, shared by every process and machine.

Each lookup or evaluation attempt is counted with one ``INSERT … ON CONFLICT DO UPDATE …
RETURNING`` per counter (atomic on PostgreSQL and SQLite), in this order, stopping at the first
one over its limit (HTTP 429):

1. the client's address, every attempt (``MOTCUA_LOOKUP_LIMIT_PER_IP``);
2. the client's address with the record code (``MOTCUA_LOOKUP_LIMIT_PER_CLIENT_CODE``);
3. the record code from every client (``MOTCUA_LOOKUP_LIMIT_PER_CODE``, much higher).

An attempt refused at one step is not counted by the next ones, and a successful lookup gives
back what it took from 2 and 3 (``forgive``): the code counters hold wrong guesses only. So a
stranger guessing from one address closes the code to that address only; the code closes to
everybody, the citizen included, only when many addresses guess wrong together. The client's
address is motcua.core.client_address's (``MOTCUA_TRUSTED_PROXIES``), an IPv6 client counted by its
/64 network (``client_key``). The window is
``MOTCUA_LOOKUP_WINDOW_SECONDS`` (docs/citizen.md, docs/security.md).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from motcua.core.client_address import client_key
from motcua.public.models import AttemptCounter


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int  # seconds until the window ends
    window_start: datetime | None = None
    # The code counters this attempt took one from (given back by ``forgive``).
    code_keys: tuple[str, ...] = ()


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


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def code_key(code: str) -> str:
    return f"code:{_digest(code.strip().upper())}"


def client_code_key(address: str, code: str) -> str:
    return f"ipcode:{_digest(address + '|' + code.strip().upper())}"


@transaction.atomic
def attempt(request: HttpRequest, *, code: str) -> Verdict:
    """Count one attempt for the client, the client with ``code`` and ``code``; refused at the
    first limit exceeded (the later counters are left alone)."""
    seconds = max(1, int(settings.MOTCUA_LOOKUP_WINDOW_SECONDS))
    now = timezone.now()
    start = _window(now, seconds)
    retry = max(1, int((start + timedelta(seconds=seconds) - now).total_seconds()) + 1)
    address = client_key(request)
    steps = [(f"ip:{address}", settings.MOTCUA_LOOKUP_LIMIT_PER_IP)]
    if code:
        steps += [
            (client_code_key(address, code), settings.MOTCUA_LOOKUP_LIMIT_PER_CLIENT_CODE),
            (code_key(code), settings.MOTCUA_LOOKUP_LIMIT_PER_CODE),
        ]
    for key, limit in steps:
        if _increment(key, start) > limit:
            return Verdict(allowed=False, retry_after=retry)
    code_keys = tuple(key for key, _limit in steps[1:])
    return Verdict(allowed=True, retry_after=retry, window_start=start, code_keys=code_keys)


def forgive(verdict: Verdict) -> None:
    """The attempt found its record: give back what it took from the code counters, which then
    count wrong guesses only."""
    if not verdict.code_keys or verdict.window_start is None:
        return
    q = connection.ops.quote_name
    table, k, w, c = q(AttemptCounter._meta.db_table), q("key"), q("window_start"), q("count")
    marks = ", ".join(["%s"] * len(verdict.code_keys))
    with connection.cursor() as cursor:  # the window as _increment wrote it (same adaptation)
        cursor.execute(
            f"UPDATE {table} SET {c} = {c} - 1 "  # noqa: S608
            f"WHERE {k} IN ({marks}) AND {w} = %s AND {c} > 0",
            [*verdict.code_keys, verdict.window_start],
        )
