from django.urls import path

from motcua.reporting.api.views import RecordImportView

urlpatterns = [path("records", RecordImportView.as_view(), name="import-records")]
