"""The report pages (namespace ``reporting``)."""

from django.urls import path

from motcua.reporting import views

app_name = "reporting"

urlpatterns = [
    path("settlement/", views.settlement, name="settlement"),
    path("settlement/records/", views.settlement_records, name="settlement_records"),
    path("settlement/export.csv", views.settlement_export, {"fmt": "csv"}, name="settlement_csv"),
    path(
        "settlement/export.xlsx",
        views.settlement_export,
        {"fmt": "xlsx"},
        name="settlement_xlsx",
    ),
    path("settlement/export.pdf", views.settlement_export, {"fmt": "pdf"}, name="settlement_pdf"),
]
urlpatterns += [path("dashboard/", views.dashboard_view, name="dashboard")]
