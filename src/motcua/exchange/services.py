"""Writes of the exchange app: resending deliveries."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.errors import ValidationFailed
from motcua.core.models import User
from motcua.exchange import permissions
from motcua.exchange.models import Delivery, DeliveryState

RESENDABLE = (DeliveryState.FAILED, DeliveryState.DEAD, DeliveryState.DELIVERED)


@transaction.atomic
def delivery_resend(*, actor: User, delivery_ids: Iterable[int]) -> int:
    """Queue deliveries again, now, with a fresh attempt budget. Failed and dead deliveries are
    retried; delivered ones are sent once more (the receiver de-duplicates by event id).
    Pending ones are left alone. Returns how many were queued."""
    permissions.ensure_can_monitor(actor)
    ids = sorted({int(pk) for pk in delivery_ids})
    if not ids:
        raise ValidationFailed(_("Choose at least one delivery to resend."))
    rows = Delivery.objects.select_for_update().filter(pk__in=ids)
    found = {row.pk: row for row in rows}
    missing = [pk for pk in ids if pk not in found]
    if missing:
        raise ValidationFailed(
            _("Unknown deliveries: %(ids)s.") % {"ids": ", ".join(map(str, missing))}
        )
    resend = [pk for pk, row in found.items() if row.state in RESENDABLE]
    return Delivery.objects.filter(pk__in=resend).update(
        state=DeliveryState.PENDING,
        attempts=0,
        next_attempt_at=timezone.now(),
        leased_until=None,
        lease_token=None,
        delivered_at=None,
        last_error=_("Resent by %(user)s") % {"user": actor.get_username()},
    )
