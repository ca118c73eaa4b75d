"""``/api/v1/records/``: list and intake, online submissions, detail, one POST per action."""

from django.urls import path

from motcua.records.api import views

app_name = "records"

urlpatterns = [
    path("", views.RecordListView.as_view(), name="list"),
    path("online/", views.RecordOnlineView.as_view(), name="online"),
    path("<str:code>/", views.RecordDetailView.as_view(), name="detail"),
    *(
        path(f"<str:code>/actions/{view.action}/", view.as_view(), name=f"action-{view.action}")
        for view in views.ACTION_VIEWS
    ),
]
