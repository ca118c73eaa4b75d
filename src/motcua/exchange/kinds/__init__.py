"""The registry of subscriber kinds: how an event reaches one kind of subscriber.

A kind is a class with a ``key``, a translated ``label`` and ``open_channel(subscriber)``, which
returns a channel whose ``send(delivery)`` performs one delivery and returns an ``Outcome``. A
worker keeps one channel per subscriber while it runs (HTTP keep-alive, portal sessions). New
kinds (e-mail, SMS, chat) register themselves in their app's ``AppConfig.ready()``::

    from motcua.exchange.kinds import SubscriberKind, register_kind

    class SmsKind(SubscriberKind):
        key = "sms"
        label = _("SMS to the applicant")

        def open_channel(self, subscriber): ...

    register_kind(SmsKind())
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from django.utils.functional import Promise

if TYPE_CHECKING:
    from motcua.exchange.models import Delivery, Subscriber


@dataclass(frozen=True)
class Outcome:
    ok: bool
    status_code: int | None = None
    error: str = ""
    # The subscriber itself is unreachable (connection refused, 5xx, timeout): the worker stops
    # sending it more deliveries in this round and retries them later, without spending attempts.
    subscriber_down: bool = False


class Channel(Protocol):
    def send(self, delivery: Delivery) -> Outcome: ...

    def close(self) -> None: ...


class SubscriberKind:
    key: str = ""
    label: str | Promise = ""

    def wants(self, subscriber: Subscriber, event: Any) -> bool:
        """Whether ``subscriber`` gets this record event (inside the move's transaction)."""
        return not subscriber.event_kinds or event.kind in subscriber.event_kinds

    def check_subscriber(self, subscriber: Subscriber) -> None:
        """Raise django ``ValidationError`` when the subscriber's settings are unusable."""

    def open_channel(self, subscriber: Subscriber, *, timeout: float) -> Channel:
        raise NotImplementedError


_kinds: dict[str, SubscriberKind] = {}


def register_kind(kind: SubscriberKind) -> SubscriberKind:
    if not kind.key:
        raise ValueError("A subscriber kind needs a key")
    _kinds[kind.key] = kind
    return kind


def get_kind(key: str) -> SubscriberKind | None:
    return _kinds.get(key)


def kind_choices() -> list[tuple[str, str]]:
    return [(key, str(kind.label)) for key, kind in sorted(_kinds.items())]
