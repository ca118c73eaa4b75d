"""Reads for records, always scoped to the user (out of scope = not found)."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.errors import NotFound
from motcua.core.lookups import is_code
from motcua.core.models import User
from motcua.core.users import RequestUser, signed_in
from motcua.organisations.models import Role, StaffRole
from motcua.records.models import Record, RecordEvent, RecordStep
from motcua.records.workflow import OPEN


def _record_roles(user: User) -> list[tuple[int, int | None]]:
    """(agency, unit) of the user's roles that give sight of records. A system administrator
    manages configuration: that role alone shows no record (personal data is read by a
    superuser, through the logged record page)."""
    return list(
        StaffRole.objects.filter(user=user)
        .exclude(role=Role.SYSTEM_ADMIN)
        .values_list("agency_id", "unit_id")
    )


def _scope_q(user: RequestUser) -> Q | None:
    """None = everything (superuser); Q() matching nothing for users without roles."""
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    if user.is_superuser:
        return None
    roles = _record_roles(signed_in(user))
    if not roles:
        return Q(pk__in=[])
    agency_ids = {agency for agency, _unit in roles}
    unit_ids = {unit for _agency, unit in roles if unit is not None}
    step_in_scope = RecordStep.objects.filter(record=OuterRef("pk")).filter(
        Q(agency_id__in=agency_ids) | Q(unit_id__in=unit_ids)
    )
    return Q(agency_id__in=agency_ids) | Q(Exists(step_in_scope))


def record_list(*, user: RequestUser) -> QuerySet[Record]:
    qs = Record.objects.all()
    scope = _scope_q(user)
    return qs if scope is None else qs.filter(scope)


def _is_record_code(code: str) -> bool:
    """Whether ``code`` may be a record code; anything else (a NUL from a form, which PostgreSQL
    refuses in a query) is not found without a query."""
    return is_code(code, Record._meta.get_field("code").max_length or 0)


def record_get(*, user: RequestUser, code: str) -> Record:
    if not _is_record_code(code):
        raise NotFound(_("Record not found."))
    record = (
        record_list(user=user)
        .select_related(
            "agency", "procedure_version__procedure", "current_step__unit", "current_step__assignee"
        )
        .filter(code=code)
        .first()
    )
    if record is None:
        raise NotFound(_("Record not found."))
    return record


def record_get_by_pk(*, user: RequestUser, pk: int) -> Record:
    record = record_list(user=user).filter(pk=pk).first()
    if record is None:
        raise NotFound(_("Record not found."))
    return record


def record_events(*, record: Record) -> QuerySet[RecordEvent]:
    return record.events.select_related("actor", "from_unit", "to_unit").order_by("at", "id")


def _active_steps() -> QuerySet[RecordStep]:
    return RecordStep.objects.filter(state=RecordStep.State.ACTIVE, record__status__in=list(OPEN))


def steps_my_queue(*, user: User) -> QuerySet[RecordStep]:
    """Active steps assigned to the user."""
    return _active_steps().filter(assignee=user)


def steps_unit_queue(*, user: User) -> QuerySet[RecordStep]:
    """Active, unassigned steps in the user's units (agency-wide roles see the whole agency)."""
    roles = _record_roles(user)
    condition = Q(pk__in=[])
    for agency_id, unit_id in roles:
        condition |= Q(agency_id=agency_id) if unit_id is None else Q(unit_id=unit_id)
    return _active_steps().filter(condition, assignee__isnull=True)


def steps_due_soon(*, qs: QuerySet[RecordStep], within: timedelta) -> QuerySet[RecordStep]:
    now = timezone.now()
    return qs.filter(record__due_at__gte=now, record__due_at__lte=now + within)


def steps_overdue(*, qs: QuerySet[RecordStep]) -> QuerySet[RecordStep]:
    return qs.filter(record__due_at__lt=timezone.now())


def public_lookup_url(record: Record, *, with_secret: bool = True) -> str:
    """The public lookup URL printed as a QR code on the receipt: the record code plus its
    random secret (never derivable from the code). The page itself is the citizen lookup.
    ``with_secret=False`` (a receipt printed by a user who sees the record masked): the code only,
    the lookup then asks for the last four digits of the phone or ID number."""
    from urllib.parse import quote, urlencode

    from django.conf import settings

    base = settings.MOTCUA_PUBLIC_BASE_URL.rstrip("/")
    url = f"{base}/tra-cuu/{quote(record.code or '')}"
    return f"{url}?{urlencode({'k': record.lookup_secret})}" if with_secret else url


# ---- unscoped reads for the citizen pages and public aggregates ---------------------------------
# The citizen's lookup is authorised by the record's secret (or the applicant's digits), checked
# by the caller (motcua.public) with hmac.compare_digest; these reads are never exposed directly.
def record_get_public(*, code: str) -> Record | None:
    """The record with ``code`` and what its public page shows (procedure, agencies), or None."""
    if not _is_record_code(code):
        return None
    return (
        Record.objects.select_related(
            "agency",
            "handling_agency",
            "procedure_version__procedure",
            "current_step__unit__agency",
        )
        .filter(code=code)
        .exclude(code__isnull=True)
        .first()
    )


def records_all() -> QuerySet[Record]:
    """Every received record, unscoped: for aggregate figures only (public transparency page,
    satisfaction reports that filter by agency themselves). Never list rows from it publicly."""
    return Record.objects.filter(received_at__isnull=False)
