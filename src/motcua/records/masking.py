"""Masking of applicants' ID numbers and phones (Decree 13/2023), and who sees them in clear.

Values keep their last three characters: the public lookup asks for the last FOUR digits of the
phone or ID number as its second factor, so a masked value never gives that factor away.

The policy (docs/security.md, "Personal data"):

- ``Place.RECORD`` (the record page, the API detail, the printed forms of a record): in clear for
  superusers and users with a role in the record's receiving or settling agency; masked for
  others in scope (a unit of another agency asked for a step or an opinion, a system account).
  A view in clear is logged (``personal_data.viewed`` with ``full: true``).
- ``Place.LIST`` (queues, search, report drill-downs, API lists, admin lists): always masked;
  no role works from a list with the full values.
- ``Place.EXPORT`` (the tracking book XLSX and other spreadsheets of many records): in clear
  only for reception officers of the exporting agency (the book is the desk's own register);
  masked for everyone else.
"""

from __future__ import annotations

import enum
from typing import Any

KEEP = 3


def _mask(value: str | None, keep: int = KEEP) -> str:
    if not value:
        return value or ""
    kept = keep if len(value) > keep else 0
    return "*" * (len(value) - kept) + value[len(value) - kept :]


def mask_id_number(value: str | None) -> str:
    """``"001085012345"`` → ``"*********345"``."""
    return _mask((value or "").strip())


def mask_phone(value: str | None) -> str:
    """``"0912345678"`` → ``"*******678"``."""
    return _mask((value or "").strip())


class Place(enum.StrEnum):
    RECORD = "record"
    LIST = "list"
    EXPORT = "export"


def sees_full(
    user: Any, *, place: Place, agency_id: int, handling_agency_id: int | None = None
) -> bool:
    """Whether ``user`` needs the applicant's ID numbers and phones in clear at ``place`` for a
    record (or an export) of ``agency_id`` (settled by ``handling_agency_id``)."""
    from motcua.organisations.models import Role
    from motcua.records import permissions

    if place is Place.LIST or not getattr(user, "is_authenticated", False):
        return False
    if place is Place.EXPORT:
        return permissions.has_role(user, agency_id=agency_id, roles={Role.RECEPTION})
    if getattr(user, "is_superuser", False):
        return True
    if permissions.has_role(user, agency_id=agency_id):
        return True
    return handling_agency_id is not None and permissions.has_role(
        user, agency_id=handling_agency_id
    )


def sees_full_record(user: Any, record: Any) -> bool:
    """The record page / API detail rule for ``record``."""
    return sees_full(
        user,
        place=Place.RECORD,
        agency_id=record.agency_id,
        handling_agency_id=record.handling_agency_id,
    )


CONTACT_FIELDS = {
    "applicant_id_number": mask_id_number,
    "applicant_phone": mask_phone,
    "representative_id_number": mask_id_number,
    "representative_phone": mask_phone,
}


def contact(obj: Any, *, full: bool) -> dict[str, str]:
    """The ID numbers and phones of a record (or desk slip), in clear or masked, by field name."""
    values: dict[str, str] = {}
    for name, masker in CONTACT_FIELDS.items():
        value = getattr(obj, name, "") or ""
        values[name] = value if full else masker(value)
    return values
