"""Resolving engine and satellite hosts: only machines in the house are ever connected to.

Every address a host resolves to must be local (loopback, private or link-local, as the
link's `is_local_address` decides; the engine and satellite use the same rule from
`indoor_voice_net`, and a test keeps the two the same). Checked in the config flow and
again at every connection, since DNS answers can change.
"""

from __future__ import annotations

import asyncio
import socket

from homeassistant.exceptions import HomeAssistantError

from ..link.local_network import is_local_address


class NotLocalError(HomeAssistantError):
    """A host resolves to an address outside the local network."""

    def __init__(self, host: str, address: str) -> None:
        super().__init__(f"{host} resolves to {address}, which is outside the local network")
        self.host = host
        self.address = address


class HostNotFound(HomeAssistantError):
    """A host name does not resolve (a typo, or a device that is gone)."""

    def __init__(self, host: str) -> None:
        super().__init__(f"{host} does not resolve to an address")
        self.host = host


async def async_resolve_local(host: str, port: int) -> str:
    """Resolve `host` and return an address to connect to; refuse non-local answers.

    Every answer must be local: a name that also resolves outside the house is refused.
    Raises HostNotFound or NotLocalError.
    """
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as err:  # UnicodeError: not a valid host name
        raise HostNotFound(host) from err
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    for address in addresses:
        if not is_local_address(address):
            raise NotLocalError(host, address)
    return addresses[0]
