"""Who may watch and steer the outbox: system administrators (and superusers)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from motcua.core.errors import PermissionDenied


def can_monitor(user: Any) -> bool:
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    from motcua.organisations.models import Role, StaffRole

    return StaffRole.objects.filter(user=user, role=Role.SYSTEM_ADMIN).exists()


def ensure_can_monitor(user: Any) -> None:
    if not can_monitor(user):
        raise PermissionDenied(_("Only system administrators may manage event deliveries."))
