"""Sổ theo dõi hồ sơ (record tracking book) as an XLSX workbook, per agency and period.

The book is the desk's own register: applicants' phones are printed in clear only when the
caller says the reader may see them (``full``: reception officers of the agency, the
``records.masking`` export rule); otherwise they are masked.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins

from motcua.core import spreadsheets
from motcua.core.errors import ValidationFailed
from motcua.organisations.calendar import TZ
from motcua.organisations.models import Agency
from motcua.records import masking
from motcua.records.documents import texts
from motcua.records.documents.formatting import clean, short_date
from motcua.records.models import EventKind, Record, RecordEvent, RecordStep
from motcua.records.workflow import Status

# Column widths (characters) in the order of texts.BOOK_HEADINGS.
WIDTHS = (6, 26, 36, 9, 34, 24, 16, 16, 16, 16, 16, 12, 28)
DATE_FORMAT = "dd/mm/yyyy hh:mm"
HEADING_ROW = 5
FIRST_DATA_ROW = HEADING_ROW + 2  # a row of column numbers (1), (2)... sits under the headings
THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
WRAP_CENTER = Alignment(wrap_text=True, vertical="center", horizontal="center")
MAX_DAYS = 366 * 5


def _naive_local(instant: datetime | None) -> datetime | None:
    """Excel has no time zones: local wall-clock time in Asia/Ho_Chi_Minh."""
    return instant.astimezone(TZ).replace(tzinfo=None) if instant is not None else None


def book_records(*, agency: Agency, date_from: date, date_to: date) -> Any:
    """The records the agency received in [date_from, date_to] (local dates), in book order,
    with the transfer and result instants annotated: one query."""
    if date_from > date_to:
        raise ValidationFailed(
            _("The period must end on or after the day it starts."), field="date_to"
        )
    if (date_to - date_from).days > MAX_DAYS:
        raise ValidationFailed(
            _("The period is too long: export at most five years at a time."), field="date_from"
        )
    start = datetime.combine(date_from, time.min, tzinfo=TZ)
    end = datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=TZ)
    transferred = (
        RecordStep.objects.filter(
            record_id=OuterRef("pk"), kind=RecordStep.Kind.MAIN, unit__is_one_stop_desk=False
        )
        .order_by("started_at", "id")
        .values("started_at")[:1]
    )
    result_back = (
        RecordEvent.objects.filter(record_id=OuterRef("pk"), kind=EventKind.RESULT_READY)
        .order_by("at", "id")
        .values("at")[:1]
    )
    return (
        Record.objects.filter(agency_id=agency.pk, received_at__gte=start, received_at__lt=end)
        .select_related("procedure_version", "handling_agency")
        .annotate(transferred_at=Subquery(transferred), result_back_at=Subquery(result_back))
        .order_by("received_at", "id")
    )


def _notes(record: Record) -> str:
    notes = []
    if record.status == Status.STOPPED:
        notes.append(texts.BOOK_NOTES["stopped"].format(reason=clean(record.stop_reason)))
    elif record.status == Status.WITHDRAWN:
        notes.append(texts.BOOK_NOTES["withdrawn"].format(reason=clean(record.stop_reason)))
    if record.supplement_count:
        notes.append(texts.BOOK_NOTES["supplements"].format(count=record.supplement_count))
    if record.extension_count:
        notes.append(texts.BOOK_NOTES["extensions"].format(count=record.extension_count))
    if record.timeliness:
        label = texts.TIMELINESS.get(record.timeliness, record.timeliness)
        notes.append(texts.BOOK_NOTES["timeliness"].format(label=label))
    return "; ".join(notes)


def _applicant(record: Record, *, full: bool) -> str:
    phone = clean(record.applicant_phone)
    lines = [
        clean(record.applicant_name),
        clean(record.applicant_address),
        phone if full else masking.mask_phone(phone),
    ]
    return "\n".join(line for line in lines if line)


def tracking_book_xlsx(
    *, agency: Agency, date_from: date, date_to: date, full: bool = False
) -> bytes:
    """The tracking book of ``agency`` for records received from ``date_from`` to ``date_to``;
    phones masked unless ``full`` (``masking.sees_full(user, place=Place.EXPORT, ...)``)."""
    records = book_records(agency=agency, date_from=date_from, date_to=date_to)
    workbook = Workbook(write_only=False)
    sheet = workbook.create_sheet(index=0)
    for other in workbook.worksheets[1:]:
        workbook.remove(other)
    sheet.title = texts.BOOK_SHEET
    columns = len(texts.BOOK_HEADINGS)
    last = get_column_letter(columns)
    for row, text, font in (
        (1, texts.BOOK_TITLE, Font(bold=True, size=14)),
        (2, clean(agency.name).upper(), Font(bold=True, size=12)),
        (
            3,
            texts.BOOK_PERIOD.format(start=short_date(date_from), end=short_date(date_to)),
            Font(italic=True),
        ),
    ):
        sheet.merge_cells(f"A{row}:{last}{row}")
        cell = sheet.cell(row=row, column=1, value=text)
        cell.font = font
        cell.alignment = Alignment(horizontal="center")
    for column, (heading, width) in enumerate(
        zip(texts.BOOK_HEADINGS, WIDTHS, strict=True), start=1
    ):
        sheet.column_dimensions[get_column_letter(column)].width = width
        cell = sheet.cell(row=HEADING_ROW, column=column, value=heading)
        cell.font = Font(bold=True)
        cell.alignment = WRAP_CENTER
        cell.border = BOX
        cell.fill = PatternFill("solid", fgColor="E7E6E6")
        number = sheet.cell(row=HEADING_ROW + 1, column=column, value=f"({column})")
        number.font = Font(italic=True, size=9)
        number.alignment = WRAP_CENTER
        number.border = BOX
    sheet.row_dimensions[HEADING_ROW].height = 64

    row = FIRST_DATA_ROW
    for index, record in enumerate(records.iterator(chunk_size=2000), start=1):
        values = (
            index,
            clean(record.code),
            clean(record.procedure_version.name),
            record.sets,
            _applicant(record, full=full),
            clean(record.handling_agency.name),
            _naive_local(record.received_at),
            _naive_local(record.due_at),
            _naive_local(record.transferred_at),  # type: ignore[attr-defined]
            _naive_local(record.result_back_at),  # type: ignore[attr-defined]
            _naive_local(record.returned_at),
            "",
            _notes(record),
        )
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=column, value=value)
            cell.border = BOX
            cell.alignment = WRAP_TOP
            if isinstance(value, datetime):
                cell.number_format = DATE_FORMAT
        row += 1

    sheet.freeze_panes = f"A{FIRST_DATA_ROW}"
    sheet.print_title_rows = f"{HEADING_ROW}:{HEADING_ROW + 1}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True  # type: ignore[union-attr]
    sheet.page_margins = PageMargins(left=0.4, right=0.4, top=0.5, bottom=0.5)
    workbook.properties.title = texts.BOOK_TITLE
    workbook.properties.creator = "motcua"
    return spreadsheets.xlsx_bytes(workbook)
