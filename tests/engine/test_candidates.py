"""A client may name the commands the home understands; Whisper itself decides whether the
audio is one of them, and anything else is transcribed as heard."""

from __future__ import annotations

from wyoming.asr import Transcribe
from wyoming.client import AsyncTcpClient

from testbed.engine_process import EngineProcess
from testbed.speech import espeak, silence
from testbed.wyoming_client import transcribe

NAMES = ["Hallway Light", "Porch Light", "Front Door"]
COMMANDS = [
    *(f"Turn {state} the {name}." for name in NAMES[:2] for state in ("on", "off")),
    *(f"Set the {name} to {p}%." for name in NAMES[:2] for p in range(10, 101, 10)),
    "Lock the Front Door.",
    "Unlock the Front Door.",
    "What time is it?",
]


async def test_a_misheard_command_comes_out_as_the_homes_command(
    engine_process: EngineProcess,
) -> None:
    """tiny.en hears this accent's "turn off" as "door after"; among the home's commands,
    Whisper finds "Turn off the Hallway Light." about as likely, and nothing else close."""
    audio = silence(0.3) + espeak("turn off the hallway light", voice="en-029") + silence(1.0)
    host, port = engine_process.host, engine_process.port
    text = await transcribe(host, port, audio, transcript_names=NAMES, candidates=COMMANDS)
    assert text == "Turn off the Hallway Light."


async def test_a_question_that_is_no_command_is_transcribed_as_heard(
    engine_process: EngineProcess,
) -> None:
    audio = silence(0.3) + espeak("add milk to the shopping list") + silence(1.0)
    host, port = engine_process.host, engine_process.port
    text = await transcribe(host, port, audio, transcript_names=NAMES, candidates=COMMANDS)
    assert "milk" in text.lower() and "shopping list" in text.lower()
    assert text not in COMMANDS


async def test_too_many_candidates_are_refused(engine_process: EngineProcess) -> None:
    async with AsyncTcpClient(engine_process.host, engine_process.port) as client:
        event = Transcribe(language="en").event()
        event.data["candidates"] = ["Turn on the light."] * 401
        await client.write_event(event)
        answer = await client.read_event()
    assert answer is not None and answer.type == "error"
    assert answer.data["code"] == "too-long"
