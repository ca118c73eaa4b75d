from django.urls import path

from motcua.reporting.api.views import SettlementReportView

urlpatterns = [
    path("settlement", SettlementReportView.as_view(), name="report-settlement"),
]
