"""A voice for a new language is downloaded the first time a client asks for it, verified
against the list of Piper voices, and speaks; a tampered file is refused and leaves nothing
behind; offline, the engine names what is missing; other clients are served meanwhile.

No Piper voice but en_US-joe-medium installs here, so a loopback server plays Hugging Face:
it serves Joe's model under other voices' names and paths (with a config saying their
language), and the engine reads a list of voices (--piper-voices) whose sizes and MD5
digests are computed here from those files, as scripts/piper-voices makes the real one.
"""

from __future__ import annotations

import asyncio
import http.server
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from wyoming.audio import AudioChunk, AudioStop
from wyoming.client import AsyncTcpClient
from wyoming.error import Error
from wyoming.tts import Synthesize, SynthesizeVoice

from testbed.engine_process import MODELS, EngineProcess, running_engine
from testbed.voice_mirror import lay_out_voice
from testbed.wyoming_client import TIMEOUT, describe

GERMAN = "de_DE-thorsten-medium"
FRENCH = "fr_FR-siwis-medium"


@dataclass
class Mirror:
    """A loopback HTTP server over a folder; it can send slowly, and counts requests."""

    url: str
    root: Path
    requests: list[str] = field(default_factory=list)
    slow: bool = False
    asked: threading.Event = field(default_factory=threading.Event)


@pytest.fixture
def mirror(tmp_path: Path) -> Iterator[Mirror]:
    root = tmp_path / "mirror"
    root.mkdir()
    state = Mirror("", root)

    class Files(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            state.requests.append(self.path)
            state.asked.set()

        def copyfile(self, source: Any, outputfile: Any) -> None:
            while chunk := source.read(4 << 20):
                outputfile.write(chunk)
                if state.slow:
                    time.sleep(0.3)  # about 5 s for a 63 MB voice

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), lambda *a: Files(*a, directory=str(root))
    )
    state.url = f"http://127.0.0.1:{server.server_port}/piper-voices"
    thread = threading.Thread(target=server.serve_forever, name="voice-mirror")
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _voice_list(tmp_path: Path, mirror: Mirror, *, tamper: bool = False) -> Path:
    voices = {
        voice: {
            "name": voice.split("-")[1],
            "language": voice.split("-")[0],
            "language_english": language,
            "country_english": country,
            "quality": "medium",
            "speakers": 1,
            "files": lay_out_voice(mirror.root, voice, tamper=tamper),
        }
        for voice, language, country in (
            (GERMAN, "German", "Germany"),
            (FRENCH, "French", "France"),
        )
    }
    document = {"source": "this test", "revision": "test", "url": mirror.url, "voices": voices}
    path = tmp_path / "voices.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def _engine(tmp_path: Path, voices: Path, *, offline: bool = False) -> Any:
    """An engine with Joe installed, downloading into an empty data dir."""
    return running_engine(
        tmp_path,
        "--disable=stt",
        "--disable=wake",
        f"--piper-voices={voices}",
        data_dirs=(tmp_path / "data", MODELS),
        offline=offline,
    )


async def _speak(
    engine: EngineProcess, text: str, *, name: str | None = None, language: str | None = None
) -> bytes | Error:
    """The audio of `text`, or the engine's error."""
    async with AsyncTcpClient(engine.host, engine.port) as client, asyncio.timeout(TIMEOUT):
        voice = SynthesizeVoice(name=name, language=language)
        await client.write_event(Synthesize(text=text, voice=voice).event())
        audio = b""
        while (event := await client.read_event()) is not None:
            if Error.is_type(event.type):
                return Error.from_event(event)
            if AudioChunk.is_type(event.type):
                audio += AudioChunk.from_event(event).audio
            if AudioStop.is_type(event.type):
                return audio
    raise AssertionError("the engine closed the connection")


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


async def test_a_voice_for_a_new_language_is_downloaded_once_and_speaks(
    tmp_path: Path, mirror: Mirror
) -> None:
    with _engine(tmp_path, _voice_list(tmp_path, mirror)) as engine:
        before = {v.name: v for v in (await describe(engine.host, engine.port)).tts[0].voices}
        audio = await _speak(engine, "Guten Morgen.", language="de_DE")
        again = await _speak(engine, "Gute Nacht.", language="de")
        english = await _speak(engine, "Good night.", language="en_US")
        after = {v.name: v for v in (await describe(engine.host, engine.port)).tts[0].voices}

    assert not before[GERMAN].installed and before[GERMAN].languages == ["de_DE"]
    assert before["en_US-joe-medium"].installed
    assert isinstance(audio, bytes) and len(audio) > 22050  # more than half a second
    assert isinstance(again, bytes) and isinstance(english, bytes)
    assert after[GERMAN].installed and not after[FRENCH].installed
    assert _files(tmp_path / "data") == [f"{GERMAN}.onnx", f"{GERMAN}.onnx.json"]
    served = "/piper-voices/de/de_DE/thorsten/medium/"
    assert sorted(mirror.requests) == [f"{served}{GERMAN}.onnx", f"{served}{GERMAN}.onnx.json"]


async def test_a_voice_asked_for_by_name_is_downloaded(tmp_path: Path, mirror: Mirror) -> None:
    with _engine(tmp_path, _voice_list(tmp_path, mirror)) as engine:
        audio = await _speak(engine, "Bonjour.", name=FRENCH)
    assert isinstance(audio, bytes) and audio
    assert _files(tmp_path / "data") == [f"{FRENCH}.onnx", f"{FRENCH}.onnx.json"]


async def test_a_tampered_voice_is_refused_and_leaves_nothing_behind(
    tmp_path: Path, mirror: Mirror
) -> None:
    with _engine(tmp_path, _voice_list(tmp_path, mirror, tamper=True)) as engine:
        refused = await _speak(engine, "Guten Morgen.", language="de")
        english = await _speak(engine, "Good morning.")  # the engine goes on serving
    assert isinstance(refused, Error) and refused.code == "model-unavailable"
    assert "checksum mismatch" in refused.text, refused.text
    assert _files(tmp_path / "data") == []  # no half-written file, no temporary file
    assert isinstance(english, bytes) and english


async def test_offline_the_engine_names_the_missing_voice(tmp_path: Path, mirror: Mirror) -> None:
    with _engine(tmp_path, _voice_list(tmp_path, mirror), offline=True) as engine:
        refused = await _speak(engine, "Guten Morgen.", language="de-DE")
        voices = [v.name for v in (await describe(engine.host, engine.port)).tts[0].voices]
    assert isinstance(refused, Error) and refused.code == "model-not-installed"
    assert f"'{GERMAN}'" in refused.text and "--offline" in refused.text
    assert mirror.requests == [] and voices == ["en_US-joe-medium"]


async def test_a_language_piper_does_not_speak_is_a_clear_error(
    tmp_path: Path, mirror: Mirror
) -> None:
    """Never Joe reading Klingon: the error says no voice speaks it."""
    with _engine(tmp_path, _voice_list(tmp_path, mirror)) as engine:
        refused = await _speak(engine, "nuqneH", language="tlh")
    assert isinstance(refused, Error) and refused.code == "unsupported-language"
    assert "'tlh'" in refused.text


async def test_other_clients_are_served_while_a_voice_downloads(
    tmp_path: Path, mirror: Mirror
) -> None:
    mirror.slow = True
    with _engine(tmp_path, _voice_list(tmp_path, mirror)) as engine:
        german = asyncio.create_task(_speak(engine, "Guten Morgen.", language="de"))
        assert await asyncio.to_thread(mirror.asked.wait, TIMEOUT)  # the download has begun
        english = await _speak(engine, "Good morning.")
        still_downloading = not german.done()
        assert isinstance(await german, bytes)
    assert isinstance(english, bytes) and english
    assert still_downloading  # English was spoken while the German voice was on its way
