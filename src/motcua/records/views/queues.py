"""The officer's work queues and the record search.

A queue page runs a fixed number of queries whatever the number of rows: the user's roles,
the province calendar (for "due soon"), four capped counts (never more than COUNT_CAP + 1
rows are counted) and one query for the page's rows with everything they show joined in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from motcua.core.users import signed_in
from motcua.records import deadlines, permissions
from motcua.records.filters import RecordFilterSet
from motcua.records.models import Record, RecordStep
from motcua.records.selectors import record_list
from motcua.records.selectors_ui import (
    COUNT_CAP,
    QUEUE_DUE_SOON,
    QUEUE_MINE,
    QUEUE_OVERDUE,
    QUEUE_UNIT,
    QUEUES,
    capped_count,
    due_soon_until,
    queue_counts,
    queue_rows,
    queue_steps,
)
from motcua.records.ui_filters import QueueFilter
from motcua.records.views.common import (
    PAGE_SIZE,
    CappedPaginator,
    HtmxHttpRequest,
    LookaheadPage,
    page_number,
    query_string,
)
from motcua.records.workflow import Status

QUEUE_LABELS = {
    QUEUE_MINE: _("My queue"),
    QUEUE_UNIT: _("My unit's queue"),
    QUEUE_DUE_SOON: _("Due soon"),
    QUEUE_OVERDUE: _("Overdue"),
}
QUEUE_URL_NAMES = {
    QUEUE_MINE: "records:queue_mine",
    QUEUE_UNIT: "records:queue_unit",
    QUEUE_DUE_SOON: "records:queue_due_soon",
    QUEUE_OVERDUE: "records:queue_overdue",
}
QUEUE_HELP = {
    QUEUE_MINE: _("Steps assigned to you, the earliest step deadline first."),
    QUEUE_UNIT: _("Steps waiting in your units' queues for somebody to claim them."),
    QUEUE_DUE_SOON: _(
        "Your work and your units' work whose appointment falls within the next %(hours)s working hours."
    ),
    QUEUE_OVERDUE: _("Your work and your units' work whose appointment has passed."),
}


@dataclass(frozen=True)
class QueueRow:
    """One row of a queue: the step, its record, and the badges computed without a query."""

    step: RecordStep
    record: Record
    overdue: bool
    due_soon: bool
    step_overdue: bool
    inter_agency: bool
    supplement_waiting: bool
    supplemented: bool
    extended: bool
    paused: bool
    claimable: bool = False  # the user may claim the step (it has their role): the claim button


def queue_row(step: RecordStep, *, now: datetime, until: datetime, user: Any = None) -> QueueRow:
    record = step.record
    overdue = deadlines.is_overdue(due_at=record.due_at, at=now, paused_at=record.paused_at)
    paused = record.paused_at is not None
    return QueueRow(
        step=step,
        record=record,
        overdue=overdue,
        due_soon=not overdue
        and not paused
        and record.due_at is not None
        and record.due_at <= until,
        step_overdue=step.due_at is not None and now > step.due_at,
        inter_agency=step.agency_id not in (record.agency_id, record.handling_agency_id),
        supplement_waiting=record.status == Status.SUPPLEMENT_REQUESTED,
        supplemented=record.supplement_count > 0 and record.status != Status.SUPPLEMENT_REQUESTED,
        extended=record.extension_count > 0,
        paused=paused,
        claimable=user is not None
        and step.kind == RecordStep.Kind.MAIN
        and step.pk == record.current_step_id
        and permissions.can_claim(user, step),
    )


def _tabs(request: HtmxHttpRequest, counts: dict[str, Any], current: str) -> list[dict[str, Any]]:
    return [
        {
            "queue": queue,
            "label": QUEUE_LABELS[queue],
            "url": reverse(QUEUE_URL_NAMES[queue]),
            "count": counts[queue].count,
            "capped": counts[queue].capped,
            "current": queue == current,
            "alert": queue == QUEUE_OVERDUE and counts[queue].count > 0,
        }
        for queue in QUEUES
    ]


@login_required
@require_GET
def queue_view(request: HtmxHttpRequest, queue: str) -> HttpResponse:
    if queue not in QUEUES:
        raise Http404
    user = signed_in(request.user)
    now = timezone.now()
    until = due_soon_until(now=now)
    counts = queue_counts(user=user, now=now, until=until)
    tabs = _tabs(request, counts, queue)
    tabs_url = reverse(QUEUE_URL_NAMES[queue]) + "?part=tabs"
    if request.htmx and request.GET.get("part") == "tabs":
        return render(
            request, "records/partials/_queue_tabs.html", {"tabs": tabs, "tabs_url": tabs_url}
        )

    base = queue_steps(user=user, queue=queue, now=now, until=until)
    filterset = QueueFilter(request.GET or None, queryset=base)
    filtered = filterset.qs if filterset.is_bound and filterset.is_valid() else base
    searching = filterset.is_bound and any(filterset.data.get(k) for k in ("q", "status"))
    if searching:
        total = capped_count(filtered)
        count, capped = min(total, COUNT_CAP), total > COUNT_CAP
    else:
        count, capped = counts[queue].count, counts[queue].capped
    paginator = CappedPaginator(
        queue_rows(filtered, queue=queue), PAGE_SIZE, count=count, capped=capped
    )
    page = paginator.get_page(page_number(request))
    rows = [
        queue_row(step, now=now, until=until, user=user if queue == QUEUE_UNIT else None)
        for step in page.object_list
    ]
    context = {
        "queue": queue,
        "queue_label": QUEUE_LABELS[queue],
        "queue_help": QUEUE_HELP[queue] % {"hours": _hours_setting()},
        "tabs": tabs,
        "filter": filterset,
        "rows": rows,
        "page": page,
        "paginator": paginator,
        "searching": searching,
        "show_claim": queue == QUEUE_UNIT,
        "now": now,
        "due_soon_until": until,
        "prev_qs": query_string(request, page=page.previous_page_number())
        if page.has_previous()
        else "",
        "next_qs": query_string(request, page=page.next_page_number()) if page.has_next() else "",
        "tabs_url": tabs_url,
    }
    if request.htmx and request.htmx.target == "queue-results":
        return render(request, "records/partials/_queue_results.html", context)
    if request.htmx and request.htmx.target == "queue-panel":
        return render(request, "records/partials/_queue_panel.html", context)
    return render(request, "records/queue.html", context)


def _hours_setting() -> int:
    from django.conf import settings

    return int(settings.MOTCUA_DUE_SOON_WORKING_HOURS)


@login_required
@require_GET
def record_search(request: HtmxHttpRequest) -> HttpResponse:
    """Every record in the user's scope, searchable; newest received first. Paginated without
    COUNT(*) (one row fetched beyond the page), so it stays fast on the whole record table."""
    base = record_list(user=request.user)
    # Empty fields of the search form mean "any": drop them before the shared filter set sees them.
    params = request.GET.copy()
    for key in [k for k, values in params.lists() if not any(v.strip() for v in values)]:
        del params[key]
    filterset = RecordFilterSet(params or None, queryset=base)
    if not filterset.is_bound:
        filtered = base
    else:
        filtered = filterset.qs if filterset.is_valid() else base.none()
    rows_qs = filtered.select_related(
        "agency",
        "procedure_version",
        "procedure_version__procedure",
        "current_step",
        "current_step__unit",
    ).order_by("-received_at", "-pk")
    page = LookaheadPage(rows_qs, number=page_number(request))
    now = timezone.now()
    context = {
        "filter": filterset,
        "statuses": Status.choices,
        "page": page,
        "rows": [
            {
                "record": record,
                "overdue": record.is_open
                and deadlines.is_overdue(due_at=record.due_at, at=now, paused_at=record.paused_at),
            }
            for record in page
        ],
        "prev_qs": query_string(request, page=page.previous_page_number)
        if page.has_previous
        else "",
        "next_qs": query_string(request, page=page.next_page_number) if page.has_next else "",
    }
    if request.htmx and request.htmx.target == "search-results":
        return render(request, "records/partials/_record_search_results.html", context)
    return render(request, "records/record_search.html", context)
