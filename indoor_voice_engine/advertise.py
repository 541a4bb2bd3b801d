"""Zeroconf: `_wyoming._tcp`, so that Home Assistant discovers the engine."""

from __future__ import annotations

import logging
import socket
from typing import TYPE_CHECKING

from indoor_voice_net.addresses import lan_address

from . import __version__
from .settings import EngineSettings

if TYPE_CHECKING:
    from zeroconf.asyncio import AsyncZeroconf

_LOGGER = logging.getLogger(__name__)


async def advertise(settings: EngineSettings, host: str, port: int) -> AsyncZeroconf:
    """Announce `_wyoming._tcp` so Home Assistant discovers the engine."""
    from zeroconf import IPVersion  # noqa: PLC0415 - optional dependency
    from zeroconf.asyncio import AsyncServiceInfo, AsyncZeroconf  # noqa: PLC0415

    host = lan_address(host)
    name = settings.zeroconf_name or f"indoor-voice-{socket.gethostname()}"
    zeroconf = AsyncZeroconf(ip_version=IPVersion.V4Only)
    info = AsyncServiceInfo(
        "_wyoming._tcp.local.",
        f"{name}._wyoming._tcp.local.",
        addresses=[socket.inet_aton(host)],
        port=port,
        properties={"version": __version__, "program": "indoor-voice"},
    )
    await zeroconf.async_register_service(info)
    _LOGGER.info("Advertising %s on %s:%d", name, host, port)
    return zeroconf
