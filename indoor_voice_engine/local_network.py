"""What counts as "inside the house": loopback, private and link-local addresses."""

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
