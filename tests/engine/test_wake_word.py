"""Wake word detection over Wyoming, with openWakeWord's real models."""

from __future__ import annotations

from wyoming.wake import Detection

from testbed.engine_process import EngineProcess
from testbed.speech import espeak, silence
from testbed.wyoming_client import detect


def detections(events: list) -> list[str]:
    return [Detection.from_event(e).name for e in events if Detection.is_type(e.type)]


async def test_hey_jarvis_is_detected(engine_process: EngineProcess) -> None:
    audio = silence(1.0) + espeak("hey jarvis, what time is it") + silence(1.0)
    events = await detect(engine_process.host, engine_process.port, audio)
    assert detections(events) == ["hey_jarvis"]
    assert all(e.type != "not-detected" for e in events)


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
