from decimal import Decimal

import pytest

from motcua.catalogue import selectors, services
from motcua.catalogue.models import Procedure, ProcedureVersion, VersionStatus
from motcua.catalogue.tests.factories import CENTER, COMMUNES, JUSTICE, POLICE
from motcua.catalogue.validation import budget_ceiling_hours

pytestmark = pytest.mark.django_db


def test_demo_catalogue_loads_twenty_published_illustrative_procedures(orgs, admin):
    report = services.catalogue_load_demo(actor=admin)

    assert len(report.created) == len(report.published) == 20
    versions = ProcedureVersion.objects.filter(status=VersionStatus.PUBLISHED)
    assert versions.count() == 20
    for version in versions:
        assert version.is_illustrative
        assert version.description.startswith("Dữ liệu minh họa")
        assert 2 <= version.steps.count() <= 5
        assert version.components.exists()
        assert services.version_issues(version) == []


def test_demo_catalogue_loads_idempotently(orgs, admin):
    services.catalogue_load_demo(actor=admin)
    again = services.catalogue_load_demo(actor=admin)

    assert not again.changed
    assert len(again.unchanged) == 20
    assert ProcedureVersion.objects.count() == 20


def test_demo_catalogue_covers_the_required_fields_and_agencies(orgs, admin):
    services.catalogue_load_demo(actor=admin)

    fields = set(Procedure.objects.values_list("field__name", flat=True))
    assert {
        "Lý lịch tư pháp",
        "Hộ tịch",
        "Chứng thực",
        "Thành lập và hoạt động doanh nghiệp",
        "Hoạt động xây dựng",
        "Đất đai",
        "Đường bộ",
        "Khám bệnh, chữa bệnh",
    } <= fields

    judicial = selectors.version_current(procedure=Procedure.objects.get(code="2.000488"))
    plan = selectors.process_plan(version=judicial, handling_agency=orgs[JUSTICE])
    assert plan[0].agency.code == CENTER and plan[0].unit.code == "MC"
    inter = [s for s in plan if s.is_inter_agency]
    assert [(s.agency.code, s.unit.code) for s in inter] == [(POLICE, "HSNV")]

    copy = selectors.version_current(procedure=Procedure.objects.get(code="2.000815"))
    assert copy.cutoff.strftime("%H:%M") == "15:00"
    assert copy.duration_value == 0 and copy.counting_mode == "days"
    assert sum(s.budget_hours for s in copy.steps.all()) <= budget_ceiling_hours(
        duration_value=copy.duration_value, duration_unit=copy.duration_unit, cutoff=copy.cutoff
    )

    birth = selectors.version_current(procedure=Procedure.objects.get(code="1.001193"))
    assert sorted(a.code for a in birth.implementing_agencies.all()) == sorted(COMMUNES)
    for commune in COMMUNES:
        steps = selectors.process_plan(version=birth, handling_agency=orgs[commune])
        assert all(s.agency.code == commune and s.unit is not None for s in steps)
    assert Decimal("0.5") <= birth.duration_value <= 5


def test_demo_catalogue_needs_the_demo_organisations(db, django_user_model):
    admin = django_user_model.objects.create_superuser(username="root", password="x")

    with pytest.raises(services.CatalogueImportError) as caught:
        services.catalogue_load_demo(actor=admin)

    assert "000.00.12.H99" in str(caught.value)
    assert not Procedure.objects.exists()
