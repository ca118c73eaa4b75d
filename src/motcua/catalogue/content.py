"""The content of a version as plain, comparable values.

``VersionContent`` is what a draft holds and what the JSON/XLSX formats carry. Agencies are
referred to by their identifier code and units by their code, so two contents compare equal
exactly when publishing one or the other would change nothing for a record. Import uses that to
stay idempotent; services use it to write a draft in one go.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time
from decimal import Decimal

from motcua.catalogue.models import (
    ComponentForm,
    FeeKind,
    OnlineLevel,
    ProcedureLevel,
    ProcedureVersion,
    ResultType,
    SupplementRule,
)
from motcua.catalogue.models.choices import CountingMode, DurationUnit
from motcua.organisations.models import Role


@dataclass(frozen=True)
class ComponentContent:
    code: str
    name: str
    form: str = ComponentForm.EITHER.value
    quantity: int = 1
    mandatory: bool = True


@dataclass(frozen=True)
class FeeContent:
    code: str
    name: str
    kind: str
    amount: int
    note: str = ""


@dataclass(frozen=True)
class StepContent:
    name: str
    unit: str
    role: str
    budget_hours: Decimal
    public_status: str
    agency: str | None = None  # identifier code; None = the implementing agency handling the record
    leaders_may_act: bool = False  # the unit's head and the agency's leaders may act on it too


@dataclass(frozen=True)
class VersionContent:
    name: str
    level: str = ProcedureLevel.PROVINCE.value
    implementing_agencies: tuple[str, ...] = ()
    receiving_agency: str | None = None
    duration_value: Decimal = Decimal(0)
    duration_unit: str = DurationUnit.WORKING_DAYS.value
    counting_mode: str = CountingMode.HOURS.value
    cutoff: time | None = None
    supplement_rule: str = SupplementRule.PAUSE.value
    result_type: str = ResultType.OTHER.value
    online_level: str = OnlineLevel.NONE.value
    requires_signed_result: bool = False
    legal_basis: str = ""
    description: str = ""
    illustrative: bool = False
    components: tuple[ComponentContent, ...] = field(default_factory=tuple)
    fees: tuple[FeeContent, ...] = field(default_factory=tuple)
    steps: tuple[StepContent, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        # Implementing agencies are a set: keep them sorted so that equal sets compare equal.
        object.__setattr__(
            self, "implementing_agencies", tuple(sorted(set(self.implementing_agencies)))
        )


# Scalar fields of VersionContent that map 1:1 to ProcedureVersion columns.
SCALAR_FIELDS: dict[str, str] = {
    "name": "name",
    "level": "level",
    "duration_value": "duration_value",
    "duration_unit": "duration_unit",
    "counting_mode": "counting_mode",
    "cutoff": "cutoff",
    "supplement_rule": "supplement_rule",
    "result_type": "result_type",
    "online_level": "online_level",
    "requires_signed_result": "requires_signed_result",
    "legal_basis": "legal_basis",
    "description": "description",
    "illustrative": "is_illustrative",
}

CHOICES: dict[str, list[str]] = {
    "level": list(ProcedureLevel.values),
    "duration_unit": list(DurationUnit.values),
    "counting_mode": list(CountingMode.values),
    "supplement_rule": list(SupplementRule.values),
    "result_type": list(ResultType.values),
    "online_level": list(OnlineLevel.values),
    "form": list(ComponentForm.values),
    "kind": list(FeeKind.values),
    "role": list(Role.values),
}


def version_content(version: ProcedureVersion) -> VersionContent:
    """The content of a stored version. Uses prefetched rows when present (see
    ``selectors.versions_with_content``)."""
    receiving = version.receiving_agency.code if version.receiving_agency_id else None  # type: ignore[union-attr]
    return VersionContent(
        name=version.name,
        level=version.level,
        implementing_agencies=tuple(a.code for a in version.implementing_agencies.all()),
        receiving_agency=receiving,
        duration_value=Decimal(version.duration_value),
        duration_unit=version.duration_unit,
        counting_mode=version.counting_mode,
        cutoff=version.cutoff,
        supplement_rule=version.supplement_rule,
        result_type=version.result_type,
        online_level=version.online_level,
        requires_signed_result=version.requires_signed_result,
        legal_basis=version.legal_basis,
        description=version.description,
        illustrative=version.is_illustrative,
        components=tuple(
            ComponentContent(
                code=c.code, name=c.name, form=c.form, quantity=c.quantity, mandatory=c.mandatory
            )
            for c in sorted(version.components.all(), key=lambda c: c.order)
        ),
        fees=tuple(
            FeeContent(code=f.code, name=f.name, kind=f.kind, amount=f.amount, note=f.note)
            for f in sorted(version.fees.all(), key=lambda f: f.order)
        ),
        steps=tuple(
            StepContent(
                name=s.name,
                agency=s.agency.code if s.agency_id else None,  # type: ignore[union-attr]
                unit=s.unit_code,
                role=s.role,
                budget_hours=Decimal(s.budget_hours),
                public_status=s.public_status,
                leaders_may_act=s.leaders_may_act,
            )
            for s in sorted(version.steps.all(), key=lambda s: s.order)
        ),
    )
