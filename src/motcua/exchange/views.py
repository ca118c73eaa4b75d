"""Staff pages: reconciliation per subscriber and day, drill-down list, resend."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.core.errors import DomainError
from motcua.core.lookups import parse_id
from motcua.core.users import signed_in
from motcua.exchange import permissions, selectors, services
from motcua.exchange.models import DeliveryState, Subscriber


def _day(value: str | None, default: date) -> date:
    try:
        return date.fromisoformat(value) if value else default
    except ValueError:
        return default


@login_required
def reconciliation(request: HttpRequest) -> HttpResponse:
    if not permissions.can_monitor(request.user):
        return HttpResponseForbidden(_("Only system administrators may manage event deliveries."))
    today = timezone.localdate()
    end = _day(request.GET.get("to"), today)
    start = _day(request.GET.get("from"), end - timedelta(days=13))
    if start > end:
        start, end = end, start
    rows = selectors.reconciliation(user=request.user, start=start, end=end)
    context: dict[str, Any] = {
        "start": start,
        "end": end,
        "rows": rows,
        "lags": selectors.lagging_subscribers(),
        "threshold": settings.MOTCUA_OUTBOX_LAG_ALERT_MINUTES,
        "subscribers": Subscriber.objects.order_by("name"),
    }
    return render(request, "exchange/reconciliation.html", context)


@login_required
def deliveries(request: HttpRequest) -> HttpResponse:
    if not permissions.can_monitor(request.user):
        return HttpResponseForbidden(_("Only system administrators may manage event deliveries."))
    subscriber_raw = request.GET.get("subscriber", "")
    subscriber_id = parse_id(subscriber_raw)
    day_raw = request.GET.get("day", "")
    day = _day(day_raw, timezone.localdate()) if day_raw else None
    state = request.GET.get("state", "")
    if state not in DeliveryState.values:
        state = ""
    qs = selectors.deliveries(user=request.user, subscriber_id=subscriber_id, day=day, state=state)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "subscriber_id": subscriber_id,
        "day": day,
        "state": state,
        "states": DeliveryState.choices,
        "subscribers": Subscriber.objects.order_by("name"),
        "query": request.GET.urlencode(),
    }
    return render(request, "exchange/deliveries.html", context)


@login_required
@require_POST
def resend(request: HttpRequest) -> HttpResponse:
    ids = [pk for pk in map(parse_id, request.POST.getlist("delivery")) if pk is not None]
    try:
        count = services.delivery_resend(actor=signed_in(request.user), delivery_ids=ids)
    except DomainError as exc:
        if not permissions.can_monitor(request.user):
            return HttpResponseForbidden(exc.message)
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(count)d deliveries queued again.") % {"count": count})
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect("exchange:deliveries")
