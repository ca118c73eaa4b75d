"""Selectors: lists and filters, procedures available at an agency, process plans."""

from datetime import timedelta

import pytest
from django.utils import timezone

from motcua.catalogue import selectors, services
from motcua.catalogue.models import Procedure
from motcua.catalogue.tests.factories import (
    AGRICULTURE,
    CENTER,
    COMMUNES,
    JUSTICE,
    POLICE,
    ProcedureFactory,
    commune_content,
    justice_content,
)
from motcua.core.errors import ValidationFailed
from motcua.organisations.models import OrgUnit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def two(orgs, admin, procedure):
    """1.001612 (judicial, Center + Justice + police step) and 1.001193 (all communes)."""
    services.version_publish(
        actor=admin,
        version=services.version_create_draft(
            actor=admin, procedure=procedure, content=justice_content()
        ),
    )
    birth = ProcedureFactory(code="1.001193", name="Đăng ký khai sinh")
    services.version_publish(
        actor=admin,
        version=services.version_create_draft(
            actor=admin, procedure=birth, content=commune_content()
        ),
    )
    return procedure, birth


def codes(queryset) -> list[str]:
    return [p.code for p in queryset]


def test_procedure_list_filters(two):
    assert codes(selectors.procedure_list(user=None)) == ["1.001193", "1.001612"]
    assert codes(selectors.procedure_list(user=None, search="khai sinh")) == ["1.001193"]
    assert codes(selectors.procedure_list(user=None, search="1.0016")) == ["1.001612"]
    assert codes(selectors.procedure_list(user=None, level="commune")) == ["1.001193"]
    assert codes(selectors.procedure_list(user=None, online_level="full")) == ["1.001612"]
    assert codes(selectors.procedure_list(user=None, agency=CENTER)) == ["1.001612"]
    assert codes(selectors.procedure_list(user=None, agency=COMMUNES[1], level="commune")) == [
        "1.001193"
    ]
    assert codes(selectors.procedure_list(user=None, field=two[0].field.code)) == ["1.001612"]
    assert codes(selectors.procedure_list(user=None, is_active=False)) == []


def test_the_agency_filter_reads_the_current_version_only(two, admin):
    procedure, _birth = two
    draft = services.version_create_draft(actor=admin, procedure=procedure)
    services.version_update(
        actor=admin,
        version=draft,
        content=justice_content(implementing_agencies=(AGRICULTURE,), steps=()),
    )

    assert codes(selectors.procedure_list(user=None, agency=AGRICULTURE)) == []
    assert codes(selectors.procedure_list(user=None, agency=JUSTICE)) == ["1.001612"]


def test_procedures_at_an_agency(two, orgs):
    procedure, birth = two

    assert codes(selectors.procedures_at_agency(user=None, agency=orgs[CENTER])) == ["1.001612"]
    assert codes(selectors.procedures_at_agency(user=None, agency=orgs[JUSTICE])) == ["1.001612"]
    assert codes(selectors.procedures_at_agency(user=None, agency=orgs[COMMUNES[2]])) == [
        "1.001193"
    ]
    assert codes(selectors.procedures_at_agency(user=None, agency=orgs[POLICE])) == []
    Procedure.objects.filter(pk=birth.pk).update(is_active=False)
    assert codes(selectors.procedures_at_agency(user=None, agency=orgs[COMMUNES[2]])) == []


def test_current_version_comes_prefetched(two, django_assert_num_queries):
    procedures = list(selectors.procedure_list(user=None))

    with django_assert_num_queries(0):
        numbers = [selectors.current_from_prefetch(p).number for p in procedures]
    assert numbers == [1, 1]


def test_current_from_prefetch_falls_back_to_a_query(two):
    procedure = Procedure.objects.get(code="1.001612")

    assert selectors.current_from_prefetch(procedure).number == 1


def test_nothing_is_current_before_the_effective_date(orgs, admin, procedure):
    draft = services.version_create_draft(
        actor=admin, procedure=procedure, content=justice_content()
    )
    start = timezone.now() + timedelta(days=3)
    services.version_publish(actor=admin, version=draft, effective_from=start)

    assert selectors.version_current(procedure=procedure) is None
    assert selectors.version_current_with_content(procedure=procedure) is None
    assert codes(selectors.procedure_list(user=None, agency=JUSTICE)) == []
    assert selectors.version_current(procedure=procedure, at=start).number == 1


def test_process_plan_resolves_units_per_handling_agency(two, orgs):
    procedure, birth = two
    judicial = selectors.version_current(procedure=procedure)
    plan = selectors.process_plan(version=judicial, handling_agency=orgs[JUSTICE])

    assert [(s.agency.code, s.unit.code, s.is_inter_agency) for s in plan] == [
        (CENTER, "MC", False),
        (JUSTICE, "LLTP", False),
        (POLICE, "HSNV", True),
        (JUSTICE, "LD", False),
    ]
    version = selectors.version_current(procedure=birth)
    commune_plan = selectors.process_plan(version=version, handling_agency=orgs[COMMUNES[0]])
    assert {s.agency.code for s in commune_plan} == {COMMUNES[0]}
    assert [s.public_status for s in commune_plan] == [
        "Đã tiếp nhận",
        "Đang xử lý",
        "Đang trình ký",
    ]


def test_process_plan_refuses_an_agency_that_does_not_settle_it(two, orgs):
    judicial = selectors.version_current(procedure=two[0])

    with pytest.raises(ValidationFailed, match="does not settle"):
        selectors.process_plan(version=judicial, handling_agency=orgs[CENTER])


def test_process_plan_shows_a_unit_removed_after_publication_as_missing(two, orgs):
    judicial = selectors.version_current(procedure=two[0])
    OrgUnit.objects.filter(agency__code=POLICE, code="HSNV").update(code="HSNV-OLD")

    plan = selectors.process_plan(version=judicial, handling_agency=orgs[JUSTICE])

    assert plan[2].unit is None


def test_step_is_inter_agency_property(two):
    judicial = selectors.version_current(procedure=two[0])

    assert [s.is_inter_agency for s in judicial.steps.order_by("order")] == [
        False,
        False,
        True,
        False,
    ]
    birth = selectors.version_current(procedure=two[1])
    assert not any(s.is_inter_agency for s in birth.steps.all())


def test_export_prefers_published_and_falls_back_to_drafts(two, admin):
    procedure, birth = two
    services.version_create_draft(actor=admin, procedure=procedure)
    only_draft = ProcedureFactory(code="2.000001")
    services.version_create_draft(actor=admin, procedure=only_draft)
    retired_only = ProcedureFactory(code="2.000002")
    version = services.version_create_draft(
        actor=admin, procedure=retired_only, content=justice_content()
    )
    services.version_retire(
        actor=admin, version=services.version_publish(actor=admin, version=version)
    )

    chosen = selectors.versions_for_export(user=None)

    assert [(v.procedure.code, v.number, v.status) for v in chosen] == [
        ("1.001193", 1, "published"),
        ("1.001612", 1, "published"),
        ("2.000001", 1, "draft"),
    ]


def test_empty_agency_filter_keeps_everything(two):
    queryset = Procedure.objects.all()

    assert selectors.filter_agency(queryset, "") is queryset
