"""Decide which addresses a webhook may be sent to: public ones only, unless a site is allow-listed for loopback.

Our own block-list rather than `ipaddress.is_global` alone: Python calls NAT64 (64:ff9b::/96) and
6to4 (2002::/16) addresses global even when they embed 10.0.0.1, so embedded IPv4 addresses are
unwrapped and checked as IPv4 themselves. `advocate` would do this for requests but has had no
release since 2020.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Sequence

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Sequence[str]]

_BLOCKED_V4 = tuple(
    ipaddress.IPv4Network(net)
    for net in (
        "0.0.0.0/8",  # "this network"
        "10.0.0.0/8",
        "100.64.0.0/10",  # carrier-grade NAT
        "127.0.0.0/8",
        "169.254.0.0/16",  # link-local, cloud metadata
        "172.16.0.0/12",
        "192.0.0.0/24",  # IETF protocol assignments
        "192.0.2.0/24",  # documentation
        "192.88.99.0/24",  # 6to4 relay anycast
        "192.168.0.0/16",
        "198.18.0.0/15",  # benchmarking
        "198.51.100.0/24",  # documentation
        "203.0.113.0/24",  # documentation
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, and broadcast
    )
)
_BLOCKED_V6 = tuple(
    ipaddress.IPv6Network(net)
    for net in (
        "::/128",
        "::1/128",
        "100::/64",  # discard-only
        "2001::/23",  # IETF protocol assignments (Teredo, ORCHID, benchmarking)
        "2001:db8::/32",  # documentation
        "fc00::/7",  # unique local
        "fe80::/10",  # link-local
        "fec0::/10",  # old site-local
        "ff00::/8",  # multicast
    )
)
_LOOPBACK_V4 = ipaddress.IPv4Network("127.0.0.0/8")
_MAPPED = ipaddress.IPv6Network("::ffff:0:0/96")
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.IPv6Network("64:ff9b:1::/48")
_SIX_TO_FOUR = ipaddress.IPv6Network("2002::/16")
_COMPATIBLE = ipaddress.IPv6Network("::/96")  # deprecated IPv4-compatible form, ::a.b.c.d


class RefusedDestination(Exception):
    """The URL's host resolves to no address a webhook may be sent to."""


def embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """Return the IPv4 address an IPv6 address carries (mapped, compatible, NAT64, 6to4), if any."""
    if address in _MAPPED:
        return address.ipv4_mapped
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address in _SIX_TO_FOUR:
        return address.sixtofour
    if address in _COMPATIBLE and int(address) > 1:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def is_loopback(address: IPAddress) -> bool:
    """Return whether the address is loopback, in any form (::1, 127/8, ::ffff:127.0.0.1)."""
    if isinstance(address, ipaddress.IPv6Address):
        inner = embedded_ipv4(address)
        return address == ipaddress.IPv6Address("::1") or (inner is not None and inner in _LOOPBACK_V4)
    return address in _LOOPBACK_V4


def is_public(address: IPAddress) -> bool:
    """Return whether a webhook may be sent to the address: not private, loopback, link-local, multicast or reserved."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.scope_id:
            return False
        inner = embedded_ipv4(address)
        if inner is not None:
            return is_public(inner)
        if address in _NAT64_LOCAL or any(address in net for net in _BLOCKED_V6):
            return False
    elif any(address in net for net in _BLOCKED_V4):
        return False
    return address.is_global


def is_allowed(address: IPAddress, allow_loopback: bool) -> bool:
    """Return whether a webhook may go to the address, given the site's loopback allowance."""
    return is_public(address) or (allow_loopback and is_loopback(address))


def resolve_host(host: str, port: int) -> list[str]:
    """Resolve a host name to every address it has (A and AAAA), as the system resolver answers."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def checked_address(host: str, port: int, allow_loopback: bool, resolve: Resolver = resolve_host) -> str:
    """Resolve the host and return the first address a webhook may go to; raise RefusedDestination otherwise."""
    try:
        literal: IPAddress | None = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        literal = None
    if literal is not None:
        candidates = [literal]
    else:
        try:
            resolved = resolve(host, port)
        except (OSError, UnicodeError) as error:
            raise RefusedDestination(f"cannot resolve {host}: {error}") from None
        candidates = []
        for raw in resolved:
            try:
                candidates.append(ipaddress.ip_address(raw.split("%")[0]))
            except ValueError:
                continue
    for address in candidates:
        if is_allowed(address, allow_loopback):
            return str(address)
    if not candidates:
        raise RefusedDestination(f"{host} resolves to no address")
    shown = ", ".join(str(address) for address in candidates[:4])
    raise RefusedDestination(f"{host} resolves only to addresses webhooks may not reach ({shown})")
