"""``/api/v1/public/``: anonymous endpoints for citizens."""

from django.urls import path

from motcua.public.api import views

app_name = "public"

urlpatterns = [
    path("lookup", views.PublicLookupView.as_view(), name="lookup"),
]
