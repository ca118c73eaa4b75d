"""Who may see and move a record. ``can_*`` for templates, ``ensure_can_*`` for services.

Scope: a user sees a record when they hold a role in the record's receiving agency, or a role in
an agency/unit that has (or had) a step of it (inter-agency processing). Superusers see all.
Anything out of scope is answered as "not found" by the selectors.

Acting on a step (claim, forward, send back, ask an opinion, request a supplement, approve,
mark the result ready) needs the step's role: ``may_act_on_step`` is the one rule, used by the
services here and by the page and the API through ``permissions_ui.record_actions``.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.utils.translation import gettext as _

from motcua.core.errors import PermissionDenied
from motcua.organisations.models import Role, StaffRole
from motcua.records.models import Record, RecordStep

LEADERS = {Role.UNIT_HEAD, Role.AGENCY_LEADER}
PROCESSORS = {Role.SPECIALIST, Role.UNIT_HEAD, Role.AGENCY_LEADER, Role.RECEPTION}


def _roles(user: Any) -> list[StaffRole]:
    cache = getattr(user, "_motcua_roles", None)
    if cache is None:
        cache = list(StaffRole.objects.filter(user=user).select_related("unit"))
        user._motcua_roles = cache
    return cache


def has_role(
    user: Any, *, agency_id: int, roles: Collection[str] | None = None, unit_id: int | None = None
) -> bool:
    """A role in ``agency_id`` (and, when ``unit_id`` is given, in that unit or agency-wide)."""
    if not getattr(user, "is_authenticated", False):
        return False
    for role in _roles(user):
        if role.agency_id != agency_id:
            continue
        if roles is not None and role.role not in roles:
            continue
        if unit_id is not None and role.unit_id not in (None, unit_id):
            continue
        return True
    return False


def agency_ids_with(user: Any, roles: Collection[str]) -> set[int]:
    """The agencies where ``user`` holds one of ``roles``."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return {role.agency_id for role in _roles(user) if role.role in roles}


# Who keeps and reads an agency's record tracking book (Sổ theo dõi hồ sơ): its desk, its unit
# heads and leaders, and the Center's supervisors for the Center.
BOOK_KEEPERS = {Role.RECEPTION, Role.UNIT_HEAD, Role.AGENCY_LEADER, Role.CENTER_SUPERVISOR}


def can_receive(user: Any, agency_id: int) -> bool:
    return has_role(user, agency_id=agency_id, roles={Role.RECEPTION})


def ensure_can_receive(user: Any, agency_id: int) -> None:
    if not can_receive(user, agency_id):
        raise PermissionDenied(
            _("Only a reception officer of this agency's one-stop desk can do this.")
        )


def is_step_leader(user: Any, *, agency_id: int, unit_id: int) -> bool:
    """The head of the unit (or an agency-wide unit head) or a leader of the agency, whichever
    unit the leader's role names (leaders usually sit in the directors' unit, e.g. ``LD``)."""
    return has_role(user, agency_id=agency_id, roles={Role.UNIT_HEAD}, unit_id=unit_id) or has_role(
        user, agency_id=agency_id, roles={Role.AGENCY_LEADER}
    )


def may_act_on(
    user: Any, *, agency_id: int, unit_id: int, role: str, leaders_may_act: bool = False
) -> bool:
    """The step role rule, in one place: a holder of ``role`` in the step's agency, in its unit
    or agency-wide; when the process template lets leaders act on the step
    (``ProcessStep.leaders_may_act``), also the unit's head and the agency's leaders
    (``is_step_leader``). A step without a role (written before roles were copied onto record
    steps) falls back to any processing role in its unit."""
    if not role:
        return has_role(user, agency_id=agency_id, roles=PROCESSORS, unit_id=unit_id)
    if has_role(user, agency_id=agency_id, roles={role}, unit_id=unit_id):
        return True
    return leaders_may_act and is_step_leader(user, agency_id=agency_id, unit_id=unit_id)


def may_act_on_step(user: Any, step: RecordStep) -> bool:
    """``may_act_on`` for a record step (its role and flag are copied from the template)."""
    return may_act_on(
        user,
        agency_id=step.agency_id,
        unit_id=step.unit_id,
        role=step.role,
        leaders_may_act=step.leaders_may_act,
    )


def can_work_step(user: Any, step: RecordStep) -> bool:
    """Forward, send back, ask an opinion, request a supplement, approve: an active step, by a
    user who may act on it (``may_act_on_step``) and is its assignee, or the head of its unit or
    a leader of its agency (taking over a step assigned to somebody else, or not yet claimed)."""
    if step.state != RecordStep.State.ACTIVE or not may_act_on_step(user, step):
        return False
    if step.assignee_id == getattr(user, "pk", None):
        return True
    return is_step_leader(user, agency_id=step.agency_id, unit_id=step.unit_id)


def ensure_can_work_step(user: Any, step: RecordStep) -> None:
    if not can_work_step(user, step):
        if not may_act_on_step(user, step):
            raise PermissionDenied(_("Only an officer holding this step's role can do this."))
        raise PermissionDenied(
            _("Only the officer handling this step (or the unit's head) can do this.")
        )


def can_claim(user: Any, step: RecordStep) -> bool:
    return (
        step.state == RecordStep.State.ACTIVE
        and step.assignee_id is None
        and may_act_on_step(user, step)
    )


def ensure_can_claim(user: Any, step: RecordStep) -> None:
    if not can_claim(user, step):
        if step.state == RecordStep.State.ACTIVE and step.assignee_id is None:
            raise PermissionDenied(_("Only an officer holding this step's role can claim it."))
        raise PermissionDenied(_("You can only claim an unassigned step in your own unit's queue."))


def can_assign(user: Any, step: RecordStep) -> bool:
    return step.state == RecordStep.State.ACTIVE and has_role(
        user, agency_id=step.agency_id, roles=LEADERS, unit_id=step.unit_id
    )


def ensure_can_assign(user: Any, step: RecordStep) -> None:
    if not can_assign(user, step):
        raise PermissionDenied(
            _("Only the head of this unit or the agency's leader can assign this step.")
        )


def can_extend(user: Any, record: Record) -> bool:
    step = record.current_step
    if step is not None and can_work_step(user, step):
        return True
    return has_role(user, agency_id=record.agency_id, roles=LEADERS | {Role.RECEPTION})


def ensure_can_extend(user: Any, record: Record) -> None:
    if not can_extend(user, record):
        raise PermissionDenied(
            _("Only the officer handling the record or a leader can issue an apology.")
        )


def can_mark_ready(user: Any, record: Record) -> bool:
    """Marking the result ready completes the record's current step (after approval: usually
    the desk's "return the result" step, or the approval step itself when it was the last): the
    receiving desk, or a user who may act on that step (``may_act_on_step``: its role, or a
    leader where the template allows). The page asks this same function."""
    if can_receive(user, record.agency_id):
        return True
    step = record.current_step
    return step is not None and may_act_on_step(user, step)


def ensure_can_mark_ready(user: Any, record: Record) -> None:
    if not can_mark_ready(user, record):
        raise PermissionDenied(
            _("Only the officer handling the record or the desk can mark the result ready.")
        )
