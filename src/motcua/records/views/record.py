"""The record page and its actions.

Every action is its own small form posting (htmx) to its own URL ``records:<action>``. The
page shows only the actions ``permissions_ui.record_actions`` allows; a POST of anything else
is answered 409 (not possible in the record's state, or somebody else moved it first) or 403.
Service errors come back inline: a field error, or a conflict message with a reload link.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect, reswap, retarget, trigger_client_event

from motcua.audit.services import audit_request
from motcua.catalogue.selectors import PlannedStep, process_plan
from motcua.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from motcua.core.models import User
from motcua.core.users import signed_in
from motcua.organisations.calendar import fmt_instant
from motcua.records import deadlines, masking, services
from motcua.records import forms as f
from motcua.records.models import Record, RecordStep
from motcua.records.permissions_ui import RecordActions, record_actions
from motcua.records.selectors_ui import (
    RecordPage,
    officers_for_step,
    opinion_units,
    record_by_ref,
    record_page_for,
)
from motcua.records.views.common import HtmxHttpRequest, conflict_message, error_kind
from motcua.records.workflow import Action, Status, ensure_action


# ---- action specifications ----------------------------------------------------------------------
@dataclass(frozen=True)
class ActionSpec:
    action: str
    form_class: type[django_forms.Form]
    run: Callable[[User, Record, dict[str, Any], ActionContext], str]
    style: str = ""  # "primary", "danger" or "" (a plain button)
    confirm: str = ""

    @property
    def label(self) -> str:
        return str(Action(self.action).label)

    @property
    def url_name(self) -> str:
        return f"records:{self.action}"


class ActionContext:
    """What the action forms need to offer their choices, computed once and only on demand."""

    def __init__(self, user: Any, record: Record, allowed: RecordActions) -> None:
        self.user = user
        self.record = record
        self.allowed = allowed
        self.step = record.current_step

    @cached_property
    def plan(self) -> list[PlannedStep]:
        try:
            return process_plan(
                version=self.record.procedure_version, handling_agency=self.record.handling_agency
            )
        except DomainError:
            return []

    @cached_property
    def next_step(self) -> PlannedStep | None:
        if self.step is None:
            return None
        return next((p for p in self.plan if p.order > self.step.order), None)

    def send_back_targets(self) -> list[tuple[int, str]]:
        if self.step is None:
            return []
        return [
            (p.order, f"{p.order}. {p.name} — {p.unit.name}")
            for p in self.plan
            if p.order < self.step.order and p.unit is not None and not p.unit.is_one_stop_desk
        ]

    def form_kwargs(self, action: str) -> dict[str, Any]:
        step_initial = {"expected_step_id": self.record.current_step_id}
        if action in (Action.CLAIM, Action.APPROVE, Action.REQUEST_SUPPLEMENT):
            return {"initial": step_initial}
        if action == Action.ASSIGN:
            step = self.step
            officers = (
                officers_for_step(
                    unit=step.unit, role=step.role, leaders_may_act=step.leaders_may_act
                )
                if step is not None
                else User.objects.none()
            )
            return {"initial": step_initial, "officers": officers}
        if action == Action.FORWARD:
            nxt = self.next_step
            officers = (
                officers_for_step(unit=nxt.unit, role=nxt.role, leaders_may_act=nxt.leaders_may_act)
                if nxt and nxt.unit
                else User.objects.none()
            )
            return {"initial": step_initial, "officers": officers}
        if action == Action.SEND_BACK:
            return {"initial": step_initial, "targets": self.send_back_targets()}
        if action == Action.REQUEST_OPINION:
            exclude = self.step.unit_id if self.step else None
            return {"units": opinion_units(record=self.record, exclude_unit_id=exclude)}
        if action == Action.GIVE_OPINION:
            return {"opinion_ids": [o.pk for o in self.allowed.opinions]}
        if action == Action.RECEIVE:
            return {"initial": {"expected_status": self.record.status}}
        if action == Action.EXTEND:
            return {"initial": {"new_due_at": _suggested_new_due(self.record)}}
        return {}

    def opinion(self, pk: int) -> RecordStep:
        opinion = next((o for o in self.allowed.opinions if o.pk == pk), None)
        if opinion is None:
            raise NotFound(_("This opinion request is not open for you."))
        return opinion


def _suggested_new_due(record: Record) -> datetime | None:
    if record.due_at is None:
        return None
    return timezone.localtime(record.due_at).replace(second=0, microsecond=0)


def _code(record: Record) -> dict[str, str]:
    return {"code": record.code or ""}


def _claim(user: User, record: Record, data: dict[str, Any], ctx: ActionContext) -> str:
    services.step_claim(actor=user, record=record, expected_step_id=data.get("expected_step_id"))
    return _("You claimed record %(code)s: it is now in your queue.") % _code(record)


def _assign(user: User, record: Record, data: dict[str, Any], ctx: ActionContext) -> str:
    assignee = data["assignee"]
    services.step_assign(
        actor=user, record=record, assignee=assignee, expected_step_id=data.get("expected_step_id")
    )
    return _("Record %(code)s assigned to %(name)s.") % {
        **_code(record),
        "name": assignee.display_name(),
    }


def _forward(user: User, record: Record, data: dict[str, Any], ctx: ActionContext) -> str:
    result = services.step_forward(
        actor=user,
        record=record,
        assignee=data.get("assignee"),
        note=data.get("note", ""),
        expected_step_id=data.get("expected_step_id"),
    )
    step = result.current_step
    unit = step.unit.name if step is not None else ""
    return _("Record %(code)s forwarded to %(unit)s.") % {**_code(record), "unit": unit}


def _send_back(user: User, record: Record, data: dict[str, Any], ctx: ActionContext) -> str:
    result = services.step_send_back(
        actor=user,
        record=record,
        to_order=data["to_order"],
        reason=data["reason"],
        expected_step_id=data.get("expected_step_id"),
    )
    step = result.current_step
    unit = step.unit.name if step is not None else ""
    return _("Record %(code)s sent back to %(unit)s.") % {**_code(record), "unit": unit}


def _request_opinion(user: User, record: Record, data: dict[str, Any], ctx: ActionContext) -> str:
    unit = data["unit"]
    services.step_request_opinion(
        actor=user,
        record=record,
        unit=unit,
        question=data["question"],
        budget_hours=data["budget_hours"],
    )
    return _("Opinion requested from %(unit)s.") % {"unit": unit.name}


def _give_opinion(user: User, record: Record, data: dict[str, Any], ctx: ActionContext) -> str:
    services.step_give_opinion(
        actor=user, opinion=ctx.opinion(data["opinion"]), answer=data["answer"]
    )
    return _("Your opinion on record %(code)s was recorded.") % _code(record)


def _request_supplement(
    user: User, record: Record, data: dict[str, Any], ctx: ActionContext
) -> str:
    round_ = services.supplement_request(
        actor=user,
        record=record,
        reason=data["reason"],
        items=data["items"],
        expected_step_id=data.get("expected_step_id"),
    )
    return _(
        "Supplement request no. %(number)s recorded (Form 02): the record waits for the applicant."
    ) % {"number": round_.number}


def _receive_supplement(
    user: User, record: Record, data: dict[str, Any], ctx: ActionContext
) -> str:
    result = services.supplement_receive(actor=user, record=record, note=data.get("note", ""))
    due = fmt_instant(result.due_at) if result.due_at else "—"
    return _("Supplement received. The appointment is now %(due)s.") % {"due": due}


def _stop(user: User, record: Record, data: dict[str, Any], ctx: ActionContext) -> str:
    services.record_stop(actor=user, record=record, reason=data["reason"])
    return _("Processing of record %(code)s stopped.") % _code(record)


def _approve(user: User, record: Record, data: dict[str, Any], ctx: ActionContext) -> str:
    services.record_approve(
        actor=user,
        record=record,
        note=data.get("note", ""),
        expected_step_id=data.get("expected_step_id"),
    )
    return _("Record %(code)s approved.") % _code(record)


def _mark_result_ready(user: User, record: Record, data: dict[str, Any], ctx: ActionContext) -> str:
    services.record_mark_result_ready(
        actor=user, record=record, result_summary=data.get("result_summary", "")
    )
    return _("The result of record %(code)s is ready to be returned.") % _code(record)


def _return_result(user: User, record: Record, data: dict[str, Any], ctx: ActionContext) -> str:
    services.record_return_result(
        actor=user, record=record, method=data["method"], note=data.get("note", "")
    )
    return _("The result of record %(code)s was returned.") % _code(record)


def _withdraw(user: User, record: Record, data: dict[str, Any], ctx: ActionContext) -> str:
    services.record_withdraw(actor=user, record=record, reason=data["reason"])
    return _("Record %(code)s withdrawn at the applicant's request.") % _code(record)


def _extend(user: User, record: Record, data: dict[str, Any], ctx: ActionContext) -> str:
    extension = services.record_extend(
        actor=user, record=record, new_due_at=data["new_due_at"], reason=data["reason"]
    )
    return _("Apology recorded; the new appointment is %(due)s.") % {
        "due": fmt_instant(extension.new_due_at)
    }


def _receive(user: User, record: Record, data: dict[str, Any], ctx: ActionContext) -> str:
    result = services.record_receive_online(
        actor=user, record=record, expected_status=data.get("expected_status") or None
    )
    return _("Online submission received as record %(code)s.") % _code(result)


def _refuse(user: User, record: Record, data: dict[str, Any], ctx: ActionContext) -> str:
    services.record_refuse_online(actor=user, record=record, reason=data["reason"])
    return _("The online submission was refused; the applicant is told the reason.")


SPECS: dict[str, ActionSpec] = {
    spec.action: spec
    for spec in (
        ActionSpec(Action.RECEIVE, f.ReceiveOnlineForm, _receive, style="primary"),
        ActionSpec(Action.REFUSE, f.RefuseOnlineForm, _refuse, style="danger"),
        ActionSpec(Action.CLAIM, f.ClaimForm, _claim, style="primary"),
        ActionSpec(Action.ASSIGN, f.AssignForm, _assign),
        ActionSpec(Action.FORWARD, f.ForwardForm, _forward, style="primary"),
        ActionSpec(Action.APPROVE, f.ApproveForm, _approve, style="primary"),
        ActionSpec(Action.SEND_BACK, f.SendBackForm, _send_back),
        ActionSpec(Action.REQUEST_OPINION, f.RequestOpinionForm, _request_opinion),
        ActionSpec(Action.GIVE_OPINION, f.GiveOpinionForm, _give_opinion, style="primary"),
        ActionSpec(Action.REQUEST_SUPPLEMENT, f.RequestSupplementForm, _request_supplement),
        ActionSpec(
            Action.RECEIVE_SUPPLEMENT, f.ReceiveSupplementForm, _receive_supplement, style="primary"
        ),
        ActionSpec(
            Action.MARK_RESULT_READY, f.MarkResultReadyForm, _mark_result_ready, style="primary"
        ),
        ActionSpec(Action.RETURN_RESULT, f.ReturnResultForm, _return_result, style="primary"),
        ActionSpec(Action.EXTEND, f.ExtendForm, _extend),
        ActionSpec(Action.STOP, f.StopForm, _stop, style="danger"),
        ActionSpec(Action.WITHDRAW, f.WithdrawForm, _withdraw, style="danger"),
    )
}
# The order of the action panel: the usual next move first, the rare and destructive last.
PANEL_ORDER = list(SPECS)


# ---- rendering ----------------------------------------------------------------------------------
@dataclass
class ActionItem:
    """One action as the page shows it: its form (bound after a failed POST) and error."""

    spec: ActionSpec
    form: django_forms.Form
    url: str
    key: str
    opinion: RecordStep | None = None
    error: str = ""
    error_kind: str = ""
    open: bool = False

    @property
    def has_fields(self) -> bool:
        return any(not field.is_hidden for field in self.form)

    @property
    def dom_id(self) -> str:
        return "action-" + self.key.replace(":", "-").replace("_", "-")


def _auto_id(key: str) -> str:
    """Field ids unique on the page (several action forms have a ``reason`` field)."""
    return "id_" + "".join(ch if ch.isalnum() else "_" for ch in key) + "_%s"


def _action_items(
    user: Any,
    record: Record,
    allowed: RecordActions,
    ctx: ActionContext,
    failed: ActionItem | None = None,
) -> list[ActionItem]:
    items: list[ActionItem] = []
    for action in PANEL_ORDER:
        if action not in allowed:
            continue
        spec = SPECS[action]
        url = action_url(record, action)
        if action == Action.GIVE_OPINION:
            for opinion in allowed.opinions:
                key = f"{action}:{opinion.pk}"
                if failed is not None and failed.key == key:
                    items.append(failed)
                    continue
                form = spec.form_class(
                    initial={"opinion": opinion.pk},
                    auto_id=_auto_id(key),
                    **ctx.form_kwargs(action),
                )
                items.append(ActionItem(spec=spec, form=form, url=url, key=key, opinion=opinion))
            continue
        if failed is not None and failed.key == action:
            items.append(failed)
            continue
        form = spec.form_class(auto_id=_auto_id(action), **ctx.form_kwargs(action))
        items.append(ActionItem(spec=spec, form=form, url=url, key=action))
    return items


def _optional_url(name: str, *args: Any) -> str:
    """A URL that another part of the app may not provide yet (e.g. the PDF forms)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def detail_context(
    request: HtmxHttpRequest, page: RecordPage, *, failed: ActionItem | None = None
) -> dict[str, Any]:
    record = page.record
    now = timezone.now()
    allowed = record_actions(request.user, record, now=now, open_opinions=page.open_opinions)
    ctx = ActionContext(request.user, record, allowed)
    overdue = record.is_open and deadlines.is_overdue(
        due_at=record.due_at, at=now, paused_at=record.paused_at
    )
    code = record.code or ""
    contact_full = masking.sees_full_record(request.user, record)
    return {
        "record": record,
        "page": page,
        "contact": masking.contact(record, full=contact_full),
        "contact_full": contact_full,
        "allowed": allowed,
        "actions": _action_items(request.user, record, allowed, ctx, failed),
        "overdue": overdue,
        "now": now,
        "receipt_url": _optional_url("records:receipt_pdf", code) if code else "",
        "control_sheet_url": _optional_url("records:control_sheet_pdf", code) if code else "",
        "stop_notice_url": _optional_url("records:stop_notice_pdf", code)
        if code and record.status == Status.STOPPED
        else "",
        "refusal_notice_url": _optional_url("records:refusal_notice_pdf", record.pk)
        if record.status == Status.REFUSED
        else "",
        "status_is_submitted": record.status == Status.SUBMITTED,
    }


def _log_view(request: HtmxHttpRequest, record: Record, context: dict[str, Any]) -> None:
    """Every render of the record's personal data is logged, saying whether it was in clear."""
    audit_request(
        request,
        action="personal_data.viewed",
        obj=record,
        detail={"via": "page", "full": bool(context["contact_full"])},
    )


def record_url(record: Record) -> str:
    """The page of ``record``: by its code, or by its id while an online submission has none."""
    if record.code:
        return reverse("records:detail", args=[record.code])
    return reverse("records:detail_by_id", args=[record.pk])


def action_url(record: Record, action: str) -> str:
    if record.code:
        return reverse(f"records:{action}", args=[record.code])
    return reverse(f"records:{action}_by_id", args=[record.pk])


def _load(user: Any, code: str | None, pk: int | None) -> Record:
    """The record by code or id, within the user's scope; 404 otherwise."""
    try:
        return record_by_ref(user=user, code=code, pk=pk)
    except NotFound as exc:
        raise Http404(_("Record not found.")) from exc


@login_required
@require_GET
def record_detail(
    request: HtmxHttpRequest, code: str | None = None, pk: int | None = None
) -> HttpResponse:
    record = _load(request.user, code, pk)
    if pk is not None and record.code:
        return redirect(record_url(record))
    page = record_page_for(record)
    context = detail_context(request, page)
    _log_view(request, record, context)
    if request.htmx and request.GET.get("part") == "body":
        return render(request, "records/partials/_record_body.html", context)
    return render(request, "records/record_detail.html", context)


# ---- actions ------------------------------------------------------------------------------------
def _refusal(record: Record, action: str, posted_step: Any) -> DomainError:
    """Why an action that the page would not have offered is refused now."""
    try:
        ensure_action(action, record.status)
    except Conflict as exc:
        return exc
    if posted_step not in (None, "") and str(posted_step) != str(record.current_step_id or ""):
        return Conflict(
            _("Somebody else moved this record first. Reload and try again."), code="stale"
        )
    if (
        action == Action.CLAIM
        and record.current_step is not None
        and record.current_step.assignee_id
    ):
        return Conflict(_("Somebody else claimed this step first."), code="stale")
    return PermissionDenied(_("You are not allowed to do this on this record."))


def _error_status(error: DomainError) -> int:
    return 404 if isinstance(error, NotFound) else int(error.status_code)


def _row_response(
    request: HtmxHttpRequest, record: Record, *, message: str, ok: bool, status: int, return_to: str
) -> HttpResponse:
    html = render_to_string(
        "records/partials/_row_result.html",
        {"record": record, "message": message, "ok": ok, "return_to": return_to},
        request=request,
    )
    response = HttpResponse(html, status=status)
    if ok:
        trigger_client_event(response, "records:queue-changed")
    return response


def _failure(
    request: HtmxHttpRequest,
    record: Record,
    item: ActionItem,
    error: DomainError | None,
    return_to: str,
) -> HttpResponse:
    status = 400
    if error is not None:
        status = _error_status(error)
        kind = error_kind(error)
        item.error_kind = kind
        if kind == "conflict":
            item.error = conflict_message(error)
        elif kind == "forbidden":
            item.error = error.message
        else:
            f.apply_domain_error(item.form, error)
    item.open = True
    if request.htmx and return_to:
        message = item.error or "; ".join(
            str(m) for errors in item.form.errors.values() for m in errors
        )
        return _row_response(
            request, record, message=message, ok=False, status=status, return_to=return_to
        )
    if request.htmx:
        html = render_to_string(
            "records/partials/_action.html", {"item": item, "record": record}, request=request
        )
        return HttpResponse(html, status=status)
    page = record_page_for(record)
    context = detail_context(request, page, failed=item)
    _log_view(request, record, context)
    return render(request, "records/record_detail.html", context, status=status)


@login_required
@require_POST
def record_action(
    request: HtmxHttpRequest, action: str, code: str | None = None, pk: int | None = None
) -> HttpResponse:
    spec = SPECS.get(action)
    if spec is None:
        raise Http404
    user = signed_in(request.user)
    record = _load(user, code, pk)
    return_to = request.POST.get("return_to", "")
    if return_to not in ("", "queue_row", "submission_row"):
        return_to = ""
    allowed = record_actions(user, record)
    ctx = ActionContext(user, record, allowed)
    key = action
    if action == Action.GIVE_OPINION:
        key = f"{action}:{request.POST.get('opinion', '')}"
    form = spec.form_class(request.POST, auto_id=_auto_id(key), **ctx.form_kwargs(action))
    item = ActionItem(spec=spec, form=form, url=action_url(record, action), key=key)
    if action == Action.GIVE_OPINION:
        item.opinion = next(
            (o for o in allowed.opinions if str(o.pk) == request.POST.get("opinion")), None
        )

    if action not in allowed:
        refusal = _refusal(record, action, request.POST.get("expected_step_id"))
        return _failure(request, record, item, refusal, return_to)
    if not form.is_valid():
        return _failure(request, record, item, None, return_to)
    try:
        message = spec.run(user, record, form.cleaned_data, ctx)
    except DomainError as error:
        if action == Action.CLAIM and isinstance(error, PermissionDenied):
            # Two officers claiming at once: the loser sees a conflict, not a permission error.
            fresh = _load(user, None, record.pk)
            if fresh.current_step is not None and fresh.current_step.assignee_id:
                error = Conflict(_("Somebody else claimed this step first."), code="stale")
        return _failure(request, record, item, error, return_to)
    return _success(request, record, message, return_to)


def _success(
    request: HtmxHttpRequest, record: Record, message: str, return_to: str
) -> HttpResponse:
    try:
        fresh: Record | None = record_by_ref(user=request.user, pk=record.pk)
    except NotFound:
        fresh = None  # the move took the record out of the user's scope
    if request.htmx and return_to:
        return _row_response(
            request, fresh or record, message=message, ok=True, status=200, return_to=return_to
        )
    messages.success(request, message)
    if fresh is None:
        target = reverse("records:queue_mine")
        return HttpResponseClientRedirect(target) if request.htmx else redirect(target)
    if request.htmx:
        context = detail_context(request, record_page_for(fresh))
        _log_view(request, fresh, context)
        html = render_to_string("records/partials/_record_body.html", context, request=request)
        html += render_to_string("core/partials/_messages.html", {"oob": True}, request=request)
        response = HttpResponse(html)
        trigger_client_event(response, "records:record-changed")
        return reswap(retarget(response, "#record-body"), "outerHTML")
    return redirect(record_url(fresh))
