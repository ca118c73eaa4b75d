"""Small helpers for the report tests: run a period's report and read one row or the totals."""

from __future__ import annotations

from datetime import date
from typing import Any

from motcua.records import services
from motcua.records.tests.factories import applicant, full_components, travel
from motcua.reporting.settlement import (
    Period,
    check_identities,
    report_scope,
    settlement_report,
)


def report(
    first: str, last: str, *, group_by: str = "agency", agency: str | None = None, user: Any = None
):  # type: ignore[no-untyped-def]
    result = settlement_report(
        period=Period(date.fromisoformat(first), date.fromisoformat(last)),
        scope=report_scope(user=user, agency_code=agency),
        group_by=group_by,
    )
    assert check_identities([*result.rows, result.totals]) == []
    return result


def totals(first: str, last: str, **kwargs: Any) -> dict[str, int]:
    return report(first, last, **kwargs).totals


def nonzero(values: dict[str, int]) -> dict[str, int]:
    return {k: v for k, v in values.items() if v}


def submit_online(world, code: str, when: str):  # type: ignore[no-untyped-def]
    with travel(when):
        return services.record_submit_online(
            actor=world.reception,
            source="dvcqg",
            external_code=code,
            agency=world.justice,
            procedure=world.pause_procedure,
            applicant=applicant(),
            components=full_components(world.pause_procedure),
        )


def walk_to_result(world, record, day: str):  # type: ignore[no-untyped-def]
    """Claim → police → back → unit head → leader approves → result ready, all on ``day``."""
    with travel(f"{day} 08:00"):
        record = services.step_claim(actor=world.specialist, record=record)
    with travel(f"{day} 08:10"):
        record = services.step_forward(
            actor=world.specialist, record=record, assignee=world.police_officer
        )
    with travel(f"{day} 08:20"):
        record = services.step_forward(actor=world.police_officer, record=record)
    with travel(f"{day} 08:30"):
        record = services.step_claim(actor=world.unit_head, record=record)
        record = services.step_forward(actor=world.unit_head, record=record, assignee=world.leader)
    with travel(f"{day} 08:40"):
        record = services.record_approve(actor=world.leader, record=record)
    with travel(f"{day} 08:50"):
        record = services.record_mark_result_ready(actor=world.reception, record=record)
    return record
