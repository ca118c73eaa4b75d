"""Bad input at intake is refused with a clear error and writes nothing."""

import pytest

from motcua.core.errors import ValidationFailed
from motcua.records.models import DeskSlip, Record, RecordEvent, RecordStep
from motcua.records.models.sequence import RecordCodeSequence
from motcua.records.services import ComponentData, desk_slip_issue
from motcua.records.tests.factories import applicant, full_components, receive, travel


def nothing_written():
    return (
        Record.objects.count() == 0
        and RecordEvent.objects.count() == 0
        and RecordStep.objects.count() == 0
        and RecordCodeSequence.objects.count() == 0
    )


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": "   "}, "applicant_name"),
        ({"id_number": "12AB"}, "applicant_id_number"),
        ({"phone": "12345"}, "applicant_phone"),
        ({"email": "not-an-email"}, "applicant_email"),
    ],
)
def test_bad_applicant_data_is_refused(world, overrides, field):
    with travel("2025-04-21 08:00"), pytest.raises(ValidationFailed) as info:
        receive(world, applicant=applicant(**overrides))
    assert field in info.value.errors
    assert nothing_written()


def test_every_error_is_reported_at_once(world):
    with travel("2025-04-21 08:00"), pytest.raises(ValidationFailed) as info:
        receive(world, applicant=applicant(name="", phone="1", email="x"), channel="online", sets=0)
    assert {"applicant_name", "applicant_phone", "applicant_email", "channel", "sets"} <= set(
        info.value.errors
    )
    assert nothing_written()


def test_incomplete_dossier_points_to_the_guidance_slip(world):
    with travel("2025-04-21 08:00"), pytest.raises(ValidationFailed) as info:
        receive(world, components=[])
    assert (
        "Form 02" in info.value.errors["components"][0]
        or "Mẫu 02" in info.value.errors["components"][0]
    )
    assert nothing_written()


def test_component_of_another_procedure_is_refused(world):
    foreign = full_components(world.restart_procedure)
    with travel("2025-04-21 08:00"), pytest.raises(ValidationFailed) as info:
        receive(world, components=[*full_components(world.pause_procedure), foreign[0]])
    assert any(key.startswith("components[") for key in info.value.errors)
    assert nothing_written()


def test_bad_quantity_is_refused(world):
    components = [
        ComponentData(name=c.name, component_id=c.component_id, quantity=0)
        for c in full_components(world.pause_procedure)
    ]
    with travel("2025-04-21 08:00"), pytest.raises(ValidationFailed):
        receive(world, components=components)
    assert nothing_written()


def test_agency_that_does_not_receive_the_procedure(world):
    from motcua.organisations.models import Role, StaffRole

    StaffRole.objects.create(user=world.police_officer, agency=world.police, role=Role.RECEPTION)
    with travel("2025-04-21 08:00"), pytest.raises(ValidationFailed) as info:
        receive(world, actor=world.police_officer, agency=world.police)
    assert "procedure" in info.value.errors
    assert nothing_written()


def test_the_center_receives_for_the_department(world):
    with travel("2025-04-21 08:00"):
        record = receive(world, actor=world.center_reception, agency=world.center)
    assert record.code.startswith("000.00.01.H99-250421-")
    assert record.handling_agency == world.justice
    assert record.current_step.unit == world.lltp


def test_guidance_slip_needs_items_and_a_reason(world):
    with travel("2025-04-21 08:00"), pytest.raises(ValidationFailed) as info:
        desk_slip_issue(
            actor=world.reception,
            agency=world.justice,
            procedure=world.pause_procedure,
            kind=DeskSlip.Kind.GUIDANCE,
            applicant=applicant(),
            reason="",
            items=[],
        )
    assert {"reason", "items"} <= set(info.value.errors)
    assert DeskSlip.objects.count() == 0
