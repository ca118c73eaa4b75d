"""The lag alert on the work desk (core.hooks HOME_ALERTS)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from motcua.exchange import permissions, selectors


@dataclass(frozen=True)
class HomeAlert:
    level: str
    message: str
    url: str = ""
    link_label: str = ""


def home_alerts(*, request: Any) -> list[HomeAlert]:
    if not permissions.can_monitor(request.user):
        return []
    return [
        HomeAlert(
            level="warning",
            message=_(
                "Event deliveries to “%(name)s” are late: %(count)d waiting, the oldest for "
                "%(minutes)d minutes."
            )
            % {"name": lag.subscriber.name, "count": lag.waiting, "minutes": lag.minutes},
            url=reverse("exchange:reconciliation"),
            link_label=_("Open the reconciliation"),
        )
        for lag in selectors.lagging_subscribers()
    ]
