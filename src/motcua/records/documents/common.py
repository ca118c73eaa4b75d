"""Reads shared by the forms. Each form re-reads what it prints with ``select_related`` so
that its number of queries does not depend on what the caller happened to load."""

from __future__ import annotations

from typing import Any

from motcua.organisations.models import OrgUnit
from motcua.records.documents import texts
from motcua.records.documents.formatting import (
    agency_heading,
    agency_place,
    clean,
    local,
    long_date,
)
from motcua.records.documents.layout import FormPDF


def agency_related(prefix: str) -> tuple[str, ...]:
    """``select_related`` paths for an agency's header (parent, place, province)."""
    return (f"{prefix}__parent", f"{prefix}__administrative_unit__parent__parent")


def desk_name(agency: Any) -> str:
    """The name of the agency's one-stop desk (one query)."""
    desk = (
        OrgUnit.objects.filter(agency_id=agency.pk, is_one_stop_desk=True, is_active=True)
        .order_by("id")
        .values_list("name", flat=True)
        .first()
    )
    return clean(desk or texts.DESK_UNIT_FALLBACK)


def start(pdf_title: str, *, agency: Any, number: str | None, dated: Any | None) -> FormPDF:
    """A new form with the administrative header of ``agency``."""
    pdf = FormPDF(title=pdf_title)
    upper, name = agency_heading(agency)
    place_date = None
    if dated is not None:
        place_date = f"{agency_place(agency)}, {long_date(local(dated).date())}"
    pdf.admin_header(upper=upper, agency=name, number=number, place_date=place_date)
    return pdf
