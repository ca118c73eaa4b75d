"""The citizen's pages: lookup, evaluation, public satisfaction figures (no login) and the counter
kiosk (a reception officer signed in). The URLs are
Vietnamese because they are printed on paper (receipt QR codes) and typed by citizens."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from motcua.core.nav import Section, nav_register
from motcua.evaluation.permissions import KIOSK_ROLES
from motcua.public import kiosk, views

app_name = "public"

urlpatterns = [
    path("tra-cuu/", views.lookup_form, name="lookup_form"),
    path("tra-cuu/<str:code>", views.lookup_page, name="lookup"),
    path("danh-gia/<str:code>", views.evaluation_page, name="evaluation"),
    path("cong-khai/hai-long/", views.satisfaction_figures, name="figures"),
    path("kiosk/", kiosk.kiosk, name="kiosk"),
    path("kiosk/evaluate/", kiosk.kiosk_submit, name="kiosk_submit"),
]

nav_register(
    section=Section.INTAKE,
    label=_("Evaluation kiosk"),
    url_name="public:kiosk",
    roles=KIOSK_ROLES,
    order=50,
)
