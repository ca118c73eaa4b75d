"""Who may change the catalogue: system administrators (role granted in any agency) and
superusers. Everybody with a staff account may read it."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from motcua.core.errors import PermissionDenied
from motcua.organisations.models import Role, StaffRole


def can_manage_catalogue(user: Any) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return StaffRole.objects.filter(user=user, role=Role.SYSTEM_ADMIN).exists()


def ensure_can_manage_catalogue(user: Any) -> None:
    """``user`` None is the system itself (management commands run by the operator)."""
    if user is None:
        return
    if not can_manage_catalogue(user):
        raise PermissionDenied(_("Only system administrators may change the procedure catalogue."))
