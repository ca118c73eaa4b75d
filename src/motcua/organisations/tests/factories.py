"""factory_boy factories for organisations: administrative units, agencies, units, staff roles
and calendar overrides."""

from __future__ import annotations

import datetime

import factory
from django.contrib.auth import get_user_model

from motcua.organisations.models import (
    AdministrativeUnit,
    Agency,
    CalendarOverride,
    OrgUnit,
    Role,
    StaffRole,
)


class AdministrativeUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdministrativeUnit
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"T{n:03d}")
    name = factory.Sequence(lambda n: f"Tỉnh Thử Nghiệm {n}")
    level = AdministrativeUnit.Level.PROVINCE

    class Params:
        commune = factory.Trait(
            level=AdministrativeUnit.Level.COMMUNE,
            name=factory.Sequence(lambda n: f"Xã Thử Nghiệm {n}"),
        )


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"000.{n // 100 % 100:02d}.{n % 100:02d}.H98")
    name = factory.Sequence(lambda n: f"Sở Thử Nghiệm {n}")
    short_name = ""
    kind = Agency.Kind.DEPARTMENT
    level = Agency.Level.PROVINCE
    administrative_unit = factory.SubFactory(AdministrativeUnitFactory)

    class Params:
        center = factory.Trait(kind=Agency.Kind.CENTER, name="Trung tâm Phục vụ hành chính công")
        commune = factory.Trait(
            kind=Agency.Kind.COMMUNE,
            level=Agency.Level.COMMUNE,
            administrative_unit=factory.SubFactory(AdministrativeUnitFactory, commune=True),
        )


class OrgUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrgUnit

    agency = factory.SubFactory(AgencyFactory)
    code = factory.Sequence(lambda n: f"U{n}")
    name = factory.Sequence(lambda n: f"Phòng {n}")

    class Params:
        one_stop_desk = factory.Trait(is_one_stop_desk=True, code="MC", name="Bộ phận một cửa")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"canbo{n}")
    full_name = factory.Sequence(lambda n: f"Cán Bộ {n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("motcua-test-password")
    is_staff = True

    class Params:
        superuser = factory.Trait(is_superuser=True, is_staff=True)


class StaffRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffRole

    user = factory.SubFactory(UserFactory)
    agency = factory.SubFactory(AgencyFactory)
    unit = None
    role = Role.SPECIALIST


class CalendarOverrideFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CalendarOverride

    date = datetime.date(2025, 10, 8)
    kind = CalendarOverride.Kind.DAY_OFF
    agency = None
    name = "Ngày nghỉ thử nghiệm"
    legal_reference = "Công văn số 1/UBND-TH"

    class Params:
        working = factory.Trait(kind=CalendarOverride.Kind.WORKING_DAY, name="Ngày làm việc bù")
