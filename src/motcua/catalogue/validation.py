"""Checks on a version's content, without writing anything.

Every check returns ``Issue`` objects (a path inside the content and a translated message) so
that the same rules report on a draft being published (admin message) and on a catalogue file
being imported (``procedures[3].steps[1].unit`` or a sheet/row/column).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import time
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from motcua.catalogue.content import CHOICES, VersionContent
from motcua.catalogue.models.choices import DurationUnit
from motcua.organisations.calendar import Period, parse_office_hours
from motcua.organisations.models import Agency

PathPart = str | int


@dataclass(frozen=True)
class Issue:
    """One problem. ``path`` locates it inside a version's content, e.g. ``("steps", 1, "unit")``
    (indexes start at 0); an empty path means the procedure as a whole."""

    path: tuple[PathPart, ...]
    message: str

    def dotted(self, prefix: str = "") -> str:
        text = prefix
        for part in self.path:
            text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
        return text


@dataclass(frozen=True)
class AgencyInfo:
    code: str
    name: str
    is_active: bool
    units: frozenset[str]  # codes of the active units
    pk: int | None = None


class AgencyDirectory:
    """Agencies (and their active unit codes) looked up by identifier code, loaded in two
    queries for everything a validation run needs."""

    def __init__(self, agencies: Iterable[AgencyInfo]) -> None:
        self._by_code = {a.code: a for a in agencies}

    @classmethod
    def load(cls, codes: Iterable[str]) -> AgencyDirectory:
        wanted = {c for c in codes if c}
        if not wanted:
            return cls([])
        agencies = Agency.objects.filter(code__in=wanted).prefetch_related("units")
        return cls(
            AgencyInfo(
                code=a.code,
                name=str(a),
                is_active=a.is_active,
                units=frozenset(u.code for u in a.units.all() if u.is_active),
                pk=a.pk,
            )
            for a in agencies
        )

    def get(self, code: str) -> AgencyInfo | None:
        return self._by_code.get(code)


def referenced_agency_codes(content: VersionContent) -> set[str]:
    codes = set(content.implementing_agencies)
    if content.receiving_agency:
        codes.add(content.receiving_agency)
    codes.update(s.agency for s in content.steps if s.agency)
    return codes


# ---- budget ceiling -----------------------------------------------------------------------
def _hours_between(periods: Iterable[Period], start: time, end: time) -> Decimal:
    def minutes(t: time) -> int:
        return t.hour * 60 + t.minute

    total = 0
    for period in periods:
        lo = max(minutes(period.start), minutes(start))
        hi = min(minutes(period.end), minutes(end))
        total += max(0, hi - lo)
    return Decimal(total) / Decimal(60)


def budget_ceiling_hours(
    *,
    duration_value: Decimal,
    duration_unit: str,
    cutoff: time | None,
    hours_per_day: int | None = None,
    office_hours: str | None = None,
) -> Decimal:
    """The most working hours the steps of a version may budget in total.

    - ``working_hours``: the duration itself;
    - ``working_days``: days × ``MOTCUA_HOURS_PER_WORKING_DAY``;
    - ``calendar_days``: days × ``MOTCUA_HOURS_PER_WORKING_DAY`` as well. N calendar days hold
      at most N working days, so this is an upper bound: a template that fits it may still be
      tight around holidays, one that exceeds it can never be met;
    - a duration of 0 (the same day): the office time left after the cut-off (15:00 → 17:00 is
      2 hours with the default office hours), the worst case for a dossier accepted just
      before the cut-off; without a cut-off nothing is guaranteed, so 0.
    """
    per_day = Decimal(
        hours_per_day if hours_per_day is not None else settings.MOTCUA_HOURS_PER_WORKING_DAY
    )
    value = Decimal(duration_value)
    if value == 0:
        if cutoff is None:
            return Decimal(0)
        periods = parse_office_hours(
            office_hours if office_hours is not None else settings.MOTCUA_OFFICE_HOURS
        )
        return _hours_between(periods, cutoff, time(23, 59, 59, 999999))
    if duration_unit == DurationUnit.WORKING_HOURS:
        return value
    return value * per_day


def _fmt(value: Decimal) -> str:
    return f"{Decimal(value).normalize():f}"


def decimal_fits(value: Decimal) -> bool:
    """Fits a ``DecimalField(max_digits=7, decimal_places=2)`` without rounding."""
    if not value.is_finite():
        return False
    exponent = value.normalize().as_tuple().exponent
    return isinstance(exponent, int) and exponent >= -2 and abs(value) < 100000


# ---- content checks -----------------------------------------------------------------------
def content_issues(
    content: VersionContent,
    directory: AgencyDirectory,
    *,
    for_publish: bool,
) -> list[Issue]:
    """Every problem of ``content``. Without ``for_publish`` only what prevents storing it as a
    draft is reported (unknown agencies, units or choices, bad numbers); with it, also what
    prevents publishing (no agency, no step, budgets over the legal duration, inactive
    agencies or units)."""
    issues: list[Issue] = []

    def add(path: tuple[PathPart, ...], message: str) -> None:
        issues.append(Issue(path, message))

    if not content.name.strip():
        add(("name",), _("The name is required."))

    def check_length(path: tuple[PathPart, ...], value: str, limit: int) -> None:
        if len(value) > limit:
            add(
                path,
                _("At most %(limit)s characters (%(length)s given).")
                % {"limit": limit, "length": len(value)},
            )

    check_length(("name",), content.name, 500)
    for index, component in enumerate(content.components):
        check_length(("components", index, "code"), component.code, 50)
    for index, fee in enumerate(content.fees):
        check_length(("fees", index, "code"), fee.code, 50)
        check_length(("fees", index, "name"), fee.name, 500)
    for index, step in enumerate(content.steps):
        check_length(("steps", index, "name"), step.name, 255)
        check_length(("steps", index, "unit"), step.unit, 50)
        check_length(("steps", index, "public_status"), step.public_status, 255)
    for key in (
        "level",
        "duration_unit",
        "counting_mode",
        "supplement_rule",
        "result_type",
        "online_level",
    ):
        value = getattr(content, key)
        if value not in CHOICES[key]:
            add((key,), _choice_message(value, CHOICES[key]))
    if content.duration_value < 0:
        add(("duration_value",), _("The legal duration must be zero or positive."))
    elif not decimal_fits(content.duration_value):
        add(("duration_value",), _("Use at most two decimals and less than 100000."))

    # Agencies.
    def check_agency(path: tuple[PathPart, ...], code: str) -> bool:
        info = directory.get(code)
        if info is None:
            add(path, _("No agency has the identifier code “%(code)s”.") % {"code": code})
            return False
        if for_publish and not info.is_active:
            add(
                path,
                _("The agency %(agency)s (%(code)s) is inactive.")
                % {"agency": info.name, "code": code},
            )
        return True

    if for_publish and not content.implementing_agencies:
        add(("implementing_agencies",), _("At least one implementing agency is required."))
    for index, code in enumerate(content.implementing_agencies):
        check_agency(("implementing_agencies", index), code)
    if content.receiving_agency:
        check_agency(("receiving_agency",), content.receiving_agency)

    # Components and fees.
    seen: set[str] = set()
    for index, component in enumerate(content.components):
        if not component.code.strip():
            add(("components", index, "code"), _("The code is required."))
        elif component.code in seen:
            add(
                ("components", index, "code"),
                _("The code “%(code)s” is used twice.") % {"code": component.code},
            )
        seen.add(component.code)
        if not component.name.strip():
            add(("components", index, "name"), _("The name is required."))
        if component.form not in CHOICES["form"]:
            add(("components", index, "form"), _choice_message(component.form, CHOICES["form"]))
        if component.quantity < 1:
            add(("components", index, "quantity"), _("The quantity must be at least 1."))
    seen = set()
    for index, fee in enumerate(content.fees):
        if not fee.code.strip():
            add(("fees", index, "code"), _("The code is required."))
        elif fee.code in seen:
            add(
                ("fees", index, "code"),
                _("The code “%(code)s” is used twice.") % {"code": fee.code},
            )
        seen.add(fee.code)
        if not fee.name.strip():
            add(("fees", index, "name"), _("The name is required."))
        if fee.kind not in CHOICES["kind"]:
            add(("fees", index, "kind"), _choice_message(fee.kind, CHOICES["kind"]))
        if fee.amount < 0:
            add(("fees", index, "amount"), _("The amount must be zero or positive."))

    # Steps.
    if for_publish and not content.steps:
        add(("steps",), _("The process template needs at least one step."))
    for index, step in enumerate(content.steps):
        label = _("Step %(number)s") % {"number": index + 1}
        if not step.name.strip():
            add(("steps", index, "name"), _("%(step)s: the name is required.") % {"step": label})
        if not step.public_status.strip():
            add(
                ("steps", index, "public_status"),
                _("%(step)s: the public status text is required.") % {"step": label},
            )
        if step.role not in CHOICES["role"]:
            add(("steps", index, "role"), _choice_message(step.role, CHOICES["role"]))
        if step.budget_hours < 0:
            add(
                ("steps", index, "budget_hours"),
                _("%(step)s: the time budget must be zero or positive.") % {"step": label},
            )
        elif not decimal_fits(step.budget_hours):
            add(
                ("steps", index, "budget_hours"),
                _("%(step)s: use at most two decimals and less than 100000.") % {"step": label},
            )
        if not step.unit.strip():
            add(
                ("steps", index, "unit"),
                _("%(step)s: the unit code is required.") % {"step": label},
            )
            continue
        # A step without an agency runs at whichever implementing agency handles the record:
        # the unit must exist in each of them.
        agency_codes = [step.agency] if step.agency else list(content.implementing_agencies)
        if step.agency:
            check_agency(("steps", index, "agency"), step.agency)
        for code in agency_codes:
            info = directory.get(code)
            if info is not None:
                _check_unit(add, info, ("steps", index, "unit"), label, step.unit)

    if for_publish and content.steps and content.duration_value >= 0:
        total = sum((s.budget_hours for s in content.steps), Decimal(0))
        ceiling = budget_ceiling_hours(
            duration_value=content.duration_value,
            duration_unit=content.duration_unit,
            cutoff=content.cutoff,
        )
        if total > ceiling:
            add(
                ("steps",),
                _(
                    "The step budgets add up to %(total)s working hours, more than the legal duration "
                    "allows (%(ceiling)s working hours for %(value)s %(unit)s)."
                )
                % {
                    "total": _fmt(total),
                    "ceiling": _fmt(ceiling),
                    "value": _fmt(content.duration_value),
                    "unit": _unit_label(content.duration_unit),
                },
            )
    return issues


def _check_unit(
    add: Callable[[tuple[PathPart, ...], str], None],
    info: AgencyInfo,
    path: tuple[PathPart, ...],
    label: str,
    unit_code: str,
) -> None:
    if unit_code not in info.units:
        add(
            path,
            _("%(step)s: the agency %(agency)s (%(code)s) has no active unit with code “%(unit)s”.")
            % {"step": label, "agency": info.name, "code": info.code, "unit": unit_code},
        )


def _unit_label(unit: str) -> str:
    from motcua.catalogue.models.choices import DurationUnit as Choices

    try:
        return str(Choices(unit).label)
    except ValueError:
        return unit


def _choice_message(value: object, allowed: list[str]) -> str:
    return _("“%(value)s” is not one of: %(allowed)s.") % {
        "value": value,
        "allowed": ", ".join(allowed),
    }
