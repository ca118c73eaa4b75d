"""Reads for the procedure catalogue.

"Current version" of a procedure: its newest published version (highest number) whose
``effective_from`` has been reached. Retired versions and drafts are never current. Later
records use the current version; a record keeps the version it was filed under.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalogue.models import Procedure, ProcedureVersion, ProcessStep, VersionStatus
from motcua.core.errors import ValidationFailed
from motcua.core.lookups import is_code
from motcua.core.users import RequestUser
from motcua.organisations.models import Agency, OrgUnit

IN_FORCE_ATTR = "versions_in_force"


def versions_with_content(queryset: QuerySet[ProcedureVersion]) -> QuerySet[ProcedureVersion]:
    """``queryset`` with everything ``content.version_content`` reads, in a fixed number of
    queries."""
    return queryset.select_related(
        "procedure", "procedure__field", "receiving_agency"
    ).prefetch_related(
        "implementing_agencies",
        "components",
        "fees",
        Prefetch("steps", queryset=ProcessStep.objects.select_related("agency").order_by("order")),
    )


def _in_force(at: datetime | None) -> QuerySet[ProcedureVersion]:
    return ProcedureVersion.objects.filter(
        status=VersionStatus.PUBLISHED, effective_from__lte=at or timezone.now()
    ).order_by("-number")


def current_version_subquery(at: datetime | None = None) -> Subquery:
    """Primary key of the current version of the procedure ``OuterRef("pk")``."""
    return Subquery(_in_force(at).filter(procedure=OuterRef("pk")).values("pk")[:1])


def version_current(*, procedure: Procedure, at: datetime | None = None) -> ProcedureVersion | None:
    """The version a record received at ``at`` (default: now) is filed under, or None."""
    return _in_force(at).filter(procedure=procedure).first()


def version_current_with_content(
    *, procedure: Procedure, at: datetime | None = None
) -> ProcedureVersion | None:
    """``version_current`` with its agencies, components, fees and steps loaded."""
    return versions_with_content(_in_force(at).filter(procedure=procedure)).first()


def version_newest_published(*, procedure: Procedure) -> ProcedureVersion | None:
    """The newest published version, in force or not yet."""
    return (
        ProcedureVersion.objects.filter(procedure=procedure, status=VersionStatus.PUBLISHED)
        .order_by("-number")
        .first()
    )


def version_draft(*, procedure: Procedure) -> ProcedureVersion | None:
    return ProcedureVersion.objects.filter(procedure=procedure, status=VersionStatus.DRAFT).first()


def current_from_prefetch(procedure: Procedure) -> ProcedureVersion | None:
    """The current version of a procedure fetched by ``procedure_list`` (no query)."""
    versions = getattr(procedure, IN_FORCE_ATTR, None)
    if versions is None:
        return version_current(procedure=procedure)
    return versions[0] if versions else None


# ---- lists ----------------------------------------------------------------------------------
def filter_search(queryset: QuerySet[Procedure], text: str) -> QuerySet[Procedure]:
    text = (text or "").strip()
    if not text:
        return queryset
    return queryset.filter(Q(code__icontains=text) | Q(name__icontains=text))


def _with_current_id(queryset: QuerySet[Procedure], at: datetime | None) -> QuerySet[Procedure]:
    if "current_version_id" in queryset.query.annotations:
        return queryset
    return queryset.alias(current_version_id=current_version_subquery(at))


def filter_current(
    queryset: QuerySet[Procedure], at: datetime | None = None, **version_filters: Any
) -> QuerySet[Procedure]:
    """Procedures whose current version matches ``version_filters`` (ProcedureVersion lookups)."""
    matching = ProcedureVersion.objects.filter(pk=OuterRef("current_version_id"), **version_filters)
    return _with_current_id(queryset, at).filter(Exists(matching))


def filter_agency(
    queryset: QuerySet[Procedure], code: str, at: datetime | None = None
) -> QuerySet[Procedure]:
    """Procedures whose current version is implemented or received at the agency ``code``."""
    if not code:
        return queryset
    matching = ProcedureVersion.objects.filter(
        Q(implementing_agencies__code=code) | Q(receiving_agency__code=code),
        pk=OuterRef("current_version_id"),
    )
    return _with_current_id(queryset, at).filter(Exists(matching))


def procedure_list(
    *,
    user: RequestUser | None,
    search: str = "",
    field: str = "",
    agency: str = "",
    level: str = "",
    online_level: str = "",
    is_active: bool | None = None,
    at: datetime | None = None,
) -> QuerySet[Procedure]:
    """Procedures visible to ``user`` (the catalogue is public to every staff member), with
    their field and, prefetched, their current version and its implementing agencies."""
    queryset = Procedure.objects.select_related("field").order_by("code")
    queryset = filter_search(queryset, search)
    if field:
        queryset = queryset.filter(field__code=field)
    if is_active is not None:
        queryset = queryset.filter(is_active=is_active)
    if agency:
        queryset = filter_agency(queryset, agency, at)
    if level:
        queryset = filter_current(queryset, at, level=level)
    if online_level:
        queryset = filter_current(queryset, at, online_level=online_level)
    return with_current_version(queryset, at)


def with_current_version(
    queryset: QuerySet[Procedure], at: datetime | None = None
) -> QuerySet[Procedure]:
    in_force = (
        _in_force(at).select_related("receiving_agency").prefetch_related("implementing_agencies")
    )
    return queryset.prefetch_related(Prefetch("versions", queryset=in_force, to_attr=IN_FORCE_ATTR))


def versions_for_export(*, user: RequestUser | None) -> list[ProcedureVersion]:
    """For each procedure (by code): its newest published version, or its draft when it was
    never published. Procedures whose versions are all retired are left out."""
    versions = versions_with_content(
        ProcedureVersion.objects.filter(
            status__in=[VersionStatus.PUBLISHED, VersionStatus.DRAFT]
        ).order_by("procedure__code", "-number")
    )
    chosen: dict[int, ProcedureVersion] = {}
    for version in versions:
        current = chosen.get(version.procedure_id)
        if current is None or (
            current.status == VersionStatus.DRAFT and version.status == VersionStatus.PUBLISHED
        ):
            chosen[version.procedure_id] = version
    return sorted(chosen.values(), key=lambda v: v.procedure.code)


def procedure_get(*, user: RequestUser | None, code: str) -> Procedure | None:
    # No code holds a control character (PostgreSQL refuses a NUL in a query: a 500).
    if not is_code(code, Procedure._meta.get_field("code").max_length or 0):
        return None
    return Procedure.objects.select_related("field").filter(code=code).first()


def procedures_at_agency(
    *, user: RequestUser | None, agency: Agency, at: datetime | None = None
) -> QuerySet[Procedure]:
    """Active procedures a one-stop desk of ``agency`` may receive now: their current version
    names the agency as implementing or receiving agency."""
    queryset = Procedure.objects.filter(is_active=True).select_related("field").order_by("code")
    return with_current_version(filter_agency(queryset, agency.code, at), at)


# ---- process plan ---------------------------------------------------------------------------
@dataclass(frozen=True)
class PlannedStep:
    order: int
    name: str
    agency: Agency
    unit: (
        OrgUnit | None
    )  # None when the unit no longer exists (the version predates a reorganisation)
    role: str
    budget_hours: Decimal
    public_status: str
    is_inter_agency: bool
    leaders_may_act: bool = False


def process_plan(*, version: ProcedureVersion, handling_agency: Agency) -> list[PlannedStep]:
    """The steps of ``version`` for a record settled by ``handling_agency``: steps without an
    agency run at ``handling_agency``; units are resolved by code inside each step's agency."""
    implementing = set(version.implementing_agencies.values_list("pk", flat=True))
    if handling_agency.pk not in implementing:
        raise ValidationFailed(
            _("%(agency)s does not settle the procedure %(code)s.")
            % {"agency": handling_agency, "code": version.procedure.code}
        )
    steps = list(version.steps.select_related("agency").order_by("order"))
    agencies = {s.agency_id or handling_agency.pk for s in steps}
    units = {
        (u.agency_id, u.code): u
        for u in OrgUnit.objects.filter(agency_id__in=agencies).select_related("agency")
    }
    plan = []
    for step in steps:
        agency = step.agency if step.agency is not None else handling_agency
        inter = agency.pk not in implementing and agency.pk != version.receiving_agency_id
        plan.append(
            PlannedStep(
                order=step.order,
                name=step.name,
                agency=agency,
                unit=units.get((agency.pk, step.unit_code)),
                role=step.role,
                budget_hours=Decimal(step.budget_hours),
                public_status=step.public_status,
                is_inter_agency=inter,
                leaders_may_act=step.leaders_may_act,
            )
        )
    return plan
