"""``motcua steps-without-holder``: the active steps nobody may act on (after the upgrade that
copied ``leaders_may_act=False`` onto running steps and stopped unit heads from acting on
specialist steps), listed for the administrator; non-zero exit while there are any."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from motcua.organisations.models import Role, StaffRole
from motcua.records.models import RecordStep
from motcua.records.tests.factories import receive, travel

pytestmark = pytest.mark.django_db


def run() -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("steps-without-holder", stdout=out)
    except CommandError as exc:
        return exc.returncode, out.getvalue() + str(exc)
    return 0, out.getvalue()


def test_steps_nobody_may_act_on_are_listed_until_fixed(world):
    with travel("2025-04-21 08:00"):
        record = receive(world)
    step = record.current_step
    assert (step.unit, step.role, step.leaders_may_act) == (world.lltp, Role.SPECIALIST, False)
    assert run() == (0, "")  # the unit's specialists may act

    # Upgrade situation: the unit has no specialist left (the head may not act on the step).
    StaffRole.objects.filter(agency=world.justice, role=Role.SPECIALIST).delete()
    code, output = run()
    assert code == 1
    assert record.code in output and str(step.pk) in output and world.lltp.code in output
    assert "1" in output.splitlines()[-1]

    # Fix 1: the template's flag on the running step lets the unit head act.
    RecordStep.objects.filter(pk=step.pk).update(leaders_may_act=True)
    assert run() == (0, "")

    # Fix 2: grant the role to somebody in the unit.
    RecordStep.objects.filter(pk=step.pk).update(leaders_may_act=False)
    code, output = run()
    assert code == 1 and record.code in output
    StaffRole.objects.create(
        user=world.unit_head, agency=world.justice, unit=world.lltp, role=Role.SPECIALIST
    )
    assert run() == (0, "")


def test_a_step_whose_only_holder_is_inactive_is_listed(world):
    with travel("2025-04-21 08:00"):
        record = receive(world)
    for holder in (world.specialist, world.specialist2):
        holder.is_active = False
        holder.save(update_fields=["is_active"])
    StaffRole.objects.filter(agency=world.justice, unit__isnull=True, role=Role.SPECIALIST).delete()
    code, output = run()
    assert code == 1 and record.code in output
