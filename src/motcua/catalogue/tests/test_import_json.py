"""Importing a JSON catalogue: all-or-nothing with located errors, idempotent re-import."""

import copy
import json
from decimal import Decimal
from importlib import resources

import pytest

from motcua.catalogue import formats, services
from motcua.catalogue.models import Field, Procedure, ProcedureVersion, VersionStatus
from motcua.catalogue.tests.factories import JUSTICE, UserFactory
from motcua.core.errors import PermissionDenied

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def demo_document() -> dict:
    text = (
        resources.files("motcua.catalogue")
        .joinpath("data", "demo_catalogue.json")
        .read_text("utf-8")
    )
    return json.loads(text, parse_float=Decimal)


def run_import(document, *, actor, publish=False):
    parsed = formats.parse_json(json.loads(json.dumps(document, default=str), parse_float=Decimal))
    return services.catalogue_import(
        actor=actor, entries=parsed.entries, publish=publish, parse_errors=parsed.errors
    )


def errors_of(document, *, actor, publish=True) -> dict[str, str]:
    with pytest.raises(services.CatalogueImportError) as caught:
        run_import(document, actor=actor, publish=publish)
    return {e.location: e.message for e in caught.value.problems}


def snapshot():
    return (
        list(Field.objects.values_list("code", "name")),
        list(Procedure.objects.values_list("code", "name", "is_active")),
        list(ProcedureVersion.objects.values_list("procedure__code", "number", "status", "name")),
    )


def test_errors_in_several_places_are_all_reported_and_nothing_is_written(orgs, admin):
    services.catalogue_load_demo(actor=admin)
    before = snapshot()
    document = demo_document()
    procedures = document["procedures"]
    procedures[0]["name"] = "Tên mới không được ghi"  # a valid change that must not be written
    procedures[3]["steps"][1]["unit"] = "KHONGCO"
    procedures[5]["code"] = "1.23"
    procedures[7]["fees"][0]["amount"] = "nhiều tiền"
    procedures[9]["implementing_agencies"] = ["000.00.99.H99"]
    procedures[12]["steps"][0]["budget_hours"] = 900
    procedures[14]["components"][0]["form"] = "photocopy"
    procedures[15]["extra"] = True
    procedures[16]["steps"][0].pop("role")

    errors = errors_of(document, actor=admin)

    p = procedures
    assert set(errors) == {
        "procedures[3].steps[1].unit",
        "procedures[5].code",
        "procedures[7].fees[0].amount",
        "procedures[9].implementing_agencies[0]",
        "procedures[12].steps",
        "procedures[14].components[0].form",
        "procedures[15].extra",
        "procedures[16].steps[0].role",
    }, errors
    assert "KHONGCO" in errors["procedures[3].steps[1].unit"]
    assert "1.001612" in errors["procedures[5].code"] or "1.23" in errors["procedures[5].code"]
    assert "000.00.99.H99" in errors["procedures[9].implementing_agencies[0]"]
    assert (
        "working hours" in errors["procedures[12].steps"] or "giờ" in errors["procedures[12].steps"]
    )
    assert "photocopy" in errors["procedures[14].components[0].form"]
    assert p[0]["name"] == "Tên mới không được ghi"
    assert snapshot() == before


def test_publish_checks_run_only_with_publish(orgs, admin):
    document = {"procedures": [dict(demo_document()["procedures"][0], steps=[])]}

    errors = errors_of(document, actor=admin, publish=True)
    assert list(errors) == ["procedures[0].steps"]

    report = run_import(document, actor=admin, publish=False)
    assert report.drafts == [document["procedures"][0]["code"]]
    assert ProcedureVersion.objects.get().status == VersionStatus.DRAFT


def test_duplicate_codes_and_conflicting_field_names_are_reported(orgs, admin):
    procedures = demo_document()["procedures"]
    twin = copy.deepcopy(procedures[0])
    renamed = copy.deepcopy(procedures[1])
    renamed["field_code"] = procedures[0]["field_code"]
    renamed["field_name"] = "Một tên khác"

    errors = errors_of({"procedures": [procedures[0], twin, renamed]}, actor=admin)

    assert "procedures[0]" in errors["procedures[1].code"]
    assert "Một tên khác" in errors["procedures[2].field_name"]
    assert not Procedure.objects.exists()


@pytest.mark.parametrize(
    ("raw", "location"),
    [
        (b"{not json", "line 1, column 2"),
        (b"\xff\xfe", "byte 0"),
        (b"[]", "$"),
        (b'{"procedures": {}}', "procedures"),
        (b'{"procedures": [], "format_version": 2}', "format_version"),
        (b'{"procedures": [42]}', "procedures[0]"),
        (b'{"procedures": [{"code": 1}]}', "procedures[0].code"),
    ],
)
def test_unreadable_files_are_refused_with_a_location(orgs, admin, raw, location):
    parsed = formats.parse_json_bytes(raw)

    with pytest.raises(services.CatalogueImportError) as caught:
        services.catalogue_import(
            actor=admin, entries=parsed.entries, publish=True, parse_errors=parsed.errors
        )

    assert location in [e.location for e in caught.value.problems]
    assert not Procedure.objects.exists()


def test_importing_the_same_catalogue_twice_changes_nothing(orgs, admin):
    document = demo_document()
    first = run_import(document, actor=admin, publish=True)
    versions = list(ProcedureVersion.objects.values_list("pk", "updated_at"))

    second = run_import(document, actor=admin, publish=True)

    assert len(first.published) == 20
    assert not second.changed and len(second.unchanged) == 20
    assert list(ProcedureVersion.objects.values_list("pk", "updated_at")) == versions


def test_a_changed_procedure_gets_a_new_published_version(orgs, admin):
    document = demo_document()
    run_import(document, actor=admin, publish=True)
    document["procedures"][0]["fees"] = [
        {"code": "X", "name": "Lệ phí mới", "kind": "charge", "amount": 1000}
    ]

    report = run_import(document, actor=admin, publish=True)

    code = document["procedures"][0]["code"]
    assert report.published == [code] and len(report.unchanged) == 19
    numbers = list(
        ProcedureVersion.objects.filter(procedure__code=code).values_list("number", "status")
    )
    assert sorted(numbers) == [(1, "published"), (2, "published")]


def test_import_without_publish_updates_the_existing_draft(orgs, admin):
    document = {"procedures": [demo_document()["procedures"][0]]}
    run_import(document, actor=admin)
    document["procedures"][0]["legal_basis"] = "Căn cứ mới"

    report = run_import(document, actor=admin)
    again = run_import(document, actor=admin)

    draft = ProcedureVersion.objects.get()
    assert draft.status == VersionStatus.DRAFT and draft.legal_basis == "Căn cứ mới"
    assert report.drafts and not again.changed


def test_import_updates_procedure_attributes(orgs, admin):
    document = {"procedures": [demo_document()["procedures"][0]]}
    run_import(document, actor=admin, publish=True)
    document["procedures"][0]["is_active"] = False
    document["procedures"][0]["field_name"] = "Hộ tịch (tên mới)"

    run_import(document, actor=admin, publish=True)

    procedure = Procedure.objects.get()
    assert procedure.is_active is False and procedure.field.name == "Hộ tịch (tên mới)"
    assert procedure.versions.count() == 1


def test_only_catalogue_managers_may_import(orgs):
    officer = UserFactory(username="officer")

    with pytest.raises(PermissionDenied):
        run_import(demo_document(), actor=officer)
    assert not Procedure.objects.exists()


def test_a_step_without_agency_needs_the_unit_in_every_implementing_agency(orgs, admin):
    procedure = copy.deepcopy(demo_document()["procedures"][0])
    procedure["implementing_agencies"] = ["001.00.01.H99", JUSTICE]

    errors = errors_of({"procedures": [procedure]}, actor=admin)

    assert "Sở Tư pháp" in errors["procedures[0].steps[1].unit"]


def test_an_existing_equal_draft_is_published_by_an_import_with_publish(orgs, admin):
    document = {"procedures": [demo_document()["procedures"][0]]}
    run_import(document, actor=admin)

    report = run_import(document, actor=admin, publish=True)

    assert report.published == [document["procedures"][0]["code"]] and not report.drafts
    assert ProcedureVersion.objects.get().status == VersionStatus.PUBLISHED


def test_missing_field_code_or_name_is_reported(orgs, admin):
    first, second = copy.deepcopy(demo_document()["procedures"][:2])
    first["field_code"] = " "
    second["field_name"] = ""

    errors = errors_of({"procedures": [first, second]}, actor=admin)

    assert errors["procedures[0].field_code"] == "The field code is required."
    assert errors["procedures[1].field_name"] == "The field name is required."
