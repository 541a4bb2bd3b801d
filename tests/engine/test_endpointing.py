"""A client that decides the end of speech itself hears, while it still streams, what the
engine heard after each pause and how long the speaker has been quiet."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import warnings
from collections.abc import AsyncIterator, Callable

from wyoming.asr import Transcribe, Transcript
from wyoming.audio import AudioChunk, AudioStop
from wyoming.client import AsyncTcpClient
from wyoming.event import Event

from indoor_voice_engine.endpoint import Endpointer, Pauses
from testbed.engine_process import EngineProcess
from testbed.speech import RATE, espeak, paced, pause, silence
from testbed.wyoming_client import TIMEOUT, send_audio

ENDPOINTING = {"partial_ms": 150, "end_ms": 800, "long_ms": 1500}
PARTIAL_WAIT = 30.0  # seconds of silence a client streams at most while it waits for a partial


async def stream_and_listen(
    engine: EngineProcess,
    pcm: bytes,
    *,
    until_partial: Callable[[str], bool] | None = None,
    stop_data: Callable[[str], dict[str, object]] | None = None,
    **request: object,
) -> tuple[list[Event], str]:
    """Stream at real-time pace; every event before the transcript, and the transcript.

    `until_partial`: after `pcm`, the microphone goes on sending silence until a partial
    transcript it accepts has come (a busy machine may take longer than the audio's own
    silence to decode it, and the stream's end makes a partial still on its way stale).
    `stop_data`: what the audio-stop then carries, given that partial's text."""
    partial_came = asyncio.Event()
    accepted: list[str] = []

    async def speak(client: AsyncTcpClient) -> None:
        await send_audio(client, pcm, chunk_ms=50, realtime=True, end=until_partial is None)
        if until_partial is not None:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(PARTIAL_WAIT):
                    async for chunk in paced_silence(partial_came):
                        await client.write_event(chunk)
            stop = AudioStop().event()
            if stop_data is not None and accepted:
                stop.data.update(stop_data(accepted[-1]))
            await client.write_event(stop)

    async with AsyncTcpClient(engine.host, engine.port) as client, asyncio.timeout(TIMEOUT):
        event = Transcribe(language="en").event()
        event.data.update(request)
        await client.write_event(event)
        sender = asyncio.create_task(speak(client))
        heard: list[Event] = []
        try:
            while (event := await client.read_event()) is not None:
                assert event.type != "error", event.data
                if Transcript.is_type(event.type):
                    return heard, Transcript.from_event(event).text
                if event.type == "partial-transcript" and (
                    until_partial is not None and until_partial(str(event.data["text"]))
                ):
                    accepted.append(str(event.data["text"]))
                    partial_came.set()
                heard.append(event)
        finally:
            await sender
    raise AssertionError("the engine closed the connection")


async def paced_silence(stop: asyncio.Event) -> AsyncIterator[Event]:
    """Quiet 50 ms audio chunks at real-time pace, until `stop` is set."""
    while not stop.is_set():
        async for audio in paced(silence(0.05), 50):
            yield AudioChunk(audio=audio, rate=RATE, width=2, channels=1).event()


def _names_the_kitchen_light(text: str) -> bool:
    return "kitchen light" in text.lower()


def of_type(events: list[Event], kind: str) -> list[dict[str, object]]:
    return [e.data for e in events if e.type == kind]


async def test_partial_transcript_and_pauses_while_streaming(
    engine_process: EngineProcess,
) -> None:
    audio = silence(0.3) + espeak("turn on the kitchen light") + silence(4.0)
    heard, text = await stream_and_listen(
        engine_process, audio, until_partial=_names_the_kitchen_light, endpointing=ENDPOINTING
    )

    assert heard[0].type == "voice-started"
    partials = of_type(heard, "partial-transcript")
    assert partials, [e.type for e in heard]
    assert "kitchen light" in str(partials[-1]["text"]).lower()
    stops = of_type(heard, "voice-stopped")
    assert [s["pause_ms"] for s in stops] == [810, 1500]  # whole 30 ms frames
    assert stops[0]["timestamp"] == partials[-1]["speech_end_ms"]
    assert "kitchen light" in text.lower()


async def test_speech_after_a_pause_is_not_reported_as_finished(
    engine_process: EngineProcess,
) -> None:
    """ "turn off the … kitchen light": the pause inside gives a partial of the first words;
    the last partial is the whole command, and no end is reported in between."""
    audio = (
        silence(0.3)
        + pause(espeak("turn off the"), espeak("kitchen light"), seconds=0.6)
        + silence(2.0)
    )
    heard, text = await stream_and_listen(
        engine_process, audio, until_partial=_names_the_kitchen_light, endpointing=ENDPOINTING
    )

    partials = of_type(heard, "partial-transcript")
    assert "kitchen light" in str(partials[-1]["text"]).lower()
    stops = of_type(heard, "voice-stopped")
    assert all(s["timestamp"] == partials[-1]["speech_end_ms"] for s in stops), heard
    assert "turn off the kitchen light" in text.lower().replace(",", "")


async def test_a_partial_taken_for_the_whole_command_is_the_transcript_as_heard(
    engine_process: EngineProcess,
) -> None:
    """The client takes the last partial for the whole command (`as_heard`): the transcript
    is that partial, without weighing the home's commands on it. Told nothing, or told of
    words that are not the last partial, the engine weighs them, and a command of the same
    words wins as the home writes it."""
    audio = silence(0.3) + espeak("turn on the kitchen light") + silence(4.0)
    written = "TURN ON THE KITCHEN LIGHT!"  # the same words as no transcript writes them
    request = {"endpointing": ENDPOINTING, "candidates": [written, "Turn off the Kitchen Light."]}

    async def transcript(stop_data: Callable[[str], dict[str, object]]) -> tuple[str, str]:
        heard, text = await stream_and_listen(
            engine_process,
            audio,
            until_partial=_names_the_kitchen_light,
            stop_data=stop_data,
            **request,
        )
        return str(of_type(heard, "partial-transcript")[-1]["text"]), text

    partial, text = await transcript(lambda partial: {"as_heard": partial})
    assert text == partial != written
    _partial, text = await transcript(lambda _partial: {})
    assert text == written
    _partial, text = await transcript(lambda _partial: {"as_heard": "turn on the"})
    assert text == written


async def test_plain_clients_hear_only_the_transcript(engine_process: EngineProcess) -> None:
    audio = silence(0.3) + espeak("turn on the kitchen light") + silence(1.0)
    heard, text = await stream_and_listen(engine_process, audio)
    assert heard == []
    assert "kitchen light" in text.lower()


async def test_unusable_endpointing_is_refused(engine_process: EngineProcess) -> None:
    async with AsyncTcpClient(engine_process.host, engine_process.port) as client:
        event = Transcribe(language="en").event()
        event.data["endpointing"] = {"partial_ms": 900, "end_ms": 300}
        await client.write_event(event)
        async with asyncio.timeout(TIMEOUT):
            answer = await client.read_event()
    assert answer is not None and answer.type == "error"
    assert "endpointing" in answer.data["text"]


async def test_events_dropped_at_the_end_of_a_stream_leave_nothing_unawaited() -> None:
    """A stream that ends before its endpointing events were sent cancels them cleanly
    (before, each left a coroutine that was never awaited, warned about in the log)."""
    sent: list[Event] = []

    async def send(event: Event) -> None:
        sent.append(event)

    endpointer = Endpointer(Pauses(partial=5, end=10, long=20), send)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        endpointer.speech(3)  # voice-started, queued as a task
        endpointer.close()  # the stream ended before the task ran
        for _ in range(3):
            await asyncio.sleep(0)
        gc.collect()
    assert sent == []
    assert not [w for w in caught if "never awaited" in str(w.message)]


async def test_an_as_heard_that_is_no_text_is_a_clear_error_and_the_connection_goes_on(
    engine_process: EngineProcess,
) -> None:
    audio = silence(0.3) + espeak("turn on the kitchen light") + silence(0.5)
    async with AsyncTcpClient(engine_process.host, engine_process.port) as client:
        await client.write_event(Transcribe(language="en").event())
        await send_audio(client, audio, chunk_ms=50, realtime=False, end=False)
        stop = AudioStop().event()
        stop.data["as_heard"] = 42
        await client.write_event(stop)
        async with asyncio.timeout(TIMEOUT):
            answer = await client.read_event()
        assert answer is not None and answer.type == "error"
        assert "as_heard" in answer.data["text"]

        await client.write_event(Transcribe(language="en").event())
        await send_audio(client, audio, chunk_ms=50, realtime=False)
        async with asyncio.timeout(TIMEOUT):
            answer = await client.read_event()
        assert answer is not None and Transcript.is_type(answer.type)
        assert "kitchen light" in Transcript.from_event(answer).text.lower()
