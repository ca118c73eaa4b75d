"""Factories for the catalogue tests, and the demo organisations (codes from the demo brief)
built with them so that the catalogue tests need nothing else."""

from __future__ import annotations

from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from motcua.catalogue.content import ComponentContent, FeeContent, StepContent, VersionContent
from motcua.catalogue.models import Field, Procedure
from motcua.organisations.models import AdministrativeUnit, Agency, OrgUnit, Role, StaffRole


class AdministrativeUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdministrativeUnit
        django_get_or_create = ("code",)

    code = "99"
    name = "Tỉnh Minh Họa"
    level = AdministrativeUnit.Level.PROVINCE


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"000.00.{n % 100:02d}.H98")
    name = factory.Sequence(lambda n: f"Sở Thử Nghiệm {n}")
    kind = Agency.Kind.DEPARTMENT
    level = Agency.Level.PROVINCE
    administrative_unit = factory.SubFactory(AdministrativeUnitFactory)


class OrgUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrgUnit
        django_get_or_create = ("agency", "code")

    agency = factory.SubFactory(AgencyFactory)
    code = factory.Sequence(lambda n: f"U{n}")
    name = factory.Sequence(lambda n: f"Phòng {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"canbo{n}")
    password = factory.django.Password("motcua-test-password")
    is_staff = True

    class Params:
        superuser = factory.Trait(is_superuser=True, username="quantri")


def catalogue_admin(agency: Agency):  # type: ignore[no-untyped-def]
    """A user with the system administrator role (may change the catalogue)."""
    user = UserFactory(username="sysadmin")
    StaffRole.objects.get_or_create(user=user, agency=agency, unit=None, role=Role.SYSTEM_ADMIN)
    return user


class FieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Field
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"F{n:02d}")
    name = factory.Sequence(lambda n: f"Lĩnh vực {n}")


class ProcedureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Procedure
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"1.{n + 1:06d}")
    name = factory.Sequence(lambda n: f"Thủ tục thử nghiệm {n}")
    field = factory.SubFactory(FieldFactory)


# ---- the demo organisations -----------------------------------------------------------------
COMMON_COMMUNE_UNITS = (
    ("MC", "Bộ phận tiếp nhận và trả kết quả"),
    ("TPHT", "Công chức Tư pháp - Hộ tịch"),
    ("DCXD", "Công chức Địa chính - Xây dựng"),
    ("LD", "Lãnh đạo UBND xã"),
)
DEMO_AGENCIES: tuple[tuple[str, str, str, tuple[tuple[str, str], ...]], ...] = (
    (
        "000.00.01.H99",
        "Trung tâm Phục vụ hành chính công tỉnh Minh Họa",
        Agency.Kind.CENTER,
        (("MC", "Bộ phận tiếp nhận và trả kết quả"), ("GS", "Phòng Giám sát, điều hành")),
    ),
    (
        "000.00.12.H99",
        "Sở Tư pháp",
        Agency.Kind.DEPARTMENT,
        (
            ("MC", "Bộ phận một cửa"),
            ("HCTP", "Phòng Hành chính tư pháp"),
            ("LLTP", "Phòng Lý lịch tư pháp"),
            ("BTTP", "Phòng Bổ trợ tư pháp"),
            ("LD", "Ban Giám đốc"),
        ),
    ),
    (
        "000.00.14.H99",
        "Sở Tài chính",
        Agency.Kind.DEPARTMENT,
        (("MC", "Bộ phận một cửa"), ("DKKD", "Phòng Đăng ký kinh doanh"), ("LD", "Ban Giám đốc")),
    ),
    (
        "000.00.20.H99",
        "Sở Xây dựng",
        Agency.Kind.DEPARTMENT,
        (
            ("MC", "Bộ phận một cửa"),
            ("QLXD", "Phòng Quản lý xây dựng"),
            ("QLVT", "Phòng Quản lý vận tải và phương tiện"),
            ("LD", "Ban Giám đốc"),
        ),
    ),
    (
        "000.00.22.H99",
        "Sở Nông nghiệp và Môi trường",
        Agency.Kind.DEPARTMENT,
        (
            ("MC", "Bộ phận một cửa"),
            ("QLDD", "Phòng Quản lý đất đai"),
            ("VPDK", "Văn phòng Đăng ký đất đai"),
            ("LD", "Ban Giám đốc"),
        ),
    ),
    (
        "000.00.16.H99",
        "Sở Y tế",
        Agency.Kind.DEPARTMENT,
        (("MC", "Bộ phận một cửa"), ("NVY", "Phòng Nghiệp vụ Y"), ("LD", "Ban Giám đốc")),
    ),
    (
        "000.00.30.H99",
        "Công an tỉnh Minh Họa",
        Agency.Kind.POLICE,
        (
            ("MC", "Bộ phận một cửa"),
            ("PV06", "Phòng Quản lý hành chính về trật tự xã hội"),
            ("HSNV", "Phòng Hồ sơ nghiệp vụ"),
            ("LD", "Ban Giám đốc"),
        ),
    ),
    ("001.00.01.H99", "UBND xã An Bình", Agency.Kind.COMMUNE, COMMON_COMMUNE_UNITS),
    ("002.00.01.H99", "UBND phường Hòa Lạc", Agency.Kind.COMMUNE, COMMON_COMMUNE_UNITS),
    ("003.00.01.H99", "UBND xã Tân Phú", Agency.Kind.COMMUNE, COMMON_COMMUNE_UNITS),
)
CENTER = "000.00.01.H99"
JUSTICE = "000.00.12.H99"
FINANCE = "000.00.14.H99"
CONSTRUCTION = "000.00.20.H99"
AGRICULTURE = "000.00.22.H99"
HEALTH = "000.00.16.H99"
POLICE = "000.00.30.H99"
COMMUNES = ("001.00.01.H99", "002.00.01.H99", "003.00.01.H99")


def demo_organisations() -> dict[str, Agency]:
    """The demo agencies and their units, by identifier code."""
    province = AdministrativeUnitFactory()
    agencies: dict[str, Agency] = {}
    for code, name, kind, units in DEMO_AGENCIES:
        commune = kind == Agency.Kind.COMMUNE
        admin_unit = (
            AdministrativeUnitFactory(
                code=f"99{code[:3]}",
                name=name.replace("UBND ", ""),
                level=AdministrativeUnit.Level.COMMUNE,
            )
            if commune
            else province
        )
        agency = AgencyFactory(
            code=code,
            name=name,
            kind=kind,
            level=Agency.Level.COMMUNE if commune else Agency.Level.PROVINCE,
            administrative_unit=admin_unit,
        )
        for unit_code, unit_name in units:
            OrgUnitFactory(
                agency=agency, code=unit_code, name=unit_name, is_one_stop_desk=unit_code == "MC"
            )
        agencies[code] = agency
    return agencies


# ---- content --------------------------------------------------------------------------------
def justice_content(**overrides: object) -> VersionContent:
    """A valid judicial-record content: received at the Center, settled by the Department of
    Justice, with an inter-agency step at the police (10 working days = 80 hours)."""
    values: dict[str, object] = dict(
        name="Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam",
        level="province",
        implementing_agencies=(JUSTICE,),
        receiving_agency=CENTER,
        duration_value=Decimal(10),
        duration_unit="working_days",
        counting_mode="hours",
        supplement_rule="pause",
        result_type="certificate",
        online_level="full",
        requires_signed_result=True,
        legal_basis="Luật Lý lịch tư pháp 2009",
        description="Dữ liệu minh họa.",
        illustrative=True,
        components=(
            ComponentContent(
                "TK", "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp", "original", 1, True
            ),
            ComponentContent("CCCD", "Bản chụp Căn cước công dân", "copy", 1, True),
        ),
        fees=(FeeContent("P1", "Phí cung cấp thông tin lý lịch tư pháp", "fee", 200000),),
        steps=(
            StepContent(
                "Tiếp nhận hồ sơ", "MC", Role.RECEPTION, Decimal(4), "Đã tiếp nhận hồ sơ", CENTER
            ),
            StepContent(
                "Thẩm định", "LLTP", Role.SPECIALIST, Decimal(24), "Đang thẩm định", JUSTICE
            ),
            StepContent(
                "Tra cứu, xác minh", "HSNV", Role.SPECIALIST, Decimal(32), "Đang xác minh", POLICE
            ),
            StepContent(
                "Phê duyệt", "LD", Role.AGENCY_LEADER, Decimal(8), "Đang phê duyệt", JUSTICE
            ),
        ),
    )
    values.update(overrides)
    return VersionContent(**values)  # type: ignore[arg-type]


def commune_content(**overrides: object) -> VersionContent:
    """A birth registration at every demo commune (steps relative to the handling commune)."""
    values: dict[str, object] = dict(
        name="Đăng ký khai sinh",
        level="commune",
        implementing_agencies=COMMUNES,
        duration_value=Decimal(1),
        duration_unit="working_days",
        result_type="certificate",
        steps=(
            StepContent("Tiếp nhận", "MC", Role.RECEPTION, Decimal(1), "Đã tiếp nhận"),
            StepContent("Xử lý", "TPHT", Role.SPECIALIST, Decimal(5), "Đang xử lý"),
            StepContent("Ký", "LD", Role.AGENCY_LEADER, Decimal(2), "Đang trình ký"),
        ),
    )
    values.update(overrides)
    return VersionContent(**values)  # type: ignore[arg-type]
