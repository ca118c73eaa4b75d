"""``/api/v1/inbound/``: records posted by the national portal or the provincial hub."""

from django.urls import path

from motcua.apiaccess.api import views

app_name = "inbound"

urlpatterns = [path("records", views.InboundRecordView.as_view(), name="records")]
