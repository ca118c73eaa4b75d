"""The left navigation shows only links that exist and that the user's roles may use."""

import pytest
from django.urls import reverse

from motcua.core.nav import Section, nav_for
from motcua.core.tests.factories import StaffRoleFactory, UserFactory
from motcua.organisations.models import Role


def links(sections) -> dict[str, list[str]]:
    return {s.key: [link.url_name for link in s.links] for s in sections}


@pytest.mark.django_db
def test_links_to_missing_urls_are_hidden(nav_registry):
    user = UserFactory()
    nav_registry.nav_register(
        section=Section.RECORDS, label="Không có", url_name="records:does-not-exist"
    )
    nav_registry.nav_register(section=Section.INTAKE, label="Cũng không có", url_name="nowhere")
    shown = links(nav_for(user))
    assert Section.RECORDS not in shown  # an empty section is left out entirely
    assert Section.INTAKE not in shown
    assert shown[Section.WORK] == ["core:home"]


@pytest.mark.django_db
def test_role_restricted_links_follow_the_users_roles(nav_registry):
    nav_registry.nav_register(
        section=Section.INTAKE, label="Tiếp nhận", url_name="core:healthz", roles=[Role.RECEPTION]
    )
    specialist = UserFactory()
    StaffRoleFactory(user=specialist, role=Role.SPECIALIST)
    reception = UserFactory()
    StaffRoleFactory(user=reception, role=Role.RECEPTION)
    superuser = UserFactory(is_superuser=True)

    assert Section.INTAKE not in links(nav_for(specialist))
    assert links(nav_for(reception))[Section.INTAKE] == ["core:healthz"]
    assert links(nav_for(superuser))[Section.INTAKE] == ["core:healthz"]


@pytest.mark.django_db
def test_check_callable_and_staff_only_admin_link():
    officer = UserFactory(is_staff=False)
    staff = UserFactory(is_staff=True)
    assert "admin:index" not in links(nav_for(officer)).get(Section.ADMINISTRATION, [])
    assert "admin:index" in links(nav_for(staff))[Section.ADMINISTRATION]


@pytest.mark.django_db
def test_api_docs_link_is_for_system_administrators():
    admin = UserFactory()
    StaffRoleFactory(user=admin, role=Role.SYSTEM_ADMIN)
    officer = UserFactory()
    assert "api:docs" in links(nav_for(admin))[Section.ADMINISTRATION]
    assert "api:docs" not in links(nav_for(officer)).get(Section.ADMINISTRATION, [])


def test_anonymous_users_get_no_navigation():
    from django.contrib.auth.models import AnonymousUser

    assert nav_for(AnonymousUser()) == []
    assert nav_for(None) == []


@pytest.mark.django_db
def test_entries_are_ordered_and_registering_again_replaces(nav_registry):
    user = UserFactory()
    nav_registry.nav_register(section=Section.REPORTS, label="B", url_name="core:healthz", order=20)
    nav_registry.nav_register(section=Section.REPORTS, label="A", url_name="login", order=10)
    nav_registry.nav_register(section=Section.REPORTS, label="B2", url_name="core:healthz", order=5)
    reports = next(s for s in nav_for(user) if s.key == Section.REPORTS)
    assert [link.label for link in reports.links] == ["B2", "A"]
    nav_registry.nav_unregister(section=Section.REPORTS, url_name="login")
    reports = next(s for s in nav_for(user) if s.key == Section.REPORTS)
    assert [link.label for link in reports.links] == ["B2"]


def test_unknown_section_is_refused(nav_registry):
    with pytest.raises(ValueError, match="Unknown navigation section"):
        nav_registry.nav_register(section="elsewhere", label="x", url_name="core:home")


@pytest.mark.django_db
def test_sections_follow_the_fixed_order(nav_registry):
    user = UserFactory()
    nav_registry.nav_register(
        section=Section.ADMINISTRATION, label="Quản trị", url_name="admin:index"
    )
    nav_registry.nav_register(section=Section.CATALOGUE, label="Danh mục", url_name="core:healthz")
    nav_registry.nav_register(section=Section.INTAKE, label="Tiếp nhận", url_name="login")
    keys = [s.key for s in nav_for(user)]
    assert keys == [Section.WORK, Section.INTAKE, Section.CATALOGUE, Section.ADMINISTRATION]


@pytest.mark.django_db
def test_rendered_menu_hides_missing_urls_and_marks_the_current_page(nav_registry, officer_client):
    nav_registry.nav_register(
        section=Section.RECORDS, label="Liên kết hỏng", url_name="records:no-such-page"
    )
    html = officer_client.get(reverse("core:home")).content.decode()
    menu = html[html.index('<nav class="sidenav"') : html.index("</nav>")]
    assert 'aria-label="Điều hướng chính"' in menu
    assert "Liên kết hỏng" not in html
    assert ">Hồ sơ<" not in menu  # the empty Records block is not drawn
    assert '<a href="/" class="active" aria-current="page">Bàn làm việc</a>' in menu
    assert ">Công việc</h2>" in menu
