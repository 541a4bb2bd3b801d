"""What counts as "inside the house": loopback, private and link-local addresses.

The one rule for all three programs: the integration checks engine and satellite hosts with
it; the engine and the satellite, which refuse clients from elsewhere, import it as
`indoor_voice_link.local_network` (a module that loads nothing else of the link)."""

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
