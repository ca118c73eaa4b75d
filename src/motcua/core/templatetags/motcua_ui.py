"""Template tags of the officer layout: navigation and the signed-in user's roles."""

from __future__ import annotations

import unicodedata
from typing import Any

from django import template
from django.conf import settings
from django.template.context import Context

from motcua.core.nav import NavSection, nav_for, request_staff_roles

register = template.Library()


@register.simple_tag(takes_context=True)
def motcua_nav(context: Context) -> list[NavSection]:
    """``{% motcua_nav as sections %}``: the left navigation for the current user."""
    request = context.get("request")
    if request is None:
        return []
    roles = {str(row.role) for row in request_staff_roles(request)}
    match = getattr(request, "resolver_match", None)
    current = match.view_name if match is not None else None
    return nav_for(getattr(request, "user", None), current_view=current, roles=roles)


@register.simple_tag(takes_context=True)
def motcua_staff_roles(context: Context) -> list[Any]:
    """``{% motcua_staff_roles as roles %}``: the user's StaffRole rows (agency, unit joined)."""
    request = context.get("request")
    if request is None:
        return []
    return request_staff_roles(request)


@register.simple_tag
def motcua_demo_password() -> str:
    """The initial password of the demo accounts, only where demo data is allowed (never in
    production, whose settings force MOTCUA_DEMO_DATA off)."""
    if not settings.MOTCUA_DEMO_DATA:
        return ""
    from motcua.organisations.demo import DEMO_PASSWORD

    return DEMO_PASSWORD


@register.filter
def nfc(value: object) -> str:
    """Unicode NFC form (Django's ``name_local`` of Vietnamese uses combining accents)."""
    return unicodedata.normalize("NFC", str(value))
