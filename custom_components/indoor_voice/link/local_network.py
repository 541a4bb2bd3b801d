"""What counts as "inside the house": loopback, private and link-local addresses.

Shared by all three programs: the integration checks engine and satellite hosts, the engine
and the satellite refuse clients from elsewhere."""

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
