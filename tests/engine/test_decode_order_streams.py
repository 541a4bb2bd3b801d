"""Streams that compete for the engine's one speech-to-text worker, with the real model: a
stream that ended is answered before another stream's guess at a pause, and that other
stream's guess still becomes its answer once it ends in silence (decoded once)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from wyoming.event import Event

from indoor_voice_engine.decode_order import DecodeOrder
from indoor_voice_engine.endpoint import Endpointer, Pauses
from indoor_voice_engine.stt import Listened, Request, SpeechToText, Utterance
from testbed.engine_process import MODELS
from testbed.speech import espeak, silence, trimmed

pytestmark = pytest.mark.models

_MAX_SAMPLES = 16_000 * 30


@pytest.fixture(scope="module")
def stt() -> SpeechToText:
    return SpeechToText(MODELS / "stt" / "tiny.en", name="tiny.en", threads=2, workers=1)


@pytest.fixture
def pool() -> Iterator[ThreadPoolExecutor]:
    made = ThreadPoolExecutor(1, thread_name_prefix="test-stt")
    yield made
    made.shutdown(wait=True, cancel_futures=True)


def _pcm(*parts: bytes) -> np.ndarray:
    return np.frombuffer(b"".join(parts), np.int16)


async def test_a_finished_stream_is_not_stuck_behind_another_streams_guess(
    stt: SpeechToText, pool: ThreadPoolExecutor, monkeypatch: pytest.MonkeyPatch
) -> None:
    order = DecodeOrder(pool, 1)
    decoded: list[int] = []  # the length of each decode's audio, in the order they start
    listen = stt.listen

    def recorded(samples: np.ndarray, request: Request) -> Listened:
        decoded.append(samples.size)
        return listen(samples, request)

    monkeypatch.setattr(stt, "listen", recorded)
    request = Request(language="en", names=("Kitchen Light", "Hallway Light"))

    # The worker is busy (another decode), so what comes next waits and is ordered.
    gate = threading.Event()
    busy = order.submit(lambda: gate.wait(60), final=True)

    # Stream B: a command, then a pause long enough for a guess; B's speaker is still there.
    b_audio = _pcm(espeak("turn on the kitchen light"), silence(0.6))
    stream_b = Utterance(stt, order, request, _MAX_SAMPLES)
    assert stream_b.add(b_audio)
    assert stream_b.speculations == 1 and order.waiting == 1

    # Stream A: a command and a short pause (no guess); the stream ends: a final decode.
    a_audio = _pcm(trimmed(espeak("switch off the hallway light", "en-gb")), silence(0.1))
    stream_a = Utterance(stt, order, request, _MAX_SAMPLES)
    assert stream_a.add(a_audio)
    assert stream_a.speculations == 0
    answer_a = asyncio.ensure_future(stream_a.finish())
    await asyncio.sleep(0)  # finish() queues its decode
    assert order.waiting == 2

    gate.set()
    await busy
    text_a = await answer_a
    assert "hallway" in text_a.lower()
    text_b = await stream_b.finish()  # B ended in silence: its guess is its answer
    assert "kitchen" in text_b.lower()
    assert stream_b.speculative_hits == 1
    # A's final decode went first, although B's guess was waiting before it.
    assert len(decoded) == 2
    assert decoded[0] == a_audio.size


async def test_a_guess_is_dropped_when_the_speaker_goes_on(
    stt: SpeechToText, pool: ThreadPoolExecutor, monkeypatch: pytest.MonkeyPatch
) -> None:
    order = DecodeOrder(pool, 1)
    decoded: list[int] = []
    listen = stt.listen

    def recorded(samples: np.ndarray, request: Request) -> Listened:
        decoded.append(samples.size)
        return listen(samples, request)

    monkeypatch.setattr(stt, "listen", recorded)
    gate = threading.Event()
    busy = order.submit(lambda: gate.wait(60), final=True)

    stream = Utterance(stt, order, Request(language="en", names=("Hallway Light",)), _MAX_SAMPLES)
    assert stream.add(_pcm(espeak("set the hallway light to"), silence(0.5)))
    assert stream.speculations == 1
    rest = _pcm(trimmed(espeak("fifty percent")), silence(0.1))
    assert stream.add(rest)  # speech resumed while the guess waited: nobody will read it
    answer = asyncio.ensure_future(stream.finish())
    await asyncio.sleep(0)
    gate.set()
    await busy
    text = await answer
    assert "hallway" in text.lower() and "50" in text.lower().replace("fifty", "50")
    assert len(decoded) == 1  # only the final decode ran
    assert order.dropped == 1


async def test_a_guess_on_an_idle_worker_starts_at_once_and_is_the_answer(
    stt: SpeechToText, pool: ThreadPoolExecutor
) -> None:
    order = DecodeOrder(pool, 1)
    stream = Utterance(stt, order, Request(language="en"), _MAX_SAMPLES)
    assert stream.add(_pcm(espeak("turn on the kitchen light"), silence(0.6)))
    assert stream.speculations == 1 and order.waiting == 0  # running, not dropped
    assert "kitchen" in (await stream.finish()).lower()
    assert stream.speculative_hits == 1 and order.dropped == 0


async def test_a_guess_taken_as_heard_is_not_weighed_one_not_taken_is_weighed_in_the_pause(
    stt: SpeechToText, pool: ThreadPoolExecutor, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Weighing the home's commands costs about as much as hearing: a client that takes the
    partial for the whole command spares it; a client that waits for a longer pause finds
    the weighed transcript ready when the stream ends, weighed once."""
    order = DecodeOrder(pool, 1)
    weighed: list[str] = []
    weighing = threading.Event()
    weigh = stt.weigh

    def recorded(listened: Listened, request: Request) -> str:
        weighed.append(listened.free)
        weighing.set()
        return weigh(listened, request)

    monkeypatch.setattr(stt, "weigh", recorded)
    command = "TURN ON THE KITCHEN LIGHT!"  # the words heard, as no transcript writes them
    request = Request(language="en", candidates=(command, "Turn off the Kitchen Light."))
    audio = _pcm(espeak("turn on the kitchen light"), silence(0.6))

    async def partial_of(stream: Utterance, partials: asyncio.Queue[str]) -> str:
        assert stream.add(audio)  # the pause: a guess, then its partial transcript
        async with asyncio.timeout(30):
            return await partials.get()

    def stream(partials: asyncio.Queue[str]) -> Utterance:
        async def send(event: Event) -> None:
            if event.type == "partial-transcript":
                partials.put_nowait(str(event.data["text"]))

        endpointer = Endpointer(Pauses(partial=4, end=20, long=40), send)
        return Utterance(stt, order, request, _MAX_SAMPLES, endpointer)

    partials: asyncio.Queue[str] = asyncio.Queue()
    taken = stream(partials)
    partial = await partial_of(taken, partials)
    assert await taken.finish(as_heard=partial) == partial
    await asyncio.sleep(0.3)  # past the wait for a verdict
    assert weighed == []

    waited = stream(partials)
    partial = await partial_of(waited, partials)
    assert await asyncio.to_thread(weighing.wait, 30)  # while the client waits its pause
    assert weighed == [partial]
    assert await waited.finish() == command
    assert weighed == [partial]
