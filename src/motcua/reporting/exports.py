"""The settlement report as CSV, XLSX (laid out like Biểu 06/VPCP/KSTT) and PDF."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from motcua.core import spreadsheets
from motcua.reporting.settlement import COLUMNS, GROUP_KEY, Report

FORMATS = ("json", "csv", "xlsx", "pdf")
CONTENT_TYPES = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def title() -> str:
    return _("SETTLEMENT OF ADMINISTRATIVE PROCEDURES: SITUATION AND RESULTS")


def form_number(report: Report) -> str:
    return _("Form II.06a/VPCP/KSTT") if report.scope.is_center else _("Form 06/VPCP/KSTT")


def period_text(report: Report) -> str:
    return _("Period: from %(start)s to %(end)s") % {
        "start": report.period.date_from.strftime("%d/%m/%Y"),
        "end": report.period.date_to.strftime("%d/%m/%Y"),
    }


def group_label(report: Report) -> str:
    return {
        "agency": _("Agency"),
        "field": _("Field"),
        "procedure": _("Procedure"),
    }[report.group_by]


def row_label(report: Report, row: dict[str, Any]) -> str:
    if report.group_by == "agency":
        return str(row["agency_name"])
    if report.group_by == "field":
        return str(row["field_name"])
    return f"{row['procedure_code']} {row['procedure_name']}"


def group_headers() -> list[tuple[str, int]]:
    """The merged headers over columns 3-13: (text, width in columns)."""
    return [
        (_("Records received for settlement"), 4),
        (_("Records settled"), 4),
        (_("Records being settled"), 3),
    ]


def sub_headers() -> list[str]:
    return [
        _("Total"),
        _("Newly received online"),
        _("Newly received directly or by postal service"),
        _("Carried over from the previous period"),
        _("Total"),
        _("Before the due date"),
        _("On the due date"),
        _("After the due date"),
        _("Total"),
        _("Within the deadline"),
        _("Overdue"),
    ]


# ---- CSV ------------------------------------------------------------------------------------------
def to_csv(report: Report) -> bytes:
    keys = [k for k in (report.rows[0] if report.rows else {}) if k not in COLUMNS] or [
        GROUP_KEY[report.group_by]
    ]
    lines: list[list[Any]] = [[*keys, *COLUMNS]]
    for row in report.rows:
        lines.append([row.get(k, "") for k in keys] + [row[c] for c in COLUMNS])
    lines.append(["total", *[""] * (len(keys) - 1), *[report.totals[c] for c in COLUMNS]])
    return spreadsheets.csv_bytes(lines)  # with a BOM: Excel opens UTF-8 correctly


# ---- XLSX -----------------------------------------------------------------------------------------
THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)


def to_xlsx(report: Report) -> bytes:
    wb = Workbook()
    ws = wb.worksheets[0]
    ws.title = "Bieu06"
    last_col = 13
    last = get_column_letter(last_col)
    ws["A1"] = report.scope.label
    ws["A1"].font = Font(bold=True)
    ws[f"{get_column_letter(last_col - 2)}1"] = form_number(report)
    ws[f"{get_column_letter(last_col - 2)}1"].font = Font(italic=True)
    for row_no, text, font in (
        (3, title(), Font(bold=True, size=14)),
        (4, period_text(report), Font(italic=True)),
        (5, _("Unit: number of records"), Font(italic=True)),
    ):
        ws.merge_cells(f"A{row_no}:{last}{row_no}")
        cell = ws.cell(row=row_no, column=1, value=text)
        cell.font = font
        cell.alignment = CENTER
    # Header: rows 7-8, numbers row 9.
    h1, h2, numbers = 7, 8, 9
    ws.merge_cells(start_row=h1, start_column=1, end_row=h2, end_column=1)
    ws.cell(row=h1, column=1, value=_("No."))
    ws.merge_cells(start_row=h1, start_column=2, end_row=h2, end_column=2)
    ws.cell(row=h1, column=2, value=group_label(report))
    col = 3
    for text, width in group_headers():
        ws.merge_cells(start_row=h1, start_column=col, end_row=h1, end_column=col + width - 1)
        ws.cell(row=h1, column=col, value=text)
        col += width
    for offset, text in enumerate(sub_headers()):
        ws.cell(row=h2, column=3 + offset, value=text)
    for number in range(1, last_col + 1):
        ws.cell(row=numbers, column=number, value=f"({number})")
    for r in (h1, h2, numbers):
        for c in range(1, last_col + 1):
            header = ws.cell(row=r, column=c)
            header.border = BOX
            header.alignment = CENTER
            header.font = Font(bold=r != numbers, italic=r == numbers)
    r = numbers + 1
    for index, row in enumerate(report.rows, start=1):
        ws.cell(row=r, column=1, value=index)
        ws.cell(row=r, column=2, value=row_label(report, row)).alignment = LEFT
        for offset, name in enumerate(COLUMNS):
            ws.cell(row=r, column=3 + offset, value=row[name])
        for c in range(1, last_col + 1):
            ws.cell(row=r, column=c).border = BOX
        r += 1
    ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=2)
    ws.cell(row=r, column=1, value=_("Total")).alignment = CENTER
    for offset, name in enumerate(COLUMNS):
        ws.cell(row=r, column=3 + offset, value=report.totals[name])
    for c in range(1, last_col + 1):
        ws.cell(row=r, column=c).border = BOX
        ws.cell(row=r, column=c).font = Font(bold=True)
    # Signature block.
    r += 2
    ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=5)
    ws.cell(row=r, column=1, value=_("PREPARED BY")).alignment = CENTER
    ws.merge_cells(start_row=r, start_column=9, end_row=r, end_column=last_col)
    ws.cell(row=r, column=9, value=_("HEAD OF THE AGENCY")).alignment = CENTER
    ws.cell(row=r, column=1).font = ws.cell(row=r, column=9).font = Font(bold=True)
    r += 1
    for start, end in ((1, 5), (9, last_col)):
        ws.merge_cells(start_row=r, start_column=start, end_row=r, end_column=end)
        cell = ws.cell(row=r, column=start, value=_("(Sign and write full name)"))
        cell.alignment = CENTER
        cell.font = Font(italic=True)
    ws.column_dimensions["A"].width = 6
    ws.column_dimensions["B"].width = 40
    for c in range(3, last_col + 1):
        ws.column_dimensions[get_column_letter(c)].width = 12
    ws.row_dimensions[h2].height = 60
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    if ws.sheet_properties.pageSetUpPr is not None:
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    return spreadsheets.xlsx_bytes(wb)


# ---- PDF ------------------------------------------------------------------------------------------
def to_pdf(report: Report) -> bytes:
    from fpdf.enums import XPos, YPos

    from motcua.records.documents.layout import FAMILY, FormPDF

    pdf = FormPDF(title=title(), orientation="L")
    pdf.set_margins(10, 10, 10)
    pdf.set_x(10)
    pdf.set_font(FAMILY, "B", 10)
    pdf.cell(150, 5, report.scope.label)
    pdf.set_font(FAMILY, "I", 10)
    pdf.cell(0, 5, form_number(report), align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)
    pdf.set_font(FAMILY, "B", 13)
    pdf.cell(0, 7, title(), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FAMILY, "I", 10)
    pdf.cell(0, 5, period_text(report), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.cell(0, 5, _("Unit: number of records"), align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    widths = [10.0, 68.0] + [18.1] * 11
    x0, y0 = pdf.l_margin, pdf.get_y()
    pdf.set_font(FAMILY, "B", 7.5)
    # Two header rows: the first two columns span both.
    h = 7.0
    pdf.set_xy(x0, y0)
    pdf.multi_cell(widths[0], 2 * h + 12, _("No."), border=1, align="C")
    pdf.set_xy(x0 + widths[0], y0)
    pdf.multi_cell(widths[1], 2 * h + 12, group_label(report), border=1, align="C")
    x = x0 + widths[0] + widths[1]
    for text, span in group_headers():
        pdf.set_xy(x, y0)
        pdf.multi_cell(sum(widths[2 : 2 + span]), h, text, border=1, align="C")
        x += sum(widths[2 : 2 + span])
    x = x0 + widths[0] + widths[1]
    for offset, text in enumerate(sub_headers()):
        width = widths[2 + offset]
        pdf.rect(x, y0 + h, width, h + 12)
        pdf.set_xy(x, y0 + h + 1)
        pdf.multi_cell(width, 3.2, text, border=0, align="C")
        x += width
    pdf.set_xy(x0, y0 + 2 * h + 12)
    pdf.set_font(FAMILY, "I", 7.5)
    for number, width in enumerate(widths, start=1):
        pdf.cell(width, 5, f"({number})", border=1, align="C")
    pdf.ln(5)
    pdf.set_font(FAMILY, "", 8)
    for index, row in enumerate(report.rows, start=1):
        pdf.ensure_space(6)
        pdf.cell(widths[0], 6, str(index), border=1, align="C")
        label = row_label(report, row)
        while pdf.get_string_width(label) > widths[1] - 2 and len(label) > 3:
            label = label[:-2] + "…" if not label.endswith("…") else label[:-2] + "…"
        pdf.cell(widths[1], 6, label, border=1)
        for offset, name in enumerate(COLUMNS):
            pdf.cell(widths[2 + offset], 6, f"{row[name]:,}".replace(",", "."), border=1, align="R")
        pdf.ln(6)
    pdf.set_font(FAMILY, "B", 8)
    pdf.cell(widths[0] + widths[1], 6, _("Total"), border=1, align="C")
    for offset, name in enumerate(COLUMNS):
        pdf.cell(
            widths[2 + offset], 6, f"{report.totals[name]:,}".replace(",", "."), border=1, align="R"
        )
    pdf.ln(12)
    pdf.ensure_space(25)
    half = (pdf.w - pdf.l_margin - pdf.r_margin) / 2
    pdf.set_font(FAMILY, "B", 10)
    pdf.cell(half, 5, _("PREPARED BY"), align="C")
    pdf.cell(half, 5, _("HEAD OF THE AGENCY"), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FAMILY, "I", 9)
    pdf.cell(half, 5, _("(Sign and write full name)"), align="C")
    pdf.cell(half, 5, _("(Sign and write full name)"), align="C")
    return bytes(pdf.output())


def render(report: Report, fmt: str) -> bytes:
    import json

    if fmt == "json":
        return json.dumps(report.as_json(), ensure_ascii=False, indent=2).encode("utf-8")
    if fmt == "csv":
        return to_csv(report)
    if fmt == "xlsx":
        return to_xlsx(report)
    return to_pdf(report)
