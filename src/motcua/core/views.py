from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views import defaults
from django.views.decorators.http import require_GET
from rest_framework import exceptions

from motcua.core.hooks import HOME_ALERTS, hook_collect
from motcua.core.nav import nav_for, request_staff_roles


@dataclass
class AgencyRoles:
    """One agency on the work desk with the user's roles there (role label, unit or None)."""

    agency: Any
    roles: list[tuple[str, Any]] = field(default_factory=list)


def _roles_by_agency(staff_roles: list[Any]) -> list[AgencyRoles]:
    from motcua.organisations.models import Role

    order = {value: index for index, value in enumerate(Role.values)}
    groups: dict[int, AgencyRoles] = {}
    for row in sorted(
        staff_roles, key=lambda r: (str(r.agency), order.get(r.role, 99), str(r.unit or ""))
    ):
        group = groups.setdefault(row.agency_id, AgencyRoles(agency=row.agency))
        group.roles.append((row.get_role_display(), row.unit))
    return list(groups.values())


def _today(agency: Any) -> dict[str, Any]:
    """Today's date in the agency's (or the province's) working calendar."""
    from motcua.organisations.calendar import fmt_day
    from motcua.organisations.selectors import calendar_for, today_local

    calendar = calendar_for(agency=agency)
    today = today_local()
    working = calendar.is_working_day(today)
    return {
        "label": fmt_day(today),
        "is_working_day": working,
        "note": calendar.day_note(today),
        "next_working_day": None if working else fmt_day(calendar.next_working_day(today)),
        "office_hours": ", ".join(f"{p.start:%H:%M}–{p.end:%H:%M}" for p in calendar.periods),
    }


@login_required
def home(request: HttpRequest) -> HttpResponse:
    staff_roles = request_staff_roles(request)
    groups = _roles_by_agency(staff_roles)
    shortcuts = nav_for(request.user, roles={str(r.role) for r in staff_roles})
    first_agency = groups[0].agency if groups else None
    context = {
        "agency_roles": groups,
        "shortcuts": shortcuts,
        "today": _today(first_agency),
        "calendar_agency": first_agency,
        # Health warnings other apps contribute (e.g. late event deliveries), see core.hooks.
        "alerts": hook_collect(HOME_ALERTS, request=request),
    }
    return render(request, "core/home.html", context)


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


API_PREFIX = "/api/"


def _api_error(code: str, message: str, status: int) -> JsonResponse:
    """The API's error body (``motcua.core.api.exception_handler``) for answers Django gives
    before any API view runs."""
    return JsonResponse({"error": {"code": code, "message": message}}, status=status)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """``handler404``: under /api/ a URL no route matches (e.g. ``records/²/result``, where an
    id must be ASCII digits) answers the API's JSON 404, elsewhere Django's page."""
    if request.path.startswith(API_PREFIX):
        return _api_error("not_found", str(exceptions.NotFound.default_detail), 404)
    return defaults.page_not_found(request, exception)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """``handler400``: the same for a request Django refuses itself (SuspiciousOperation)."""
    if request.path.startswith(API_PREFIX):
        return _api_error("invalid", str(exceptions.ParseError.default_detail), 400)
    return defaults.bad_request(request, exception)
