"""Spreadsheet exports without formula injection (CSV injection, OWASP): text that starts with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return is written as text, never as a formula.

Every XLSX and CSV the project writes goes through this module (docs/security.md, "Spreadsheet
exports"; ``core/tests/test_spreadsheet_injection.py`` downloads every export and checks it):

- XLSX: build the workbook with openpyxl as usual, then ``xlsx_bytes(workbook)`` instead of
  ``workbook.save``: every text cell that ``is_dangerous`` keeps its exact value, typed as a string
  (``data_type "s"``, never ``"f"``) with Excel's "quote prefix" style, which is how Excel itself
  stores a value typed with a leading apostrophe: the cell shows the text and stays text when
  edited.
- CSV: ``csv_bytes(rows)``: a dangerous text value is written with a leading single quote
  (``'=1+2``), as OWASP recommends; a CSV has no types, so the quote is the only way and stays
  visible to the reader. Numbers are written as numbers (a negative number is not text).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CSV_ESCAPE = "'"


def is_dangerous(value: Any) -> bool:
    """Whether ``value`` is text that a spreadsheet would read as a formula."""
    return isinstance(value, str) and value.startswith(DANGEROUS_PREFIXES)


def csv_text(value: Any) -> Any:
    """``value`` as a CSV cell: dangerous text gets a leading single quote; others unchanged."""
    return CSV_ESCAPE + value if is_dangerous(value) else value


def csv_bytes(rows: Iterable[Iterable[Any]], *, bom: bool = True) -> bytes:
    """UTF-8 CSV of ``rows`` (with a BOM so that Excel reads UTF-8), every cell through
    ``csv_text``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([csv_text(value) for value in row])
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode("utf-8")


def neutralise_workbook(workbook: Any) -> int:
    """Type every dangerous text cell of ``workbook`` as a string with the quote prefix; the number
    of cells changed. openpyxl types any text starting with ``=`` as a formula when it is set."""
    changed = 0
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if is_dangerous(cell.value):
                    cell.data_type = "s"
                    cell.quotePrefix = True
                    changed += 1
    return changed


def xlsx_bytes(workbook: Any) -> bytes:
    """The bytes of ``workbook`` (an openpyxl ``Workbook``, not write-only) after
    ``neutralise_workbook``: the only way the project saves a workbook."""
    neutralise_workbook(workbook)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
