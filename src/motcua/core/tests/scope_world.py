"""The world of the scope matrix (``test_scope_matrix``): the records test world (agency A =
the Department of Justice with its desk, a unit and its leader; the police holding a step of
A's record; agency B = the Department of Finance with its desk officer, the "outsider"), plus
a Center supervisor, a system administrator without any other role and a record of every kind
an URL can point at (received, extended, stopped, online, refused online, desk slip, result
document, record received at the Center).

Built once per test module (see ``scope_world`` in the test module): keep it small."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from motcua.core.models import User
from motcua.documents import services as documents
from motcua.documents.models import ResultDocument
from motcua.documents.tests.factories import approved_record, load_pki, signed_procedure
from motcua.organisations.models import OrgUnit, Role, StaffRole
from motcua.records import services
from motcua.records.models import DeskSlip, Record
from motcua.records.tests.factories import (
    World,
    applicant,
    at,
    build_world,
    full_components,
    receive,
    travel,
)
from motcua.records.tests.factories_documents import walk_forward_supplement_approve
from motcua.records.tests.factories_ui import submitted_online

# The users of the matrix, by key. "police" holds a step of A's main record (inter-agency).
USERS = (
    "anonymous",
    "reception",
    "specialist",
    "unit_head",
    "leader",
    "police",
    "supervisor",
    "sysadmin",
    "outsider",
    "superuser",
)
A_STAFF = frozenset({"reception", "specialist", "unit_head", "leader"})
SIGNED_IN = frozenset(USERS) - {"anonymous"}


@dataclass
class ScopeWorld:
    world: World
    users: dict[str, Any]
    record: Record  # A's record walked desk -> unit -> police -> leader -> returned
    extended: Record  # A's record with extension number 1
    stopped: Record  # A's record, processing stopped
    online: Record  # an online submission to A, waiting at the desk (no code yet)
    refused: Record  # an online submission A's desk refused
    slip: DeskSlip  # a refusal slip issued at A's desk
    result: ResultDocument  # a result document of A's record ``result_record``
    result_record: Record
    center_record: Record  # received at the Center's desk


def _staff(username: str, agency: Any, unit: Any, role: str, **extra: Any) -> User:
    user = User.objects.create_user(
        username=username, password="x-" + username, full_name=username.title(), **extra
    )
    StaffRole.objects.create(user=user, agency=agency, unit=unit, role=role)
    return user


def build_scope_world() -> ScopeWorld:
    world = build_world()
    load_pki()
    supervision = OrgUnit.objects.create(agency=world.center, code="GS", name="Phòng Giám sát")
    supervisor = _staff("supervisor", world.center, supervision, Role.CENTER_SUPERVISOR)
    # A system administrator: staff (may open the admin site), no superuser, no other role.
    sysadmin = _staff("sysadmin", world.center, None, Role.SYSTEM_ADMIN, is_staff=True)

    record = walk_forward_supplement_approve(world)
    with travel("2025-05-05 08:00"):
        extended = receive(world, applicant=applicant(name="Lê Văn Gia Hạn"))
        services.step_claim(actor=world.specialist, record=extended)
        services.record_extend(
            actor=world.specialist,
            record=extended,
            new_due_at=at("2025-06-12 16:00"),
            reason="Cần xác minh thêm",
        )
        stopped = receive(world, applicant=applicant(name="Phạm Văn Dừng"))
        services.step_claim(actor=world.specialist, record=stopped)
        services.record_stop(actor=world.specialist, record=stopped, reason="Người dân rút")
        online = submitted_online(world, external_code="G22.99-250505-0000001")
        refused = submitted_online(world, external_code="G22.99-250505-0000002")
        services.record_refuse_online(actor=world.reception, record=refused, reason="Sai mẫu")
        slip = services.desk_slip_issue(
            actor=world.reception,
            agency=world.justice,
            procedure=world.pause_procedure,
            kind=DeskSlip.Kind.REFUSAL,
            applicant=applicant(name="Đỗ Văn Phiếu"),
            reason="Không thuộc thẩm quyền",
        )
        center_record = services.record_receive(
            actor=world.center_reception,
            agency=world.center,
            procedure=world.pause_procedure,
            channel="direct",
            applicant=applicant(name="Vũ Thị Trung Tâm"),
            components=full_components(world.pause_procedure),
        )
    result_record = approved_record(world, signed_procedure(world), id_number="001190054321")
    result = documents.result_generate(actor=world.leader, record=result_record)
    users: dict[str, Any] = {
        "anonymous": None,
        "reception": world.reception,
        "specialist": world.specialist,
        "unit_head": world.unit_head,
        "leader": world.leader,
        "police": world.police_officer,
        "supervisor": supervisor,
        "sysadmin": sysadmin,
        "outsider": world.outsider,
        "superuser": world.admin,
    }
    for item in (record, extended, stopped, online, refused, center_record, result_record):
        item.refresh_from_db()
    return ScopeWorld(
        world=world,
        users=users,
        record=record,
        extended=extended,
        stopped=stopped,
        online=online,
        refused=refused,
        slip=slip,
        result=result,
        result_record=result_record,
        center_record=center_record,
    )
