"""Our side of a Wyoming engine (any Wyoming service): connecting to it (local hosts only)
and asking what it offers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from homeassistant.exceptions import HomeAssistantError
from wyoming.client import AsyncTcpClient
from wyoming.info import Info

from ..const import WYOMING_TIMEOUT
from ..link.info import ask_info
from ..privacy.local_hosts import async_resolve_local


class EngineUnavailable(HomeAssistantError):
    """The engine cannot be reached."""


class NotWyoming(HomeAssistantError):
    """Something answers on the port, but it does not speak Wyoming."""


@asynccontextmanager
async def async_connect(host: str, port: int) -> AsyncIterator[AsyncTcpClient]:
    """An open Wyoming connection to a host that resolves inside the house.

    Raises NotLocalError before any connection is attempted to a host outside it.
    """
    address = await async_resolve_local(host, port)
    client = AsyncTcpClient(address, port)
    try:
        async with asyncio.timeout(WYOMING_TIMEOUT):
            await client.connect()
    except (OSError, TimeoutError) as err:
        raise EngineUnavailable(f"cannot connect to {host}:{port}: {err}") from err
    try:
        yield client
    finally:
        await client.disconnect()


async def async_describe(host: str, port: int) -> Info:
    """Ask a Wyoming service what it offers."""
    async with async_connect(host, port) as client:
        try:
            async with asyncio.timeout(WYOMING_TIMEOUT):
                info = await ask_info(client)
        except TimeoutError as err:
            raise NotWyoming(f"{host}:{port} did not answer a Wyoming describe") from err
        except (OSError, ValueError, KeyError, TypeError) as err:
            raise NotWyoming(f"{host}:{port} did not answer in Wyoming: {err}") from err
    if info is None:
        raise NotWyoming(f"{host}:{port} closed the connection without a Wyoming answer")
    return info
