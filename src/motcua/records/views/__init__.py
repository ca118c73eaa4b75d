"""Officer pages of the records app (htmx): queues, record page and actions, the desk."""

from motcua.records.views.documents import (
    control_sheet_pdf,
    extension_pdf,
    receipt_pdf,
    refusal_notice_pdf,
    slip_pdf,
    stop_notice_pdf,
    supplement_pdf,
    tracking_book,
)
from motcua.records.views.intake import intake, intake_checklist, slip_detail, submissions
from motcua.records.views.queues import queue_view, record_search
from motcua.records.views.record import SPECS, record_action, record_detail

__all__ = [
    "SPECS",
    "control_sheet_pdf",
    "extension_pdf",
    "receipt_pdf",
    "refusal_notice_pdf",
    "slip_pdf",
    "stop_notice_pdf",
    "supplement_pdf",
    "intake",
    "intake_checklist",
    "queue_view",
    "record_action",
    "record_detail",
    "record_search",
    "slip_detail",
    "submissions",
    "tracking_book",
]
