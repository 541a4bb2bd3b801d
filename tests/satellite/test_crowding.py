"""Strangers who crowd the satellite cannot keep the household out, nor flood its log."""

from __future__ import annotations

import asyncio
import contextlib
import re
import secrets
import time
from collections.abc import AsyncIterator

import pytest
from wyoming.event import Event

from indoor_voice_link import PairingRejected, RejectReason, pair
from indoor_voice_link.connection import read_handshake_event, write_event
from indoor_voice_link.tls import client_context
from testbed.satellite_process import WAIT, SatelliteProcess

from .home_assistant import HomeAssistant

WRONG_CODE = "ABCD-EFGH-IJKL-MNOP"
_REFUSAL_LINES = re.compile(r"refus|handshake|did not complete", re.IGNORECASE)


@contextlib.asynccontextmanager
async def _idle_sockets(satellite: SatelliteProcess, count: int) -> AsyncIterator[None]:
    """Plain TCP connections that never say a word."""
    writers = [
        (await asyncio.open_connection(satellite.host, satellite.port))[1] for _ in range(count)
    ]
    try:
        yield
    finally:
        for writer in writers:
            writer.transport.abort()


@contextlib.asynccontextmanager
async def _from_another_address(satellite: SatelliteProcess) -> AsyncIterator[int]:
    """A port on 127.0.0.1 whose connections reach the satellite from 127.0.0.2, as a
    stranger's machine on the same network would."""
    pipes: list[asyncio.Task[None]] = []

    async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except OSError:
            pass
        finally:
            writer.transport.abort()

    async def relay(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        upstream = await asyncio.open_connection(
            satellite.host, satellite.port, local_addr=("127.0.0.2", 0)
        )
        pipes.append(asyncio.create_task(pipe(reader, upstream[1])))
        pipes.append(asyncio.create_task(pipe(upstream[0], writer)))

    server = await asyncio.start_server(relay, "127.0.0.1", 0)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        server.close()
        for task in pipes:
            task.cancel()
        await asyncio.gather(*pipes, return_exceptions=True)
        await server.wait_closed()


async def test_idle_sockets_do_not_keep_the_paired_home_assistant_out(
    satellite: SatelliteProcess, paired: HomeAssistant
) -> None:
    async with paired.session(satellite) as connected:
        await connected.run()
        async with _idle_sockets(satellite, 16):
            await connected.sync()  # the connected Home Assistant keeps its link
        async with _idle_sockets(satellite, 16):
            await connected.sync()
    async with _idle_sockets(satellite, 16), paired.session(satellite) as session:
        await session.run()  # and a reconnecting one gets in


async def test_a_socket_that_never_starts_tls_is_closed_within_seconds(
    satellite: SatelliteProcess,
) -> None:
    reader, writer = await asyncio.open_connection(satellite.host, satellite.port)
    started = time.monotonic()
    try:
        async with asyncio.timeout(WAIT):
            assert await reader.read() == b""
    finally:
        writer.transport.abort()
    assert time.monotonic() - started < 6  # the handshake deadline is 3 s


async def test_a_strangers_wrong_codes_do_not_lock_the_household_out(
    satellite: SatelliteProcess, home_assistant: HomeAssistant
) -> None:
    stranger = await HomeAssistant.create()
    async with _from_another_address(satellite) as port:
        reasons = []
        for _ in range(4):
            with pytest.raises(PairingRejected) as rejected:
                await pair("127.0.0.1", port, WRONG_CODE, stranger.identity)
            reasons.append(rejected.value.reason)
    assert reasons[-1] is RejectReason.RATE_LIMITED  # the stranger waits
    await home_assistant.pair(satellite)  # the household does not
    assert satellite.pinned_home_assistant == home_assistant.identity.fingerprint


async def test_a_stranger_who_stalls_while_pairing_does_not_block_pairing(
    satellite: SatelliteProcess, home_assistant: HomeAssistant
) -> None:
    context = await asyncio.to_thread(client_context, None)
    reader, writer = await asyncio.open_connection(satellite.host, satellite.port, ssl=context)
    try:
        await write_event(writer, Event("pair-request", {"nonce": secrets.token_hex(32)}))
        challenge = await read_handshake_event(reader)
        assert challenge is not None and challenge.type == "pair-challenge"
        # The stranger never sends its proof; the household pairs meanwhile.
        await home_assistant.pair(satellite)
    finally:
        writer.transport.abort()
    assert satellite.pinned_home_assistant == home_assistant.identity.fingerprint


async def test_refusals_are_summarised_not_logged_one_by_one(
    satellite: SatelliteProcess, home_assistant: HomeAssistant
) -> None:
    stranger = await HomeAssistant.create()
    for _ in range(20):
        with pytest.raises(PairingRejected):
            await pair(satellite.host, satellite.port, WRONG_CODE, stranger.identity)
    for _ in range(20):
        _, writer = await asyncio.open_connection(satellite.host, satellite.port)
        writer.write(b"GET / HTTP/1.0\r\n\r\n")
        await writer.drain()
        writer.transport.abort()
    await asyncio.sleep(0.5)
    refusal_lines = [
        line for line in satellite.log_text().splitlines() if _REFUSAL_LINES.search(line)
    ]
    assert 1 <= len(refusal_lines) <= 3, refusal_lines
    assert "GET /" not in satellite.log_text()
