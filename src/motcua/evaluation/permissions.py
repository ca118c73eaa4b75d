"""Who may open the counter kiosk and who may read the satisfaction reports."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from motcua.core.errors import PermissionDenied
from motcua.organisations.models import Role
from motcua.organisations.selectors import user_agency_ids

KIOSK_ROLES = (Role.RECEPTION,)
# Not system administrators: the report lists low scores with the citizens' own comments and
# their record codes (personal data), and that role manages configuration only.
REPORT_ROLES = (
    Role.AGENCY_LEADER,
    Role.UNIT_HEAD,
    Role.CENTER_SUPERVISOR,
)


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def kiosk_agency_ids(user: Any) -> set[int]:
    if not _signed_in(user):
        return set()
    return user_agency_ids(user=user, roles=KIOSK_ROLES)


def can_use_kiosk(user: Any) -> bool:
    return bool(kiosk_agency_ids(user))


def can_evaluate_at_kiosk(user: Any, record: Any) -> bool:
    agencies = kiosk_agency_ids(user)
    return record.agency_id in agencies or record.handling_agency_id in agencies


def ensure_can_evaluate_at_kiosk(user: Any, record: Any) -> None:
    if not can_evaluate_at_kiosk(user, record):
        raise PermissionDenied(
            _("Only a reception officer of the record's agency can open its evaluation here.")
        )


def is_own_work(user: Any, record: Any) -> bool:
    """Whether ``user`` is one of the officers whose work an evaluation of ``record`` judges."""
    from motcua.evaluation.selectors import evaluated_officer_ids

    return _signed_in(user) and user.pk in evaluated_officer_ids(record)


def ensure_not_own_work(user: Any, record: Any) -> None:
    """Nobody evaluates their own work: not at the kiosk, not through the QR or online form."""
    if is_own_work(user, record):
        raise PermissionDenied(
            _(
                "You worked on this record: its evaluation must be given by the applicant, "
                "at another officer's kiosk or by the QR code."
            ),
            code="own_work",
        )


def report_agency_ids(user: Any) -> set[int] | None:
    """The agencies whose evaluations ``user`` may read; None = every agency (superuser)."""
    if not _signed_in(user):
        return set()
    if user.is_superuser:
        return None
    return user_agency_ids(user=user, roles=REPORT_ROLES)


def can_read_reports(user: Any) -> bool:
    scope = report_agency_ids(user)
    return scope is None or bool(scope)
