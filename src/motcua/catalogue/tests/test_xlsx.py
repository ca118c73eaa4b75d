"""XLSX import/export: round trip, located errors, all-or-nothing."""

import io
import json
from importlib import resources

import pytest
from openpyxl import Workbook, load_workbook

from motcua.catalogue import formats, selectors, services
from motcua.catalogue.models import Procedure, ProcedureVersion

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def demo_json() -> dict:
    return json.loads(
        resources.files("motcua.catalogue")
        .joinpath("data", "demo_catalogue.json")
        .read_text("utf-8")
    )


def export(fmt: str) -> bytes:
    return formats.export_bytes(formats.export_items(selectors.versions_for_export(user=None)), fmt)


def import_bytes(raw: bytes, fmt: str, *, actor, publish=True):
    parsed = formats.parse_bytes(raw, fmt)
    return services.catalogue_import(
        actor=actor, entries=parsed.entries, publish=publish, parse_errors=parsed.errors
    )


def wipe_catalogue():
    # Bulk deletes skip the model guard on purpose: a fresh database for the second half of the trip.
    ProcedureVersion.objects.all().delete()
    Procedure.objects.all().delete()


def test_round_trip_json_db_xlsx_db_json(orgs, admin):
    services.catalogue_load_demo(actor=admin)
    workbook = export("xlsx")
    wipe_catalogue()

    report = import_bytes(workbook, "xlsx", actor=admin)

    assert len(report.created) == len(report.published) == 20
    assert json.loads(export("json")) == demo_json()


def test_xlsx_has_one_sheet_per_table_keyed_by_procedure_code(orgs, admin):
    services.catalogue_load_demo(actor=admin)

    book = load_workbook(io.BytesIO(export("xlsx")))

    assert book.sheetnames == ["procedures", "components", "fees", "steps"]
    steps = book["steps"]
    header = [c.value for c in steps[1]]
    assert header == [
        "procedure",
        "order",
        "name",
        "agency",
        "unit",
        "role",
        "budget_hours",
        "public_status",
        "leaders_may_act",
    ]
    judicial = [
        [c.value for c in row] for row in steps.iter_rows(min_row=2) if row[0].value == "2.000488"
    ]
    assert [r[1] for r in judicial] == [1, 2, 3, 4, 5]
    assert judicial[2][3:5] == ["000.00.30.H99", "HSNV"]


def test_reimporting_the_exported_workbook_changes_nothing(orgs, admin):
    services.catalogue_load_demo(actor=admin)

    report = import_bytes(export("xlsx"), "xlsx", actor=admin)

    assert not report.changed and len(report.unchanged) == 20


def _broken_workbook() -> bytes:
    book = load_workbook(io.BytesIO(export("xlsx")))
    procedures, steps, fees, components = (
        book["procedures"],
        book["steps"],
        book["fees"],
        book["components"],
    )
    header = {c.value: c.column_letter for c in procedures[1]}
    procedures[f"{header['duration_value']}3"] = "mười"  # row 3: second procedure
    procedures[f"{header['level']}4"] = "planet"
    step_cols = {c.value: c.column_letter for c in steps[1]}
    steps[f"{step_cols['unit']}2"] = "NOPE"
    steps[f"{step_cols['procedure']}5"] = "9.999999"
    fee_cols = {c.value: c.column_letter for c in fees[1]}
    fees[f"{fee_cols['amount']}2"] = -5
    comp_cols = {c.value: c.column_letter for c in components[1]}
    components[f"{comp_cols['order']}3"] = components[f"{comp_cols['order']}2"].value
    components[f"{comp_cols['procedure']}3"] = components[f"{comp_cols['procedure']}2"].value
    book.create_sheet("notes")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_errors_name_sheet_row_and_column_and_nothing_is_written(orgs, admin):
    services.catalogue_load_demo(actor=admin)
    before = list(ProcedureVersion.objects.values_list("pk", "updated_at"))
    raw = _broken_workbook()

    with pytest.raises(services.CatalogueImportError) as caught:
        import_bytes(raw, "xlsx", actor=admin)

    locations = [e.location for e in caught.value.problems]
    text = "\n".join(str(e) for e in caught.value.problems)
    assert "sheet “notes”" in locations
    assert "sheet “procedures”, row 3, column I (duration_value)" in locations, text
    assert "sheet “procedures”, row 4, column F (level)" in locations, text
    assert "sheet “steps”, row 2, column E (unit)" in locations, text
    assert "sheet “steps”, row 5, column A (procedure)" in locations, text
    assert "sheet “fees”, row 2, column F (amount)" in locations, text
    assert "sheet “components”, row 3, column B (order)" in locations, text
    assert list(ProcedureVersion.objects.values_list("pk", "updated_at")) == before


def test_missing_and_unknown_columns_are_reported(orgs, admin):
    book = Workbook()
    sheet = book.active
    sheet.title = "procedures"
    sheet.append(["code", "name", "colour"])
    sheet.append(["1.000001", "Thủ tục", "đỏ"])
    out = io.BytesIO()
    book.save(out)

    with pytest.raises(services.CatalogueImportError) as caught:
        import_bytes(out.getvalue(), "xlsx", actor=admin)

    messages = [str(e) for e in caught.value.problems]
    assert any("column C" in m and "colour" in m for m in messages), messages
    assert any("field_code" in m for m in messages) and any("duration_value" in m for m in messages)
    assert not Procedure.objects.exists()


def test_a_file_that_is_not_a_workbook_is_refused(orgs, admin):
    with pytest.raises(services.CatalogueImportError) as caught:
        import_bytes(b"PK\x03\x04 not really a zip", "xlsx", actor=admin)

    assert "XLSX" in str(caught.value)


def test_lenient_cells_numbers_as_text_yes_no_and_codes_typed_as_numbers(orgs, admin):
    services.catalogue_load_demo(actor=admin)
    book = load_workbook(io.BytesIO(export("xlsx")))
    procedures = book["procedures"]
    header = {c.value: c.column_letter for c in procedures[1]}
    row = next(r[0].row for r in procedures.iter_rows(min_row=2) if r[0].value == "2.000488")
    procedures[f"{header['duration_value']}{row}"] = "10"
    procedures[f"{header['requires_signed_result']}{row}"] = "có"
    procedures[f"{header['code']}{row}"] = 2.000488
    for cells in book["steps"].iter_rows(min_row=2):
        if cells[0].value == "2.000488":
            cells[0].value = 2.000488
    out = io.BytesIO()
    book.save(out)

    report = import_bytes(out.getvalue(), "xlsx", actor=admin)

    assert not report.changed
