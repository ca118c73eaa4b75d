"""Printable forms of the record lifecycle (domain.md §1.2; docs/forms.md).

Each function takes model instances and returns the document's bytes; views serve them.
"""

from motcua.records.documents.control_sheet import HandOver, control_sheet_pdf, control_sheet_rows
from motcua.records.documents.fonts import resolve_fonts
from motcua.records.documents.notices import extension_pdf, stop_notice_pdf
from motcua.records.documents.receipt import receipt_pdf
from motcua.records.documents.slips import (
    desk_slip_pdf,
    guidance_slip_pdf,
    refusal_notice_pdf,
    refusal_slip_pdf,
    supplement_request_pdf,
)
from motcua.records.documents.tracking_book import book_records, tracking_book_xlsx

__all__ = [
    "HandOver",
    "book_records",
    "control_sheet_pdf",
    "control_sheet_rows",
    "desk_slip_pdf",
    "extension_pdf",
    "guidance_slip_pdf",
    "receipt_pdf",
    "refusal_notice_pdf",
    "refusal_slip_pdf",
    "resolve_fonts",
    "stop_notice_pdf",
    "supplement_request_pdf",
    "tracking_book_xlsx",
]
