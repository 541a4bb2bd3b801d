"""A household that speaks German, French, Spanish, Dutch or Italian is transcribed in its
language: the multilingual Whisper base (scripts/setup seeds it) hears espeak-ng's voices of
those languages, tiny.en never gets them, and a language nothing here serves is a clear error.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest
from wyoming.asr import Transcribe, Transcript
from wyoming.client import AsyncTcpClient
from wyoming.error import Error

from testbed.engine_process import MODELS, EngineProcess, running_engine
from testbed.speech import espeak, silence
from testbed.wyoming_client import TIMEOUT, describe, send_audio, transcribe
from tests.engine.test_endpointing import ENDPOINTING, of_type, stream_and_listen

# A command, the same command with the other action, and the other room: Whisper base must
# tell them apart. (What espeak-ng says, what the home would send as its commands.)
HOMES = {
    "de": (
        "Schalte das Licht in der Küche ein",
        "Schalte das Licht in der Küche aus",
        "Schalte das Licht im Wohnzimmer ein",
    ),
    "fr": (
        "Allume la lumière de la cuisine",
        "Éteins la lumière de la cuisine",
        "Allume la lumière du salon",
    ),
    "es": (
        "Enciende la luz de la cocina",
        "Apaga la luz de la cocina",
        "Enciende la luz del salón",
    ),
    "nl": (
        "Zet het licht in de keuken aan",
        "Zet het licht in de keuken uit",
        "Zet het licht in de woonkamer aan",
    ),
    "it": (
        "Accendi la luce della cucina",
        "Spegni la luce della cucina",
        "Accendi la luce del soggiorno",
    ),
}


def said(text: str) -> str:
    return " ".join(re.findall(r"[\w']+", text.lower()))


@pytest.mark.parametrize("language", sorted(HOMES))
async def test_a_command_is_understood_in_the_households_language(
    engine_process: EngineProcess, language: str
) -> None:
    """espeak-ng's voice of the language says a command; with the home's commands beside it
    (as the integration sends them) the engine returns exactly that command, not the one
    with the other action or in the other room."""
    command, *others = HOMES[language]
    audio = silence(0.3) + espeak(command, voice=language) + silence(1.0)
    text = await transcribe(
        engine_process.host,
        engine_process.port,
        audio,
        language=language,
        candidates=[command, *others],
    )
    assert said(text) == said(command), text


async def test_german_is_transcribed_as_german_without_the_homes_commands(
    engine_process: EngineProcess,
) -> None:
    """Plain transcription (any Wyoming client): the device and the room come out in German
    (Whisper base hears espeak-ng's "Schalte" as "Schalter" now and then)."""
    audio = silence(0.3) + espeak(HOMES["de"][0], voice="de") + silence(1.0)
    text = said(await transcribe(engine_process.host, engine_process.port, audio, language="de"))
    assert "licht" in text and "küche" in text, text


async def test_the_engine_advertises_each_models_languages(engine_process: EngineProcess) -> None:
    """tiny.en serves English; the multilingual base every language Whisper knows."""
    info = await describe(engine_process.host, engine_process.port)
    models = {m.name: m for m in info.asr[0].models}
    assert models["tiny.en"].languages == ["en"] and models["tiny.en"].installed
    assert models["base"].installed
    assert {"de", "fr", "es", "nl", "it", "en"} <= set(models["base"].languages)


async def _refused(engine: EngineProcess, language: str) -> Error:
    """Ask for a language and stream a German command: the error. The engine must close the
    connection at audio-stop (else the timeout fails the test) without a transcript."""
    async with AsyncTcpClient(engine.host, engine.port) as client, asyncio.timeout(TIMEOUT):
        await client.write_event(Transcribe(language=language).event())
        await send_audio(client, espeak(HOMES["de"][0], voice="de") + silence(0.5))
        error: Error | None = None
        while (event := await client.read_event()) is not None:
            assert not Transcript.is_type(event.type), event.data
            if Error.is_type(event.type):
                error = Error.from_event(event)
    assert error is not None
    return error


async def test_an_unknown_language_is_a_clear_error(engine_process: EngineProcess) -> None:
    error = await _refused(engine_process, "tlh")
    assert error.code == "unsupported-language" and "'tlh'" in error.text
    # The engine goes on serving everyone, English included.
    audio = silence(0.3) + espeak("turn on the kitchen light") + silence(1.0)
    assert said(await transcribe(engine_process.host, engine_process.port, audio)) == (
        "turn on the kitchen light"
    )


def _only_tiny_en(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    (data / "stt").mkdir(parents=True)
    (data / "stt" / "tiny.en").symlink_to(MODELS / "stt" / "tiny.en")
    return data


async def test_tiny_en_never_gets_german(tmp_path: Path) -> None:
    """Only tiny.en installed and --offline: a German request is refused, naming the model it
    needs, and its audio is never transcribed (no English transcript of German speech)."""
    data = _only_tiny_en(tmp_path)
    with running_engine(
        tmp_path, "--disable=tts", "--disable=wake", data_dirs=(data,), offline=True
    ) as engine:
        error = await _refused(engine, "de-DE")
        info = await describe(engine.host, engine.port)
    assert error.code == "model-not-installed"
    assert "'base-int8'" in error.text and "--offline" in error.text
    assert [m.name for m in info.asr[0].models] == ["tiny.en"]  # offline: only what is here


async def test_online_the_multilingual_model_is_advertised_before_it_is_downloaded(
    tmp_path: Path,
) -> None:
    """Not offline: describe names base-int8 as not installed, with its languages, so that
    a client can see German would be served after a download."""
    data = _only_tiny_en(tmp_path)
    with running_engine(
        tmp_path, "--disable=tts", "--disable=wake", data_dirs=(data,), offline=False
    ) as engine:
        info = await describe(engine.host, engine.port)
    models = {m.name: m for m in info.asr[0].models}
    assert models["tiny.en"].installed
    assert not models["base-int8"].installed and "de" in models["base-int8"].languages


async def test_endpointing_works_in_german(engine_process: EngineProcess) -> None:
    """The end of a German command is told as it happens, with German partials (what Whisper
    heard so far), and the transcript is the home's command: nothing in the engine's
    endpointing or its choice among the home's commands assumes English."""
    command = HOMES["de"][0]
    audio = silence(0.3) + espeak(command, voice="de") + silence(4.0)
    heard, text = await stream_and_listen(
        engine_process,
        audio,
        until_partial=lambda partial: "licht in der küche" in said(partial),
        language="de",
        endpointing=ENDPOINTING,
        candidates=HOMES["de"],
    )
    partials = of_type(heard, "partial-transcript")
    assert partials and "licht in der küche" in said(str(partials[-1]["text"])), partials
    assert [s["pause_ms"] for s in of_type(heard, "voice-stopped")] == [810, 1500]
    assert said(text) == said(command)
