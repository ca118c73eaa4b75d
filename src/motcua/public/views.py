"""The citizen's pages: lookup by code (QR link or form), the evaluation form of a record and the
public satisfaction figures. Anonymous; every attempt that names a record code is counted by
``motcua.public.ratelimit``."""

from __future__ import annotations

import re

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from motcua.core.errors import DomainError
from motcua.evaluation import criteria
from motcua.evaluation import selectors as evaluation_selectors
from motcua.evaluation.forms import EvaluationForm
from motcua.evaluation.models import EvaluationChannel
from motcua.evaluation.ui import evaluation_context
from motcua.public import figures, lookup, ratelimit
from motcua.public.evaluation_audit import evaluation_submit_audited
from motcua.records.models import Record


def _rate_limited(request: HttpRequest, verdict: ratelimit.Verdict) -> HttpResponse:
    response = render(
        request,
        "public/rate_limited.html",
        {"retry_minutes": max(1, (verdict.retry_after + 59) // 60)},
        status=429,
    )
    response["Retry-After"] = str(verdict.retry_after)
    return response


def _not_found(request: HttpRequest, *, code: str) -> HttpResponse:
    """The one answer for an unknown code, a wrong secret and wrong digits."""
    return render(
        request,
        "public/lookup_form.html",
        {
            "code": code,
            "error": _(
                "No record matches this code and the details you gave. Check the code and the "
                "digits on your receipt."
            ),
        },
        status=404,
    )


def _result(request: HttpRequest, record: Record, *, secret: str) -> HttpResponse:
    view = lookup.public_view(record)
    return render(
        request,
        "public/lookup_result.html",
        {"view": view, "secret": secret},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def lookup_form(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return render(request, "public/lookup_form.html", {"code": request.GET.get("code", "")})
    code = lookup.normalise_code(request.POST.get("code", ""))
    proof = (request.POST.get("proof", "") or "").strip()
    if not code or not proof:
        return render(
            request,
            "public/lookup_form.html",
            {"code": code, "error": _("Enter the record code and the secret or four digits.")},
            status=400,
        )
    verdict = ratelimit.attempt(request, code=code)
    if not verdict.allowed:
        return _rate_limited(request, verdict)
    # Four digits: the end of the phone or ID number; anything longer: the receipt's secret.
    digits = proof if re.fullmatch(r"[0-9]{4}", proof) else ""
    secret = "" if digits else proof
    record, by_secret = lookup.find(code=code, secret=secret, digits=digits)
    if record is None:
        return _not_found(request, code=code)
    ratelimit.forgive(verdict)
    return _result(request, record, secret=secret if by_secret else "")


@never_cache
@require_http_methods(["GET"])
def lookup_page(request: HttpRequest, code: str) -> HttpResponse:
    code = lookup.normalise_code(code)
    secret = request.GET.get("k", "")
    verdict = ratelimit.attempt(request, code=code)
    if not verdict.allowed:
        return _rate_limited(request, verdict)
    record, by_secret = lookup.find(code=code, secret=secret)
    if record is None or not by_secret:
        return _not_found(request, code=code)
    ratelimit.forgive(verdict)
    return _result(request, record, secret=secret)


@never_cache
@require_http_methods(["GET", "POST"])
def evaluation_page(request: HttpRequest, code: str) -> HttpResponse:
    code = lookup.normalise_code(code)
    secret = request.GET.get("k", "") if request.method == "GET" else request.POST.get("k", "")
    verdict = ratelimit.attempt(request, code=code)
    if not verdict.allowed:
        return _rate_limited(request, verdict)
    record, by_secret = lookup.find(code=code, secret=secret)
    if record is None or not by_secret:
        return _not_found(request, code=code)
    ratelimit.forgive(verdict)
    source = request.GET if request.method == "GET" else request.POST
    channel = EvaluationChannel.ONLINE if source.get("c") == "online" else EvaluationChannel.QR
    base = {"secret": secret, "channel": channel, "record": record}
    if not evaluation_selectors.is_evaluable(record):
        return render(
            request,
            "public/evaluation_unavailable.html",
            {**base, "view": lookup.public_view(record)},
        )
    if request.method == "GET":
        return render(
            request, "public/evaluation_form.html", {**base, **evaluation_context(record)}
        )
    context = evaluation_context(record, data=request.POST)
    form: EvaluationForm = context["form"]
    if form.is_valid():
        try:
            evaluation = evaluation_submit_audited(
                request,
                actor=request.user,
                record=record,
                channel=channel,
                secret=secret,
                answers=form.answers(),
                satisfaction=form.cleaned_data["satisfaction"],
                comment=form.cleaned_data["comment"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            return render(
                request,
                "public/evaluation_thanks.html",
                {**base, "evaluation": evaluation, "max_total": criteria.MAX_TOTAL},
            )
    return render(request, "public/evaluation_form.html", {**base, **context}, status=400)


@require_http_methods(["GET"])
def satisfaction_figures(request: HttpRequest) -> HttpResponse:
    return render(
        request, "public/figures.html", {"months": figures.public_figures(), **figures.links()}
    )
