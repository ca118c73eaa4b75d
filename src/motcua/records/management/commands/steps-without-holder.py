"""``motcua steps-without-holder``: the active record steps nobody may act on.

A step is workable when at least one active user may act on it (``permissions.may_act_on``, in
its query form ``selectors_ui.officers_for_step``): a holder of the step's role in its unit or
agency, or, when the step has ``leaders_may_act``, the unit's head and the agency's leaders. After
the upgrade that copied ``leaders_may_act=False`` onto running steps (catalogue 0002, records 0007)
a step in a unit without a holder of its role can be claimed by nobody; this command lists those
steps, one a line, and exits 1 while there are any (0 when there are none), for monitoring. The
fix is in docs/workflow.md ("Who may act on a step")."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from motcua.organisations.models import Role
from motcua.records.models import RecordStep
from motcua.records.selectors_ui import officers_for_step


class Command(BaseCommand):
    help = (
        "List the active record steps nobody may act on (no active holder of the step's role in "
        "its unit or agency); exit 1 when there are any."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        steps = (
            RecordStep.objects.filter(state=RecordStep.State.ACTIVE)
            .select_related("record", "unit", "unit__agency", "assignee")
            .order_by("unit_id", "role", "leaders_may_act", "id")
        )
        workable: dict[tuple[int, str, bool], bool] = {}  # one query per unit, role and flag
        stranded = []
        for step in steps:
            key = (step.unit_id, step.role, step.leaders_may_act)
            if key not in workable:
                workable[key] = officers_for_step(
                    unit=step.unit, role=step.role, leaders_may_act=step.leaders_may_act
                ).exists()
            if not workable[key]:
                stranded.append(step)
        for step in stranded:
            role = Role(step.role).label if step.role in Role.values else (step.role or "-")
            self.stdout.write(
                "\t".join(
                    [
                        step.record.code or f"#{step.record_id}",
                        f"step {step.pk}",
                        step.name,
                        f"{step.unit.agency.code} / {step.unit.code}",
                        f"role: {step.role or '-'} ({role})",
                        f"leaders_may_act: {'yes' if step.leaders_may_act else 'no'}",
                        f"assignee: {step.assignee.username if step.assignee else '-'}",
                    ]
                )
            )
        if stranded:
            raise CommandError(
                f"{len(stranded)} active step(s) nobody may act on: grant the step's role to an "
                "officer of the unit, or set leaders_may_act on the step (docs/workflow.md).",
                returncode=1,
            )
