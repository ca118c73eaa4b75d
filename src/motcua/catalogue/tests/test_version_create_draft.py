"""version_create_draft / version_update: numbering, one draft at a time, copies."""

from decimal import Decimal

import pytest

from motcua.catalogue import selectors, services
from motcua.catalogue.content import VersionContent, version_content
from motcua.catalogue.models import ProcedureVersion, VersionStatus
from motcua.catalogue.tests.factories import UserFactory, commune_content, justice_content
from motcua.core.errors import Conflict, PermissionDenied

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def content_of(version):
    return version_content(
        selectors.versions_with_content(ProcedureVersion.objects.filter(pk=version.pk)).get()
    )


def test_a_first_draft_is_empty_and_named_after_the_procedure(admin, procedure):
    draft = services.version_create_draft(actor=admin, procedure=procedure)

    assert draft.number == 1 and draft.status == VersionStatus.DRAFT
    assert content_of(draft) == VersionContent(name=procedure.name)


def test_a_new_draft_copies_the_newest_published_version(admin, procedure):
    first = services.version_create_draft(
        actor=admin, procedure=procedure, content=justice_content()
    )
    services.version_publish(actor=admin, version=first)
    second = services.version_create_draft(
        actor=admin, procedure=procedure, content=justice_content(legal_basis="Căn cứ v2")
    )
    services.version_publish(actor=admin, version=second)

    third = services.version_create_draft(actor=admin, procedure=procedure)

    assert third.number == 3
    assert content_of(third) == justice_content(legal_basis="Căn cứ v2")


def test_one_draft_at_a_time(admin, procedure):
    services.version_create_draft(actor=admin, procedure=procedure)

    with pytest.raises(Conflict, match="already has a draft"):
        services.version_create_draft(actor=admin, procedure=procedure)
    assert procedure.versions.count() == 1


def test_update_replaces_the_whole_content(admin, procedure):
    draft = services.version_create_draft(
        actor=admin, procedure=procedure, content=justice_content()
    )

    services.version_update(actor=admin, version=draft, content=commune_content())

    assert content_of(draft) == commune_content()


def test_invalid_content_is_refused_and_nothing_changes(admin, procedure):
    draft = services.version_create_draft(
        actor=admin, procedure=procedure, content=justice_content()
    )
    bad = justice_content(
        implementing_agencies=("000.00.77.H99",), duration_value=Decimal("1.234"), level="planet"
    )

    with pytest.raises(services.VersionInvalid) as caught:
        services.version_update(actor=admin, version=draft, content=bad)

    paths = [issue.path for issue in caught.value.issues]
    assert paths == [("level",), ("duration_value",), ("implementing_agencies", 0)]
    assert content_of(draft) == justice_content()


def test_invalid_content_creates_no_draft(admin, procedure):
    with pytest.raises(services.VersionInvalid):
        services.version_create_draft(
            actor=admin, procedure=procedure, content=justice_content(receiving_agency="x")
        )

    assert not procedure.versions.exists()


def test_only_catalogue_managers_may_create_drafts(orgs, procedure):
    with pytest.raises(PermissionDenied):
        services.version_create_draft(actor=UserFactory(username="officer"), procedure=procedure)


def test_a_concurrent_draft_is_reported_as_a_conflict(admin, procedure, monkeypatch):
    services.version_create_draft(actor=admin, procedure=procedure)
    # Pretend the check ran before the other session inserted its draft: the database decides.
    monkeypatch.setattr(selectors, "version_draft", lambda *, procedure: None)

    with pytest.raises(Conflict, match="already has a draft"):
        services.version_create_draft(actor=admin, procedure=procedure)
    assert procedure.versions.count() == 1


def test_a_deleted_version_cannot_be_updated(admin, procedure):
    draft = services.version_create_draft(actor=admin, procedure=procedure)
    ProcedureVersion.objects.filter(pk=draft.pk).delete()

    with pytest.raises(services.NotFound):
        services.version_update(actor=admin, version=draft, content=justice_content())
