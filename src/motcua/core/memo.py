"""A small in-process memo for configuration that changes rarely and is read on every move
(working calendars, resolved process plans).

Entries live for ``settings.MOTCUA_CONFIG_CACHE_SECONDS`` (default 60 s) and the whole memo is
cleared in this process as soon as a configuration row is saved or deleted here (see
``motcua.core.apps``), and again when that transaction commits. Other processes see a change
within the TTL: documented in docs/configuration.md. Set the TTL to 0 to disable the memo.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from django.conf import settings

T = TypeVar("T")
_lock = threading.Lock()
_entries: dict[Hashable, tuple[float, Any]] = {}


def memo(key: Hashable, build: Callable[[], T], *, keep_none: bool = True) -> T:
    """``build()``, kept for the TTL under ``key``. ``keep_none=False``: a ``None`` is not kept
    (for lookups by a value a client sends: unknown values must not fill the memo)."""
    ttl = float(getattr(settings, "MOTCUA_CONFIG_CACHE_SECONDS", 60))
    if ttl <= 0:
        return build()
    now = time.monotonic()
    hit = _entries.get(key)
    if hit is not None and now - hit[0] < ttl:
        return hit[1]  # type: ignore[no-any-return]
    value = build()
    if value is None and not keep_none:
        return value
    with _lock:
        _entries[key] = (now, value)
    return value


def clear(*_args: Any, **_kwargs: Any) -> None:
    with _lock:
        _entries.clear()


def clear_now_and_on_commit(*_args: Any, **_kwargs: Any) -> None:
    from django.db import transaction

    clear()
    transaction.on_commit(clear)
