"""What counts as inside the house, for all three programs."""

from __future__ import annotations

import pytest

from indoor_voice_link.local_network import is_local_address


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "::1",
        "10.0.0.7",
        "172.16.3.4",
        "192.168.1.20",
        "169.254.10.1",
        "fd12:3456::1",
        "fe80::1%eth0",
        "::ffff:192.168.1.20",
    ],
)
def test_home_addresses_are_local(address: str) -> None:
    assert is_local_address(address)


@pytest.mark.parametrize(
    "address",
    [
        "8.8.8.8",
        "93.184.216.34",
        "2001:4860:4860::8888",
        "100.64.1.1",
        "::ffff:8.8.8.8",
        "0.0.0.0",  # noqa: S104 - the unspecified address is not a home address
        "::",
        "not an address",
        "",
    ],
)
def test_everything_else_is_not(address: str) -> None:
    assert not is_local_address(address)
