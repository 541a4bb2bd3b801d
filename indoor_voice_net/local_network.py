"""What counts as "inside the house": loopback, private and link-local addresses.

The engine and the satellite refuse clients from elsewhere. The integration, which checks
engine and satellite hosts with the same rule, installs as one folder and keeps a copy of
this function; tests/test_local_network.py holds the two to the same code."""

from __future__ import annotations

import ipaddress


def is_local_address(address: str) -> bool:
    """True for loopback, private (RFC 1918, ULA) and link-local addresses."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_loopback or ip.is_link_local or (ip.is_private and not ip.is_unspecified)
