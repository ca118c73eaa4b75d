"""The role of a process step is enforced (issue 13, item 7): only holders of the step's role
(or, where the process template allows it, the unit's head and the agency's leaders) claim,
forward or complete it, through the page and through the API alike.

The world's procedure: desk (reception) -> LLTP "Thẩm định" (specialist) -> police HSNV
(specialist) -> LLTP "Trình ký" (unit head) -> LD "Phê duyệt" (agency leader)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from django.urls import reverse

from motcua.catalogue import services as catalogue
from motcua.catalogue.content import StepContent, VersionContent, version_content
from motcua.catalogue.formats import ExportItem, parse_json, to_json_document
from motcua.catalogue.models import Field
from motcua.core.errors import DomainError, PermissionDenied
from motcua.core.models import User
from motcua.organisations.models import Role, StaffRole
from motcua.records import permissions, services
from motcua.records.models import Record, RecordEvent, RecordStep
from motcua.records.permissions_ui import record_actions
from motcua.records.tests.factories import (
    World,
    at,
    full_components,
    receive,
    travel,
)
from motcua.records.tests.factories_api import action_url, approved, at_police
from motcua.records.tests.factories_api import client_for as api_client
from motcua.records.tests.factories_ui import client_for as page_client
from motcua.records.workflow import Action, allowed_actions

START = "2025-04-21 08:00"


def _fresh(record: Record) -> Record:
    return Record.objects.select_related("current_step").get(pk=record.pk)


def _events(record: Record) -> int:
    return RecordEvent.objects.filter(record_id=record.pk).count()


def at_unit_head_step(world: World) -> Record:
    """At the unit head's "Trình ký" step (order 4, role unit head), not claimed yet."""
    record = at_police(world)
    return services.step_forward(actor=world.police_officer, record=record)


def _api(user: Any, record: Record, action: str, body: dict[str, Any] | None = None) -> Any:
    url = action_url(record, action.replace("_", "-"))
    return api_client(user).post(url, body or {}, format="json")


def _page(user: Any, record: Record, action: str, body: dict[str, Any] | None = None) -> Any:
    return page_client(user).post(reverse(f"records:{action}", args=[record.code]), body or {})


CHANNELS = {"api": _api, "page": _page}


# ---- the attack, through the API and the page ---------------------------------------------------
@pytest.mark.parametrize("channel", CHANNELS)
def test_a_specialist_of_the_unit_cannot_claim_the_unit_heads_step(world, channel):
    with travel(START):
        record = at_unit_head_step(world)
        step = record.current_step
        assert (step.role, step.unit_id, step.assignee_id) == (Role.UNIT_HEAD, world.lltp.pk, None)
        before = _events(record)
        response = CHANNELS[channel](
            world.specialist, record, "claim", {"expected_step_id": step.pk}
        )
    assert response.status_code == 403
    assert _fresh(record).current_step.assignee_id is None
    assert _events(record) == before
    # The holder of the role claims it.
    with travel(START):
        response = CHANNELS[channel](
            world.unit_head, record, "claim", {"expected_step_id": step.pk}
        )
    assert response.status_code in (200, 302)
    assert _fresh(record).current_step.assignee_id == world.unit_head.pk


@pytest.mark.parametrize("channel", CHANNELS)
def test_the_unit_head_cannot_claim_or_forward_the_specialists_step(world, channel):
    with travel(START):
        record = receive(world)  # at LLTP "Thẩm định" (role specialist), unassigned
        step = record.current_step
        assert step.role == Role.SPECIALIST
        before = _events(record)
        claim = CHANNELS[channel](world.unit_head, record, "claim", {"expected_step_id": step.pk})
        forward = CHANNELS[channel](
            world.unit_head, record, "forward", {"expected_step_id": step.pk}
        )
    assert (claim.status_code, forward.status_code) == (403, 403)
    fresh = _fresh(record)
    assert fresh.current_step_id == step.pk and fresh.current_step.assignee_id is None
    assert _events(record) == before


@pytest.mark.parametrize("channel", CHANNELS)
def test_a_unit_head_cannot_complete_the_leaders_step(world, channel):
    """After the leader's approval (the last step), marking the result ready completes the
    record: the desk or a holder of the step's role, not a unit head of the agency."""
    with travel(START):
        record = approved(world)
        step = record.current_step
        assert (step.role, step.state) == (Role.AGENCY_LEADER, RecordStep.State.DONE)
        before = _events(record)
        response = CHANNELS[channel](world.unit_head, record, "mark_result_ready", {})
    assert response.status_code == 403
    assert _fresh(record).status == "approved"
    assert _events(record) == before
    assert Action.MARK_RESULT_READY not in record_actions(world.unit_head, _fresh(record))
    assert Action.MARK_RESULT_READY in record_actions(world.leader, _fresh(record))
    assert Action.MARK_RESULT_READY in record_actions(world.reception, _fresh(record))


def test_a_claimed_step_is_worked_only_while_the_assignee_holds_its_role(world):
    with travel(START):
        record = receive(world)
        services.step_claim(actor=world.specialist, record=record)
        StaffRole.objects.filter(user=world.specialist).update(role=Role.RECEPTION)
        specialist = User.objects.get(pk=world.specialist.pk)  # no cached roles
        with pytest.raises(PermissionDenied):
            services.step_forward(actor=specialist, record=record)
    assert Action.FORWARD not in record_actions(specialist, _fresh(record))


# ---- handing a step to somebody who cannot act on it --------------------------------------------
def test_a_step_is_assigned_or_forwarded_only_to_a_holder_of_its_role(world):
    from motcua.records.selectors_ui import officers_for_step

    with travel(START):
        record = receive(world)
        response = _api(world.unit_head, record, "assign", {"assignee": "unit.head"})
        assert response.status_code == 400
        assert "assignee" in response.json()["error"]["fields"]
        record = at_police(world)
        # The next step is the unit head's: the specialist is not a choice.
        response = _api(world.police_officer, record, "forward", {"assignee": "specialist"})
        assert response.status_code == 400
        assert "assignee" in response.json()["error"]["fields"]
        assert _fresh(record).current_step.unit_id == world.hsnv.pk
        ok = _api(world.police_officer, record, "forward", {"assignee": "unit.head"})
        assert ok.status_code == 200, ok.json()
    step = _fresh(record).current_step
    offered = set(
        officers_for_step(unit=step.unit, role=step.role).values_list("username", flat=True)
    )
    assert offered == {"unit.head"}
    specialists = officers_for_step(unit=world.lltp, role=Role.SPECIALIST)
    assert set(specialists.values_list("username", flat=True)) == {"specialist", "specialist2"}


# ---- the page and the API agree -----------------------------------------------------------------
class _RolledBack(Exception):
    pass


def _service_accepts(run: Any) -> bool:
    """Whether the service lets the move through (undone afterwards): the API's answer."""
    try:
        with transaction.atomic():
            run()
            raise _RolledBack
    except _RolledBack:
        return True
    except DomainError:
        return False


MOVES = {
    Action.CLAIM: lambda user, record: services.step_claim(actor=user, record=record),
    Action.FORWARD: lambda user, record: services.step_forward(actor=user, record=record),
    Action.MARK_RESULT_READY: lambda user, record: services.record_mark_result_ready(
        actor=user, record=record
    ),
}


def test_the_page_offers_exactly_what_the_services_accept(world):
    """``record_actions`` (the page's buttons and the API's ``allowed_actions``) against the
    services (what a POST does), for every officer of the world on three records."""
    with travel(START):
        states = {
            "specialist step": receive(world),
            "unit head step": at_unit_head_step(world),
            "approved": approved(world),
        }
        users = ("reception", "specialist", "specialist2", "unit.head", "leader", "police")
        checked = 0
        for name, record in states.items():
            possible = set(allowed_actions(record.status)) & set(MOVES)
            for username in users:
                user = User.objects.get(username=username)  # roles read afresh
                offered = record_actions(user, _fresh(record))
                for action in possible:
                    accepted = _service_accepts(lambda: MOVES[action](user, _fresh(record)))  # noqa: B023
                    assert (action in offered) == accepted, (name, username, action)
                    checked += 1
    assert checked == 2 * 6 * 2 + 6


# ---- the template flag: leaders may act ---------------------------------------------------------
def _publish_with_leaders(world: World, *, leaders_may_act: bool) -> Any:
    field = Field.objects.get(code="LLTP")
    procedure = catalogue.procedure_create(
        actor=world.admin, code="2.009999", name="Thủ tục lãnh đạo", field=field
    )
    justice = world.justice.code
    content = VersionContent(
        name="Thủ tục có bước lãnh đạo được làm thay",
        implementing_agencies=(justice,),
        duration_value=Decimal(5),
        steps=(
            StepContent("Tiếp nhận", "MC", Role.RECEPTION, Decimal(4), "Đã tiếp nhận", justice),
            StepContent(
                "Thẩm định",
                "LLTP",
                Role.SPECIALIST,
                Decimal(8),
                "Đang thẩm định",
                justice,
                leaders_may_act=leaders_may_act,
            ),
            StepContent("Ký", "LD", Role.AGENCY_LEADER, Decimal(8), "Đang ký", justice),
        ),
    )
    version = catalogue.version_create_draft(
        actor=world.admin, procedure=procedure, content=content
    )
    catalogue.version_publish(actor=world.admin, version=version, effective_from=at("2020-01-01"))
    return procedure


@pytest.mark.parametrize("leaders_may_act", [True, False])
def test_leaders_act_on_a_step_only_where_the_template_allows(world, leaders_may_act):
    from motcua.records.selectors_ui import officers_for_step

    procedure = _publish_with_leaders(world, leaders_may_act=leaders_may_act)
    # A leader whose role names the directors' unit (as in the demo), not the whole agency.
    director = User.objects.create_user(username="director", password="x-director")
    StaffRole.objects.create(
        user=director, agency=world.justice, unit=world.leaders, role=Role.AGENCY_LEADER
    )
    with travel(START):
        record = receive(world, procedure=procedure, components=full_components(procedure))
        step = record.current_step
        assert (step.role, step.leaders_may_act) == (Role.SPECIALIST, leaders_may_act)
        for user in (world.unit_head, world.leader, director):
            assert (Action.CLAIM in record_actions(user, _fresh(record))) is leaders_may_act
            assert (Action.FORWARD in record_actions(user, _fresh(record))) is leaders_may_act
        leaders = set(
            officers_for_step(
                unit=world.lltp, role=Role.SPECIALIST, leaders_may_act=leaders_may_act
            ).values_list("username", flat=True)
        )
        expected = {"specialist", "specialist2"}
        assert leaders == (
            expected | {"unit.head", "leader", "director"} if leaders_may_act else expected
        )
        # The other roles of the unit and the police never act on it.
        assert Action.CLAIM not in record_actions(world.reception, _fresh(record))
        assert Action.CLAIM not in record_actions(world.police_officer, _fresh(record))
        response = _api(director, record, "forward", {"expected_step_id": step.pk})
    if leaders_may_act:
        assert response.status_code == 200, response.json()
        assert _fresh(record).current_step.unit_id == world.leaders.pk
    else:
        assert response.status_code == 403
        assert _fresh(record).current_step_id == step.pk


def test_the_flag_travels_from_the_catalogue_formats_to_the_record_step(world):
    procedure = _publish_with_leaders(world, leaders_may_act=True)
    version = procedure.versions.get(status="published")
    content = version_content(version)
    assert [s.leaders_may_act for s in content.steps] == [False, True, False]
    document = to_json_document([ExportItem(procedure.code, "LLTP", "LLTP", True, content)])
    assert [s["leaders_may_act"] for s in document["procedures"][0]["steps"]] == [
        False,
        True,
        False,
    ]
    parsed = parse_json(document)
    assert not parsed.errors
    assert parsed.entries[0].content == content
    # Files written before the flag existed read as "off".
    for step in document["procedures"][0]["steps"]:
        del step["leaders_may_act"]
    older = parse_json(document)
    assert not older.errors
    assert [s.leaders_may_act for s in older.entries[0].content.steps] == [False, False, False]


# ---- the demo data: its accounts hold the roles its procedures need ------------------------------
@pytest.fixture
def demo_world(db):
    from motcua.catalogue.services import catalogue_load_demo
    from motcua.organisations.demo import ADMIN_USERNAME, demo_load_organisations

    with travel("2027-01-05 08:00"):
        demo_load_organisations()
        catalogue_load_demo(actor=User.objects.get(username=ADMIN_USERNAME))


def _demo_plans() -> list[tuple[Any, Any, Any]]:
    """(procedure, handling agency, plan) for every demo procedure at every agency that settles
    it and has demo accounts (the communes Hòa Lạc and Tân Phú have none)."""
    from motcua.catalogue.models import ProcedureVersion
    from motcua.catalogue.selectors import process_plan

    staffed = set(StaffRole.objects.values_list("agency_id", flat=True))
    plans = []
    for version in ProcedureVersion.objects.filter(status="published").select_related("procedure"):
        for agency in version.implementing_agencies.all():
            if agency.pk in staffed:
                plans.append(
                    (
                        version.procedure,
                        agency,
                        process_plan(version=version, handling_agency=agency),
                    )
                )
    return plans


def _holders(step: Any) -> list[User]:
    """Demo accounts holding the step's role in its unit (not counting the leaders' flag)."""
    return [
        user
        for user in User.objects.filter(staff_roles__agency=step.agency).distinct()
        if permissions.has_role(
            user, agency_id=step.agency.pk, roles={step.role}, unit_id=step.unit.pk
        )
    ]


def test_every_demo_step_has_a_demo_account_holding_its_role(demo_world):
    plans = _demo_plans()
    assert len({procedure.code for procedure, _agency, _plan in plans}) == 20
    missing = [
        (
            procedure.code,
            agency.short_name,
            step.order,
            step.unit.code if step.unit else None,
            step.role,
        )
        for procedure, agency, plan in plans
        for step in plan
        if step.unit is None or not _holders(step)
    ]
    assert missing == []
    flagged = [
        (procedure.code, step.order)
        for procedure, _agency, plan in plans
        for step in plan
        if step.leaders_may_act
    ]
    assert flagged == [("1.003554", 3)]
    chairman = User.objects.get(username="chutich.anbinh")
    step = next(plan[2] for procedure, _agency, plan in plans if procedure.code == "1.003554")
    assert permissions.may_act_on(
        chairman,
        agency_id=step.agency.pk,
        unit_id=step.unit.pk,
        role=step.role,
        leaders_may_act=True,
    )


def test_the_demo_accounts_walk_every_demo_procedure(demo_world):
    """Each demo procedure, received at its desk by the demo reception account, then claimed
    and forwarded by a demo account holding each step's role, approved at its last leader's
    step and (unless it needs a signed result) marked ready and returned by the desk."""
    from motcua.catalogue.selectors import process_plan
    from motcua.records.services import ComponentData
    from motcua.records.tests.factories import applicant

    walked = []
    with travel("2027-01-05 09:00"):
        for procedure, agency, _plan in _demo_plans():
            version = procedure.versions.get(status="published")
            desk_agency = version.receiving_agency or agency
            desk = _holders_of(desk_agency, Role.RECEPTION)[0]
            record = services.record_receive(
                actor=desk,
                agency=desk_agency,
                procedure=procedure,
                channel="direct",
                applicant=applicant(),
                components=[
                    ComponentData(name=c.name, component_id=c.pk) for c in version.components.all()
                ],
                handling_agency=agency,
            )
            plan = process_plan(version=version, handling_agency=agency)
            while True:
                record = _fresh(record)
                step = record.current_step
                later = [p for p in plan if p.order > step.order]
                actor = User.objects.get(pk=_step_holder(step).pk)
                if step.assignee_id is None:
                    services.step_claim(actor=actor, record=record)
                # The last leader's step approves; what follows prepares and returns the result.
                if step.role in permissions.LEADERS and not any(
                    p.role in permissions.LEADERS for p in later
                ):
                    record = services.record_approve(actor=actor, record=_fresh(record))
                    break
                record = services.step_forward(actor=actor, record=_fresh(record))
            if not version.requires_signed_result:
                desk = _holders_of(record.agency, Role.RECEPTION)[0]
                services.record_mark_result_ready(actor=desk, record=_fresh(record))
                services.record_return_result(actor=desk, record=_fresh(record), method="desk")
            walked.append((procedure.code, _fresh(record).status))
    assert len(walked) == 20
    assert {status for _code, status in walked} <= {"returned", "approved"}


def _holders_of(agency: Any, role: str) -> list[User]:
    return list(
        User.objects.filter(staff_roles__agency=agency, staff_roles__role=role).order_by("username")
    )


def _step_holder(step: RecordStep) -> User:
    for user in User.objects.filter(staff_roles__agency_id=step.agency_id).distinct():
        if permissions.has_role(
            user, agency_id=step.agency_id, roles={step.role}, unit_id=step.unit_id
        ):
            return user
    raise AssertionError(f"nobody holds {step.role} in {step.unit}")


def test_the_unit_queue_offers_claim_only_on_the_steps_of_the_users_role(world):
    with travel(START):
        specialist_step = receive(world)  # LLTP, role specialist
        head_step = at_unit_head_step(world)  # LLTP, role unit head
        pages = {
            user.username: page_client(user).get(reverse("records:queue_unit")).content.decode()
            for user in (world.specialist, world.unit_head)
        }
    for html in pages.values():  # both see the unit's waiting work
        assert specialist_step.code in html and head_step.code in html
    claim = {
        record.pk: reverse("records:claim", args=[record.code])
        for record in (specialist_step, head_step)
    }
    assert claim[specialist_step.pk] in pages["specialist"]
    assert claim[head_step.pk] not in pages["specialist"]
    assert claim[head_step.pk] in pages["unit.head"]
    assert claim[specialist_step.pk] not in pages["unit.head"]
