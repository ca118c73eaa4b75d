"""Officer pages of the evaluation app (namespace ``evaluation``): the satisfaction reports at
``/evaluation/reports/`` (included at the root)."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from motcua.core.nav import Section, nav_register
from motcua.evaluation import views
from motcua.evaluation.permissions import REPORT_ROLES

app_name = "evaluation"

urlpatterns = [
    path("evaluation/reports/", views.report, name="report"),
    path("evaluation/card/", views.evaluation_card, name="card"),
]

nav_register(
    section=Section.REPORTS,
    label=_("Citizen satisfaction"),
    url_name="evaluation:report",
    roles=REPORT_ROLES,
    order=40,
)
