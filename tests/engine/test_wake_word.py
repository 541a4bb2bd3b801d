"""Wake word detection over Wyoming, with openWakeWord's real models."""

from __future__ import annotations

import numpy as np
import pytest
from wyoming.wake import Detection

from testbed.engine_process import EngineProcess
from testbed.speech import espeak, silence
from testbed.wake import hey_jarvis
from testbed.wyoming_client import detect


def detections(events: list) -> list[str]:
    return [Detection.from_event(e).name for e in events if Detection.is_type(e.type)]


async def test_hey_jarvis_is_detected(engine_process: EngineProcess) -> None:
    audio = silence(1.0) + espeak("hey jarvis, what time is it") + silence(1.0)
    events = await detect(engine_process.host, engine_process.port, audio)
    assert detections(events) == ["hey_jarvis"]
    assert all(e.type != "not-detected" for e in events)


@pytest.mark.parametrize("before", [1.0, 1.08], ids=["even step", "odd step"])
async def test_a_detection_names_the_chunk_that_completed_the_wake_word(
    engine_process: EngineProcess, before: float
) -> None:
    """The engine runs its models on two 80 ms steps at once, so it may answer a chunk or
    more later; the detection's timestamp is still the client's for the chunk that ended the
    step the wake word was heard in (what Home Assistant keeps the audio after), the first
    of two steps or the second."""
    audio = silence(before) + espeak("hey jarvis, what time is it") + silence(1.0)
    stream = hey_jarvis(with_head=True).new_stream(None, 0.5, 2.0)
    (hit,) = stream.process(np.frombuffer(audio, dtype=np.int16))

    events = await detect(engine_process.host, engine_process.port, audio, realtime=True)
    found = [Detection.from_event(e) for e in events if Detection.is_type(e.type)]
    assert [d.timestamp for d in found] == [hit.timestamp_ms - 10]  # 10 ms chunks from 0


async def test_speech_without_the_wake_word_is_not_detected(engine_process: EngineProcess) -> None:
    audio = (
        silence(0.5) + espeak("what time is it, turn on the kitchen light please") + silence(1.0)
    )
    events = await detect(engine_process.host, engine_process.port, audio)
    assert [e.type for e in events] == ["not-detected"]


async def test_only_the_requested_wake_words_fire(engine_process: EngineProcess) -> None:
    audio = silence(1.0) + espeak("hey jarvis") + silence(1.0)
    events = await detect(engine_process.host, engine_process.port, audio, names=["alexa"])
    assert [e.type for e in events] == ["not-detected"]


async def test_several_wake_words_on_one_stream(engine_process: EngineProcess) -> None:
    """Each phrase fires once: the refractory period swallows the repeats within a phrase."""
    audio = (
        silence(1.0)
        + espeak("hey jarvis")
        + silence(2.5)
        + espeak("alexa")
        + silence(2.5)
        + espeak("hey jarvis")
        + silence(1.0)
    )
    events = await detect(
        engine_process.host, engine_process.port, audio, names=["hey_jarvis", "alexa"]
    )
    assert detections(events) == ["hey_jarvis", "alexa", "hey_jarvis"]


async def test_unknown_wake_word_is_refused(engine_process: EngineProcess) -> None:
    events = await detect(
        engine_process.host, engine_process.port, silence(0.5), names=["okay_nabu"]
    )
    assert events[0].type == "error"
    assert "okay_nabu" in events[0].data["text"]
