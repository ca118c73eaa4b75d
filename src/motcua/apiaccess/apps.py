from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiAccessConfig(AppConfig):
    name = "motcua.apiaccess"
    label = "apiaccess"
    verbose_name = _("API access")

    def ready(self) -> None:
        from motcua.apiaccess import schema  # noqa: F401  (registers the OpenAPI extension)
