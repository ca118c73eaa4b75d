"""The work desk (core:home) shows the signed-in officer's roles per agency."""

import re

import pytest
from django.urls import reverse

from motcua.core.tests.factories import (
    PASSWORD,
    AgencyFactory,
    OrgUnitFactory,
    StaffRoleFactory,
    UserFactory,
)
from motcua.organisations.models import Role


def html_of(response) -> str:
    return response.content.decode()


@pytest.mark.django_db
def test_home_shows_roles_grouped_by_agency(officer, officer_client):
    tu_phap = AgencyFactory(
        name="Sở Tư pháp tỉnh Thử", short_name="Sở Tư pháp", code="000.00.12.H97"
    )
    lltp = OrgUnitFactory(agency=tu_phap, code="LLTP", name="Phòng Lý lịch tư pháp")
    xa = AgencyFactory(name="UBND xã Thử", code="001.00.01.H97", kind="commune", level="commune")
    StaffRoleFactory(user=officer, agency=tu_phap, unit=lltp, role=Role.SPECIALIST)
    StaffRoleFactory(user=officer, agency=tu_phap, unit=lltp, role=Role.UNIT_HEAD)
    StaffRoleFactory(user=officer, agency=xa, unit=None, role=Role.RECEPTION)

    html = html_of(officer_client.get(reverse("core:home")))

    assert "<h1>Bàn làm việc</h1>" in html
    assert "Xin chào, Hoàng Minh Đức." in html
    # One row group per agency, its code, its roles (translated) and units.
    assert html.count('<tbody class="rowgroup">') == 2
    assert '<th scope="rowgroup" rowspan="2"' in html
    assert "Sở Tư pháp tỉnh Thử" in html and "000.00.12.H97" in html
    assert "UBND xã Thử" in html
    assert "Chuyên viên" in html
    assert "Lãnh đạo phòng" in html
    assert "Cán bộ tiếp nhận (Bộ phận Một cửa)" in html
    assert "Phòng Lý lịch tư pháp" in html
    assert "Toàn cơ quan" in html  # the role without a unit
    assert "2 cơ quan" in html
    # Roles are listed in the order of the Role choices within an agency.
    assert html.index("Chuyên viên</span>") < html.index("Lãnh đạo phòng</span>")


@pytest.mark.django_db
def test_top_bar_shows_name_agency_and_role(officer, officer_client):
    agency = AgencyFactory(short_name="Sở Tư pháp")
    StaffRoleFactory(user=officer, agency=agency, role=Role.SPECIALIST)
    html = html_of(officer_client.get(reverse("core:home")))
    top = html[html.index('<header class="topbar">') : html.index("</header>")]
    assert "Hoàng Minh Đức" in top
    assert "Sở Tư pháp · Chuyên viên" in top
    assert "Tỉnh Minh Họa" in top  # settings.MOTCUA_PROVINCE_NAME
    assert "Một cửa điện tử" in top


@pytest.mark.django_db
def test_top_bar_counts_further_roles(officer, officer_client):
    StaffRoleFactory(user=officer, role=Role.SPECIALIST)
    StaffRoleFactory(user=officer, role=Role.UNIT_HEAD)
    StaffRoleFactory(user=officer, role=Role.AGENCY_LEADER)
    html = html_of(officer_client.get(reverse("core:home")))
    assert "+2 vai trò khác" in html


@pytest.mark.django_db
def test_home_without_roles_says_so(client):
    UserFactory(username="moi", title="")
    client.login(username="moi", password=PASSWORD)
    html = html_of(client.get(reverse("core:home")))
    assert "chưa được phân vai trò tại cơ quan nào" in html
    top = html[html.index('<header class="topbar">') : html.index("</header>")]
    assert "Chưa được phân vai trò" in top


@pytest.mark.django_db
def test_top_bar_without_roles_shows_the_position_title(officer_client):
    html = html_of(officer_client.get(reverse("core:home")))
    top = html[html.index('<header class="topbar">') : html.index("</header>")]
    assert "Chuyên viên" in top


@pytest.mark.django_db
def test_home_shows_today_in_the_working_calendar(officer_client):
    html = html_of(officer_client.get(reverse("core:home")))
    assert "Hôm nay" in html
    assert re.search(r"(Ngày làm việc|Ngày nghỉ)</span>", html)
    assert "07:30–11:30, 13:00–17:00" in html


@pytest.mark.django_db
def test_home_on_a_holiday_names_the_next_working_day(officer_client):
    import time_machine

    # 2 September 2025 (National Day) is a Tuesday; 1 September is the adjacent day off.
    with time_machine.travel("2025-09-02 09:00 +07:00", tick=False):
        html = html_of(officer_client.get(reverse("core:home")))
    assert "Ngày nghỉ</span>" in html
    assert "Ngày làm việc tiếp theo" in html
    assert "03/09/2025" in html


@pytest.mark.django_db
def test_home_query_count_does_not_grow_with_roles(
    officer, officer_client, django_assert_max_num_queries
):
    for _i in range(8):
        StaffRoleFactory(user=officer, agency=AgencyFactory(), role=Role.SPECIALIST)
    # Session, user, roles (read once for the page, the top bar and the menu), calendar
    # overrides, and the session save (SESSION_SAVE_EVERY_REQUEST: savepoint, update, release).
    with django_assert_max_num_queries(7):
        response = officer_client.get(reverse("core:home"))
    assert response.status_code == 200
