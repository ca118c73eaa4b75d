"""version_publish: the checks before publishing, and what publishing sets."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from motcua.catalogue import selectors, services
from motcua.catalogue.content import StepContent
from motcua.catalogue.models import VersionStatus
from motcua.catalogue.tests.factories import JUSTICE, POLICE, UserFactory, justice_content
from motcua.core.errors import Conflict, PermissionDenied
from motcua.organisations.models import OrgUnit, Role

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def draft_of(procedure, admin, **overrides):
    return services.version_create_draft(
        actor=admin, procedure=procedure, content=justice_content(**overrides)
    )


def publish_problems(version, admin) -> list[str]:
    with pytest.raises(services.VersionInvalid) as caught:
        services.version_publish(actor=admin, version=version)
    version.refresh_from_db()
    assert version.status == VersionStatus.DRAFT
    return [issue.message for issue in caught.value.issues]


def test_publishing_sets_status_dates_and_publisher(orgs, admin, procedure):
    version = draft_of(procedure, admin)

    services.version_publish(actor=admin, version=version)

    version.refresh_from_db()
    assert version.status == VersionStatus.PUBLISHED
    assert version.published_by == admin
    assert version.published_at is not None and version.effective_from == version.published_at
    assert selectors.version_current(procedure=procedure) == version


def test_a_draft_without_steps_or_agencies_is_refused_with_both_reasons(orgs, admin, procedure):
    version = draft_of(procedure, admin, steps=(), implementing_agencies=())

    problems = publish_problems(version, admin)

    assert problems == [
        "At least one implementing agency is required.",
        "The process template needs at least one step.",
    ]


def test_budgets_over_the_legal_duration_are_refused(orgs, admin, procedure):
    # 10 working days = 80 hours; the steps ask for 4 + 24 + 32 + 8 = 68, plus 20 more.
    content = justice_content()
    extra = StepContent("Bổ sung", "LLTP", Role.SPECIALIST, Decimal(20), "Đang xử lý", JUSTICE)
    version = draft_of(procedure, admin, steps=(*content.steps, extra))

    problems = publish_problems(version, admin)

    assert problems == [
        "The step budgets add up to 88 working hours, more than the legal duration allows "
        "(80 working hours for 10 working days)."
    ]


def test_budgets_exactly_at_the_legal_duration_are_accepted(orgs, admin, procedure):
    content = justice_content()
    extra = StepContent("Trả kết quả", "MC", Role.RECEPTION, Decimal(12), "Đã có kết quả", JUSTICE)
    version = draft_of(procedure, admin, steps=(*content.steps, extra))

    published = services.version_publish(actor=admin, version=version)

    assert published.status == VersionStatus.PUBLISHED


def test_a_unit_outside_its_agency_is_refused(orgs, admin, procedure):
    content = justice_content()
    wrong = StepContent("Xác minh", "LLTP", Role.SPECIALIST, Decimal(8), "Đang xác minh", POLICE)

    with pytest.raises(services.VersionInvalid) as caught:
        draft_of(procedure, admin, steps=(*content.steps, wrong))

    assert caught.value.issues[0].path == ("steps", 4, "unit")
    assert "has no active unit with code “LLTP”" in caught.value.issues[0].message


def test_a_unit_deactivated_after_drafting_is_refused_at_publication(orgs, admin, procedure):
    version = draft_of(procedure, admin)
    OrgUnit.objects.filter(agency__code=POLICE, code="HSNV").update(is_active=False)

    problems = publish_problems(version, admin)

    assert problems == [
        "Step 3: the agency Công an tỉnh Minh Họa (000.00.30.H99) has no active unit with code “HSNV”."
    ]


def test_an_inactive_agency_is_refused_at_publication(orgs, admin, procedure):
    version = draft_of(procedure, admin)
    orgs[JUSTICE].is_active = False
    orgs[JUSTICE].save()

    problems = publish_problems(version, admin)

    assert "The agency Sở Tư pháp (000.00.12.H99) is inactive." in problems


def test_same_day_procedures_may_budget_the_time_after_the_cutoff(orgs, admin, procedure):
    steps = (
        StepContent("Tiếp nhận", "MC", Role.RECEPTION, Decimal("0.5"), "Đã tiếp nhận", JUSTICE),
        StepContent(
            "Chứng thực", "HCTP", Role.SPECIALIST, Decimal("1.5"), "Đang chứng thực", JUSTICE
        ),
    )
    from datetime import time

    with_cutoff = draft_of(
        procedure, admin, duration_value=Decimal(0), cutoff=time(15, 0), steps=steps
    )
    services.version_publish(actor=admin, version=with_cutoff)  # 2 hours fit in 15:00-17:00

    later = services.version_create_draft(actor=admin, procedure=procedure)
    services.version_update(
        actor=admin,
        version=later,
        content=justice_content(duration_value=Decimal(0), cutoff=None, steps=steps),
    )
    assert publish_problems(later, admin) == [
        "The step budgets add up to 2 working hours, more than the legal duration allows "
        "(0 working hours for 0 working days)."
    ]


def test_only_drafts_can_be_published(orgs, admin, procedure):
    version = services.version_publish(actor=admin, version=draft_of(procedure, admin))

    with pytest.raises(Conflict, match="only a draft can be changed"):
        services.version_publish(actor=admin, version=version)


def test_only_catalogue_managers_may_publish(orgs, admin, procedure):
    version = draft_of(procedure, admin)

    with pytest.raises(PermissionDenied):
        services.version_publish(actor=UserFactory(username="officer"), version=version)


def test_a_system_administrator_may_publish(orgs, admin, procedure):
    from motcua.catalogue.tests.factories import catalogue_admin

    version = draft_of(procedure, admin)

    published = services.version_publish(actor=catalogue_admin(orgs[JUSTICE]), version=version)

    assert published.status == VersionStatus.PUBLISHED


def test_the_newest_published_version_wins(orgs, admin, procedure):
    first = services.version_publish(actor=admin, version=draft_of(procedure, admin))
    second = services.version_publish(
        actor=admin, version=services.version_create_draft(actor=admin, procedure=procedure)
    )

    assert selectors.version_current(procedure=procedure) == second
    first.refresh_from_db()
    assert first.status == VersionStatus.PUBLISHED  # nothing is retired by publishing


def test_a_version_effective_later_wins_only_from_its_date(orgs, admin, procedure):
    first = services.version_publish(actor=admin, version=draft_of(procedure, admin))
    later = timezone.now() + timedelta(days=10)
    second = services.version_publish(
        actor=admin,
        version=services.version_create_draft(actor=admin, procedure=procedure),
        effective_from=later,
    )

    assert selectors.version_current(procedure=procedure) == first
    assert selectors.version_current(procedure=procedure, at=later) == second
    assert selectors.version_newest_published(procedure=procedure) == second


def test_retiring_the_newest_falls_back_to_the_previous_published(orgs, admin, procedure):
    first = services.version_publish(actor=admin, version=draft_of(procedure, admin))
    second = services.version_publish(
        actor=admin, version=services.version_create_draft(actor=admin, procedure=procedure)
    )

    services.version_retire(actor=admin, version=second)

    assert selectors.version_current(procedure=procedure) == first
    with pytest.raises(Conflict):
        services.version_retire(actor=admin, version=second)


def test_a_naive_effective_date_is_refused(orgs, admin, procedure):
    from datetime import datetime

    version = draft_of(procedure, admin)

    with pytest.raises(services.ValidationFailed):
        services.version_publish(actor=admin, version=version, effective_from=datetime(2030, 1, 1))
