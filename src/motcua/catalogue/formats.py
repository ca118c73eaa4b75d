"""The catalogue exchange formats: JSON and XLSX (docs/catalogue.md describes both).

Reading turns a file into ``ProcedureEntry`` objects plus the errors found while reading, each
with its location (``procedures[3].steps[1].unit`` in JSON; sheet, row and column in XLSX).
Nothing here touches the database: ``services.catalogue_import`` checks the references and
writes. Writing turns stored versions into the same structures.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from motcua.catalogue.content import ComponentContent, FeeContent, StepContent, VersionContent
from motcua.catalogue.services import LocatedError, ProcedureEntry
from motcua.catalogue.validation import PathPart
from motcua.core import spreadsheets
from motcua.core.lookups import parse_int
from motcua.organisations.calendar import parse_time

FORMAT_NAME = "motcua-catalogue"
FORMAT_VERSION = 1


class Unreadable(ValueError):
    """A value of the wrong type or shape; the message says what was expected."""


# ---- field specifications --------------------------------------------------------------------
@dataclass(frozen=True)
class Spec:
    key: str
    kind: str  # text, decimal, int, bool, time, codes, code_or_none
    required: bool = False
    default: Any = None


_D = VersionContent(name="")

PROCEDURE_SPECS: tuple[Spec, ...] = (
    Spec("code", "text", required=True),
    Spec("name", "text", required=True),
    Spec("field_code", "text", required=True),
    Spec("field_name", "text", required=True),
    Spec("is_active", "bool", default=True),
    Spec("level", "text", default=_D.level),
    Spec("implementing_agencies", "codes", default=()),
    Spec("receiving_agency", "code_or_none", default=None),
    Spec("duration_value", "decimal", required=True),
    Spec("duration_unit", "text", default=_D.duration_unit),
    Spec("counting_mode", "text", default=_D.counting_mode),
    Spec("cutoff", "time", default=None),
    Spec("supplement_rule", "text", default=_D.supplement_rule),
    Spec("result_type", "text", default=_D.result_type),
    Spec("online_level", "text", default=_D.online_level),
    Spec("requires_signed_result", "bool", default=False),
    Spec("legal_basis", "text", default=""),
    Spec("description", "text", default=""),
    Spec("illustrative", "bool", default=False),
)
COMPONENT_SPECS: tuple[Spec, ...] = (
    Spec("code", "text", required=True),
    Spec("name", "text", required=True),
    Spec("form", "text", default="either"),
    Spec("quantity", "int", default=1),
    Spec("mandatory", "bool", default=True),
)
FEE_SPECS: tuple[Spec, ...] = (
    Spec("code", "text", required=True),
    Spec("name", "text", required=True),
    Spec("kind", "text", required=True),
    Spec("amount", "int", required=True),
    Spec("note", "text", default=""),
)
STEP_SPECS: tuple[Spec, ...] = (
    Spec("name", "text", required=True),
    Spec("agency", "code_or_none", default=None),
    Spec("unit", "text", required=True),
    Spec("role", "text", required=True),
    Spec("budget_hours", "decimal", required=True),
    Spec("public_status", "text", required=True),
    Spec("leaders_may_act", "bool", default=False),
)
CHILD_SPECS: dict[str, tuple[Spec, ...]] = {
    "components": COMPONENT_SPECS,
    "fees": FEE_SPECS,
    "steps": STEP_SPECS,
}
# Placeholders used when a value cannot be read (the error is reported; nothing is written).
PLACEHOLDER = {
    "text": "",
    "decimal": Decimal(0),
    "int": 1,
    "bool": False,
    "time": None,
    "codes": (),
    "code_or_none": None,
}

_TRUE = {"true", "yes", "y", "1", "x", "có", "co"}
_FALSE = {"false", "no", "n", "0", "không", "khong", ""}


def _convert(kind: str, raw: Any, *, lenient: bool) -> Any:
    """Convert ``raw`` to ``kind``. ``lenient`` (spreadsheets) accepts numbers typed as text,
    booleans as yes/no and lists as comma-separated text."""
    if kind == "text":
        if isinstance(raw, str):
            return raw.strip()
        if lenient and isinstance(raw, int | float | Decimal) and not isinstance(raw, bool):
            return _number_text(raw)
        raise Unreadable(_("Expected text."))
    if kind == "code_or_none":
        if raw is None:
            return None
        value = _convert("text", raw, lenient=lenient)
        return value or None
    if kind == "codes":
        if lenient and isinstance(raw, str):
            items: Iterable[Any] = raw.replace("\n", ",").replace(";", ",").split(",")
        elif isinstance(raw, list):
            items = raw
        else:
            raise Unreadable(_("Expected a list of agency identifier codes."))
        codes = []
        for item in items:
            if not isinstance(item, str):
                raise Unreadable(_("Expected a list of agency identifier codes."))
            if item.strip():
                codes.append(item.strip())
        if len(set(codes)) != len(codes):
            raise Unreadable(_("An agency is listed twice."))
        return tuple(codes)
    if kind == "decimal":
        if isinstance(raw, bool):
            raise Unreadable(_("Expected a number."))
        if isinstance(raw, Decimal | int):
            return Decimal(raw)
        if isinstance(raw, float):
            return Decimal(repr(raw))
        if isinstance(raw, str) and (lenient or raw.strip()):
            try:
                value = Decimal(raw.strip().replace(",", "."))
            except InvalidOperation:
                raise Unreadable(_("Expected a number.")) from None
            if value.is_finite():
                return value
        raise Unreadable(_("Expected a number."))
    if kind == "int":
        if isinstance(raw, bool):
            raise Unreadable(_("Expected a whole number."))
        if isinstance(raw, int):
            return raw
        if isinstance(raw, Decimal | float) and raw == int(raw):
            return int(raw)
        if lenient and isinstance(raw, str) and (number := parse_int(raw.strip())) is not None:
            return number
        raise Unreadable(_("Expected a whole number."))
    if kind == "bool":
        if isinstance(raw, bool):
            return raw
        if lenient and isinstance(raw, str | int) and str(raw).strip().lower() in _TRUE | _FALSE:
            return str(raw).strip().lower() in _TRUE
        raise Unreadable(_("Expected true or false."))
    if kind == "time":
        if raw is None:
            return None
        if isinstance(raw, time):
            return raw.replace(second=0, microsecond=0)
        if isinstance(raw, datetime):
            return raw.time().replace(second=0, microsecond=0)
        if isinstance(raw, str):
            if not raw.strip():
                return None
            try:
                return parse_time(raw)
            except ValueError as exc:
                raise Unreadable(str(exc)) from None
        raise Unreadable(_("Expected a time of day such as 15:00."))
    raise AssertionError(kind)  # pragma: no cover


def _number_text(value: int | float | Decimal) -> str:
    if isinstance(value, float):
        return repr(value)
    return str(value)


@dataclass
class Parsed:
    entries: list[ProcedureEntry] = field(default_factory=list)
    errors: list[LocatedError] = field(default_factory=list)


class _Reader:
    """Reads one record (a JSON object or a spreadsheet row) against specs, collecting errors."""

    def __init__(
        self,
        errors: list[LocatedError],
        locate: Callable[[tuple[PathPart, ...]], str],
        lenient: bool,
    ):
        self.errors = errors
        self.locate = locate
        self.lenient = lenient
        self.failed = False

    def read(
        self, specs: Sequence[Spec], record: Mapping[str, Any], path: tuple[PathPart, ...] = ()
    ) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for spec in specs:
            raw = record.get(spec.key)
            missing = spec.key not in record or (
                self.lenient and (raw is None or (isinstance(raw, str) and not raw.strip()))
            )
            if missing:
                if spec.required:
                    self.error((*path, spec.key), _("This value is required."))
                    values[spec.key] = PLACEHOLDER[spec.kind]
                else:
                    values[spec.key] = spec.default
                continue
            try:
                values[spec.key] = _convert(spec.kind, raw, lenient=self.lenient)
            except Unreadable as exc:
                self.error((*path, spec.key), str(exc))
                values[spec.key] = PLACEHOLDER[spec.kind]
        return values

    def error(self, path: tuple[PathPart, ...], message: str) -> None:
        self.failed = True
        self.errors.append(LocatedError(self.locate(path), message))


def _entry(
    values: Mapping[str, Any],
    children: Mapping[str, Sequence[Mapping[str, Any]]],
    locate: Callable[[tuple[PathPart, ...]], str],
    failed: bool,
) -> ProcedureEntry:
    content = VersionContent(
        name=values["name"],
        level=values["level"],
        implementing_agencies=values["implementing_agencies"],
        receiving_agency=values["receiving_agency"],
        duration_value=values["duration_value"],
        duration_unit=values["duration_unit"],
        counting_mode=values["counting_mode"],
        cutoff=values["cutoff"],
        supplement_rule=values["supplement_rule"],
        result_type=values["result_type"],
        online_level=values["online_level"],
        requires_signed_result=values["requires_signed_result"],
        legal_basis=values["legal_basis"],
        description=values["description"],
        illustrative=values["illustrative"],
        components=tuple(ComponentContent(**c) for c in children["components"]),
        fees=tuple(FeeContent(**f) for f in children["fees"]),
        steps=tuple(StepContent(**s) for s in children["steps"]),
    )
    return ProcedureEntry(
        code=values["code"],
        field_code=values["field_code"],
        field_name=values["field_name"],
        is_active=values["is_active"],
        content=content,
        locate=locate,
        has_parse_errors=failed,
    )


# ---- JSON ---------------------------------------------------------------------------------------
def _json_locator(prefix: str) -> Callable[[tuple[PathPart, ...]], str]:
    def locate(path: tuple[PathPart, ...]) -> str:
        text = prefix
        for part in path:
            text += f"[{part}]" if isinstance(part, int) else f".{part}"
        return text

    return locate


def parse_json(data: Any) -> Parsed:
    """Read a decoded JSON document (load it with ``parse_float=Decimal``)."""
    parsed = Parsed()
    if not isinstance(data, dict):
        parsed.errors.append(LocatedError("$", _("Expected an object with a “procedures” list.")))
        return parsed
    unknown = sorted(set(data) - {"format", "format_version", "procedures"})
    for key in unknown:
        parsed.errors.append(LocatedError(key, _("Unknown key.")))
    if data.get("format", FORMAT_NAME) != FORMAT_NAME:
        parsed.errors.append(
            LocatedError("format", _("Expected “%(name)s”.") % {"name": FORMAT_NAME})
        )
    if data.get("format_version", FORMAT_VERSION) != FORMAT_VERSION:
        parsed.errors.append(
            LocatedError(
                "format_version",
                _("Only version %(version)s is supported.") % {"version": FORMAT_VERSION},
            )
        )
    procedures = data.get("procedures")
    if not isinstance(procedures, list):
        parsed.errors.append(LocatedError("procedures", _("Expected a list of procedures.")))
        return parsed
    for index, item in enumerate(procedures):
        prefix = f"procedures[{index}]"
        locate = _json_locator(prefix)
        reader = _Reader(parsed.errors, locate, lenient=False)
        if not isinstance(item, dict):
            reader.error((), _("Expected an object."))
            continue
        allowed = {s.key for s in PROCEDURE_SPECS} | set(CHILD_SPECS)
        for key in sorted(set(item) - allowed):
            reader.error((key,), _("Unknown key."))
        values = reader.read(PROCEDURE_SPECS, item)
        children: dict[str, list[dict[str, Any]]] = {}
        for section, specs in CHILD_SPECS.items():
            rows = item.get(section, [])
            children[section] = []
            if not isinstance(rows, list):
                reader.error((section,), _("Expected a list."))
                continue
            for position, row in enumerate(rows):
                if not isinstance(row, dict):
                    reader.error((section, position), _("Expected an object."))
                    continue
                for key in sorted(set(row) - {s.key for s in specs}):
                    reader.error((section, position, key), _("Unknown key."))
                children[section].append(reader.read(specs, row, (section, position)))
        parsed.entries.append(_entry(values, children, locate, reader.failed))
    return parsed


def parse_json_bytes(raw: bytes) -> Parsed:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return Parsed(errors=[LocatedError(f"byte {exc.start}", _("The file is not UTF-8 text."))])
    try:
        data = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        return Parsed(
            errors=[
                LocatedError(
                    _("line %(line)s, column %(column)s")
                    % {"line": exc.lineno, "column": exc.colno},
                    _("Invalid JSON: %(reason)s.") % {"reason": exc.msg},
                )
            ]
        )
    return parse_json(data)


def _json_number(value: Decimal) -> int | float:
    value = Decimal(value)
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def content_to_json(
    code: str, field_code: str, field_name: str, is_active: bool, content: VersionContent
) -> dict[str, Any]:
    return {
        "code": code,
        "name": content.name,
        "field_code": field_code,
        "field_name": field_name,
        "is_active": is_active,
        "level": content.level,
        "implementing_agencies": list(content.implementing_agencies),
        "receiving_agency": content.receiving_agency,
        "duration_value": _json_number(content.duration_value),
        "duration_unit": content.duration_unit,
        "counting_mode": content.counting_mode,
        "cutoff": content.cutoff.strftime("%H:%M") if content.cutoff else None,
        "supplement_rule": content.supplement_rule,
        "result_type": content.result_type,
        "online_level": content.online_level,
        "requires_signed_result": content.requires_signed_result,
        "legal_basis": content.legal_basis,
        "description": content.description,
        "illustrative": content.illustrative,
        "components": [
            {
                "code": c.code,
                "name": c.name,
                "form": c.form,
                "quantity": c.quantity,
                "mandatory": c.mandatory,
            }
            for c in content.components
        ],
        "fees": [
            {"code": f.code, "name": f.name, "kind": f.kind, "amount": f.amount, "note": f.note}
            for f in content.fees
        ],
        "steps": [
            {
                "name": s.name,
                "agency": s.agency,
                "unit": s.unit,
                "role": s.role,
                "budget_hours": _json_number(s.budget_hours),
                "public_status": s.public_status,
                "leaders_may_act": s.leaders_may_act,
            }
            for s in content.steps
        ],
    }


@dataclass(frozen=True)
class ExportItem:
    code: str
    field_code: str
    field_name: str
    is_active: bool
    content: VersionContent


def export_items(versions: Iterable[Any]) -> list[ExportItem]:
    """``ExportItem`` for stored versions loaded with ``selectors.versions_with_content``."""
    from motcua.catalogue.content import version_content

    return [
        ExportItem(
            code=v.procedure.code,
            field_code=v.procedure.field.code,
            field_name=v.procedure.field.name,
            is_active=v.procedure.is_active,
            content=version_content(v),
        )
        for v in versions
    ]


def to_json_document(items: Iterable[ExportItem]) -> dict[str, Any]:
    return {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "procedures": [
            content_to_json(i.code, i.field_code, i.field_name, i.is_active, i.content)
            for i in items
        ],
    }


def to_json_bytes(items: Iterable[ExportItem]) -> bytes:
    return (json.dumps(to_json_document(items), ensure_ascii=False, indent=2) + "\n").encode(
        "utf-8"
    )


# ---- XLSX ---------------------------------------------------------------------------------------
SHEET_PROCEDURES = "procedures"
XLSX_COLUMNS: dict[str, tuple[str, ...]] = {
    SHEET_PROCEDURES: tuple(s.key for s in PROCEDURE_SPECS),
    "components": ("procedure", "order", *(s.key for s in COMPONENT_SPECS)),
    "fees": ("procedure", "order", *(s.key for s in FEE_SPECS)),
    "steps": ("procedure", "order", *(s.key for s in STEP_SPECS)),
}
XLSX_MAGIC = b"PK\x03\x04"


def _col_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


@dataclass
class _Sheet:
    name: str
    columns: dict[str, int]  # key -> 1-based column index
    rows: list[tuple[int, dict[str, Any]]]  # (row number, values by key)

    def cell(self, row: int, key: str | None = None) -> str:
        if key is None or key not in self.columns:
            where = _("sheet “%(sheet)s”, row %(row)s") % {"sheet": self.name, "row": row}
            return f"{where}, {key}" if key else where
        return _("sheet “%(sheet)s”, row %(row)s, column %(column)s (%(key)s)") % {
            "sheet": self.name,
            "row": row,
            "column": _col_letter(self.columns[key]),
            "key": key,
        }


def _procedure_code_cell(raw: Any) -> Any:
    # A code typed into a number cell (2.000488 → 2.000488 float): restore its six decimals.
    if isinstance(raw, float | Decimal) and not isinstance(raw, bool) and 0 <= raw < 10:
        return f"{raw:.6f}"
    return raw


def parse_xlsx_bytes(raw: bytes) -> Parsed:
    from openpyxl import load_workbook

    parsed = Parsed()
    try:
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds (zip, XML, key errors) for bad files
        parsed.errors.append(
            LocatedError(
                _("file"), _("Not a readable XLSX workbook (%(reason)s).") % {"reason": exc}
            )
        )
        return parsed
    sheets: dict[str, _Sheet] = {}
    try:
        for name in workbook.sheetnames:
            if name not in XLSX_COLUMNS:
                parsed.errors.append(
                    LocatedError(
                        _("sheet “%(sheet)s”") % {"sheet": name},
                        _("Unknown sheet; expected: %(sheets)s.")
                        % {"sheets": ", ".join(XLSX_COLUMNS)},
                    )
                )
                continue
            sheet = _read_sheet(workbook[name], name, parsed.errors)
            if sheet is not None:
                sheets[name] = sheet
    finally:
        workbook.close()
    if SHEET_PROCEDURES not in sheets:
        if not any(
            e.location.startswith(_("sheet “%(sheet)s”") % {"sheet": SHEET_PROCEDURES})
            for e in parsed.errors
        ):
            parsed.errors.append(
                LocatedError(
                    _("workbook"),
                    _("The sheet “%(sheet)s” is missing.") % {"sheet": SHEET_PROCEDURES},
                )
            )
        return parsed
    _xlsx_entries(sheets, parsed)
    return parsed


def _read_sheet(worksheet: Any, name: str, errors: list[LocatedError]) -> _Sheet | None:
    rows = worksheet.iter_rows(values_only=True)
    header = next(rows, None)
    where = _("sheet “%(sheet)s”, row 1") % {"sheet": name}
    if header is None:
        errors.append(LocatedError(where, _("The header row is missing.")))
        return None
    columns: dict[str, int] = {}
    ok = True
    for index, title in enumerate(header, start=1):
        if title is None or (isinstance(title, str) and not title.strip()):
            continue
        key = str(title).strip()
        cell = _("%(where)s, column %(column)s") % {"where": where, "column": _col_letter(index)}
        if key not in XLSX_COLUMNS[name]:
            errors.append(LocatedError(cell, _("Unknown column “%(key)s”.") % {"key": key}))
            ok = False
        elif key in columns:
            errors.append(
                LocatedError(cell, _("The column “%(key)s” appears twice.") % {"key": key})
            )
            ok = False
        else:
            columns[key] = index
    required = {s.key for s in _sheet_specs(name) if s.required} | (
        {"procedure", "order"} if name != SHEET_PROCEDURES else set()
    )
    for key in sorted(required - set(columns)):
        errors.append(
            LocatedError(where, _("The required column “%(key)s” is missing.") % {"key": key})
        )
        ok = False
    if not ok:
        return None
    sheet = _Sheet(name=name, columns=columns, rows=[])
    for number, values in enumerate(rows, start=2):
        record = {
            key: values[col - 1] if col - 1 < len(values) else None for key, col in columns.items()
        }
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in record.values()):
            continue
        sheet.rows.append((number, record))
    return sheet


def _sheet_specs(name: str) -> tuple[Spec, ...]:
    return PROCEDURE_SPECS if name == SHEET_PROCEDURES else CHILD_SPECS[name]


def _xlsx_entries(sheets: dict[str, _Sheet], parsed: Parsed) -> None:
    procedures = sheets[SHEET_PROCEDURES]
    codes: dict[str, int] = {}
    for number, record in procedures.rows:
        code = _procedure_code_cell(record.get("code"))
        if isinstance(code, str) and code.strip() and code.strip() not in codes:
            codes[code.strip()] = number

    # Child rows grouped by procedure code and sorted by their "order" column.
    grouped: dict[str, dict[str, list[tuple[int, int, dict[str, Any]]]]] = {c: {} for c in codes}
    for section in CHILD_SPECS:
        sheet = sheets.get(section)
        if sheet is None:
            continue
        seen_orders: dict[tuple[str, int], int] = {}
        for number, record in sheet.rows:
            code = _procedure_code_cell(record.get("procedure"))
            code = code.strip() if isinstance(code, str) else code
            if code not in codes:
                parsed.errors.append(
                    LocatedError(
                        sheet.cell(number, "procedure"),
                        _("No procedure “%(code)s” in the sheet “%(sheet)s”.")
                        % {"code": code, "sheet": SHEET_PROCEDURES},
                    )
                )
                continue
            try:
                order = _convert("int", record.get("order"), lenient=True)
                if order < 1:
                    raise Unreadable(_("Expected a whole number from 1."))
            except Unreadable as exc:
                parsed.errors.append(LocatedError(sheet.cell(number, "order"), str(exc)))
                continue
            if (code, order) in seen_orders:
                parsed.errors.append(
                    LocatedError(
                        sheet.cell(number, "order"),
                        _("The order %(order)s of %(code)s is used twice (also row %(row)s).")
                        % {"order": order, "code": code, "row": seen_orders[(code, order)]},
                    )
                )
                continue
            seen_orders[(code, order)] = number
            grouped[code].setdefault(section, []).append((order, number, record))

    for number, record in procedures.rows:
        rows_of: dict[str, list[int]] = {}
        code_raw = _procedure_code_cell(record.get("code"))
        code = code_raw.strip() if isinstance(code_raw, str) else None
        own = grouped.get(code, {}) if code is not None and codes.get(code) == number else {}
        for section in CHILD_SPECS:
            rows_of[section] = [n for _o, n, _r in sorted(own.get(section, []), key=lambda t: t[0])]
        locate = _xlsx_locator(sheets, number, rows_of, code or "")
        reader = _Reader(parsed.errors, locate, lenient=True)
        record = dict(record, code=code_raw)
        values = reader.read(PROCEDURE_SPECS, record)
        children: dict[str, list[dict[str, Any]]] = {}
        for section, specs in CHILD_SPECS.items():
            children[section] = [
                reader.read(specs, child, (section, position))
                for position, (_o, _n, child) in enumerate(
                    sorted(own.get(section, []), key=lambda t: t[0])
                )
            ]
        parsed.entries.append(_entry(values, children, locate, reader.failed))


def _xlsx_locator(
    sheets: dict[str, _Sheet], row: int, rows_of: dict[str, list[int]], code: str
) -> Callable[[tuple[PathPart, ...]], str]:
    procedures = sheets[SHEET_PROCEDURES]

    def locate(path: tuple[PathPart, ...]) -> str:
        if not path:
            return procedures.cell(row)
        head = path[0]
        if isinstance(head, str) and head in CHILD_SPECS:
            sheet = sheets.get(head)
            if len(path) >= 2 and isinstance(path[1], int) and sheet is not None:
                key = path[2] if len(path) >= 3 and isinstance(path[2], str) else None
                return sheet.cell(rows_of[head][path[1]], key)
            return _("sheet “%(sheet)s”, rows of procedure %(code)s") % {
                "sheet": head,
                "code": code,
            }
        return procedures.cell(row, str(head))

    return locate


def to_xlsx_bytes(items: Iterable[ExportItem]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    default = workbook.active
    if default is not None:
        workbook.remove(default)
    sheets = {name: workbook.create_sheet(name) for name in XLSX_COLUMNS}
    for name, sheet in sheets.items():
        sheet.append(list(XLSX_COLUMNS[name]))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
    for item in items:
        data = content_to_json(
            item.code, item.field_code, item.field_name, item.is_active, item.content
        )
        data["implementing_agencies"] = ", ".join(data["implementing_agencies"])
        sheets[SHEET_PROCEDURES].append([data[key] for key in XLSX_COLUMNS[SHEET_PROCEDURES]])
        for section in CHILD_SPECS:
            for order, row in enumerate(data[section], start=1):
                row = dict(row, procedure=item.code, order=order)
                sheets[section].append([row[key] for key in XLSX_COLUMNS[section]])
    for sheet in sheets.values():
        for column in sheet.columns:
            width = max((len(str(c.value)) for c in column if c.value is not None), default=8)
            sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 8), 60)
        # Codes stay text: Excel must not turn 2.000480 into a number.
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, str):
                    cell.number_format = "@"
    return spreadsheets.xlsx_bytes(workbook)


# ---- files --------------------------------------------------------------------------------------
def detect_format(path: Path, raw: bytes) -> str:
    """``json`` or ``xlsx``, by extension, else by content."""
    suffix = path.suffix.lower()
    if suffix == ".json":
        return "json"
    if suffix in {".xlsx", ".xlsm"}:
        return "xlsx"
    return "xlsx" if raw.startswith(XLSX_MAGIC) else "json"


def parse_bytes(raw: bytes, fmt: str) -> Parsed:
    return parse_xlsx_bytes(raw) if fmt == "xlsx" else parse_json_bytes(raw)


def export_bytes(items: Iterable[ExportItem], fmt: str) -> bytes:
    return to_xlsx_bytes(items) if fmt == "xlsx" else to_json_bytes(items)
