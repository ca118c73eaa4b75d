"""The counter kiosk: a tablet at the desk. The reception officer (signed in) types or scans the
record code, the citizen answers on the tablet, the page resets itself after the answer or after
a while without input (``public/kiosk.js``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from motcua.core.errors import DomainError
from motcua.evaluation import criteria, permissions, selectors
from motcua.evaluation.forms import EvaluationForm
from motcua.evaluation.models import EvaluationChannel
from motcua.evaluation.ui import evaluation_context
from motcua.public.evaluation_audit import evaluation_submit_audited
from motcua.records.models import Record
from motcua.records.selectors import record_get


def _kiosk_user(request: HttpRequest) -> None:
    if not permissions.can_use_kiosk(request.user):
        raise DjangoPermissionDenied(_("The kiosk is for reception officers."))


def _kiosk_record(request: HttpRequest, code: str) -> Record | None:
    try:
        record = record_get(user=request.user, code=code.strip()[:40])
    except DomainError:
        return None
    return record if permissions.can_evaluate_at_kiosk(request.user, record) else None


def _code_page(request: HttpRequest, *, error: str = "", status: int = 200) -> HttpResponse:
    return render(request, "public/kiosk_code.html", {"error": error}, status=status)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def kiosk(request: HttpRequest) -> HttpResponse:
    """Step 1: the officer types or scans the record code (a QR scanner types the lookup URL:
    the code is taken from it)."""
    _kiosk_user(request)
    if request.method == "GET":
        return _code_page(request)
    raw = (request.POST.get("code", "") or "").strip()
    code = raw.split("?")[0].rstrip("/").rsplit("/", 1)[-1] if "/" in raw else raw
    record = _kiosk_record(request, code) if code else None
    if record is None:
        return _code_page(
            request,
            error=_("No record of your agency has this code. Check the code and try again."),
            status=404,
        )
    if not selectors.is_evaluable(record):
        return _code_page(
            request,
            error=_("This record can be evaluated once its processing has finished."),
            status=409,
        )
    if permissions.is_own_work(request.user, record):
        return _code_page(
            request,
            error=_("You worked on this record: another officer must open its evaluation."),
            status=403,
        )
    return render(request, "public/kiosk_form.html", evaluation_context(record))


@never_cache
@login_required
@require_http_methods(["POST"])
def kiosk_submit(request: HttpRequest) -> HttpResponse:
    """Step 2: the citizen's answers."""
    _kiosk_user(request)
    record = _kiosk_record(request, request.POST.get("code", ""))
    if record is None:
        return _code_page(
            request,
            error=_("No record of your agency has this code. Check the code and try again."),
            status=404,
        )
    context = evaluation_context(record, data=request.POST)
    form: EvaluationForm = context["form"]
    if form.is_valid():
        try:
            evaluation = evaluation_submit_audited(
                request,
                actor=request.user,
                record=record,
                channel=EvaluationChannel.KIOSK,
                answers=form.answers(),
                satisfaction=form.cleaned_data["satisfaction"],
                comment=form.cleaned_data["comment"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            return render(
                request,
                "public/kiosk_thanks.html",
                {"evaluation": evaluation, "max_total": criteria.MAX_TOTAL},
            )
    return render(request, "public/kiosk_form.html", context, status=400)
