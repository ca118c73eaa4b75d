"""Tiny helpers that read settings from the environment with clear errors."""

from __future__ import annotations

import ipaddress
import os
import re

from django.core.exceptions import ImproperlyConfigured

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a number, got {raw!r}") from exc


def env_trusted_proxies(name: str) -> int | list[str]:
    """``MOTCUA_TRUSTED_PROXIES``: empty or 0 (none), a number of proxies, or a comma-separated
    list of proxy addresses and networks (``127.0.0.1,10.0.0.0/8``), checked here."""
    raw = (os.environ.get(name) or "").strip()
    if raw == "":
        return 0
    if re.fullmatch("[0-9]+", raw):  # not isdigit(): "²".isdigit() is true, int("²") raises
        return int(raw)
    entries = [item.strip() for item in raw.split(",") if item.strip()]
    for entry in entries:
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"{name} must be a number of proxies or a comma-separated list of proxy "
                f"addresses or networks, got {entry!r}"
            ) from exc
    return entries
