"""Small helpers shared by the officer views."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django_htmx.middleware import HtmxDetails

from motcua.core.errors import Conflict, DomainError, PermissionDenied

PAGE_SIZE = 25


class HtmxHttpRequest(HttpRequest):
    """A request that went through ``django_htmx``'s middleware (for the type checker)."""

    htmx: HtmxDetails


class CappedPaginator(Paginator):
    """A Django paginator that is given its (capped) count instead of running COUNT(*)."""

    def __init__(
        self, object_list: Any, per_page: int, *, count: int, capped: bool = False
    ) -> None:
        super().__init__(object_list, per_page)
        self._given_count = count
        self.capped = capped

    @cached_property
    def count(self) -> int:  # type: ignore[override]
        return self._given_count


class LookaheadPage:
    """Offset pagination that never counts: fetch one row more than the page to know whether
    a next page exists (for lists over the whole record table)."""

    def __init__(self, queryset: Any, *, number: int, per_page: int = PAGE_SIZE) -> None:
        self.number = max(1, number)
        self.per_page = per_page
        offset = (self.number - 1) * per_page
        rows = list(queryset[offset : offset + per_page + 1])
        self.has_next = len(rows) > per_page
        self.object_list = rows[:per_page]
        self.has_previous = self.number > 1
        self.start_index = offset + 1 if self.object_list else 0
        self.end_index = offset + len(self.object_list)

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    def __iter__(self) -> Any:
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)


def page_number(request: HttpRequest) -> int:
    try:
        return max(1, min(int(request.GET.get("page", "1")), 10_000))
    except ValueError:
        return 1


def capped_page(paginator: CappedPaginator, number: int) -> Page:
    return paginator.get_page(number)


def error_kind(error: DomainError) -> str:
    """``conflict``, ``forbidden`` or ``invalid``: how the page shows a service error."""
    if isinstance(error, Conflict):
        return "conflict"
    if isinstance(error, PermissionDenied):
        return "forbidden"
    return "invalid"


def conflict_message(error: DomainError) -> str:
    """A conflict always tells the officer what happened and what to do."""
    if error.code == "stale" or not error.message:
        return _(
            "Somebody else changed this record first — reload the page to see its current state."
        )
    return error.message


def query_string(request: HttpRequest, **changes: Any) -> str:
    """The current query string with ``changes`` (None removes a key)."""
    params = request.GET.copy()
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = str(value)
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else ""
