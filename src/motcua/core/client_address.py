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
last address known to be real is used. Addresses are returned in one canonical spelling, an
IPv4 client seen through a dual-stack socket (``::ffff:192.0.2.1``) as its IPv4 address, also
when the proxies are matched. Without a usable address (no ``REMOTE_ADDR``, or a Unix socket's)
the answer is ``UNKNOWN`` ("0.0.0.0"), the one spelling every caller uses.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

from django.conf import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address

# "No usable address": no REMOTE_ADDR, or one that is not an IP address (a Unix socket). Every
# such client shares this one spelling (one lockout pair, one rate-limit bucket); it is an IP
# address so that django-axes can store it, and it is never bound.
UNKNOWN = "0.0.0.0"  # noqa: S104 - a placeholder, never bound


def _parse(value: str) -> Address | None:
    """``value`` as an IP address, an IPv4-mapped IPv6 address (``::ffff:10.0.0.1``, what a
    dual-stack socket reports for an IPv4 client) as its IPv4 address; None when not one."""
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _canonical(value: str) -> str:
    """``value`` as an IP address in its canonical spelling, or "" when it is not one."""
    address = _parse(value)
    return str(address) if address is not None else ""


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    networks = []
    for entry in entries:
        network = ipaddress.ip_network(entry, strict=False)
        if (
            isinstance(network, ipaddress.IPv6Network)
            and network.network_address.ipv4_mapped is not None
        ):
            # ::ffff:10.0.0.0/104 written for a dual-stack bind: the IPv4 network it maps.
            mapped = network.network_address.ipv4_mapped
            network = ipaddress.ip_network(
                f"{mapped}/{max(0, network.prefixlen - 96)}", strict=False
            )
        networks.append(network)
    return tuple(networks)


def _is_proxy(address: str, networks: Iterable[Network]) -> bool:
    parsed = _parse(address)
    return parsed is not None and any(parsed in network for network in networks)


def client_address(meta: Mapping[str, Any]) -> str:
    """The client's address from a request's ``META`` (or a WSGI environ), canonical; ``UNKNOWN``
    when there is no usable one."""
    remote = _canonical(str(meta.get("REMOTE_ADDR") or "")[:64]) or UNKNOWN
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
    """The client's address of a Django (or DRF) request; ``UNKNOWN`` when there is none."""
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
    """``rate_key`` of the request's client address; ``UNKNOWN`` when there is none."""
    return rate_key(client_ip(request))
