"""Officer pages of the evaluation app: the satisfaction reports (the counter kiosk is a citizen
page: motcua.public.kiosk)."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from motcua.audit.services import audit_request
from motcua.core.errors import DomainError
from motcua.evaluation import permissions, reports
from motcua.records import masking
from motcua.records.selectors import record_get


def _parse_day(text: str | None, default: date) -> date:
    try:
        return date.fromisoformat(text) if text else default
    except ValueError:
        return default


@login_required
@require_http_methods(["GET"])
def report(request: HttpRequest) -> HttpResponse:
    if not permissions.can_read_reports(request.user):
        raise DjangoPermissionDenied(_("Satisfaction reports are for leaders and supervisors."))
    month = reports.month_period(timezone.localdate())
    start = _parse_day(request.GET.get("start"), month.start)
    end = _parse_day(request.GET.get("end"), month.end)
    if end < start:
        start, end = end, start
    period = reports.Period(start, end)
    group = request.GET.get("group", "agency")
    if group not in reports.GROUPS:
        group = "agency"
    qs = reports.evaluations_for(user=request.user, period=period)
    rows = reports.summary(qs, group=group)
    total = reports.overall(qs)
    low = reports.low_scores(qs)
    if request.GET.get("format") == "xlsx":
        data = reports.xlsx(rows=rows, total=total, low=low, group=group, period=period)
        # The file lists low scores with the applicants' comments: every download is logged.
        audit_request(
            request,
            action="export.satisfaction",
            detail={"group": group, "from": start.isoformat(), "to": end.isoformat()},
        )
        response = HttpResponse(
            data,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = (
            f'attachment; filename="danh-gia-{group}-{start:%Y%m%d}-{end:%Y%m%d}.xlsx"'
        )
        return response
    return render(
        request,
        "evaluation/report.html",
        {
            "period": period,
            "group": group,
            "groups": [(key, label) for key, (label, _fields) in reports.GROUPS.items()],
            "group_label": reports.GROUPS[group][0],
            "rows": rows,
            "total": total,
            "low": low,
            "low_score": _low_score(),
        },
    )


def _low_score() -> int:
    from django.conf import settings

    return int(settings.MOTCUA_EVALUATION_LOW_SCORE)


@login_required
@require_http_methods(["GET"])
def evaluation_card(request: HttpRequest) -> HttpResponse:
    """The result-return QR card of a record the user may see (``?code=``), as a PDF."""
    from motcua.evaluation.documents import evaluation_card_pdf

    code = (request.GET.get("code", "") or "").strip()[:40]
    try:
        record = record_get(user=request.user, code=code)
        if not masking.sees_full_record(request.user, record):
            # Its QR code carries the lookup secret, which a user who sees the record masked
            # (another agency holding a step) does not get (docs/security.md, printed forms).
            raise DjangoPermissionDenied(
                _("The evaluation card is printed by the record's receiving or settling agency.")
            )
    except DomainError as error:
        raise Http404(error.message) from error
    content = evaluation_card_pdf(record)
    # Its QR code carries the record's lookup secret: whoever holds the card can read the
    # record's public page and evaluate it.
    audit_request(
        request,
        action="export.evaluation_card",
        obj=record,
        detail={"file": f"danh-gia-{record.code}.pdf"},
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="danh-gia-{record.code}.pdf"'
    response["Cache-Control"] = "no-store"
    return response
