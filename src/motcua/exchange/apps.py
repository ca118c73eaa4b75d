from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "motcua.exchange"
    label = "exchange"
    verbose_name = _("Data exchange")

    def ready(self) -> None:
        from motcua.core.hooks import HOME_ALERTS, RECORD_EVENT_ADDED, hook_register
        from motcua.core.nav import Section, nav_register
        from motcua.exchange import alerts, outbox
        from motcua.exchange.kinds import register_kind
        from motcua.exchange.kinds.national_portal import NationalPortalKind
        from motcua.exchange.kinds.webhook import WebhookKind
        from motcua.organisations.models import Role

        register_kind(WebhookKind())
        register_kind(NationalPortalKind())
        hook_register(RECORD_EVENT_ADDED, outbox.on_record_event)
        hook_register(HOME_ALERTS, alerts.home_alerts)
        nav_register(
            section=Section.ADMINISTRATION,
            label=_("Event deliveries"),
            url_name="exchange:reconciliation",
            roles=[Role.SYSTEM_ADMIN],
            order=30,
        )
