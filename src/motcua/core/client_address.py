"""The client's address: the one function the sign-in lockout, the audit log, the API rate
limits, the citizen lookup limits and the access log read it through (docs/security.md).

``MOTCUA_TRUSTED_PROXIES`` (docs/configuration.md) says where it comes from:

- ``0`` (the default): the connection's address, ``REMOTE_ADDR``. ``X-Forwarded-For`` is
  ignored, whatever a client writes in it.
- a number N: the site is reached only through N reverse proxies, each appending the address it
  saw to ``X-Forwarded-For``; the client's address is the N-th entry from the right (the left-most
  when there are fewer). The entries on the left are the client's own and never read.
- a list of proxy addresses or networks: when the connection comes from one of them, the entries
  are read from the right, skipping the listed proxies; the first other address is the client's.
  A connection from anywhere else keeps its own address.

An entry that is not an IP address where a proxy should have written one stops the reading: the
last address known to be real is used. Addresses are returned in one canonical spelling.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

from django.conf import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _canonical(value: str) -> str:
    """``value`` as an IP address in its canonical spelling, or "" when it is not one."""
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return ""


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _is_proxy(address: str, networks: Iterable[Network]) -> bool:
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(parsed in network for network in networks)


def client_address(meta: Mapping[str, Any]) -> str:
    """The client's address from a request's ``META`` (or a WSGI environ); "" when unknown."""
    remote = str(meta.get("REMOTE_ADDR") or "").strip()[:64]
    trusted = getattr(settings, "MOTCUA_TRUSTED_PROXIES", 0) or 0
    if not trusted:
        return remote
    forwarded = [part.strip() for part in str(meta.get("HTTP_X_FORWARDED_FOR") or "").split(",")]
    if forwarded == [""]:
        return remote
    if isinstance(trusted, int):
        return _canonical(forwarded[-min(trusted, len(forwarded))]) or remote
    networks = _networks(tuple(trusted))
    if not _is_proxy(remote, networks):
        return remote
    address = remote
    for entry in reversed(forwarded):
        entry = _canonical(entry)
        if not entry:
            break
        address = entry
        if not _is_proxy(entry, networks):
            break
    return address


def client_ip(request: Any) -> str:
    """The client's address of a Django (or DRF) request; "" when unknown."""
    return client_address(request.META)


def rate_key(address: str) -> str:
    """The key a client is counted under by the citizen lookup limits (public.ratelimit) and the
    sign-in lockout (core.lockout): an IPv6 address stands for its /64 network, written as the
    network's first address (``2001:db8:1:2::``), since a subscriber usually holds a whole /64 and
    may rotate through it; an IPv4 address (or an IPv4-mapped IPv6 one) for itself. Anything else
    is returned unchanged. The audit log keeps the full address (``client_ip``)."""
    try:
        parsed = ipaddress.ip_address(address.strip())
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network((parsed, 64), strict=False).network_address)
    return str(parsed)


def client_key(request: Any) -> str:
    """``rate_key`` of the request's client address; "" when unknown."""
    return rate_key(client_ip(request))
