"""Strangers on the network cannot lock the household out of the engine, nor flood its log."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import time
from collections.abc import AsyncIterator
from pathlib import Path

from wyoming.audio import AudioChunk, AudioStart, AudioStop
from wyoming.client import AsyncTcpClient
from wyoming.wake import Detect

from testbed.engine_process import EngineProcess, running_engine
from testbed.speech import espeak, silence
from testbed.wyoming_client import describe

JARVIS = silence(1.0) + espeak("hey jarvis") + silence(1.0)
STALL = json.dumps({"type": "audio-chunk", "payload_length": 4096}).encode() + b"\n"
_REFUSAL_LINES = re.compile(r"refus|bad frame", re.IGNORECASE)


@contextlib.asynccontextmanager
async def _strangers(
    engine: EngineProcess, count: int, first_bytes: bytes = b""
) -> AsyncIterator[list[asyncio.StreamWriter]]:
    """`count` connections that send `first_bytes` (maybe nothing) and then stall."""
    writers = []
    try:
        for _ in range(count):
            _, writer = await asyncio.open_connection(engine.host, engine.port)
            writer.write(first_bytes)
            writers.append(writer)
        yield writers
    finally:
        for writer in writers:
            writer.transport.abort()


async def test_stalled_and_idle_connections_do_not_lock_the_household_out(
    engine_process: EngineProcess,
) -> None:
    """40 announced payloads that never come and 20 silent sockets: a newcomer still gets in."""
    async with _strangers(engine_process, 40, STALL), _strangers(engine_process, 20):
        await asyncio.sleep(2.5)  # the stalled frames are now overdue
        for _ in range(5):
            info = await describe(engine_process.host, engine_process.port)
            assert info.wake


async def test_a_client_in_the_middle_of_a_request_keeps_its_slot(tmp_path: Path) -> None:
    """A wake word stream survives 40 strangers arriving while the engine is full."""
    with running_engine(tmp_path, "--max-connections=4") as engine:
        async with AsyncTcpClient(engine.host, engine.port) as client:
            await client.write_event(Detect(names=["hey_jarvis"]).event())
            await client.write_event(AudioStart(rate=16_000, width=2, channels=1).event())
            step = 3200
            for start in range(0, len(JARVIS), step):
                chunk = AudioChunk(rate=16_000, width=2, channels=1, audio=JARVIS[start:][:step])
                await client.write_event(chunk.event())
                if start == 0:
                    async with _strangers(engine, 40, STALL):
                        await asyncio.sleep(0.5)
            await client.write_event(AudioStop().event())
            async with asyncio.timeout(30):
                event = await client.read_event()
            assert event is not None and event.type == "detection"


async def test_a_slowloris_header_is_dropped_within_seconds(
    engine_process: EngineProcess,
) -> None:
    reader, writer = await asyncio.open_connection(engine_process.host, engine_process.port)
    started = time.monotonic()
    try:
        async with asyncio.timeout(30):  # a guard; the engine's header deadline is 10 s
            for byte in b'{"type": "describe", "data": {"padding": "' + b"x" * 1000:
                writer.write(bytes([byte]))
                await writer.drain()
                if reader.at_eof() or reader._buffer:
                    break
                await asyncio.sleep(0.5)
            line = await reader.readline()
    finally:
        writer.transport.abort()
    assert json.loads(line)["type"] == "error"
    assert time.monotonic() - started < 20


async def _keep_streaming(client: AsyncTcpClient) -> None:
    """A wake word stream that never ends: a chunk of silence every 50 ms."""
    chunk = AudioChunk(rate=16_000, width=2, channels=1, audio=bytes(1600)).event()
    while True:
        await client.write_event(chunk)
        await asyncio.sleep(0.05)


async def test_refusals_are_summarised_not_logged_one_by_one(tmp_path: Path) -> None:
    with running_engine(tmp_path, "--max-connections=1") as engine:
        async with AsyncTcpClient(engine.host, engine.port) as busy:
            # An audio stream in progress keeps its slot: everyone else is refused.
            await busy.write_event(Detect(names=["hey_jarvis"]).event())
            await busy.write_event(AudioStart(rate=16_000, width=2, channels=1).event())
            streaming = asyncio.create_task(_keep_streaming(busy))
            try:
                for _ in range(20):
                    reader, writer = await asyncio.open_connection(engine.host, engine.port)
                    writer.write(b"not a frame\n")
                    async with asyncio.timeout(30):
                        await reader.read()  # refused: busy
                    writer.transport.abort()
            finally:
                streaming.cancel()
                await asyncio.gather(streaming, return_exceptions=True)
        for _ in range(30):
            reader, writer = await asyncio.open_connection(engine.host, engine.port)
            writer.write(b"not a frame\n")
            async with asyncio.timeout(30):
                await reader.read()  # refused: a bad frame
            writer.transport.abort()
        await describe(engine.host, engine.port)
        refusal_lines = [
            line for line in engine.log_text().splitlines() if _REFUSAL_LINES.search(line)
        ]
        assert 1 <= len(refusal_lines) <= 3, refusal_lines
        assert "not a frame" not in engine.log_text()
