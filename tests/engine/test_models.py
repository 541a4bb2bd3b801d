"""Models are found by name, or downloaded once from a pinned source and verified."""

from __future__ import annotations

import dataclasses
import hashlib
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from indoor_voice_models.catalog import (
    CATALOG,
    MULTILINGUAL_STT_MODELS,
    ModelFile,
    ModelKind,
    ModelSpec,
    find_spec,
)
from indoor_voice_models.download import ModelError, download, ensure, locate
from indoor_voice_models.piper_voices import source, voice_specs, voices_for_language
from testbed.engine_process import MODELS


class _Files(http.server.SimpleHTTPRequestHandler):
    """Serves a folder; counts requests so tests can see what was fetched."""

    requests: list[str]

    def log_message(self, *args: object) -> None:
        self.requests.append(self.path)


@pytest.fixture
def mirror(tmp_path: Path) -> Iterator[tuple[str, Path, list[str]]]:
    """A loopback HTTP server over a folder: (base URL, folder, requested paths)."""
    root = tmp_path / "mirror"
    root.mkdir()
    requests: list[str] = []
    handler = type("Handler", (_Files,), {"requests": requests})
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), lambda *a: handler(*a, directory=str(root))
    )
    thread = threading.Thread(target=server.serve_forever, name="waitpid-mirror")
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", root, requests
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _served_from(spec: ModelSpec, base: str) -> ModelSpec:
    """The same model, with every URL moved onto the mirror (path kept)."""
    files = tuple(
        dataclasses.replace(f, url=base + "/" + f.url.split("://", 1)[1].split("/", 1)[1])
        for f in spec.files
    )
    return dataclasses.replace(spec, files=files)


def test_catalog_pins_every_file() -> None:
    for spec in CATALOG:
        for file in spec.files:
            assert file.url.startswith("https://")
            assert len(file.sha256) == 64
            assert "/resolve/main/" not in file.url or spec.name == "base-int8", file.url


def test_piper_voices_come_from_their_maintainers_list_each_file_sized_and_digested() -> None:
    """Every language Piper has, from the list scripts/piper-voices made (its provenance
    kept): an .onnx and its .onnx.json per voice, each with a size and an MD5 digest."""
    voices = voice_specs()
    assert len(voices) >= 170
    assert "wyoming-piper" in source() and "rhasspy/piper-voices" in source()
    for spec in voices.values():
        assert sorted(f.name for f in spec.files) == [f"{spec.name}.onnx", f"{spec.name}.onnx.json"]
        for file in spec.files:
            assert len(file.md5) == 32 and file.size and file.size > 0
            assert file.url.startswith("https://huggingface.co/rhasspy/piper-voices/resolve/")
    # Joe's digests in the list are those of the file the catalog pins by SHA-256.
    joe = locate(voices["en_US-joe-medium"], [MODELS])
    assert joe is not None
    for file in voices["en_US-joe-medium"].files:
        assert hashlib.md5((joe / file.name).read_bytes()).hexdigest() == file.md5  # noqa: S324


@pytest.mark.parametrize(
    ("language", "first"),
    [
        ("de", "de_DE-thorsten-medium"),
        ("de-DE", "de_DE-thorsten-medium"),
        ("fr", "fr_FR-siwis-medium"),
        ("es", "es_ES-davefx-medium"),
        ("nl", "nl_NL-alex-medium"),
        ("nl_BE", "nl_BE-nathalie-medium"),
        ("it", "it_IT-paola-medium"),
        ("en", "en_US-amy-medium"),
    ],
)
def test_each_language_has_a_voice_to_download_first(language: str, first: str) -> None:
    """The language's own country, medium quality, one speaker: what a household hears until
    it picks a voice."""
    assert voices_for_language(language)[0].name == first


def test_multilingual_speech_models_are_pinned_by_commit() -> None:
    for name in ("base", "small"):
        spec = find_spec(ModelKind.STT, name)
        assert spec is not None and spec.multilingual
        assert all(f.size and "/resolve/main/" not in f.url for f in spec.files)
    assert all(find_spec(ModelKind.STT, n) for n in MULTILINGUAL_STT_MODELS)
    tiny = find_spec(ModelKind.STT, "tiny.en")
    assert tiny is not None and not tiny.multilingual


def test_the_installed_models_match_the_catalog_byte_for_byte() -> None:
    """What scripts/setup seeded (base from two halves joined) is exactly the catalog's."""
    for spec in (
        find_spec(ModelKind.STT, "tiny.en"),
        find_spec(ModelKind.STT, "base"),
        find_spec(ModelKind.TTS, "en_US-joe-medium"),
    ):
        assert spec is not None
        folder = locate(spec, [MODELS])
        assert folder is not None
        for file in spec.files:
            assert hashlib.sha256((folder / file.name).read_bytes()).hexdigest() == file.sha256


def test_a_missing_model_is_downloaded_verified_and_then_found(
    mirror: tuple[str, Path, list[str]], tmp_path: Path
) -> None:
    base, root, requests = mirror
    spec = find_spec(ModelKind.STT, "tiny.en")
    assert spec is not None
    served = _served_from(spec, base)
    for file in served.files:  # lay the real files out under the pinned revision's paths
        path = root / file.url.removeprefix(base + "/")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.symlink_to(MODELS / "stt" / "tiny.en" / file.name)

    data = tmp_path / "data"
    folder = ensure(served, [data], offline=False)
    assert folder == data / "stt" / "tiny.en"
    assert sorted(p.name for p in folder.iterdir()) == sorted(f.name for f in spec.files)
    assert len(requests) == 4
    assert all("/resolve/0d3d19a32d3338f10357c0889762bd8d64bbdeba/" in r for r in requests)

    requests.clear()
    assert ensure(served, [data], offline=False) == folder
    assert requests == []  # found, not fetched again


def test_offline_never_downloads(mirror: tuple[str, Path, list[str]], tmp_path: Path) -> None:
    base, _, requests = mirror
    spec = _served_from(find_spec(ModelKind.WAKE, "hey_jarvis"), base)  # type: ignore[arg-type]
    with pytest.raises(ModelError, match="--offline"):
        ensure(spec, [tmp_path], offline=True)
    assert requests == []


@pytest.mark.parametrize(
    ("content", "size", "message"),
    [
        (b"tampered!", 9, "checksum mismatch"),
        (b"x" * 20, 10, "larger than"),
        (b"short", 10, "expected 10"),
    ],
)
def test_a_corrupt_download_never_lands(
    mirror: tuple[str, Path, list[str]],
    tmp_path: Path,
    content: bytes,
    size: int,
    message: str,
) -> None:
    base, root, _ = mirror
    (root / "model.onnx").write_bytes(content)
    file = ModelFile(
        "model.onnx", f"{base}/model.onnx", hashlib.sha256(b"genuine").hexdigest(), size
    )
    with pytest.raises(ModelError, match=message):
        download(file, tmp_path / "data" / "model.onnx")
    assert list((tmp_path / "data").iterdir()) == []  # no partial file, no temp file


def test_an_unreachable_source_is_a_clear_error(tmp_path: Path) -> None:
    file = ModelFile("m.onnx", "http://127.0.0.1:9/m.onnx", "0" * 64)
    with pytest.raises(ModelError, match="cannot download"):
        download(file, tmp_path / "m.onnx", timeout=5)
    assert list(tmp_path.iterdir()) == []


def test_only_http_sources_are_accepted(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="only http"):
        download(ModelFile("m", "file:///etc/passwd", "0" * 64), tmp_path / "m")
