"""Demonstration organisations and staff accounts for ``motcua demo``.

Everything here is illustrative: "Tỉnh Minh Họa" (administrative code 99) is not a real province
and the people are invented. The codes are fixed because the demo catalogue refers to them
(agency identifier codes ``000.00.12.H99`` etc. and unit codes such as ``MC``, ``LLTP``).

``demo_load_organisations()`` is idempotent: rows are matched by their code (usernames for
users) and only written when a value differs, so a second run changes nothing. A demo user's
password is set to :data:`DEMO_PASSWORD` only when the user is created; a password changed
afterwards is left alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models, transaction

from motcua.organisations.models import AdministrativeUnit, Agency, OrgUnit, Role, StaffRole

# The one password of every demo account (documented in the README). Only set on creation.
DEMO_PASSWORD = "motcua-demo-2026"  # noqa: S105 - published demo credential, refused in production
DEMO_EMAIL_DOMAIN = "minhhoa.example"
PROVINCE_CODE = "99"
PROVINCE_NAME = "Tỉnh Minh Họa"
CENTER_CODE = "000.00.01.H99"
ADMIN_USERNAME = "quantri"


# ---- specifications -----------------------------------------------------------------------------
@dataclass(frozen=True)
class AdminUnitSpec:
    code: str
    name: str
    level: str
    parent_code: str | None = None
    valid_from: date | None = None
    valid_until: date | None = None


@dataclass(frozen=True)
class UnitSpec:
    code: str
    name: str
    one_stop_desk: bool = False


@dataclass(frozen=True)
class AgencySpec:
    code: str
    name: str
    short_name: str
    kind: str
    level: str
    administrative_unit_code: str
    units: tuple[UnitSpec, ...]
    address: str = ""
    phone: str = ""


@dataclass(frozen=True)
class GrantSpec:
    agency_code: str
    role: str
    unit_code: str | None = None


@dataclass(frozen=True)
class UserSpec:
    username: str
    full_name: str
    title: str
    grants: tuple[GrantSpec, ...]
    superuser: bool = False


REFORM_DAY = date(2025, 7, 1)  # two-tier local government: districts abolished
LAST_DISTRICT_DAY = date(2025, 6, 30)

ADMINISTRATIVE_UNITS: tuple[AdminUnitSpec, ...] = (
    AdminUnitSpec(PROVINCE_CODE, PROVINCE_NAME, AdministrativeUnit.Level.PROVINCE),
    # Kept for records received before the 2025 reform; no agency works at this level any more.
    AdminUnitSpec(
        "990",
        "Huyện Minh Sơn",
        AdministrativeUnit.Level.DISTRICT,
        parent_code=PROVINCE_CODE,
        valid_until=LAST_DISTRICT_DAY,
    ),
    AdminUnitSpec(
        "99001", "Xã An Bình", AdministrativeUnit.Level.COMMUNE, PROVINCE_CODE, REFORM_DAY
    ),
    AdminUnitSpec(
        "99002", "Phường Hòa Lạc", AdministrativeUnit.Level.COMMUNE, PROVINCE_CODE, REFORM_DAY
    ),
    AdminUnitSpec(
        "99003", "Xã Tân Phú", AdministrativeUnit.Level.COMMUNE, PROVINCE_CODE, REFORM_DAY
    ),
)

_DEPARTMENT_DESK = UnitSpec("MC", "Bộ phận Một cửa", one_stop_desk=True)
_DIRECTORS = UnitSpec("LD", "Ban Giám đốc")


def _commune(code: str, unit_code: str, kind_word: str, place: str, street: str) -> AgencySpec:
    return AgencySpec(
        code=code,
        name=f"Ủy ban nhân dân {kind_word} {place}",
        short_name=f"UBND {kind_word} {place}",
        kind=Agency.Kind.COMMUNE,
        level=Agency.Level.COMMUNE,
        administrative_unit_code=unit_code,
        units=(
            UnitSpec(
                "MC", f"Trung tâm Phục vụ hành chính công {kind_word} {place}", one_stop_desk=True
            ),
            UnitSpec("TPHT", "Công chức Tư pháp - Hộ tịch"),
            UnitSpec("DCXD", "Công chức Địa chính - Xây dựng"),
            UnitSpec("LD", f"Lãnh đạo UBND {kind_word}"),
        ),
        address=f"{street}, {kind_word} {place}, tỉnh Minh Họa",
    )


AGENCIES: tuple[AgencySpec, ...] = (
    AgencySpec(
        code=CENTER_CODE,
        name="Trung tâm Phục vụ hành chính công tỉnh Minh Họa",
        short_name="Trung tâm PVHCC tỉnh",
        kind=Agency.Kind.CENTER,
        level=Agency.Level.PROVINCE,
        administrative_unit_code=PROVINCE_CODE,
        units=(
            UnitSpec("MC", "Bộ phận tiếp nhận và trả kết quả", one_stop_desk=True),
            UnitSpec("GS", "Phòng Giám sát, điều hành"),
        ),
        address="Số 1 đường Trung Tâm, phường Hòa Lạc, tỉnh Minh Họa",
        phone="0299 3800 001",
    ),
    AgencySpec(
        code="000.00.12.H99",
        name="Sở Tư pháp tỉnh Minh Họa",
        short_name="Sở Tư pháp",
        kind=Agency.Kind.DEPARTMENT,
        level=Agency.Level.PROVINCE,
        administrative_unit_code=PROVINCE_CODE,
        units=(
            _DEPARTMENT_DESK,
            UnitSpec("HCTP", "Phòng Hành chính tư pháp"),
            UnitSpec("LLTP", "Phòng Lý lịch tư pháp"),
            UnitSpec("BTTP", "Phòng Bổ trợ tư pháp"),
            _DIRECTORS,
        ),
        address="Số 12 đường Lê Lợi, phường Hòa Lạc, tỉnh Minh Họa",
        phone="0299 3800 012",
    ),
    AgencySpec(
        code="000.00.14.H99",
        name="Sở Tài chính tỉnh Minh Họa",
        short_name="Sở Tài chính",
        kind=Agency.Kind.DEPARTMENT,
        level=Agency.Level.PROVINCE,
        administrative_unit_code=PROVINCE_CODE,
        units=(_DEPARTMENT_DESK, UnitSpec("DKKD", "Phòng Đăng ký kinh doanh"), _DIRECTORS),
        address="Số 14 đường Trần Hưng Đạo, phường Hòa Lạc, tỉnh Minh Họa",
        phone="0299 3800 014",
    ),
    AgencySpec(
        code="000.00.20.H99",
        name="Sở Xây dựng tỉnh Minh Họa",
        short_name="Sở Xây dựng",
        kind=Agency.Kind.DEPARTMENT,
        level=Agency.Level.PROVINCE,
        administrative_unit_code=PROVINCE_CODE,
        units=(
            _DEPARTMENT_DESK,
            UnitSpec("QLXD", "Phòng Quản lý xây dựng"),
            UnitSpec("QLVT", "Phòng Quản lý vận tải và phương tiện"),
            _DIRECTORS,
        ),
        address="Số 20 đường Hùng Vương, phường Hòa Lạc, tỉnh Minh Họa",
        phone="0299 3800 020",
    ),
    AgencySpec(
        code="000.00.22.H99",
        name="Sở Nông nghiệp và Môi trường tỉnh Minh Họa",
        short_name="Sở Nông nghiệp và Môi trường",
        kind=Agency.Kind.DEPARTMENT,
        level=Agency.Level.PROVINCE,
        administrative_unit_code=PROVINCE_CODE,
        units=(
            _DEPARTMENT_DESK,
            UnitSpec("QLDD", "Phòng Quản lý đất đai"),
            UnitSpec("VPDK", "Văn phòng Đăng ký đất đai"),
            _DIRECTORS,
        ),
        address="Số 22 đường Nguyễn Huệ, phường Hòa Lạc, tỉnh Minh Họa",
        phone="0299 3800 022",
    ),
    AgencySpec(
        code="000.00.16.H99",
        name="Sở Y tế tỉnh Minh Họa",
        short_name="Sở Y tế",
        kind=Agency.Kind.DEPARTMENT,
        level=Agency.Level.PROVINCE,
        administrative_unit_code=PROVINCE_CODE,
        units=(_DEPARTMENT_DESK, UnitSpec("NVY", "Phòng Nghiệp vụ Y"), _DIRECTORS),
        address="Số 16 đường Hai Bà Trưng, phường Hòa Lạc, tỉnh Minh Họa",
        phone="0299 3800 016",
    ),
    AgencySpec(
        code="000.00.30.H99",
        name="Công an tỉnh Minh Họa",
        short_name="Công an tỉnh",
        kind=Agency.Kind.POLICE,
        level=Agency.Level.PROVINCE,
        administrative_unit_code=PROVINCE_CODE,
        units=(
            _DEPARTMENT_DESK,
            UnitSpec("PV06", "Phòng Quản lý hành chính về trật tự xã hội"),
            UnitSpec("HSNV", "Phòng Hồ sơ nghiệp vụ"),
            _DIRECTORS,
        ),
        address="Số 30 đường Quang Trung, phường Hòa Lạc, tỉnh Minh Họa",
        phone="0299 3800 030",
    ),
    _commune("001.00.01.H99", "99001", "xã", "An Bình", "Thôn Trung"),
    _commune("002.00.01.H99", "99002", "phường", "Hòa Lạc", "Số 5 đường Độc Lập"),
    _commune("003.00.01.H99", "99003", "xã", "Tân Phú", "Thôn Đông"),
)

_STP = "000.00.12.H99"
_STC = "000.00.14.H99"
_SYT = "000.00.16.H99"
_SXD = "000.00.20.H99"
_SNNMT = "000.00.22.H99"
_CA = "000.00.30.H99"
_AN_BINH = "001.00.01.H99"


def _user(
    username: str, full_name: str, title: str, agency: str, role: str, unit: str | None
) -> UserSpec:
    return UserSpec(username, full_name, title, (GrantSpec(agency, role, unit),))


USERS: tuple[UserSpec, ...] = (
    UserSpec(
        ADMIN_USERNAME,
        "Nguyễn Văn An",
        "Quản trị hệ thống, Trung tâm Phục vụ hành chính công",
        (GrantSpec(CENTER_CODE, Role.SYSTEM_ADMIN),),
        superuser=True,
    ),
    # Province Center: the one-stop desk and the supervision unit.
    _user(
        "tiepnhan.ttpvhcc",
        "Trần Thị Bích Ngọc",
        "Công chức tiếp nhận và trả kết quả",
        CENTER_CODE,
        Role.RECEPTION,
        "MC",
    ),
    _user(
        "giamsat.ttpvhcc",
        "Lê Hoàng Nam",
        "Phó Giám đốc Trung tâm Phục vụ hành chính công",
        CENTER_CODE,
        Role.CENTER_SUPERVISOR,
        "GS",
    ),
    # Sở Tư pháp: judicial records (LLTP) from desk to director, plus administrative justice.
    _user(
        "tiepnhan.sotp",
        "Phạm Thu Hà",
        "Công chức tiếp nhận hồ sơ, Sở Tư pháp",
        _STP,
        Role.RECEPTION,
        "MC",
    ),
    _user(
        "chuyenvien.lltp",
        "Hoàng Minh Đức",
        "Chuyên viên Phòng Lý lịch tư pháp",
        _STP,
        Role.SPECIALIST,
        "LLTP",
    ),
    _user(
        "truongphong.lltp",
        "Vũ Thị Thanh Hương",
        "Trưởng phòng Lý lịch tư pháp",
        _STP,
        Role.UNIT_HEAD,
        "LLTP",
    ),
    _user(
        "chuyenvien.hctp",
        "Tô Thị Phương",
        "Chuyên viên Phòng Hành chính tư pháp",
        _STP,
        Role.SPECIALIST,
        "HCTP",
    ),
    _user(
        "chuyenvien.bttp",
        "Lưu Thị Ngọc Ánh",
        "Chuyên viên Phòng Bổ trợ tư pháp",
        _STP,
        Role.SPECIALIST,
        "BTTP",
    ),
    _user(
        "lanhdao.sotp", "Đặng Quốc Khánh", "Phó Giám đốc Sở Tư pháp", _STP, Role.AGENCY_LEADER, "LD"
    ),
    # Sở Tài chính: business registration.
    _user(
        "chuyenvien.dkkd",
        "Ngô Thị Lan Anh",
        "Chuyên viên Phòng Đăng ký kinh doanh",
        _STC,
        Role.SPECIALIST,
        "DKKD",
    ),
    _user(
        "truongphong.dkkd",
        "Mai Xuân Trường",
        "Trưởng phòng Đăng ký kinh doanh",
        _STC,
        Role.UNIT_HEAD,
        "DKKD",
    ),
    _user(
        "lanhdao.sotc",
        "Tạ Thị Kim Oanh",
        "Phó Giám đốc Sở Tài chính",
        _STC,
        Role.AGENCY_LEADER,
        "LD",
    ),
    # Sở Xây dựng: construction permits and transport.
    _user(
        "chuyenvien.qlxd",
        "Đỗ Văn Hải",
        "Chuyên viên Phòng Quản lý xây dựng",
        _SXD,
        Role.SPECIALIST,
        "QLXD",
    ),
    _user(
        "truongphong.qlxd",
        "Dương Văn Phúc",
        "Trưởng phòng Quản lý xây dựng",
        _SXD,
        Role.UNIT_HEAD,
        "QLXD",
    ),
    _user(
        "chuyenvien.qlvt",
        "Châu Văn Kiên",
        "Chuyên viên Phòng Quản lý vận tải và phương tiện",
        _SXD,
        Role.SPECIALIST,
        "QLVT",
    ),
    _user(
        "lanhdao.soxd", "Hà Quang Vinh", "Phó Giám đốc Sở Xây dựng", _SXD, Role.AGENCY_LEADER, "LD"
    ),
    # Sở Nông nghiệp và Môi trường: land.
    _user(
        "chuyenvien.qldd",
        "Trịnh Thị Mai",
        "Chuyên viên Phòng Quản lý đất đai",
        _SNNMT,
        Role.SPECIALIST,
        "QLDD",
    ),
    _user(
        "truongphong.qldd",
        "Kiều Thị Ngân",
        "Trưởng phòng Quản lý đất đai",
        _SNNMT,
        Role.UNIT_HEAD,
        "QLDD",
    ),
    _user(
        "chuyenvien.vpdk",
        "Hồ Thị Thu Trang",
        "Viên chức Văn phòng Đăng ký đất đai",
        _SNNMT,
        Role.SPECIALIST,
        "VPDK",
    ),
    _user(
        "lanhdao.sonnmt",
        "Đinh Công Lực",
        "Phó Giám đốc Sở Nông nghiệp và Môi trường",
        _SNNMT,
        Role.AGENCY_LEADER,
        "LD",
    ),
    # Sở Y tế: practising licences (received at the Center).
    _user(
        "chuyenvien.nvy",
        "Văn Thị Thu Thủy",
        "Chuyên viên Phòng Nghiệp vụ Y",
        _SYT,
        Role.SPECIALIST,
        "NVY",
    ),
    _user(
        "lanhdao.soyte",
        "Chu Đức Mạnh",
        "Phó Giám đốc Sở Y tế",
        _SYT,
        Role.AGENCY_LEADER,
        "LD",
    ),
    # Provincial police: criminal records checks for judicial record certificates, and the
    # permits of the social order unit (PV06).
    _user(
        "chuyenvien.hsnv",
        "Bùi Văn Thành",
        "Cán bộ Phòng Hồ sơ nghiệp vụ",
        _CA,
        Role.SPECIALIST,
        "HSNV",
    ),
    _user(
        "truongphong.hsnv",
        "Thái Văn Bình",
        "Trưởng phòng Hồ sơ nghiệp vụ",
        _CA,
        Role.UNIT_HEAD,
        "HSNV",
    ),
    _user(
        "canbo.pv06",
        "Nông Văn Sơn",
        "Cán bộ Phòng Quản lý hành chính về trật tự xã hội",
        _CA,
        Role.SPECIALIST,
        "PV06",
    ),
    _user(
        "lanhdao.congan",
        "Lâm Quang Huy",
        "Phó Giám đốc Công an tỉnh",
        _CA,
        Role.AGENCY_LEADER,
        "LD",
    ),
    # UBND xã An Bình: the commune desk, civil status, land and construction, the chairman.
    _user(
        "tiepnhan.anbinh",
        "Lý Văn Tùng",
        "Công chức tiếp nhận, Trung tâm Phục vụ hành chính công xã An Bình",
        _AN_BINH,
        Role.RECEPTION,
        "MC",
    ),
    _user(
        "congchuc.tpht.anbinh",
        "Phan Thị Hồng",
        "Công chức Tư pháp - Hộ tịch xã An Bình",
        _AN_BINH,
        Role.SPECIALIST,
        "TPHT",
    ),
    _user(
        "congchuc.dcxd.anbinh",
        "Quách Văn Lộc",
        "Công chức Địa chính - Xây dựng xã An Bình",
        _AN_BINH,
        Role.SPECIALIST,
        "DCXD",
    ),
    _user(
        "chutich.anbinh",
        "Cao Minh Tuấn",
        "Chủ tịch UBND xã An Bình",
        _AN_BINH,
        Role.AGENCY_LEADER,
        "LD",
    ),
)


# ---- result ---------------------------------------------------------------------------------
@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    title: str
    grants: tuple[str, ...]
    created: bool
    superuser: bool


@dataclass
class DemoSummary:
    """What ``demo_load_organisations`` did: per-kind tallies and the demo accounts."""

    tallies: dict[str, Tally] = field(default_factory=dict)
    accounts: list[DemoAccount] = field(default_factory=list)

    def tally(self, kind: str) -> Tally:
        return self.tallies.setdefault(kind, Tally())

    @property
    def changed(self) -> bool:
        return any(t.created or t.updated for t in self.tallies.values())


# ---- loading ----------------------------------------------------------------------------------
def _upsert(
    model: type[models.Model], *, lookup: dict[str, Any], values: dict[str, Any], tally: Tally
) -> tuple[Any, bool]:
    """Create the row matched by ``lookup`` or bring it to ``values``; write only what differs.

    Rows are validated (``full_clean``) before they are written.
    """
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.full_clean()
        obj.save()
        tally.created += 1
        return obj, True
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if not changed:
        tally.unchanged += 1
        return obj, False
    for name in changed:
        setattr(obj, name, values[name])
    obj.full_clean()
    update_fields = list(changed)
    if any(f.name == "updated_at" for f in model._meta.get_fields()):
        update_fields.append("updated_at")
    obj.save(update_fields=update_fields)
    tally.updated += 1
    return obj, False


def _load_administrative_units(summary: DemoSummary) -> dict[str, AdministrativeUnit]:
    by_code: dict[str, AdministrativeUnit] = {}
    tally = summary.tally("administrative_units")
    for spec in ADMINISTRATIVE_UNITS:
        unit, _created = _upsert(
            AdministrativeUnit,
            lookup={"code": spec.code},
            values={
                "name": spec.name,
                "level": spec.level,
                "parent": by_code[spec.parent_code] if spec.parent_code else None,
                "valid_from": spec.valid_from,
                "valid_until": spec.valid_until,
            },
            tally=tally,
        )
        by_code[spec.code] = unit
    return by_code


def _load_agencies(
    summary: DemoSummary, admin_units: dict[str, AdministrativeUnit]
) -> tuple[dict[str, Agency], dict[tuple[str, str], OrgUnit]]:
    agencies: dict[str, Agency] = {}
    units: dict[tuple[str, str], OrgUnit] = {}
    for spec in AGENCIES:
        agency, _created = _upsert(
            Agency,
            lookup={"code": spec.code},
            values={
                "name": spec.name,
                "short_name": spec.short_name,
                "kind": spec.kind,
                "level": spec.level,
                "administrative_unit": admin_units[spec.administrative_unit_code],
                "address": spec.address,
                "phone": spec.phone,
                "is_active": True,
            },
            tally=summary.tally("agencies"),
        )
        agencies[spec.code] = agency
        for unit_spec in spec.units:
            unit, _created = _upsert(
                OrgUnit,
                lookup={"agency": agency, "code": unit_spec.code},
                values={
                    "name": unit_spec.name,
                    "is_one_stop_desk": unit_spec.one_stop_desk,
                    "is_active": True,
                },
                tally=summary.tally("units"),
            )
            units[(spec.code, unit_spec.code)] = unit
    return agencies, units


def _load_users(
    summary: DemoSummary, agencies: dict[str, Agency], units: dict[tuple[str, str], OrgUnit]
) -> None:
    user_model = get_user_model()
    user_tally = summary.tally("users")
    role_tally = summary.tally("staff_roles")
    for spec in USERS:
        values = {
            "full_name": spec.full_name,
            "title": spec.title,
            "email": f"{spec.username}@{DEMO_EMAIL_DOMAIN}",
            "is_staff": spec.superuser,
            "is_superuser": spec.superuser,
        }
        user = user_model._default_manager.filter(username=spec.username).first()
        created = user is None
        if user is None:
            user = user_model(username=spec.username, **values)
            user.set_password(DEMO_PASSWORD)
            user.full_clean()
            user.save()
            user_tally.created += 1
        else:
            changed = [name for name, value in values.items() if getattr(user, name) != value]
            if changed:
                for name in changed:
                    setattr(user, name, values[name])
                user.full_clean()
                user.save(update_fields=changed)
                user_tally.updated += 1
            else:
                user_tally.unchanged += 1
        labels = []
        for grant in spec.grants:
            agency = agencies[grant.agency_code]
            unit = units[(grant.agency_code, grant.unit_code)] if grant.unit_code else None
            _upsert(
                StaffRole,
                lookup={"user": user, "agency": agency, "unit": unit, "role": grant.role},
                values={},
                tally=role_tally,
            )
            place = (
                f"{agency.short_name} / {grant.unit_code}" if grant.unit_code else agency.short_name
            )
            labels.append(f"{grant.role} @ {place}")
        summary.accounts.append(
            DemoAccount(
                username=spec.username,
                full_name=spec.full_name,
                title=spec.title,
                grants=tuple(labels),
                created=created,
                superuser=spec.superuser,
            )
        )


@transaction.atomic
def demo_load_organisations() -> DemoSummary:
    """Create or update the demo province, its agencies and units and the demo accounts.

    All-or-nothing: any invalid row aborts the whole load. Refusing to run in production is the
    caller's job (``motcua demo`` checks ``settings.MOTCUA_DEMO_DATA``).
    """
    summary = DemoSummary()
    admin_units = _load_administrative_units(summary)
    agencies, units = _load_agencies(summary, admin_units)
    _load_users(summary, agencies, units)
    return summary


def demo_usernames() -> Sequence[str]:
    return [spec.username for spec in USERS]
