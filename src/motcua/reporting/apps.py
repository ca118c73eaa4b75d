from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "motcua.reporting"
    label = "reporting"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from motcua.core.nav import Section, nav_register
        from motcua.organisations.models import Role

        nav_register(
            section=Section.REPORTS,
            label=_("Settlement report"),
            url_name="reporting:settlement",
            roles=list(Role.values),
        )
        nav_register(
            section=Section.REPORTS,
            label=_("Dashboard"),
            url_name="reporting:dashboard",
            roles=list(Role.values),
            order=50,
        )
