"""Bad input gets a clear error or a clean close, and never harms another client."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from wyoming.audio import AudioChunk, AudioStart, AudioStop
from wyoming.client import AsyncTcpClient
from wyoming.event import Event
from wyoming.ping import Ping
from wyoming.tts import Synthesize
from wyoming.wake import Detect

from testbed.engine_process import EngineProcess, running_engine
from testbed.speech import espeak, silence
from testbed.wyoming_client import describe, detect, transcribe

JARVIS = silence(1.0) + espeak("hey jarvis") + silence(1.0)
_NESTED = b"[" * 5_000 + b"]" * 5_000  # well inside the size limits
_DEEP = b'{"x": ' + b"[" * 50_000 + b"]" * 50_000 + b"}"


async def _raw(engine: EngineProcess, data: bytes) -> list[Event | None]:
    """Send raw bytes; return what came back until the engine closed the connection."""
    reader, writer = await asyncio.open_connection(engine.host, engine.port)
    writer.write(data)
    await writer.drain()
    events: list[Event | None] = []
    async with asyncio.timeout(20):
        while line := await reader.readline():
            header = json.loads(line)
            data_block = (
                await reader.readexactly(header["data_length"])
                if header.get("data_length")
                else b"{}"
            )
            events.append(Event(type=header["type"], data=json.loads(data_block)))
    writer.close()
    await writer.wait_closed()
    return events


def _header(event_type: str, **fields: object) -> bytes:
    return json.dumps({"type": event_type, **fields}).encode() + b"\n"


async def _still_serves(engine: EngineProcess) -> None:
    info = await describe(engine.host, engine.port)
    assert info.asr and info.tts and info.wake


@pytest.mark.parametrize(
    ("garbage", "code"),
    [
        (b"this is not json\n", "bad-frame"),
        (b"[1, 2, 3]\n", "bad-frame"),
        (_header("audio-chunk", data_length=-5), "bad-frame"),
        (_header("audio-chunk", payload_length=10**12), "too-large"),
        (_header("describe", data_length=10**9), "too-large"),
        (b'{"type": "describe", "data": {"x": "' + b"y" * 100_000 + b'"}}\n', "too-large"),
        (_header("audio-chunk", data_length=7) + b"{broken", "bad-frame"),
        (b'{"type": "describe", "data": {"x": ' + _NESTED + b"}}\n", "too-deep"),
        (_header("describe", data_length=len(_DEEP)) + _DEEP, "too-deep"),
    ],
    ids=[
        "not-json",
        "not-an-object",
        "negative-length",
        "huge-payload",
        "huge-data",
        "huge-header",
        "bad-data",
        "deep-header",
        "deep-data",
    ],
)
async def test_malformed_frames_get_an_error_then_a_clean_close(
    engine_process: EngineProcess, garbage: bytes, code: str
) -> None:
    events = await _raw(engine_process, garbage)
    assert [e.type for e in events if e] == ["error"]
    assert events[0] is not None and events[0].data["code"] == code
    await _still_serves(engine_process)


async def _request_errors(engine: EngineProcess, *events: Event) -> list[Event]:
    """Send events on one connection; collect the answers.

    A final ping must be answered: the connection outlived whatever was refused.
    """
    async with AsyncTcpClient(engine.host, engine.port) as client, asyncio.timeout(30):
        for event in events:
            await client.write_event(event)
        await client.write_event(Ping(text="end").event())
        answers = []
        while (answer := await client.read_event()) is not None:
            if answer.type == "pong" and answer.data.get("text") == "end":
                return answers
            answers.append(answer)
        raise AssertionError(f"the engine closed the connection after {answers}")


@pytest.mark.parametrize(
    ("start", "message"),
    [
        ({"rate": 0, "width": 2, "channels": 1}, "sample rate"),
        ({"rate": 16000, "width": 5, "channels": 1}, "sample width"),
        ({"rate": 16000, "width": 2, "channels": 0}, "channel count"),
        ({"rate": "fast", "width": 2, "channels": 1}, "integers"),
        ({"width": 2, "channels": 1}, "rate"),
    ],
)
async def test_wrong_audio_formats_are_refused_and_the_connection_goes_on(
    engine_process: EngineProcess, start: dict, message: str
) -> None:
    answers = await _request_errors(
        engine_process,
        Event(type="transcribe", data={"language": "en"}),
        Event(type="audio-start", data=start),
    )
    assert [a.type for a in answers] == ["error"]
    assert message in answers[0].data["text"] and answers[0].data["code"] == "bad-audio"


async def test_a_chunk_that_splits_a_sample_is_refused(engine_process: EngineProcess) -> None:
    fmt = {"rate": 16000, "width": 2, "channels": 1}
    answers = await _request_errors(
        engine_process,
        Event(type="transcribe"),
        AudioStart(**fmt).event(),
        AudioChunk(audio=b"\x00\x01\x02", **fmt).event(),
    )
    assert answers[0].type == "error" and "whole number" in answers[0].data["text"]


async def test_too_long_an_utterance_is_refused(engine_process: EngineProcess) -> None:
    fmt = {"rate": 16000, "width": 2, "channels": 1}
    second = AudioChunk(audio=silence(1.0), **fmt).event()
    answers = await _request_errors(
        engine_process,
        Event(type="transcribe"),
        AudioStart(**fmt).event(),
        *([second] * 31),
        AudioStop().event(),
    )
    assert answers[0].type == "error" and answers[0].data["code"] == "too-long"


async def test_too_long_a_text_is_refused(engine_process: EngineProcess) -> None:
    answers = await _request_errors(engine_process, Synthesize(text="word " * 2000).event())
    assert [a.type for a in answers] == ["error"] and answers[0].data["code"] == "too-long"


async def test_wrongly_typed_fields_are_refused(engine_process: EngineProcess) -> None:
    answers = await _request_errors(
        engine_process,
        Event(type="synthesize", data={"text": 42}),
        Event(type="transcribe", data={"transcript_names": "Kitchen"}),
        Event(type="detect", data={"names": [1]}),
        Event(type="synthesize-chunk", data={"text": "no stream open"}),
        Event(type="transcribe", data={"after_wake_word": "yes"}),
    )
    assert [a.type for a in answers] == ["error"] * 5


async def test_abrupt_disconnects_in_the_middle_of_requests(engine_process: EngineProcess) -> None:
    fmt = {"rate": 16000, "width": 2, "channels": 1}
    for opening in (
        [
            Event(type="transcribe"),
            AudioStart(**fmt).event(),
            AudioChunk(audio=espeak("turn on"), **fmt).event(),
        ],
        [
            Detect().event(),
            AudioStart(**fmt).event(),
            AudioChunk(audio=silence(0.5), **fmt).event(),
        ],
        [Synthesize(text="This sentence is cut off by a client that hangs up. " * 5).event()],
    ):
        _, writer = await asyncio.open_connection(engine_process.host, engine_process.port)
        for event in opening:
            header = {"type": event.type, "data": event.data}
            if event.payload:
                header["payload_length"] = len(event.payload)
            writer.write(json.dumps(header).encode() + b"\n" + (event.payload or b""))
        await writer.drain()
        writer.transport.abort()  # RST, no goodbye
    await _still_serves(engine_process)
    assert "Traceback" not in engine_process.log_text()


async def test_a_misbehaving_client_does_not_stall_a_wake_word_stream(
    engine_process: EngineProcess,
) -> None:
    """While one client floods garbage and another asks for a long synthesis, a wake word
    stream on a third connection is still detected."""
    host, port = engine_process.host, engine_process.port

    async def flood() -> None:
        for _ in range(20):
            await _raw(engine_process, _header("audio-chunk", payload_length=10**12))

    async def long_synthesis() -> None:
        async with AsyncTcpClient(host, port) as client:
            await client.write_event(Synthesize(text="The weather is fine today. " * 40).event())
            while (event := await client.read_event()) is not None and event.type != "audio-stop":
                pass

    async with asyncio.timeout(120):
        wake, *_ = await asyncio.gather(
            detect(host, port, JARVIS),
            flood(),
            long_synthesis(),
            transcribe(host, port, espeak("turn on the light")),
        )
    assert [e.type for e in wake] == ["detection"]


async def test_clients_beyond_the_limit_are_told_the_engine_is_busy(tmp_path: Path) -> None:
    """Only when every slot is in the middle of a request (idle ones make room)."""
    with running_engine(
        tmp_path, "--disable=stt", "--disable=tts", "--max-connections=2"
    ) as engine:
        held = [await asyncio.open_connection(engine.host, engine.port) for _ in range(2)]
        fmt = {"rate": 16000, "width": 2, "channels": 1}
        for _, writer in held:
            writer.write(_header("detect") + _header("audio-start", data=fmt))

        async def keep_streaming() -> None:
            chunk = _header("audio-chunk", data=fmt, payload_length=320) + bytes(320)
            while True:
                for _, writer in held:
                    writer.write(chunk)
                await asyncio.sleep(0.05)

        streaming = asyncio.create_task(keep_streaming())
        await asyncio.sleep(0.2)
        events = await _raw(engine, b"")
        streaming.cancel()
        await asyncio.gather(streaming, return_exceptions=True)
        assert [e.type for e in events if e] == ["error"]
        assert events[0] is not None and events[0].data["code"] == "busy"
        for _, writer in held:
            writer.close()
            await writer.wait_closed()
        await asyncio.sleep(0.2)
        info = await describe(engine.host, engine.port)
        assert info.wake and not info.asr and not info.tts
