"""The one-stop desk: receive a dossier (or issue the guidance / refusal slip instead), and
the online submissions waiting at the desk."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from motcua.audit.services import audit_request
from motcua.catalogue.models import Procedure, ProcedureVersion
from motcua.catalogue.selectors import current_from_prefetch, procedures_at_agency
from motcua.core.errors import DomainError, NotFound
from motcua.core.lookups import parse_id
from motcua.core.users import signed_in
from motcua.organisations.calendar import DurationUnit, fmt_instant, unit_label
from motcua.organisations.models import Agency
from motcua.organisations.selectors import calendar_for
from motcua.records import deadlines, masking, services
from motcua.records.forms import (
    INTAKE_FIELD_MAP,
    OUTCOME_GUIDANCE,
    OUTCOME_RECEIVE,
    IntakeForm,
    apply_domain_error,
)
from motcua.records.models import DeskSlip
from motcua.records.selectors_ui import desk_agencies, desk_slip_get, submissions_waiting
from motcua.records.services import ApplicantData, ComponentData
from motcua.records.services.common import clock_rule
from motcua.records.views.common import HtmxHttpRequest, LookaheadPage, page_number, query_string
from motcua.records.views.record import record_url


def _desk(request: HtmxHttpRequest) -> tuple[list[Agency], Agency]:
    """The agencies where the user receives dossiers and the one chosen (``agency``)."""
    agencies = desk_agencies(user=request.user)
    if not agencies:
        raise DjangoPermissionDenied(
            _("Only reception officers of a one-stop desk can receive dossiers.")
        )
    wanted = request.POST.get("agency") or request.GET.get("agency") or ""
    agency = next((a for a in agencies if str(a.pk) == wanted), agencies[0])
    return agencies, agency


def _selected_procedure(procedures: Any, value: str | None) -> Procedure | None:
    pk = parse_id(value)
    if pk is None:
        return None
    return next((p for p in procedures if p.pk == pk), None)


def _handling_choices(agency: Agency, version: ProcedureVersion | None) -> list[Agency]:
    """The settling agencies to choose from, when the desk receives for several of them."""
    if version is None:
        return []
    implementing = list(version.implementing_agencies.all())
    if any(a.pk == agency.pk for a in implementing) or len(implementing) <= 1:
        return []
    return implementing


def _build_form(
    request: HtmxHttpRequest,
    agency: Agency,
    *,
    data: Any = None,
    files: Any = None,
    procedure_id: str | None = None,
) -> IntakeForm:
    procedures = list(procedures_at_agency(user=request.user, agency=agency))
    procedure = _selected_procedure(procedures, procedure_id)
    version = current_from_prefetch(procedure) if procedure is not None else None
    components = list(version.components.order_by("order")) if version is not None else []
    initial = {"procedure": procedure, "version": version.pk if version else None}
    form = IntakeForm(
        data,
        files,
        procedures=_procedure_queryset(procedures),
        version=version,
        components=components,
        handling_agencies=_handling_choices(agency, version),
        initial=initial,
    )
    form.procedure_choices = procedures  # type: ignore[attr-defined]
    return form


def _procedure_queryset(procedures: list[Procedure]) -> Any:
    return (
        Procedure.objects.filter(pk__in=[p.pk for p in procedures])
        .select_related("field")
        .order_by("code")
    )


def _version_facts(agency: Agency, version: ProcedureVersion | None) -> dict[str, Any]:
    """What the desk tells the applicant before receiving: duration, fees, the appointment
    the record would get if received now."""
    if version is None:
        return {}
    fees = list(version.fees.order_by("order"))
    facts: dict[str, Any] = {
        "version": version,
        "fees": fees,
        "fees_total": sum(fee.amount for fee in fees),
        "duration": f"{version.duration_value.normalize():f} {unit_label(DurationUnit(version.duration_unit), version.duration_value)}",
    }
    try:
        result = deadlines.appointment(
            calendar_for(agency=agency), clock_rule(version), received_at=timezone.now()
        )
        facts["appointment_preview"] = fmt_instant(result.due_at)
    except (ValueError, DomainError):
        facts["appointment_preview"] = ""
    return facts


def _intake_context(
    request: HtmxHttpRequest, agencies: list[Agency], agency: Agency, form: IntakeForm
) -> dict[str, Any]:
    return {
        "agencies": agencies,
        "agency": agency,
        "form": form,
        "checklist": form.checklist(),
        "upload_max_mb": settings.MOTCUA_UPLOAD_MAX_MB,
        **_version_facts(agency, form.version_obj),
    }


@login_required
@require_http_methods(["GET", "POST"])
def intake(request: HtmxHttpRequest) -> HttpResponse:
    agencies, agency = _desk(request)
    if request.method != "POST":
        form = _build_form(request, agency, procedure_id=request.GET.get("procedure"))
        return render(
            request, "records/intake.html", _intake_context(request, agencies, agency, form)
        )

    form = _build_form(
        request,
        agency,
        data=request.POST,
        files=request.FILES,
        procedure_id=request.POST.get("procedure"),
    )
    if not form.is_valid():
        return render(
            request,
            "records/intake.html",
            _intake_context(request, agencies, agency, form),
            status=400,
        )
    data = form.cleaned_data
    applicant = ApplicantData(
        name=data["applicant_name"],
        id_number=data.get("applicant_id_number", ""),
        address=data.get("applicant_address", ""),
        phone=data.get("applicant_phone", ""),
        email=data.get("applicant_email", ""),
        kind=data["applicant_kind"],
        representative_name=data.get("representative_name", ""),
        representative_id_number=data.get("representative_id_number", ""),
        representative_phone=data.get("representative_phone", ""),
    )
    try:
        if data["outcome"] == OUTCOME_RECEIVE:
            record = services.record_receive(
                actor=signed_in(request.user),
                agency=agency,
                procedure=data["procedure"],
                channel=data["channel"],
                applicant=applicant,
                components=[
                    ComponentData(
                        name=row["component"].name,
                        component_id=row["component"].pk,
                        copy_kind=row["copy_kind"],
                        quantity=row["quantity"],
                        file=row["file"],
                    )
                    for row in form.submitted_components(data)
                ],
                subject=data.get("subject", ""),
                sets=data.get("sets") or 1,
                return_method=data.get("return_method", ""),
                handling_agency=data.get("handling_agency"),
            )
            messages.success(
                request,
                _(
                    "Dossier received as record %(code)s; appointment %(due)s. Give the applicant the receipt (Form 01)."
                )
                % {
                    "code": record.code,
                    "due": fmt_instant(record.due_at) if record.due_at else "—",
                },
            )
            return redirect(record_url(record) + "?received=1")
        reason = (data.get("reason") or "").strip()
        if data["outcome"] == OUTCOME_GUIDANCE and not reason:
            reason = _("The dossier is not complete: add or complete the documents listed below.")
        slip = services.desk_slip_issue(
            actor=signed_in(request.user),
            agency=agency,
            procedure=data["procedure"],
            kind=data["outcome"],
            applicant=applicant,
            reason=reason,
            items=form.missing_items(data) if data["outcome"] == OUTCOME_GUIDANCE else [],
            channel=data["channel"],
            subject=data.get("subject", ""),
        )
    except DomainError as error:
        apply_domain_error(form, error, field_map=INTAKE_FIELD_MAP)
        status = 400 if error.status_code == 400 else int(error.status_code)
        return render(
            request,
            "records/intake.html",
            _intake_context(request, agencies, agency, form),
            status=status,
        )
    messages.success(
        request,
        _("%(kind)s no. %(number)s issued; the dossier was not received.")
        % {"kind": slip.get_kind_display(), "number": slip.number},
    )
    return redirect("records:slip", pk=slip.pk)


@login_required
@require_GET
def intake_checklist(request: HtmxHttpRequest) -> HttpResponse:
    """htmx: the checklist, fees and appointment of the procedure just chosen."""
    agencies, agency = _desk(request)
    form = _build_form(request, agency, procedure_id=request.GET.get("procedure"))
    return render(
        request,
        "records/partials/_intake_checklist.html",
        _intake_context(request, agencies, agency, form),
    )


@login_required
@require_GET
def slip_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    try:
        slip = desk_slip_get(user=request.user, pk=pk)
    except NotFound as exc:
        raise Http404(_("Desk slip not found.")) from exc
    try:
        pdf_url = reverse("records:slip_pdf", args=[slip.pk])
    except NoReverseMatch:
        pdf_url = ""
    full = masking.sees_full(request.user, place=masking.Place.RECORD, agency_id=slip.agency_id)
    audit_request(
        request, action="personal_data.viewed", obj=slip, detail={"via": "slip", "full": full}
    )
    return render(
        request,
        "records/slip_detail.html",
        {
            "slip": slip,
            "contact": masking.contact(slip, full=full),
            "pdf_url": pdf_url,
            "is_guidance": slip.kind == DeskSlip.Kind.GUIDANCE,
        },
    )


@login_required
@require_GET
def submissions(request: HtmxHttpRequest) -> HttpResponse:
    """Online submissions (status 1) waiting at the user's desks, oldest first."""
    agencies, _agency = _desk(request)
    page = LookaheadPage(
        submissions_waiting(user=request.user, agencies=agencies), number=page_number(request)
    )
    context = {
        "page": page,
        "agencies": agencies,
        "prev_qs": query_string(request, page=page.previous_page_number)
        if page.has_previous
        else "",
        "next_qs": query_string(request, page=page.next_page_number) if page.has_next else "",
    }
    return render(request, "records/submissions.html", context)
