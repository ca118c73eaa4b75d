"""The lag alert on the work desk (core.hooks HOME_ALERTS)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from motcua.exchange import selectors


@dataclass(frozen=True)
class HomeAlert:
    level: str
    message: str
    url: str = ""
    link_label: str = ""


def _is_monitor(request: Any) -> bool:
    """permissions.can_monitor from the roles the page already read (no extra query)."""
    from motcua.core.nav import request_staff_roles
    from motcua.organisations.models import Role

    user = request.user
    if not user.is_authenticated:
        return False
    return bool(user.is_superuser) or any(
        row.role == Role.SYSTEM_ADMIN for row in request_staff_roles(request)
    )


def home_alerts(*, request: Any) -> list[HomeAlert]:
    if not _is_monitor(request):
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
