"""Piper voices of other languages, served from 127.0.0.1 as Hugging Face serves them.

No Piper voice but en_US-joe-medium installs here: the mirror serves Joe's model under other
voices' names and paths (with a config naming their language), and writes a list of voices
in the form of wyoming-piper's voices.json (sizes and MD5 digests computed from those files),
for the engine's `--piper-voices`. The engine downloads and verifies them as it would the
real ones.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from testbed.engine_process import MODELS

JOE = MODELS / "tts" / "en_US-joe-medium"

# One voice per language, named as the real ones are: (voice, language, country) in English.
VOICES = {
    "de": ("de_DE-thorsten-medium", "German", "Germany"),
    "fr": ("fr_FR-siwis-medium", "French", "France"),
    "es": ("es_ES-davefx-medium", "Spanish", "Spain"),
    "nl": ("nl_NL-mls-medium", "Dutch", "Netherlands"),
    "it": ("it_IT-paola-medium", "Italian", "Italy"),
}


def lay_out_voice(root: Path, voice: str, *, tamper: bool = False) -> list[Any]:
    """Joe's model under `voice`'s path, with a config in its language; the list's entries
    for its files (path, size, MD5 of the genuine file). `tamper` serves a model with one
    bit flipped."""
    language = voice.split("-")[0]
    path = f"{language.split('_')[0]}/{language}/{voice.split('-')[1]}/medium"
    folder = root / "piper-voices" / path
    folder.mkdir(parents=True)
    config = json.loads((JOE / "en_US-joe-medium.onnx.json").read_text(encoding="utf-8"))
    config["language"] = {"code": language}
    contents = {
        f"{voice}.onnx": (JOE / "en_US-joe-medium.onnx").read_bytes(),
        f"{voice}.onnx.json": json.dumps(config).encode(),
    }
    files = []
    for name, content in contents.items():
        served = content
        if tamper and name.endswith(".onnx"):
            served = content[:1000] + bytes([content[1000] ^ 1]) + content[1001:]
        (folder / name).write_bytes(served)
        files.append([f"{path}/{name}", len(content), hashlib.md5(content).hexdigest()])  # noqa: S324
    return files


@contextlib.contextmanager
def voice_mirror(workdir: Path, languages: list[str]) -> Iterator[Path]:
    """Serve a voice for each of `languages` (keys of VOICES) from 127.0.0.1 while the
    context lasts; yields the path of the list of voices."""
    root = workdir / "mirror"
    root.mkdir(parents=True)

    class Files(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            """Quiet."""

    # One thread serves every request, one after another: a thread per request could still be
    # sending a voice when a test ends, and Home Assistant's harness fails a test that leaves
    # a thread behind.
    server = http.server.HTTPServer(("127.0.0.1", 0), lambda *a: Files(*a, directory=str(root)))
    voices = {
        voice: {
            "name": voice.split("-")[1],
            "language": voice.split("-")[0],
            "language_english": language,
            "country_english": country,
            "quality": "medium",
            "speakers": 1,
            "files": lay_out_voice(root, voice),
        }
        for voice, language, country in (VOICES[code] for code in languages)
    }
    document = {
        "source": "testbed.voice_mirror",
        "revision": "test",
        "url": f"http://127.0.0.1:{server.server_port}/piper-voices",
        "voices": voices,
    }
    listing = workdir / "voices.json"
    listing.write_text(json.dumps(document), encoding="utf-8")
    thread = threading.Thread(target=server.serve_forever, name="voice-mirror", daemon=True)
    thread.start()
    try:
        yield listing
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
