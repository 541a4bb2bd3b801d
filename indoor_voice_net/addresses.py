"""`tcp://HOST:PORT` URIs, and the address a server listening on every interface advertises."""

from __future__ import annotations

import socket
from urllib.parse import urlparse

_ANY = ("0.0.0.0", "::", "")  # noqa: S104 - listening everywhere is what is asked about
_MDNS_GROUP = ("224.0.0.251", 5353)


def parse_uri(uri: str) -> tuple[str, int]:
    """Host and port of a tcp:// URI; ValueError for anything else."""
    parsed = urlparse(uri)
    if parsed.scheme != "tcp" or not parsed.hostname or parsed.port is None:
        raise ValueError(f"--uri must look like tcp://HOST:PORT, not {uri!r}")
    return parsed.hostname, parsed.port


def lan_address(host: str) -> str:
    """The address to advertise for a server listening on `host`: `host` itself, or for
    0.0.0.0 the address of the interface that reaches the LAN."""
    if host not in _ANY:
        return host
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.connect(_MDNS_GROUP)  # the mDNS group: picks the LAN interface, sends nothing
        return str(probe.getsockname()[0])
