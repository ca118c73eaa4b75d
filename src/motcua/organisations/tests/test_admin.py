"""Django admin for organisations."""

from __future__ import annotations

import pytest
from django.urls import reverse

from motcua.organisations.models import CalendarOverride, OrgUnit
from motcua.organisations.tests.factories import (
    AgencyFactory,
    CalendarOverrideFactory,
    OrgUnitFactory,
    StaffRoleFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

MODELS = ["administrativeunit", "agency", "orgunit", "staffrole", "calendaroverride"]


@pytest.fixture
def superuser():
    return UserFactory(superuser=True)


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def some_rows():
    unit = OrgUnitFactory(one_stop_desk=True)
    StaffRoleFactory(agency=unit.agency, unit=unit)
    CalendarOverrideFactory(agency=unit.agency)
    CalendarOverrideFactory()
    return unit


@pytest.mark.parametrize("model", MODELS)
def test_changelist_and_add_pages_render_for_a_superuser(admin_client, some_rows, model):
    assert admin_client.get(reverse(f"admin:organisations_{model}_changelist")).status_code == 200
    assert admin_client.get(reverse(f"admin:organisations_{model}_add")).status_code == 200


@pytest.mark.parametrize(
    ("model", "query"),
    [
        ("agency", {"q": "Sở", "kind__exact": "department"}),
        ("orgunit", {"q": "một cửa", "is_one_stop_desk__exact": "1"}),
        ("staffrole", {"q": "canbo", "role__exact": "specialist"}),
        ("calendaroverride", {"q": "Công văn", "agency__isnull": "True"}),
        ("administrativeunit", {"q": "Tỉnh", "level__exact": "province"}),
    ],
)
def test_changelists_search_and_filter(admin_client, some_rows, model, query):
    response = admin_client.get(reverse(f"admin:organisations_{model}_changelist"), query)
    assert response.status_code == 200
    assert response.context["cl"].result_count >= 1


def test_the_agency_page_shows_its_units_inline(admin_client):
    unit = OrgUnitFactory(name="Phòng Tư pháp")
    response = admin_client.get(reverse("admin:organisations_agency_change", args=[unit.agency.pk]))
    assert response.status_code == 200
    assert "Phòng Tư pháp" in response.content.decode()


def test_a_new_calendar_override_records_who_created_it(admin_client, superuser):
    response = admin_client.post(
        reverse("admin:organisations_calendaroverride_add"),
        {
            "date": "2026-01-02",
            "kind": CalendarOverride.Kind.DAY_OFF,
            "agency": "",
            "name": "Nghỉ bù Tết Dương lịch",
            "legal_reference": "Công văn 1/UBND-TH",
            "created_by": "",  # read-only: ignored
        },
    )
    assert response.status_code == 302
    override = CalendarOverride.objects.get()
    assert override.created_by == superuser
    assert override.agency is None


def test_editing_an_override_keeps_its_creator(client, superuser):
    override = CalendarOverrideFactory(created_by=superuser)
    other = UserFactory(superuser=True)
    client.force_login(other)
    response = client.post(
        reverse("admin:organisations_calendaroverride_change", args=[override.pk]),
        {
            "date": "2025-10-08",
            "kind": CalendarOverride.Kind.WORKING_DAY,
            "agency": "",
            "name": "Đổi",
            "legal_reference": "CV 2",
        },
    )
    assert response.status_code == 302
    override.refresh_from_db()
    assert (override.kind, override.created_by) == (CalendarOverride.Kind.WORKING_DAY, superuser)


def test_a_second_province_wide_override_on_a_date_is_refused_in_the_form(admin_client):
    CalendarOverrideFactory(date="2025-10-08")
    response = admin_client.post(
        reverse("admin:organisations_calendaroverride_add"),
        {
            "date": "2025-10-08",
            "kind": "day_off",
            "agency": "",
            "name": "Lần hai",
            "legal_reference": "CV",
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert CalendarOverride.objects.count() == 1


def test_invalid_office_hours_are_refused_in_the_agency_form(admin_client):
    agency = AgencyFactory()
    data = {
        "code": agency.code,
        "name": agency.name,
        "short_name": "",
        "kind": agency.kind,
        "level": agency.level,
        "is_active": "on",
        "administrative_unit": agency.administrative_unit_id,
        "parent": "",
        "address": "",
        "phone": "",
        "office_hours": "17:00-07:30",
        "units-TOTAL_FORMS": "0",
        "units-INITIAL_FORMS": "0",
        "units-MIN_NUM_FORMS": "0",
        "units-MAX_NUM_FORMS": "1000",
    }
    response = admin_client.post(
        reverse("admin:organisations_agency_change", args=[agency.pk]), data
    )
    assert response.status_code == 200
    assert "office_hours" in response.context["adminform"].form.errors
    agency.refresh_from_db()
    assert agency.office_hours == ""
    # The same form with valid hours saves.
    data["office_hours"] = "07:00-11:00,13:30-17:30"
    response = admin_client.post(
        reverse("admin:organisations_agency_change", args=[agency.pk]), data
    )
    assert response.status_code == 302
    agency.refresh_from_db()
    assert agency.office_hours == "07:00-11:00,13:30-17:30"
    assert not OrgUnit.objects.filter(agency=agency).exists()


def test_staff_without_the_superuser_flag_cannot_open_the_override_table(client):
    client.force_login(UserFactory(is_staff=True))
    response = client.get(reverse("admin:organisations_calendaroverride_changelist"))
    assert response.status_code == 403


def test_a_staff_administrator_cannot_grant_a_role_to_their_own_account(client, some_rows):
    from django.contrib.auth.models import Permission

    from motcua.organisations.models import StaffRole

    admin_user = UserFactory(is_staff=True)
    admin_user.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["add_staffrole", "change_staffrole", "view_staffrole"]
        )
    )
    other = UserFactory()
    client.force_login(admin_user)
    url = reverse("admin:organisations_staffrole_add")
    before = StaffRole.objects.count()
    data = {"user": admin_user.pk, "role": "specialist", "agency": some_rows.agency.pk, "unit": ""}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "errorlist nonfield" in response.content.decode()
    assert StaffRole.objects.count() == before
    response = client.post(url, {**data, "user": other.pk})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert StaffRole.objects.filter(user=other, agency=some_rows.agency).exists()
