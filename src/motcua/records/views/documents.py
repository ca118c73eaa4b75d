"""The printed forms of a record (PDF), served inline so that the browser opens its viewer.

The documents are built by ``records.documents`` (imported when a form is asked for); a record
or slip outside the user's scope is not found, and a form that does not apply to the record's
state (e.g. a receipt before the record is received) is a 409 with the reason.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from motcua.audit.services import audit_request
from motcua.core.errors import DomainError, NotFound, ValidationFailed
from motcua.organisations.models import Agency
from motcua.records import masking, permissions
from motcua.records.models import Record
from motcua.records.selectors_ui import desk_slip_get, record_by_ref
from motcua.records.views.common import HtmxHttpRequest


def _pdf(
    build: Callable[[], bytes],
    filename: str,
    request: HtmxHttpRequest | None = None,
    *,
    full: bool = True,
) -> HttpResponse:
    """``full``: whether the form was printed with the applicant's contact in clear (the masking
    policy of the record page, ``masking.sees_full_record``), kept in the audit entry."""
    try:
        content = build()
        if request is not None:
            audit_request(
                request, action="export.document", detail={"file": filename, "full": full}
            )
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except DomainError as error:
        return HttpResponse(
            error.message, status=error.status_code, content_type="text/plain; charset=utf-8"
        )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def _record(request: HtmxHttpRequest, code: str | None = None, pk: int | None = None) -> Record:
    try:
        return record_by_ref(user=request.user, code=code, pk=pk)
    except NotFound as exc:
        raise Http404(_("Record not found.")) from exc


def _safe(code: str | None) -> str:
    return "".join(ch if ch.isalnum() or ch in "-." else "_" for ch in code or "record")


@login_required
@require_GET
def receipt_pdf(request: HtmxHttpRequest, code: str) -> HttpResponse:
    """Form 01: receipt and appointment."""
    from motcua.records.documents import receipt_pdf as build

    record = _record(request, code=code)
    full = masking.sees_full_record(request.user, record)
    return _pdf(
        lambda: build(record, full=full),
        f"giay-tiep-nhan-{_safe(record.code)}.pdf",
        request,
        full=full,
    )


@login_required
@require_GET
def control_sheet_pdf(request: HtmxHttpRequest, code: str) -> HttpResponse:
    """The control sheet of the hand-overs."""
    from motcua.records.documents import control_sheet_pdf as build

    record = _record(request, code=code)
    full = masking.sees_full_record(request.user, record)
    return _pdf(
        lambda: build(record, full=full),
        f"phieu-kiem-soat-{_safe(record.code)}.pdf",
        request,
        full=full,
    )


@login_required
@require_GET
def supplement_pdf(request: HtmxHttpRequest, code: str, number: int) -> HttpResponse:
    """Form 02 of one supplement request during processing."""
    from motcua.records.documents import supplement_request_pdf as build

    record = _record(request, code=code)
    round_ = record.supplements.filter(number=number).first()
    if round_ is None:
        raise Http404(_("Supplement request not found."))
    full = masking.sees_full_record(request.user, record)
    return _pdf(
        lambda: build(round_, full=full),
        f"yeu-cau-bo-sung-{_safe(record.code)}-{number}.pdf",
        request,
        full=full,
    )


@login_required
@require_GET
def extension_pdf(request: HtmxHttpRequest, code: str, number: int) -> HttpResponse:
    """The apology and new appointment of one extension."""
    from motcua.records.documents import extension_pdf as build

    record = _record(request, code=code)
    extension = record.extensions.filter(number=number).first()
    if extension is None:
        raise Http404(_("Extension not found."))
    return _pdf(
        lambda: build(extension), f"xin-loi-gia-han-{_safe(record.code)}-{number}.pdf", request
    )


@login_required
@require_GET
def stop_notice_pdf(request: HtmxHttpRequest, code: str) -> HttpResponse:
    """The notice that processing stopped."""
    from motcua.records.documents import stop_notice_pdf as build

    record = _record(request, code=code)
    return _pdf(lambda: build(record), f"thong-bao-dung-{_safe(record.code)}.pdf", request)


@login_required
@require_GET
def refusal_notice_pdf(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Form 03 for an online submission the desk refused."""
    from motcua.records.documents import refusal_notice_pdf as build

    record = _record(request, pk=pk)
    full = masking.sees_full_record(request.user, record)
    return _pdf(
        lambda: build(record, full=full),
        f"tu-choi-{_safe(record.external_code)}.pdf",
        request,
        full=full,
    )


@login_required
@require_GET
def slip_pdf(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Form 02 or Form 03 issued at the desk instead of receiving a dossier."""
    from motcua.records.documents import desk_slip_pdf as build

    try:
        slip: Any = desk_slip_get(user=request.user, pk=pk)
    except NotFound as exc:
        raise Http404(_("Desk slip not found.")) from exc
    return _pdf(lambda: build(slip), f"phieu-{_safe(slip.number)}.pdf", request)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
@require_GET
def tracking_book(request: HtmxHttpRequest) -> HttpResponse:
    """The record tracking book (Sổ theo dõi hồ sơ) of one of the user's agencies for a period,
    as XLSX: a form, then the file (``?download=1``). Phones in clear for the agency's desk only
    (``masking.Place.EXPORT``); every download is in the audit log."""
    from motcua.records.documents import tracking_book_xlsx

    agencies = list(
        Agency.objects.filter(
            pk__in=permissions.agency_ids_with(request.user, permissions.BOOK_KEEPERS)
        ).order_by("name")
    )
    if not agencies:
        raise PermissionDenied
    today = timezone.localdate()
    params = {
        "agency": request.GET.get("agency", agencies[0].code),
        "from": request.GET.get("from", today.replace(day=1).isoformat()),
        "to": request.GET.get("to", today.isoformat()),
    }
    error = ""
    if "download" in request.GET:
        agency = next((a for a in agencies if a.code == params["agency"]), None)
        try:
            date_from, date_to = (
                date.fromisoformat(params["from"]),
                date.fromisoformat(params["to"]),
            )
        except ValueError:
            error = _("Enter the first and the last day of the period (YYYY-MM-DD).")
        else:
            if agency is None:
                error = _("Choose one of the agencies whose book you keep.")
            else:
                full = masking.sees_full(
                    request.user, place=masking.Place.EXPORT, agency_id=agency.pk
                )
                try:
                    content = tracking_book_xlsx(
                        agency=agency, date_from=date_from, date_to=date_to, full=full
                    )
                except ValidationFailed as exc:
                    error = exc.message
                else:
                    audit_request(
                        request,
                        action="export.tracking_book",
                        detail={
                            "agency": agency.code,
                            "from": params["from"],
                            "to": params["to"],
                            "full": full,
                        },
                    )
                    name = f"so-theo-doi-{_safe(agency.code)}-{date_from:%Y%m%d}-{date_to:%Y%m%d}"
                    response = HttpResponse(content, content_type=XLSX)
                    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
                    response["Cache-Control"] = "no-store"
                    return response
    return render(
        request,
        "records/tracking_book.html",
        {"agencies": agencies, "params": params, "error": error},
        status=400 if error else 200,
    )
