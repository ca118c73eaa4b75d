"""The public transparency page (no sign-in), mounted at ``/cong-khai/``."""

from django.urls import path

from motcua.reporting import views

app_name = "reporting_public"

urlpatterns = [path("ket-qua/", views.transparency, name="transparency")]
