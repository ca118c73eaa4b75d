"""Who may generate, sign and attach documents. Plain functions (can_* for templates,
ensure_can_* for services); the record-level rule is the records app's "mark result ready"."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from motcua.core.errors import PermissionDenied
from motcua.organisations.models import Role, StaffRole

SEAL_KEEPERS: set[str] = {Role.AGENCY_LEADER, Role.RECEPTION}


def _has_role(user: Any, *, agency_id: int, roles: set[str]) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return StaffRole.objects.filter(user=user, agency_id=agency_id, role__in=roles).exists()


def can_attach(user: Any, record: Any) -> bool:
    """Who may attach (and so list) the applicant's reusable documents to ``record``: the
    officers handling it (``services.document_reuse``'s rule) who see the record in clear."""
    from motcua.records import masking
    from motcua.records import permissions as record_permissions

    if not getattr(user, "is_authenticated", False):
        return False
    handles = record_permissions.can_receive(
        user, record.agency_id
    ) or record_permissions.can_mark_ready(user, record)
    return handles and masking.sees_full_record(user, record)


def can_prepare_result(user: Any, record: Any) -> bool:
    from motcua.records import permissions as record_permissions

    return bool(getattr(user, "is_authenticated", False)) and record_permissions.can_mark_ready(
        user, record
    )


def ensure_can_prepare_result(user: Any, record: Any) -> None:
    if not can_prepare_result(user, record):
        raise PermissionDenied(_("Only the officer handling the record can prepare its result."))


def can_sign_as_leader(user: Any, agency_id: int) -> bool:
    return _has_role(user, agency_id=agency_id, roles={str(Role.AGENCY_LEADER)})


def can_apply_seal(user: Any, agency_id: int) -> bool:
    return _has_role(user, agency_id=agency_id, roles=SEAL_KEEPERS)


def ensure_can_sign_as_leader(user: Any, agency_id: int) -> None:
    if not can_sign_as_leader(user, agency_id):
        raise PermissionDenied(_("Only a leader of the issuing agency can sign its results."))


def ensure_can_apply_seal(user: Any, agency_id: int) -> None:
    if not can_apply_seal(user, agency_id):
        raise PermissionDenied(
            _("Only the agency's leaders or its one-stop desk can apply the agency seal.")
        )


def can_digitise(user: Any, agency_id: int) -> bool:
    return _has_role(
        user,
        agency_id=agency_id,
        roles={str(Role.RECEPTION), str(Role.SPECIALIST), str(Role.UNIT_HEAD)},
    )


def ensure_can_digitise(user: Any, agency_id: int) -> None:
    if not can_digitise(user, agency_id):
        raise PermissionDenied(_("Only the agency's officers can digitise documents."))
