"""URLs of the officer pages (namespace ``records``). Each record action has its own URL
``records:<action>`` (``/records/<code>/<action>/``) and, for online submissions that have no
code until the desk receives them, ``records:<action>_by_id`` (``/records/online/<id>/<action>/``)."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from motcua.core.nav import Section, nav_register
from motcua.organisations.models import Role
from motcua.records import views
from motcua.records.permissions import BOOK_KEEPERS
from motcua.records.selectors_ui import QUEUE_DUE_SOON, QUEUE_MINE, QUEUE_OVERDUE, QUEUE_UNIT

app_name = "records"

urlpatterns = [
    path("", views.queue_view, {"queue": QUEUE_MINE}, name="queue_mine"),
    path("queue/unit/", views.queue_view, {"queue": QUEUE_UNIT}, name="queue_unit"),
    path("queue/due-soon/", views.queue_view, {"queue": QUEUE_DUE_SOON}, name="queue_due_soon"),
    path("queue/overdue/", views.queue_view, {"queue": QUEUE_OVERDUE}, name="queue_overdue"),
    path("search/", views.record_search, name="search"),
    path("intake/", views.intake, name="intake"),
    path("intake/checklist/", views.intake_checklist, name="intake_checklist"),
    path("submissions/", views.submissions, name="submissions"),
    path("tracking-book/", views.tracking_book, name="tracking_book"),
    path("slips/<int:pk>/", views.slip_detail, name="slip"),
    path("slips/<int:pk>/slip.pdf", views.slip_pdf, name="slip_pdf"),
    path("online/<int:pk>/", views.record_detail, name="detail_by_id"),
    path("online/<int:pk>/refusal.pdf", views.refusal_notice_pdf, name="refusal_notice_pdf"),
    path("<str:code>/receipt.pdf", views.receipt_pdf, name="receipt_pdf"),
    path("<str:code>/control-sheet.pdf", views.control_sheet_pdf, name="control_sheet_pdf"),
    path("<str:code>/stop-notice.pdf", views.stop_notice_pdf, name="stop_notice_pdf"),
    path("<str:code>/supplements/<int:number>.pdf", views.supplement_pdf, name="supplement_pdf"),
    path("<str:code>/extensions/<int:number>.pdf", views.extension_pdf, name="extension_pdf"),
    path("<str:code>/", views.record_detail, name="detail"),
]
for _action in views.SPECS:
    _segment = _action.replace("_", "-")
    urlpatterns += [
        path(f"<str:code>/{_segment}/", views.record_action, {"action": _action}, name=_action),
        path(
            f"online/<int:pk>/{_segment}/",
            views.record_action,
            {"action": _action},
            name=f"{_action}_by_id",
        ),
    ]


# ---- navigation -----------------------------------------------------------------------------------
_PROCESSORS = [Role.SPECIALIST, Role.UNIT_HEAD, Role.AGENCY_LEADER, Role.RECEPTION]
nav_register(
    section=Section.WORK,
    label=_("My queue"),
    url_name="records:queue_mine",
    roles=_PROCESSORS,
    order=10,
)
nav_register(
    section=Section.WORK,
    label=_("My unit's queue"),
    url_name="records:queue_unit",
    roles=_PROCESSORS,
    order=20,
)
nav_register(
    section=Section.WORK,
    label=_("Due soon"),
    url_name="records:queue_due_soon",
    roles=_PROCESSORS,
    order=30,
)
nav_register(
    section=Section.WORK,
    label=_("Overdue"),
    url_name="records:queue_overdue",
    roles=_PROCESSORS,
    order=40,
)
nav_register(
    section=Section.INTAKE,
    label=_("Receive a dossier"),
    url_name="records:intake",
    roles=[Role.RECEPTION],
    order=10,
)
nav_register(
    section=Section.INTAKE,
    label=_("Online submissions"),
    url_name="records:submissions",
    roles=[Role.RECEPTION],
    order=20,
)
nav_register(
    section=Section.RECORDS, label=_("Search records"), url_name="records:search", order=10
)
nav_register(
    section=Section.RECORDS,
    label=_("Record tracking book"),
    url_name="records:tracking_book",
    roles=sorted(BOOK_KEEPERS),
    order=20,
)
