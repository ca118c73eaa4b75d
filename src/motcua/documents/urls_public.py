"""The public verification page, mounted at the site root: /xac-minh/ and /xac-minh/<code>
(the QR code printed on every result document)."""

from django.urls import path

from motcua.documents import views

app_name = "verification"

urlpatterns = [
    path("xac-minh/", views.verify, name="page"),
    path("xac-minh/<str:code>", views.verify, name="code"),
]
