"""A small world for record tests: a department with its desk, a police unit for an
inter-agency step, officers for every role, and procedures published through the catalogue
services (pause and restart supplement rules)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import time_machine

from motcua.catalogue import services as catalogue
from motcua.catalogue.content import ComponentContent, FeeContent, StepContent, VersionContent
from motcua.catalogue.models import Field, Procedure
from motcua.core.models import User
from motcua.organisations.models import AdministrativeUnit, Agency, OrgUnit, Role, StaffRole
from motcua.records.services import ApplicantData, ComponentData
from motcua.records.services import record_receive as _record_receive

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def at(text: str) -> datetime:
    """``at("2025-04-21 08:00")`` in Asia/Ho_Chi_Minh."""
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


def travel(text: str) -> time_machine.travel:
    return time_machine.travel(at(text), tick=False)


@dataclass
class World:
    justice: Agency
    police: Agency
    center: Agency
    desk: OrgUnit
    lltp: OrgUnit
    leaders: OrgUnit
    hsnv: OrgUnit
    center_desk: OrgUnit
    admin: User
    reception: User
    center_reception: User
    specialist: User
    specialist2: User
    unit_head: User
    leader: User
    police_officer: User
    outsider: User
    pause_procedure: Procedure
    restart_procedure: Procedure
    sameday_procedure: Procedure


def _user(username: str, *roles: tuple[Agency, OrgUnit | None, str]) -> User:
    user = User.objects.create_user(
        username=username, password="x-" + username, full_name=username.title()
    )
    for agency, unit, role in roles:
        StaffRole.objects.create(user=user, agency=agency, unit=unit, role=role)
    return user


def build_world() -> World:
    province = AdministrativeUnit.objects.create(code="99", name="Tỉnh Minh Họa", level="province")
    justice = Agency.objects.create(
        code="000.00.12.H99",
        name="Sở Tư pháp",
        kind="department",
        level="province",
        administrative_unit=province,
    )
    police = Agency.objects.create(
        code="000.00.30.H99",
        name="Công an tỉnh",
        kind="police",
        level="province",
        administrative_unit=province,
    )
    center = Agency.objects.create(
        code="000.00.01.H99",
        name="Trung tâm Phục vụ hành chính công",
        kind="center",
        level="province",
        administrative_unit=province,
    )
    other = Agency.objects.create(
        code="000.00.14.H99",
        name="Sở Tài chính",
        kind="department",
        level="province",
        administrative_unit=province,
    )
    desk = OrgUnit.objects.create(
        agency=justice, code="MC", name="Bộ phận Một cửa", is_one_stop_desk=True
    )
    lltp = OrgUnit.objects.create(agency=justice, code="LLTP", name="Phòng Lý lịch tư pháp")
    leaders = OrgUnit.objects.create(agency=justice, code="LD", name="Ban Giám đốc")
    hsnv = OrgUnit.objects.create(agency=police, code="HSNV", name="Phòng Hồ sơ nghiệp vụ")
    OrgUnit.objects.create(agency=police, code="MC", name="Bộ phận Một cửa", is_one_stop_desk=True)
    center_desk = OrgUnit.objects.create(
        agency=center, code="MC", name="Bộ phận tiếp nhận", is_one_stop_desk=True
    )
    other_desk = OrgUnit.objects.create(
        agency=other, code="MC", name="Một cửa", is_one_stop_desk=True
    )
    admin = User.objects.create_superuser(username="admin", password="x-admin")
    world_users = dict(
        reception=_user("reception", (justice, desk, Role.RECEPTION)),
        center_reception=_user("center.reception", (center, center_desk, Role.RECEPTION)),
        specialist=_user("specialist", (justice, lltp, Role.SPECIALIST)),
        specialist2=_user("specialist2", (justice, lltp, Role.SPECIALIST)),
        unit_head=_user("unit.head", (justice, lltp, Role.UNIT_HEAD)),
        leader=_user("leader", (justice, None, Role.AGENCY_LEADER)),
        police_officer=_user("police", (police, hsnv, Role.SPECIALIST)),
        outsider=_user("outsider", (other, other_desk, Role.RECEPTION)),
    )
    field = Field.objects.create(code="LLTP", name="Lý lịch tư pháp")

    def publish(code: str, rule: str, duration: str, **extra: object) -> Procedure:
        procedure = catalogue.procedure_create(
            actor=admin, code=code, name=f"Thủ tục {code}", field=field
        )
        steps = extra.pop(
            "steps",
            (
                StepContent(
                    "Tiếp nhận hồ sơ",
                    "MC",
                    Role.RECEPTION,
                    Decimal(4),
                    "Đã tiếp nhận",
                    justice.code,
                ),
                StepContent(
                    "Thẩm định",
                    "LLTP",
                    Role.SPECIALIST,
                    Decimal(24),
                    "Đang thẩm định",
                    justice.code,
                ),
                StepContent(
                    "Xác minh", "HSNV", Role.SPECIALIST, Decimal(16), "Đang xác minh", police.code
                ),
                StepContent(
                    "Trình ký", "LLTP", Role.UNIT_HEAD, Decimal(8), "Đang trình ký", justice.code
                ),
                StepContent(
                    "Phê duyệt",
                    "LD",
                    Role.AGENCY_LEADER,
                    Decimal(8),
                    "Đang phê duyệt",
                    justice.code,
                ),
            ),
        )
        content = VersionContent(
            name=f"Cấp phiếu lý lịch tư pháp ({code})",
            implementing_agencies=(justice.code,),
            receiving_agency=None,
            duration_value=Decimal(duration),
            supplement_rule=rule,
            components=(
                ComponentContent(
                    "TK", "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp", "original", 1, True
                ),
                ComponentContent("CC", "Bản chụp giấy tờ tùy thân", "copy", 1, False),
            ),
            fees=(FeeContent("LP", "Phí cung cấp thông tin lý lịch tư pháp", "fee", 200000),),
            steps=steps,
            **extra,  # type: ignore[arg-type]
        )
        version = catalogue.version_create_draft(actor=admin, procedure=procedure, content=content)
        catalogue.version_publish(
            actor=admin, version=version, effective_from=at("2020-01-01 00:00")
        )
        return procedure

    pause = publish("2.000488", "pause", "10")
    restart = publish("2.000505", "restart", "10")
    sameday = publish(
        "2.000815",
        "pause",
        "0",
        cutoff=time(15, 0),
        counting_mode="days",
        steps=(
            StepContent(
                "Tiếp nhận", "MC", Role.RECEPTION, Decimal(0), "Đã tiếp nhận", justice.code
            ),
            StepContent(
                "Chứng thực", "LLTP", Role.SPECIALIST, Decimal(0), "Đang chứng thực", justice.code
            ),
            StepContent("Ký", "LD", Role.AGENCY_LEADER, Decimal(0), "Đang ký", justice.code),
        ),
    )
    return World(
        justice=justice,
        police=police,
        center=center,
        desk=desk,
        lltp=lltp,
        leaders=leaders,
        hsnv=hsnv,
        center_desk=center_desk,
        admin=admin,
        pause_procedure=pause,
        restart_procedure=restart,
        sameday_procedure=sameday,
        **world_users,  # type: ignore[arg-type]
    )


def applicant(**overrides: str) -> ApplicantData:
    data = dict(
        name="Nguyễn Thị Hồng Nhung",
        id_number="001190012345",
        address="12 Lê Lợi, phường Hòa Lạc",
        phone="0912345678",
        email="nhung@example.vn",
    )
    data.update(overrides)
    return ApplicantData(**data)


def full_components(procedure: Procedure) -> list[ComponentData]:
    version = procedure.versions.get(status="published")
    return [
        ComponentData(name=c.name, component_id=c.pk, copy_kind="original", quantity=1)
        for c in version.components.all()
    ]


def receive(world: World, procedure: Procedure | None = None, **kwargs: object):  # type: ignore[no-untyped-def]
    procedure = procedure or world.pause_procedure
    return _record_receive(
        actor=kwargs.pop("actor", world.reception),
        agency=kwargs.pop("agency", world.justice),
        procedure=procedure,
        channel=kwargs.pop("channel", "direct"),
        applicant=kwargs.pop("applicant", applicant()),
        components=kwargs.pop("components", full_components(procedure)),
        **kwargs,  # type: ignore[arg-type]
    )
