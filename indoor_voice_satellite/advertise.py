"""Zeroconf: `_indoor-voice._tcp` (not `_wyoming._tcp`, which HA's wyoming integration would
claim), with the certificate fingerprint in TXT so Home Assistant can show and check it."""

from __future__ import annotations

import logging
import socket
from typing import TYPE_CHECKING

from indoor_voice_net.addresses import lan_address

from . import __version__

if TYPE_CHECKING:
    from zeroconf.asyncio import AsyncZeroconf

_LOGGER = logging.getLogger(__name__)

SERVICE_TYPE = "_indoor-voice._tcp.local."


async def advertise(
    name: str, area: str | None, host: str, port: int, fingerprint: str
) -> AsyncZeroconf:
    from zeroconf import IPVersion  # noqa: PLC0415 - optional dependency
    from zeroconf.asyncio import AsyncServiceInfo, AsyncZeroconf  # noqa: PLC0415

    address = lan_address(host)
    instance = name.replace(".", "-")[:63]
    properties = {"fingerprint": fingerprint, "name": name, "version": __version__}
    if area:
        properties["area"] = area
    zeroconf = AsyncZeroconf(ip_version=IPVersion.V4Only)
    await zeroconf.async_register_service(
        AsyncServiceInfo(
            SERVICE_TYPE,
            f"{instance}.{SERVICE_TYPE}",
            addresses=[socket.inet_aton(address)],
            port=port,
            properties=properties,
        )
    )
    _LOGGER.info("Advertising %s on %s:%d", SERVICE_TYPE, address, port)
    return zeroconf
