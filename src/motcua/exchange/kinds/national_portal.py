"""The national public service portal (DVCQG) sync adapter, domain.md §2.3.

Session authentication: POST ``{username, password}`` to ``url + auth_endpoint``; the answer
carries ``session`` and ``error_code == 0``. Every call then POSTs ``{session, madonvi, service,
...}`` to ``url + service_endpoint``; success is ``error_code == "00"``. An expired session
(HTTP 401 or an ``error_code`` listed in ``session_expired_codes``) is renewed once and the call
repeated. Per event: ``DongBoHoSoMC`` (the whole record) when the national status changed or the
portal has not seen the record yet, then ``CapNhatTienDoHoSoMC`` (the move). Both are
idempotent by record code, so a retry repeats them safely.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.exchange.http import HttpClient, HttpError, Response
from motcua.exchange.kinds import Outcome, SubscriberKind

if TYPE_CHECKING:
    from motcua.exchange.models import Delivery, Subscriber

DEFAULT_OPTIONS: dict[str, Any] = {
    "auth_endpoint": "/auth",
    "service_endpoint": "/service",
    "madonvi": "",
    "session_expired_codes": ["-1", "401", "403"],
    "session_ttl_seconds": 1800,
}


class PortalError(Exception):
    def __init__(self, message: str, *, status: int | None = None, down: bool = False) -> None:
        super().__init__(message)
        self.status = status
        self.down = down


class SessionExpired(Exception):
    pass


def _code(value: Any) -> str:
    return "" if value is None else str(value).strip()


class NationalPortalChannel:
    def __init__(self, subscriber: Subscriber, *, timeout: float) -> None:
        self.subscriber = subscriber
        self.options = {**DEFAULT_OPTIONS, **(subscriber.options or {})}
        base = subscriber.url.rstrip("/")
        self.auth_url = base + str(self.options["auth_endpoint"])
        self.service_url = base + str(self.options["service_endpoint"])
        self.expired_codes = {str(c) for c in self.options["session_expired_codes"]}
        self.client = HttpClient(timeout=timeout)
        self.session: str | None = None
        self.session_at = 0.0
        self.logins = 0

    # -- protocol -----------------------------------------------------------------------------
    def _post(self, url: str, payload: dict[str, Any]) -> Response:
        try:
            answer = self.client.post_json(url, payload)
        except HttpError as exc:
            raise PortalError(str(exc), down=True) from exc
        if answer.status >= 500:
            raise PortalError(f"HTTP {answer.status}", status=answer.status, down=True)
        return answer

    def login(self) -> str:
        answer = self._post(
            self.auth_url,
            {"username": self.subscriber.username, "password": self.subscriber.secret},
        )
        try:
            data = answer.json()
        except ValueError as exc:
            raise PortalError(f"HTTP {answer.status}: not JSON", status=answer.status) from exc
        if answer.status != 200 or _code(data.get("error_code")) != "0" or not data.get("session"):
            raise PortalError(
                f"login refused: HTTP {answer.status} error_code={data.get('error_code')!r} "
                f"{data.get('message', '')}",
                status=answer.status,
            )
        self.session = str(data["session"])
        self.session_at = time.monotonic()
        self.logins += 1
        return self.session

    def _session(self) -> str:
        ttl = float(self.options["session_ttl_seconds"])
        if self.session is None or time.monotonic() - self.session_at > ttl:
            return self.login()
        return self.session

    def _call_once(self, service: str, madonvi: str, extra: dict[str, Any]) -> dict[str, Any]:
        payload = {"session": self._session(), "madonvi": madonvi, "service": service, **extra}
        answer = self._post(self.service_url, payload)
        if answer.status == 401:
            raise SessionExpired
        try:
            data = answer.json()
        except ValueError as exc:
            raise PortalError(
                f"{service}: HTTP {answer.status}, not JSON", status=answer.status
            ) from exc
        code = _code(data.get("error_code"))
        if code in self.expired_codes:
            raise SessionExpired
        if answer.status != 200 or code != "00":
            raise PortalError(
                f"{service}: HTTP {answer.status} error_code={code!r} {data.get('message', '')}",
                status=answer.status,
            )
        return dict(data)

    def call(self, service: str, madonvi: str, **extra: Any) -> dict[str, Any]:
        try:
            return self._call_once(service, madonvi, extra)
        except SessionExpired:
            self.session = None
            try:
                return self._call_once(service, madonvi, extra)
            except SessionExpired as exc:
                raise PortalError(f"{service}: session refused right after login") from exc

    # -- one delivery -------------------------------------------------------------------------
    def send(self, delivery: Delivery) -> Outcome:
        from motcua.exchange import national
        from motcua.exchange.models import NationalSyncState
        from motcua.records.models import RecordEvent

        outbox_event = delivery.event
        record = national.load_record(outbox_event.record_id)
        event = RecordEvent.objects.select_related(
            "actor", "step__unit", "from_unit", "to_unit"
        ).get(pk=outbox_event.record_event_id)
        madonvi = str(self.options["madonvi"]) or national.agency_code(record.agency)
        state = NationalSyncState.objects.filter(
            subscriber=self.subscriber, record_id=record.pk
        ).first()
        try:
            if state is None or national.status_changed(event):
                self.call(
                    "DongBoHoSoMC",
                    madonvi,
                    isUpdating="True" if state else "False",
                    data=[national.dong_bo_ho_so(record)],
                )
                now = timezone.now()
                NationalSyncState.objects.update_or_create(
                    subscriber=self.subscriber,
                    record_id=record.pk,
                    defaults={"last_synced_at": now, "last_national_code": record.national_code},
                    create_defaults={
                        "first_synced_at": now,
                        "last_synced_at": now,
                        "last_national_code": record.national_code,
                    },
                )
            self.call(
                "CapNhatTienDoHoSoMC", madonvi, data=[national.cap_nhat_tien_do(record, event)]
            )
        except PortalError as exc:
            return Outcome(
                ok=False, status_code=exc.status, error=str(exc)[:500], subscriber_down=exc.down
            )
        return Outcome(ok=True, status_code=200)

    def close(self) -> None:
        self.client.close()


class NationalPortalKind(SubscriberKind):
    key = "national_portal"
    label = _("National public service portal (DVCQG sync)")

    def check_subscriber(self, subscriber: Subscriber) -> None:
        if not subscriber.username or not subscriber.secret:
            raise ValidationError(
                {"username": _("Give the account name and password of the national portal.")}
            )
        unknown = set(subscriber.options or {}) - set(DEFAULT_OPTIONS)
        if unknown:
            raise ValidationError(
                {
                    "options": _("Unknown options: %(names)s. Known: %(known)s.")
                    % {"names": ", ".join(sorted(unknown)), "known": ", ".join(DEFAULT_OPTIONS)}
                }
            )

    def open_channel(self, subscriber: Subscriber, *, timeout: float) -> NationalPortalChannel:
        return NationalPortalChannel(subscriber, timeout=timeout)
