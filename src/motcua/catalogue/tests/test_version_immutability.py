"""A published version never changes: services refuse, and the models refuse too."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from motcua.catalogue import services
from motcua.catalogue.content import version_content
from motcua.catalogue.models import (
    DocumentComponent,
    Fee,
    ProcedureVersion,
    ProcessStep,
    PublishedVersionLocked,
    VersionStatus,
)
from motcua.catalogue.selectors import versions_with_content
from motcua.catalogue.tests.factories import COMMUNES, JUSTICE, justice_content
from motcua.core.errors import Conflict
from motcua.organisations.models import Agency

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def published(admin, procedure):
    version = services.version_create_draft(
        actor=admin, procedure=procedure, content=justice_content()
    )
    return services.version_publish(actor=admin, version=version)


def frozen(version):
    return version_content(
        versions_with_content(ProcedureVersion.objects.filter(pk=version.pk)).get()
    )


def test_version_update_refuses_a_published_version(admin, published):
    before = frozen(published)

    with pytest.raises(Conflict, match="only a draft can be changed"):
        services.version_update(
            actor=admin, version=published, content=justice_content(name="Khác")
        )

    assert frozen(published) == before


def test_saving_a_published_version_fails(published):
    version = ProcedureVersion.objects.get(pk=published.pk)
    version.name = "Đổi tên"

    with pytest.raises(PublishedVersionLocked):
        version.save()
    with pytest.raises(PublishedVersionLocked):
        version.save(update_fields=["name"])


def test_deleting_a_published_version_fails(published):
    with pytest.raises(PublishedVersionLocked):
        ProcedureVersion.objects.get(pk=published.pk).delete()


@pytest.mark.parametrize("model", [DocumentComponent, Fee, ProcessStep])
def test_rows_of_a_published_version_cannot_be_edited_added_or_deleted(published, model):
    row = model.objects.filter(version=published).first()

    row.name = "Đổi"
    with pytest.raises(PublishedVersionLocked):
        row.save()
    with pytest.raises(PublishedVersionLocked):
        row.delete()
    row.pk = None
    row.order = 99
    with pytest.raises(PublishedVersionLocked):
        row.save()


def test_implementing_agencies_of_a_published_version_cannot_change(published):
    commune = Agency.objects.get(code=COMMUNES[0])
    justice = Agency.objects.get(code=JUSTICE)
    changes = [
        lambda: published.implementing_agencies.add(commune),
        lambda: published.implementing_agencies.remove(justice),
        lambda: published.implementing_agencies.clear(),
        lambda: commune.implemented_versions.add(published),
        lambda: justice.implemented_versions.clear(),
    ]

    for change in changes:
        # m2m writes run in the caller's transaction: a savepoint keeps the test usable.
        with pytest.raises(PublishedVersionLocked), transaction.atomic():
            change()

    assert list(published.implementing_agencies.values_list("code", flat=True)) == [JUSTICE]


def test_retiring_is_the_only_change_left(admin, published):
    before = frozen(published)

    retired = services.version_retire(actor=admin, version=published)

    assert retired.status == VersionStatus.RETIRED and retired.retired_by == admin
    assert frozen(retired) == before
    with pytest.raises(PublishedVersionLocked):
        ProcessStep.objects.filter(version=retired).first().delete()


def test_drafts_can_be_edited_through_the_models(admin, published):
    draft = services.version_create_draft(actor=admin, procedure=published.procedure)
    step = draft.steps.get(order=1)

    step.budget_hours = Decimal(2)
    step.save()
    draft.implementing_agencies.add(Agency.objects.get(code=COMMUNES[0]))
    draft.name = "Tên mới"
    draft.save()

    assert frozen(published) != frozen(draft)


def test_the_database_refuses_a_second_draft(admin, published):
    services.version_create_draft(actor=admin, procedure=published.procedure)
    second = ProcedureVersion(
        procedure=published.procedure,
        number=3,
        status=VersionStatus.DRAFT,
        name="x",
        level="province",
        duration_value=1,
        result_type="other",
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        second.save()


def test_the_database_refuses_a_duplicate_version_number(published):
    twin = ProcedureVersion(
        procedure=published.procedure,
        number=1,
        name="x",
        level="province",
        duration_value=1,
        result_type="other",
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()


def test_the_database_refuses_a_duplicate_step_order(admin, published):
    draft = services.version_create_draft(actor=admin, procedure=published.procedure)
    step = draft.steps.get(order=2)
    step.pk = None
    step.order = 1

    with pytest.raises(IntegrityError), transaction.atomic():
        step.save()


def test_the_database_refuses_a_published_version_without_dates(admin, published):
    draft = services.version_create_draft(actor=admin, procedure=published.procedure)

    with pytest.raises(IntegrityError), transaction.atomic():
        ProcedureVersion.objects.filter(pk=draft.pk).update(status=VersionStatus.PUBLISHED)
