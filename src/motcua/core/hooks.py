"""Named hooks: how a lower app tells a higher one that something happened, without importing it.

A lower app calls ``hook_call(NAME, **kwargs)`` at the point where something happened (inside its
transaction); a higher app registers a function for that name in its ``AppConfig.ready()``::

    hook_register(RECORD_EVENT_ADDED, outbox.on_record_event)

Functions run synchronously, by ``order`` then registration order, inside the caller's transaction: whatever
they write commits or rolls back with the caller's change, and an exception aborts the change.
Keep them short (insert rows, enqueue tasks); anything that leaves the database belongs in a
task or a worker that reads those rows later.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# records.services.common.add_event, after the RecordEvent row is written: ``event=RecordEvent``.
RECORD_EVENT_ADDED = "record.event_added"

_hooks: dict[str, list[Callable[..., Any]]] = {}
_orders: dict[Callable[..., Any], int] = {}

# For a function that takes a lock every writer waits for (the audit chain's head): it runs
# after the others, so the lock is held for as short a time as possible before the commit.
LAST = 100


def hook_register(name: str, func: Callable[..., Any], *, order: int = 0) -> None:
    """Register ``func`` for ``name`` (once: registering the same function again is a no-op).
    Lower ``order`` runs first; ``LAST`` for functions that lock what every writer needs."""
    funcs = _hooks.setdefault(name, [])
    if func not in funcs:
        _orders[func] = order
        funcs.append(func)
        funcs.sort(key=lambda f: _orders.get(f, 0))  # stable: registration order within an order


def hook_unregister(name: str, func: Callable[..., Any]) -> None:
    funcs = _hooks.get(name, [])
    if func in funcs:
        funcs.remove(func)


def hook_call(name: str, **kwargs: Any) -> None:
    for func in list(_hooks.get(name, ())):
        func(**kwargs)


def hook_collect(name: str, **kwargs: Any) -> list[Any]:
    """Call every function of ``name`` and return their answers flattened (a function returns a
    list of items, e.g. alerts for the work desk)."""
    items: list[Any] = []
    for func in list(_hooks.get(name, ())):
        items.extend(func(**kwargs) or ())
    return items


# core.views.home, for the work desk's alerts: ``request=HttpRequest`` → list of HomeAlert.
HOME_ALERTS = "home.alerts"
