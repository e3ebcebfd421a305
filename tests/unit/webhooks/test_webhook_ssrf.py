"""The SSRF guard's decision, on addresses alone: no connection is ever opened here."""

from __future__ import annotations

import ipaddress

import pytest

from service.webhooks.endpoints import EndpointError, check_url
from service.webhooks.ssrf import RefusedDestination, checked_address, is_allowed, is_public

REFUSED = [
    "10.0.0.1",
    "172.16.5.4",
    "192.168.1.1",
    "127.0.0.1",
    "127.8.9.10",
    "0.0.0.0",
    "169.254.169.254",  # cloud metadata
    "100.64.0.1",
    "224.0.0.1",
    "239.255.255.250",
    "240.0.0.1",
    "255.255.255.255",
    "198.18.0.1",
    "192.0.2.10",
    "::1",
    "::",
    "fe80::1",
    "fc00::1",
    "fd12:3456::1",
    "ff02::1",
    "2001:db8::1",
    "::ffff:10.0.0.1",  # IPv4-mapped
    "::ffff:127.0.0.1",
    "::ffff:169.254.169.254",
    "64:ff9b::a00:1",  # NAT64 of 10.0.0.1, which Python calls global
    "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
    "2002:a00:1::",  # 6to4 of 10.0.0.1, which Python calls global
    "2002:c0a8:101::1",  # 6to4 of 192.168.1.1
    "2002:7f00:1::",  # 6to4 of 127.0.0.1
    "::10.0.0.1",  # deprecated IPv4-compatible
]
ALLOWED = ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::"]


@pytest.mark.parametrize("address", REFUSED)
def test_non_public_addresses_are_refused(address: str) -> None:
    assert not is_public(ipaddress.ip_address(address))
    assert not is_allowed(ipaddress.ip_address(address), allow_loopback=False)


@pytest.mark.parametrize("address", ALLOWED)
def test_public_addresses_are_allowed(address: str) -> None:
    assert is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["127.0.0.1", "::1", "::ffff:127.0.0.1", "64:ff9b::7f00:1"])
def test_allow_list_opens_loopback_only(address: str) -> None:
    assert is_allowed(ipaddress.ip_address(address), allow_loopback=True)


@pytest.mark.parametrize("address", ["10.0.0.1", "169.254.169.254", "::ffff:192.168.0.1", "fe80::1"])
def test_allow_list_does_not_open_private_ranges(address: str) -> None:
    assert not is_allowed(ipaddress.ip_address(address), allow_loopback=True)


def resolver(*addresses: str):  # type: ignore[no-untyped-def]
    return lambda host, port: list(addresses)


def test_a_name_resolving_to_a_private_address_is_refused() -> None:
    with pytest.raises(RefusedDestination, match=r"10\.0\.0\.5"):
        checked_address("rebind.example", 443, False, resolver("10.0.0.5"))


def test_the_checked_public_address_is_the_one_used() -> None:
    assert checked_address("mixed.example", 443, False, resolver("127.0.0.1", "93.184.216.34")) == "93.184.216.34"


def test_an_unresolvable_name_is_refused() -> None:
    def fail(host: str, port: int) -> list[str]:
        raise OSError("Name or service not known")

    with pytest.raises(RefusedDestination, match="cannot resolve"):
        checked_address("nowhere.invalid", 443, False, fail)


def test_ip_literals_are_checked_without_resolving() -> None:
    def must_not_resolve(host: str, port: int) -> list[str]:
        raise AssertionError("resolved an IP literal")

    with pytest.raises(RefusedDestination):
        checked_address("[::ffff:10.0.0.1]", 80, True, must_not_resolve)
    assert checked_address("127.0.0.1", 80, True, must_not_resolve) == "127.0.0.1"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://example.com/x", "must start with"),
        ("http://10.1.2.3/hook", "not a public address"),
        ("http://[::ffff:169.254.169.254]/hook", "not a public address"),
        ("http://localhost:8080/hook", "localhost"),
        ("https://user:pw@example.com/hook", "user name"),
        ("https:///nohost", "no host"),
    ],
)
def test_registration_refuses_urls_that_can_never_be_sent(url: str, message: str) -> None:
    with pytest.raises(EndpointError, match=message):
        check_url(url, https_only=False, allow_loopback=False)


def test_production_requires_https() -> None:
    with pytest.raises(EndpointError, match="https://"):
        check_url("http://example.com/hook", https_only=True, allow_loopback=False)
    assert check_url("https://example.com/hook", https_only=True, allow_loopback=False) == "https://example.com/hook"
