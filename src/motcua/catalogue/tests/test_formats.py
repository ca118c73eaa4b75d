"""Reading values and structures from the JSON and XLSX formats (no database)."""

import io
from datetime import datetime, time
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from motcua.catalogue import formats
from motcua.catalogue.formats import Unreadable, _convert

pytestmark = pytest.mark.usefixtures("english")


@pytest.mark.parametrize(
    ("kind", "raw", "lenient", "expected"),
    [
        ("text", " a ", False, "a"),
        ("text", 12, True, "12"),
        ("text", 1.5, True, "1.5"),
        ("code_or_none", None, False, None),
        ("code_or_none", " ", False, None),
        ("code_or_none", "MC", False, "MC"),
        ("codes", ["A", " B "], False, ("A", "B")),
        ("codes", "A, B;C\nD", True, ("A", "B", "C", "D")),
        ("codes", "", True, ()),
        ("decimal", 3, False, Decimal(3)),
        ("decimal", Decimal("0.5"), False, Decimal("0.5")),
        ("decimal", 0.1, True, Decimal("0.1")),
        ("decimal", "2,5", True, Decimal("2.5")),
        ("int", 4, False, 4),
        ("int", Decimal(4), False, 4),
        ("int", 4.0, True, 4),
        ("int", " 7 ", True, 7),
        ("bool", True, False, True),
        ("bool", "Có", True, True),
        ("bool", "no", True, False),
        ("bool", 0, True, False),
        ("time", None, False, None),
        ("time", "15:00", False, time(15, 0)),
        ("time", " ", True, None),
        ("time", time(15, 0, 30), True, time(15, 0)),
        ("time", datetime(2025, 1, 1, 14, 30), True, time(14, 30)),
    ],
)
def test_convert(kind, raw, lenient, expected):
    assert _convert(kind, raw, lenient=lenient) == expected


@pytest.mark.parametrize(
    ("kind", "raw", "lenient", "message"),
    [
        ("text", 12, False, "Expected text."),
        ("codes", "A", False, "Expected a list of agency identifier codes."),
        ("codes", ["A", 1], False, "Expected a list of agency identifier codes."),
        ("codes", ["A", "A"], False, "An agency is listed twice."),
        ("decimal", True, False, "Expected a number."),
        ("decimal", "abc", True, "Expected a number."),
        ("decimal", "Infinity", True, "Expected a number."),
        ("decimal", "", False, "Expected a number."),
        ("decimal", [], False, "Expected a number."),
        ("int", True, False, "Expected a whole number."),
        ("int", 1.5, True, "Expected a whole number."),
        ("int", "7", False, "Expected a whole number."),
        # "²".isdigit() is true but int("²") raises ValueError (was a crash, not a message).
        ("int", "²", True, "Expected a whole number."),
        ("int", "-¹²", True, "Expected a whole number."),
        ("bool", "yes", False, "Expected true or false."),
        ("bool", "maybe", True, "Expected true or false."),
        ("time", "25:00", False, "“25:00” is not a valid time of day."),
        ("time", 1500, False, "Expected a time of day such as 15:00."),
    ],
)
def test_convert_refuses(kind, raw, lenient, message):
    with pytest.raises(Unreadable) as caught:
        _convert(kind, raw, lenient=lenient)

    assert str(caught.value) == message


def locations(parsed) -> dict[str, str]:
    return {e.location: e.message for e in parsed.errors}


def test_json_structure_errors():
    parsed = formats.parse_json(
        {
            "format": "other",
            "colour": "red",
            "procedures": [
                {
                    "code": "1.000001",
                    "steps": {},
                    "fees": [3],
                    "components": [{"code": "A", "shape": 1}],
                }
            ],
        }
    )

    found = locations(parsed)
    assert found["colour"] == "Unknown key."
    assert found["format"] == "Expected “motcua-catalogue”."
    assert found["procedures[0].steps"] == "Expected a list."
    assert found["procedures[0].fees[0]"] == "Expected an object."
    assert found["procedures[0].components[0].shape"] == "Unknown key."
    assert found["procedures[0].components[0].name"] == "This value is required."
    assert parsed.entries[0].has_parse_errors


def workbook(**sheets) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


PROCEDURE_HEADER = [
    "code",
    "name",
    "field_code",
    "field_name",
    "duration_value",
    "implementing_agencies",
]
PROCEDURE_ROW = ["1.000001", "Thủ tục", "F", "Lĩnh vực", 1, "000.00.12.H99"]


def test_xlsx_without_a_procedures_sheet():
    parsed = formats.parse_xlsx_bytes(workbook(steps=[["procedure", "order"]]))

    assert locations(parsed)["workbook"] == "The sheet “procedures” is missing."
    assert parsed.entries == []


def test_xlsx_header_problems():
    parsed = formats.parse_xlsx_bytes(
        workbook(
            procedures=[],
            fees=[["procedure", "order", "code", "code", None, "name", "kind", "amount"]],
        )
    )

    found = locations(parsed)
    assert found["sheet “procedures”, row 1"] == "The header row is missing."
    assert found["sheet “fees”, row 1, column D"] == "The column “code” appears twice."
    assert "workbook" not in found


def test_xlsx_blank_rows_are_skipped_and_child_sheets_are_optional():
    parsed = formats.parse_xlsx_bytes(
        workbook(procedures=[PROCEDURE_HEADER, [None] * 6, PROCEDURE_ROW, ["", " "]])
    )

    assert parsed.errors == []
    (entry,) = parsed.entries
    assert entry.code == "1.000001" and entry.content.steps == ()
    assert entry.locate(("steps",)) == "sheet “steps”, rows of procedure 1.000001"
    assert entry.locate(()) == "sheet “procedures”, row 3"
    assert (
        entry.locate(("implementing_agencies", 0))
        == "sheet “procedures”, row 3, column F (implementing_agencies)"
    )


def test_xlsx_child_rows_are_ordered_by_their_order_column():
    header = ["procedure", "order", "name", "unit", "role", "budget_hours", "public_status"]
    parsed = formats.parse_xlsx_bytes(
        workbook(
            procedures=[PROCEDURE_HEADER, PROCEDURE_ROW],
            steps=[
                header,
                ["1.000001", 2, "Hai", "LD", "agency_leader", 1, "b"],
                ["1.000001", 1, "Một", "MC", "reception", 1, "a"],
                ["1.000001", 0, "Không", "MC", "reception", 1, "a"],
                ["1.000001", "x", "?", "MC", "reception", 1, "a"],
                ["1.000001", 3, "Ba", "LD", "agency_leader", 1, None],
            ],
        )
    )

    found = locations(parsed)
    assert found["sheet “steps”, row 4, column B (order)"] == "Expected a whole number from 1."
    assert found["sheet “steps”, row 5, column B (order)"] == "Expected a whole number."
    assert found["sheet “steps”, row 6, column G (public_status)"] == "This value is required."
    assert [s.name for s in parsed.entries[0].content.steps] == ["Một", "Hai", "Ba"]
    assert parsed.entries[0].locate(("steps", 1)) == "sheet “steps”, row 2"


@pytest.mark.parametrize(
    ("name", "raw", "expected"),
    [
        ("a.json", b"PK\x03\x04", "json"),
        ("a.XLSX", b"{}", "xlsx"),
        ("a.txt", b"PK\x03\x04rest", "xlsx"),
        ("catalogue", b"{}", "json"),
    ],
)
def test_detect_format(name, raw, expected):
    assert formats.detect_format(Path(name), raw) == expected
