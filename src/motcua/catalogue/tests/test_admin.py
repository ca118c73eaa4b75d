"""Django admin: read-only published versions, publish/new-draft/retire actions with messages."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from motcua.catalogue import services
from motcua.catalogue.models import Procedure, ProcedureVersion, VersionStatus
from motcua.catalogue.tests.factories import UserFactory, justice_content

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def admin_client(client, admin, settings):
    client.force_login(admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # messages compared in English
    return client


@pytest.fixture
def published(admin, procedure):
    version = services.version_create_draft(
        actor=admin, procedure=procedure, content=justice_content()
    )
    return services.version_publish(actor=admin, version=version)


def change_url(version):
    return reverse("admin:catalogue_procedureversion_change", args=[version.pk])


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.mark.parametrize(
    "name", ["catalogue_field", "catalogue_procedure", "catalogue_procedureversion"]
)
def test_changelists_load(admin_client, published, name):
    assert admin_client.get(reverse(f"admin:{name}_changelist")).status_code == 200


def test_procedure_page_lists_its_versions(admin_client, published):
    response = admin_client.get(
        reverse("admin:catalogue_procedure_change", args=[published.procedure_id])
    )

    assert response.status_code == 200
    assert "Version 1" in response.content.decode()


def test_published_version_is_read_only(admin_client, published):
    response = admin_client.get(change_url(published))
    page = response.content.decode()

    assert response.status_code == 200
    assert 'name="name"' not in page and 'name="duration_value"' not in page
    assert 'name="steps-0-unit_code"' not in page

    before = ProcedureVersion.objects.get(pk=published.pk).name
    admin_client.post(change_url(published), {"name": "Đổi tên"})
    assert ProcedureVersion.objects.get(pk=published.pk).name == before


def test_draft_is_editable_with_inlines(admin_client, published, admin):
    draft = services.version_create_draft(actor=admin, procedure=published.procedure)

    page = admin_client.get(change_url(draft)).content.decode()

    assert 'name="name"' in page and 'name="steps-0-unit_code"' in page


def test_publish_action_shows_every_problem_as_a_message(admin_client, published, admin):
    draft = services.version_create_draft(
        actor=admin,
        procedure=published.procedure,
        content=justice_content(steps=(), implementing_agencies=()),
    )

    response = admin_client.post(
        reverse("admin:catalogue_procedureversion_changelist"),
        {"action": "publish", "_selected_action": [draft.pk]},
        follow=True,
    )

    text = " ".join(messages_of(response))
    assert response.status_code == 200
    assert str(draft.number) in text and draft.procedure.code in text
    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT


def test_new_draft_then_publish_actions(admin_client, published):
    changelist = reverse("admin:catalogue_procedure_changelist")
    admin_client.post(
        changelist, {"action": "new_draft", "_selected_action": [published.procedure_id]}
    )
    draft = ProcedureVersion.objects.get(status=VersionStatus.DRAFT)

    again = admin_client.post(
        changelist,
        {"action": "new_draft", "_selected_action": [published.procedure_id]},
        follow=True,
    )
    assert messages_of(again) == [
        "Draft version 2 of 1.001612 created.",
        "1.001612 already has a draft (version 2): edit or publish it first.",
    ]
    assert ProcedureVersion.objects.filter(status=VersionStatus.DRAFT).count() == 1

    admin_client.post(
        reverse("admin:catalogue_procedureversion_changelist"),
        {"action": "publish", "_selected_action": [draft.pk]},
    )
    draft.refresh_from_db()
    assert draft.status == VersionStatus.PUBLISHED and draft.number == 2


def test_retire_action(admin_client, published):
    admin_client.post(
        reverse("admin:catalogue_procedureversion_changelist"),
        {"action": "retire", "_selected_action": [published.pk]},
    )

    published.refresh_from_db()
    assert published.status == VersionStatus.RETIRED


def test_create_procedure_through_the_admin(admin_client, published):
    response = admin_client.post(
        reverse("admin:catalogue_procedure_add"),
        {
            "code": "1.000777",
            "name": "Thủ tục mới",
            "field": published.procedure.field_id,
            "is_active": "on",
            "versions-TOTAL_FORMS": "0",
            "versions-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert Procedure.objects.filter(code="1.000777").exists()


def test_a_staff_member_without_the_admin_role_can_only_look(client, published):
    viewer = UserFactory(username="viewer")
    from django.contrib.auth.models import Permission

    viewer.user_permissions.set(Permission.objects.filter(content_type__app_label="catalogue"))
    client.force_login(viewer)

    page = client.get(reverse("admin:catalogue_procedure_change", args=[published.procedure_id]))

    assert page.status_code == 200
    assert 'name="name"' not in page.content.decode()
    assert client.get(reverse("admin:catalogue_procedure_add")).status_code == 403


def test_a_draft_page_shows_what_prevents_publishing(admin_client, published, admin):
    draft = services.version_create_draft(
        actor=admin, procedure=published.procedure, content=justice_content(steps=())
    )

    page = admin_client.get(change_url(draft)).content.decode()

    assert "The process template needs at least one step." in page


def test_a_ready_draft_says_so(admin_client, published, admin):
    draft = services.version_create_draft(actor=admin, procedure=published.procedure)

    assert "Ready to publish." in admin_client.get(change_url(draft)).content.decode()


def test_new_draft_action_on_versions_makes_one_draft_per_procedure(admin_client, published, admin):
    draft = services.version_create_draft(actor=admin, procedure=published.procedure)
    services.version_publish(actor=admin, version=draft)
    changelist = reverse("admin:catalogue_procedureversion_changelist")

    response = admin_client.post(
        changelist,
        {"action": "new_draft", "_selected_action": [published.pk, draft.pk]},
        follow=True,
    )

    assert messages_of(response) == ["Draft version 3 of 1.001612 created."]
    assert ProcedureVersion.objects.filter(status=VersionStatus.DRAFT).count() == 1
    again = admin_client.post(
        changelist, {"action": "new_draft", "_selected_action": [published.pk]}, follow=True
    )
    assert messages_of(again) == [
        "1.001612 already has a draft (version 3): edit or publish it first."
    ]


def test_retiring_a_draft_is_refused_with_a_message(admin_client, published, admin):
    draft = services.version_create_draft(actor=admin, procedure=published.procedure)

    response = admin_client.post(
        reverse("admin:catalogue_procedureversion_changelist"),
        {"action": "retire", "_selected_action": [draft.pk]},
        follow=True,
    )

    assert messages_of(response) == [
        "Only a published version can be retired; version 2 of 1.001612 is Draft."
    ]


def test_a_draft_can_be_deleted_but_not_a_published_version(admin_client, published, admin):
    draft = services.version_create_draft(actor=admin, procedure=published.procedure)
    delete = "admin:catalogue_procedureversion_delete"

    assert admin_client.get(reverse(delete, args=[published.pk])).status_code == 403
    admin_client.post(reverse(delete, args=[draft.pk]), {"post": "yes"})

    assert list(ProcedureVersion.objects.values_list("pk", flat=True)) == [published.pk]


def test_change_a_procedure_through_the_admin(admin_client, published):
    procedure = published.procedure
    response = admin_client.post(
        reverse("admin:catalogue_procedure_change", args=[procedure.pk]),
        {
            "name": "Tên mới",
            "field": procedure.field_id,
            "versions-TOTAL_FORMS": "1",
            "versions-INITIAL_FORMS": "1",
            "versions-0-id": published.pk,
            "versions-0-procedure": procedure.pk,
        },
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    procedure.refresh_from_db()
    assert procedure.name == "Tên mới" and procedure.is_active is False


def test_a_step_unit_must_exist_in_its_agency(orgs, published, admin):
    from django.core.exceptions import ValidationError

    draft = services.version_create_draft(actor=admin, procedure=published.procedure)
    step = draft.steps.get(order=3)
    step.full_clean()
    step.unit_code = "LLTP"  # a unit of the Department of Justice, not of the police

    with pytest.raises(ValidationError) as caught:
        step.full_clean()
    assert "unit_code" in caught.value.message_dict
