"""The report pages: the settlement report with a link behind every number, the list of the
records behind a number, and the files (CSV, XLSX laid out like the form, PDF)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from motcua.audit.services import audit_request
from motcua.core.errors import DomainError, NotFound, PermissionDenied
from motcua.evaluation import permissions as evaluation_permissions
from motcua.evaluation import reports as evaluation_reports
from motcua.organisations.calendar import TZ
from motcua.records.models.record import Channel
from motcua.records.views.common import LookaheadPage, page_number
from motcua.reporting import dashboard, exports, svg
from motcua.reporting.settlement import (
    COLUMN_LABELS,
    COLUMNS,
    GROUP_BY,
    GROUP_KEY,
    Report,
    cell_records,
    group_by_parse,
    is_report_user,
    period_parse,
    report_agencies,
    report_scope,
    settlement_report,
)


def _default_period() -> tuple[str, str]:
    """The current month so far (local days)."""
    from django.utils import timezone

    today = timezone.now().astimezone(TZ).date()
    return today.replace(day=1).isoformat(), today.isoformat()


def _params(request: HttpRequest) -> dict[str, str]:
    first, last = _default_period()
    return {
        "from": request.GET.get("from") or first,
        "to": request.GET.get("to") or last,
        "agency": request.GET.get("agency") or "",
        "group_by": request.GET.get("group_by") or "agency",
    }


def _report(request: HttpRequest, params: dict[str, str]) -> Report:
    period = period_parse(params["from"], params["to"])
    group_by = group_by_parse(params["group_by"])
    scope = report_scope(user=request.user, agency_code=params["agency"] or None)
    return settlement_report(period=period, scope=scope, group_by=group_by)


def _cell_link(params: dict[str, str], column: str, key: str | None) -> str:
    query = {**params, "column": column}
    if key:
        query["key"] = key
    return reverse("reporting:settlement_records") + "?" + urlencode(query)


@login_required
def settlement(request: HttpRequest) -> HttpResponse:
    if not is_report_user(request.user):
        return HttpResponseForbidden(_("Reports are for staff with a role in an agency."))
    params = _params(request)
    context: dict[str, Any] = {
        "params": params,
        "agencies": report_agencies(user=request.user),
        "group_choices": [(g, exports_group_label(g)) for g in GROUP_BY],
        "column_labels": [COLUMN_LABELS[c] for c in COLUMNS],
    }
    try:
        report = _report(request, params)
    except NotFound as exc:  # another agency's report: out of scope
        raise Http404(exc.message) from exc
    except PermissionDenied as exc:
        return HttpResponseForbidden(exc.message)
    except DomainError as exc:
        context["error"] = exc.message
        return render(request, "reporting/settlement.html", context, status=400)
    key_name = GROUP_KEY[report.group_by]
    rows = []
    for index, row in enumerate(report.rows, start=1):
        rows.append(
            {
                "index": index,
                "label": exports.row_label(report, row),
                "key": row[key_name],
                "cells": [(row[c], _cell_link(params, c, row[key_name] or "")) for c in COLUMNS],
            }
        )
    context.update(
        report=report,
        rows=rows,
        totals=[(report.totals[c], _cell_link(params, c, None)) for c in COLUMNS],
        title=exports.title(),
        form_number=exports.form_number(report),
        period_text=exports.period_text(report),
        group_label=exports.group_label(report),
        export_query=urlencode(params),
    )
    return render(request, "reporting/settlement.html", context)


def exports_group_label(group_by: str) -> str:
    return {"agency": _("Agency"), "field": _("Field"), "procedure": _("Procedure")}[group_by]


@login_required
def settlement_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if not is_report_user(request.user):
        return HttpResponseForbidden(_("Reports are for staff with a role in an agency."))
    params = _params(request)
    try:
        report = _report(request, params)
    except NotFound as exc:  # another agency's report: out of scope
        raise Http404(exc.message) from exc
    except PermissionDenied as exc:
        return HttpResponseForbidden(exc.message)
    except DomainError as exc:
        return HttpResponse(exc.message, status=400, content_type="text/plain; charset=utf-8")
    content = exports.render(report, fmt)
    audit_request(
        request,
        action="export.settlement",
        detail={
            "format": fmt,
            "agency": params.get("agency", ""),
            "from": f"{report.period.date_from:%Y-%m-%d}",
            "to": f"{report.period.date_to:%Y-%m-%d}",
            "group_by": report.group_by,
        },
    )
    response = HttpResponse(content, content_type=exports.CONTENT_TYPES[fmt])
    name = f"bieu06_{report.period.date_from:%Y%m%d}_{report.period.date_to:%Y%m%d}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def settlement_records(request: HttpRequest) -> HttpResponse:
    """The records behind one number: the report's own conditions, paginated without COUNT."""
    if not is_report_user(request.user):
        return HttpResponseForbidden(_("Reports are for staff with a role in an agency."))
    params = _params(request)
    column = request.GET.get("column") or "received_total"
    key = request.GET.get("key") or None
    try:
        period = period_parse(params["from"], params["to"])
        group_by = group_by_parse(params["group_by"])
        scope = report_scope(user=request.user, agency_code=params["agency"] or None)
        qs = cell_records(period=period, scope=scope, column=column, group_by=group_by, key=key)
    except NotFound as exc:  # another agency's report: out of scope
        raise Http404(exc.message) from exc
    except PermissionDenied as exc:
        return HttpResponseForbidden(exc.message)
    except DomainError as exc:
        return HttpResponse(exc.message, status=400, content_type="text/plain; charset=utf-8")
    qs = qs.select_related("procedure_version__procedure", "handling_agency").order_by(
        "received_at", "id"
    )
    page = LookaheadPage(qs, number=page_number(request))
    base: dict[str, str | int] = {**params, "column": column}
    if key:
        base["key"] = key
    return render(
        request,
        "reporting/settlement_records.html",
        {
            "page": page,
            "params": params,
            "column_label": COLUMN_LABELS.get(column, column),
            "key": key,
            "back": reverse("reporting:settlement") + "?" + urlencode(params),
            "prev_qs": "?" + urlencode({**base, "page": page.number - 1}),
            "next_qs": "?" + urlencode({**base, "page": page.number + 1}),
        },
    )


# ---- dashboard and transparency page ----------------------------------------------------------------
def _rate_items(rates: list[Any]) -> list[tuple[str, float | None]]:
    return [
        (f"{r.month:%m/%y}", round(100 * r.rate, 1) if r.rate is not None else None) for r in rates
    ]


@login_required
def dashboard_view(request: HttpRequest) -> HttpResponse:
    """Leaders' and Center supervisors' dashboard (scoped like the report)."""
    if not is_report_user(request.user):
        return HttpResponseForbidden(_("Reports are for staff with a role in an agency."))
    try:
        scope = report_scope(user=request.user, agency_code=request.GET.get("agency") or None)
    except NotFound as exc:  # another agency's report: out of scope
        raise Http404(exc.message) from exc
    except PermissionDenied as exc:
        return HttpResponseForbidden(exc.message)
    except DomainError as exc:
        return HttpResponse(exc.message, status=400, content_type="text/plain; charset=utf-8")
    data = dashboard.dashboard(scope=scope)
    labels = {
        "received_total": COLUMN_LABELS["received_total"],
        "settled_total": COLUMN_LABELS["settled_total"],
        "settled_late": _("Settled late"),
        "in_progress_overdue": _("In progress, overdue at the end"),
    }
    compare = [(label, data.this_month[c], data.last_month[c]) for c, label in labels.items()]
    satisfaction = None
    if evaluation_permissions.can_read_reports(request.user):
        this, now, last, before = evaluation_reports.month_against_last(
            user=request.user,
            day=timezone.localdate(),
            agency_id=scope.agency.pk if scope.agency else None,
        )
        satisfaction = {
            "rows": [
                (_("Evaluations"), now.count, before.count),
                (_("Satisfied or very satisfied (%)"), now.satisfied_share, before.satisfied_share),
                (_("Very satisfied (%)"), now.very_satisfied_share, before.very_satisfied_share),
                (_("Not satisfied (%)"), now.dissatisfied_share, before.dissatisfied_share),
                (_("Average score (of 18)"), now.average, before.average),
                (_("Band"), now.band_label or None, before.band_label or None),
            ],
            "link": reverse("evaluation:report")
            + "?"
            + urlencode({"start": this.start.isoformat(), "end": this.end.isoformat()}),
        }
    channel_labels = dict(Channel.choices)
    return render(
        request,
        "reporting/dashboard.html",
        {
            "scope": scope,
            "agencies": report_agencies(user=request.user),
            "compare": compare,
            "rates": data.rates,
            "rate_chart": svg.column_chart(
                _rate_items(data.rates), title=_("Settled early or on time, by month (%)")
            ),
            "open_agencies": data.open_agencies,
            "open_chart": svg.bar_chart(
                [(r["agency_name"], r["overdue"]) for r in data.open_agencies[:10]],
                title=_("Overdue records by agency"),
                color=svg.PALETTE[3],
            ),
            "busiest": data.busiest,
            "busiest_chart": svg.bar_chart(
                [(f"{r['code']} {r['name']}", r["received"]) for r in data.busiest],
                title=_("Busiest procedures this month"),
            ),
            "channels": [(channel_labels[k], v) for k, v in data.channels.items()],
            "channel_chart": svg.bar_chart(
                [(str(channel_labels[k]), v) for k, v in data.channels.items()],
                title=_("Channels this month"),
                color=svg.PALETTE[4],
            ),
            "times": data.times,
            "satisfaction": satisfaction,
        },
    )


def transparency(request: HttpRequest) -> HttpResponse:
    """Public page, no sign-in: aggregate figures only (no names, no codes of records)."""
    text = request.GET.get("thang") or ""
    day = dashboard.previous_month(dashboard.today())
    if text:
        try:
            year, month = (int(p) for p in text.split("-"))
            day = date(year, month, 1)
        except (ValueError, OverflowError):  # OverflowError: a year too large for a C int
            return HttpResponse(
                _("Write the month as YYYY-MM."),
                status=400,
                content_type="text/plain; charset=utf-8",
            )
    period = dashboard.month_period(day)
    scope = report_scope(user=None, agency_code=None)
    report = settlement_report(period=period, scope=scope, group_by="agency")
    rates = dashboard.on_time_by_month(scope=scope, until=period.date_to)
    totals = report.totals
    timely = totals["settled_early"] + totals["settled_on_time"]
    return render(
        request,
        "reporting/transparency.html",
        {
            "period": period,
            "month": day.replace(day=1),
            "totals": totals,
            "timely": timely,
            "rows": report.rows,
            "rate_chart": svg.column_chart(
                _rate_items(rates), title=_("Settled early or on time, by month (%)")
            ),
        },
    )
