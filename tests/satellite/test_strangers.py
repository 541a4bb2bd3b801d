"""Strangers on the network: whoever does not hold the paired key learns nothing, hears nothing."""

from __future__ import annotations

import asyncio
import contextlib
import io
import ssl

import pytest
from wyoming.event import Event, async_read_event, write_event
from wyoming.info import Describe
from wyoming.satellite import RunSatellite

from indoor_voice_link import (
    PairingRejected,
    RejectReason,
    generate_identity,
    pair,
)
from indoor_voice_link.tls import client_context, server_context
from testbed.satellite_process import WAIT, SatelliteProcess
from testbed.speech import espeak, silence

from .home_assistant import HomeAssistant

# What a stranger asks for: a description, then the audio.
ASKING = (Describe().event(), RunSatellite().event())


async def _connect_and_ask(
    satellite: SatelliteProcess, context: ssl.SSLContext | None
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """Connect (plain TCP or TLS) and ask as a Wyoming client would."""
    request = io.BytesIO()
    for event in ASKING:
        write_event(event, request)
    reader, writer = await asyncio.open_connection(satellite.host, satellite.port, ssl=context)
    writer.write(request.getvalue())
    await writer.drain()
    return reader, writer


async def _bytes_answered(satellite: SatelliteProcess) -> bytes:
    async with asyncio.timeout(WAIT):
        reader, writer = await _connect_and_ask(satellite, None)
        try:
            return await reader.read()
        finally:
            writer.close()


async def _events_answered(satellite: SatelliteProcess, context: ssl.SSLContext) -> list[Event]:
    events: list[Event] = []
    async with asyncio.timeout(WAIT):
        reader, writer = await _connect_and_ask(satellite, context)
        with contextlib.suppress(ConnectionError, ssl.SSLError):
            while (event := await async_read_event(reader)) is not None:
                events.append(event)
        writer.close()
    return events


async def test_a_plain_tcp_client_gets_not_one_byte(
    satellite: SatelliteProcess, paired: HomeAssistant
) -> None:
    assert await _bytes_answered(satellite) == b""


async def test_a_tls_client_without_a_key_is_only_told_to_pair(
    satellite: SatelliteProcess, paired: HomeAssistant
) -> None:
    context = await asyncio.to_thread(client_context, None)
    answer = await _events_answered(satellite, context)
    assert [event.type for event in answer] == ["error"]


async def test_a_tls_client_with_another_key_hears_nothing_while_home_assistant_does(
    satellite: SatelliteProcess, paired: HomeAssistant
) -> None:
    stranger = await asyncio.to_thread(generate_identity, "stranger")
    context = await asyncio.to_thread(client_context, stranger)
    async with paired.session(satellite) as session:
        await session.run()
        satellite.microphone.say(silence(0.5) + espeak("hey jarvis, unlock the front door"))
        stranger_heard = await _events_answered(satellite, context)
        await session.next("audio-chunk")
    assert stranger_heard == []


async def test_a_machine_in_the_middle_cannot_pair_even_with_the_right_code(
    satellite: SatelliteProcess, home_assistant: HomeAssistant
) -> None:
    """It shows Home Assistant its own certificate and relays every byte of the pairing; the
    proofs are bound to the certificates each end saw, so the satellite refuses them."""
    middle = await asyncio.to_thread(generate_identity, "machine in the middle")
    facing_home_assistant = await asyncio.to_thread(server_context, middle, None)
    facing_satellite = await asyncio.to_thread(client_context, None)
    relays: list[asyncio.Task[None]] = []

    async def relay(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError, ssl.SSLError):
            while data := await reader.read(4096):
                writer.write(data)
                await writer.drain()
        writer.close()

    async def intercept(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        upstream_reader, upstream_writer = await asyncio.open_connection(
            satellite.host, satellite.port, ssl=facing_satellite
        )
        relays.append(asyncio.create_task(relay(reader, upstream_writer)))
        relays.append(asyncio.create_task(relay(upstream_reader, writer)))

    server = await asyncio.start_server(intercept, "127.0.0.1", 0, ssl=facing_home_assistant)
    port = server.sockets[0].getsockname()[1]
    code = await asyncio.to_thread(satellite.pairing_code)
    try:
        with pytest.raises(PairingRejected) as rejected:
            await pair("127.0.0.1", port, code, home_assistant.identity)
    finally:
        server.close()
        await asyncio.wait_for(asyncio.gather(*relays, return_exceptions=True), WAIT)
        await server.wait_closed()
    assert rejected.value.reason is RejectReason.WRONG_CODE
    assert satellite.pinned_home_assistant is None
    await home_assistant.pair(satellite, code)  # directly, the same code works
