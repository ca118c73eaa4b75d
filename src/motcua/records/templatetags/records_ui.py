"""Template helpers of the record pages: instants, money, status and timeliness badges."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from motcua.records.models import Record, Timeliness
from motcua.records.workflow import Status, national_code

register = template.Library()

STATUS_TONE: dict[str, str] = {
    Status.SUBMITTED: "info",
    Status.RECEIVED: "info",
    Status.IN_PROGRESS: "info",
    Status.SUPPLEMENT_REQUESTED: "warning",
    Status.AWAITING_PAYMENT: "warning",
    Status.APPROVED: "success",
    Status.RESULT_READY: "success",
    Status.RETURNED: "muted",
    Status.STOPPED: "danger",
    Status.WITHDRAWN: "muted",
    Status.REFUSED: "danger",
}
TIMELINESS_TONE: dict[str, str] = {
    Timeliness.EARLY: "success",
    Timeliness.ON_TIME: "success",
    Timeliness.LATE: "danger",
}


@register.filter
def instant(value: datetime | None) -> str:
    """``08:30 21/04/2025`` in the local time zone; an em dash when empty."""
    if not value:
        return "—"
    return timezone.localtime(value).strftime("%H:%M %d/%m/%Y")


@register.filter
def day(value: datetime | None) -> str:
    if not value:
        return "—"
    return timezone.localtime(value).strftime("%d/%m/%Y")


@register.filter
def vnd(value: Any) -> str:
    """``200.000 ₫`` (Vietnamese thousands separator)."""
    try:
        amount = int(value)
    except (TypeError, ValueError):
        return "—"
    return f"{amount:,}".replace(",", ".") + " ₫"


@register.simple_tag
def status_badge(status: str, *, with_code: bool = True) -> SafeString:
    """The status label in a coloured badge, with the national portal's code 1-10."""
    if not status:
        return format_html("")
    label = Status(status).label
    tone = STATUS_TONE.get(status, "muted")
    if with_code:
        return format_html(
            '<span class="badge badge-{} rc-status" title="{}">{} <span class="rc-natcode">{}</span></span>',
            tone,
            _("National status code %(code)s") % {"code": national_code(status)},
            label,
            national_code(status),
        )
    return format_html('<span class="badge badge-{}">{}</span>', tone, label)


@register.simple_tag
def timeliness_badge(value: str) -> SafeString:
    if not value:
        return format_html("")
    return format_html(
        '<span class="badge badge-{}">{}</span>',
        TIMELINESS_TONE.get(value, "muted"),
        Timeliness(value).label,
    )


@register.simple_tag
def record_link(record: Record) -> str:
    from motcua.records.views.record import record_url

    return record_url(record)


@register.filter
def hours(value: Any) -> str:
    """A working-hours budget without trailing zeros: ``24``, ``4.5``."""
    try:
        text = f"{float(value):g}"
    except (TypeError, ValueError):
        return "—"
    return text.replace(".", ",")


@register.filter
def status_label(value: str) -> str:
    """The label of a status value (events store plain values)."""
    try:
        return str(Status(value).label)
    except ValueError:
        return value or ""
