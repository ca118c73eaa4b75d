from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiAccessConfig(AppConfig):
    name = "motcua.apiaccess"
    label = "apiaccess"
    verbose_name = _("API access")
