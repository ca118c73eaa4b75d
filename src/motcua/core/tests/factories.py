"""Factories for the core (UI) tests: users and the organisation rows their roles need."""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model

from motcua.organisations.models import AdministrativeUnit, Agency, OrgUnit, Role, StaffRole

PASSWORD = "motcua-test-password"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"canbo{n}")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn Thử {n}")
    title = "Chuyên viên"
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password(PASSWORD)


class AdministrativeUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdministrativeUnit
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"U{n:03d}")
    name = factory.Sequence(lambda n: f"Tỉnh Thử {n}")
    level = AdministrativeUnit.Level.PROVINCE


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"000.{n // 100 % 100:02d}.{n % 100:02d}.H97")
    name = factory.Sequence(lambda n: f"Sở Thử Nghiệm {n}")
    kind = Agency.Kind.DEPARTMENT
    level = Agency.Level.PROVINCE
    administrative_unit = factory.SubFactory(AdministrativeUnitFactory)


class OrgUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrgUnit

    agency = factory.SubFactory(AgencyFactory)
    code = factory.Sequence(lambda n: f"P{n}")
    name = factory.Sequence(lambda n: f"Phòng Thử {n}")


class StaffRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffRole

    user = factory.SubFactory(UserFactory)
    agency = factory.SubFactory(AgencyFactory)
    unit = None
    role = Role.SPECIALIST
