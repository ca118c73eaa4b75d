"""Pages: the public verification page (/xac-minh/, anonymous) and, for officers, the result
and reuse panel of a record (/documents/records/<pk>/) with one POST per action."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.audit.services import audit_request
from motcua.core.errors import DomainError, NotFound
from motcua.core.users import signed_in
from motcua.documents import permissions, selectors, services, storage
from motcua.documents.forms import GenerateForm, VerifyForm
from motcua.documents.models import DigitisedDocument, ResultDocument
from motcua.documents.verification import verify_pdf


def _public_result(code: str) -> ResultDocument | None:
    try:
        return selectors.result_get_public(code=code)
    except NotFound:
        return None


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest, code: str = "") -> HttpResponse:
    """Upload a PDF and see its signatures; with a result code (from the QR), also whether it
    is exactly the registered file. Only the code, agency and dates are shown, no personal data."""
    document = _public_result(code) if code else None
    report = None
    status = 200
    form = VerifyForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            report = verify_pdf(form.cleaned_data["file"].read(), expected_code=code)
        else:
            status = 400
    return render(
        request,
        "documents/verify.html",
        {"form": form, "report": report, "code": code, "document": document},
        status=status if document is not None or not code else 404,
    )


def _record(request: HttpRequest, pk: int) -> Any:
    from motcua.records.selectors import record_get_by_pk

    try:
        return record_get_by_pk(user=request.user, pk=pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@login_required
@require_GET
def record_documents(request: HttpRequest, pk: int) -> HttpResponse:
    record = _record(request, pk)
    result = selectors.result_current(record)
    agency_id = record.handling_agency_id
    # The panel lists the person's reusable documents (by their ID number): logged as a view.
    audit_request(request, action="personal_data.viewed", obj=record, detail={"via": "documents"})
    return render(
        request,
        "documents/record_documents.html",
        {
            "record": record,
            "result": result,
            "generate_form": GenerateForm(),
            "options": selectors.reusable_for(record=record, user=request.user),
            "reused": selectors.reuse_list(record=record),
            "can_prepare": permissions.can_prepare_result(request.user, record),
            "can_sign": permissions.can_sign_as_leader(request.user, agency_id),
            "can_seal": permissions.can_apply_seal(request.user, agency_id),
        },
    )


def _back(pk: int) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("documents:record", args=[pk]))


def _report(request: HttpRequest, error: DomainError) -> None:
    if isinstance(error, NotFound):
        raise Http404(error.message)
    messages.error(request, error.message)


@login_required
@require_POST
def result_generate(request: HttpRequest, pk: int) -> HttpResponse:
    record = _record(request, pk)
    form = GenerateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The text is too long (4000 characters at most)."))
        return _back(pk)
    try:
        document = services.result_generate(
            actor=signed_in(request.user), record=record, content=form.cleaned_data["content"]
        )
    except DomainError as error:
        _report(request, error)
    else:
        messages.success(request, _("Result %(code)s generated.") % {"code": document.code})
    return _back(pk)


@login_required
@require_POST
def result_sign(request: HttpRequest, pk: int, result_pk: int) -> HttpResponse:
    record = _record(request, pk)
    try:
        document = selectors.result_get_for_record(record=record, pk=result_pk)
        services.result_sign(
            actor=signed_in(request.user), document=document, role=request.POST.get("role", "")
        )
    except DomainError as error:
        _report(request, error)
    else:
        messages.success(request, _("Signature added."))
    return _back(pk)


@login_required
@require_GET
def result_file(request: HttpRequest, pk: int, result_pk: int) -> HttpResponse:
    record = _record(request, pk)
    try:
        document = selectors.result_get_for_record(record=record, pk=result_pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    content = storage.read(document.storage_name)
    audit_request(
        request,
        action="export.result",
        obj=record,
        detail={"file": f"{document.code}.pdf", "result": document.code},
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{document.code}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def record_reuse(request: HttpRequest, pk: int) -> HttpResponse:
    record = _record(request, pk)
    options = selectors.reusable_for(record=record, user=request.user)
    digitised: DigitisedDocument | None = None
    result: ResultDocument | None = None
    wanted = request.POST.get("digitised", "")
    if wanted:
        digitised = next((d for d in options.digitised if str(d.pk) == wanted), None)
    wanted_result = request.POST.get("result", "")
    if wanted_result:
        result = next((r for r in options.results if str(r.pk) == wanted_result), None)
    if digitised is None and result is None:
        raise Http404(_("Document not found."))
    try:
        services.document_reuse(
            actor=signed_in(request.user), record=record, digitised=digitised, result=result
        )
    except DomainError as error:
        _report(request, error)
    else:
        messages.success(request, _("Document attached without re-scanning."))
    return _back(pk)
