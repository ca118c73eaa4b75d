"""Officer pages of the records app (htmx): queues, record page and actions, the desk."""

from motcua.records.views.intake import intake, intake_checklist, slip_detail, submissions
from motcua.records.views.queues import queue_view, record_search
from motcua.records.views.record import SPECS, record_action, record_detail

__all__ = [
    "SPECS",
    "intake",
    "intake_checklist",
    "queue_view",
    "record_action",
    "record_detail",
    "record_search",
    "slip_detail",
    "submissions",
]
