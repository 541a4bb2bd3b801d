"""Models are found by name, or downloaded once from a pinned source and verified."""

from __future__ import annotations

import dataclasses
import hashlib
import http.server
import shutil
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
from indoor_voice_models.download import ModelError, download, ensure, folder, locate
from indoor_voice_models.piper_voices import source, voice_specs, voices_for_language
from testbed.engine_process import MODELS, start_engine


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


def _lay_out(root: Path, served: ModelSpec, base: str, source: Path) -> None:
    """Serve the real files of a model on the mirror, under its pinned paths."""
    for file in served.files:
        path = root / file.url.removeprefix(base + "/")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.symlink_to(source / file.name)


def _copy_installed(spec: ModelSpec, data: Path) -> Path:
    """The seeded model, copied into a data dir of the test's own (to damage it there)."""
    target = folder(data, spec)
    target.mkdir(parents=True, exist_ok=True)
    for file in spec.files:
        shutil.copyfile(folder(MODELS, spec) / file.name, target / file.name)
    return target


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_model_cut_short_is_named_and_downloaded_again_verified(
    mirror: tuple[str, Path, list[str]], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A power cut during a download left half of tiny.en's model.bin."""
    base, root, requests = mirror
    spec = find_spec(ModelKind.STT, "tiny.en")
    assert spec is not None
    served = _served_from(spec, base)
    _lay_out(root, served, base, folder(MODELS, spec))
    installed = _copy_installed(spec, tmp_path / "data")
    model_bin = installed / "model.bin"
    with model_bin.open("r+b") as cut:
        cut.truncate(model_bin.stat().st_size // 2)

    assert ensure(served, [tmp_path / "data"], offline=False) == installed
    assert [r.rsplit("/", 1)[-1] for r in requests] == ["model.bin"], requests  # only that one
    assert _sha256(model_bin) == _sha256(folder(MODELS, spec) / "model.bin")
    assert f"{model_bin} is cut short" in caplog.text


def test_a_damaged_model_of_the_right_size_is_never_served(
    mirror: tuple[str, Path, list[str]], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Same size, other bytes: only its checksum tells. Replaced by a verified download; and
    when the download is damaged too, the model is refused, not served."""
    base, root, requests = mirror
    spec = find_spec(ModelKind.WAKE, "hey_jarvis")
    assert spec is not None
    served = _served_from(spec, base)
    installed = _copy_installed(spec, tmp_path / "data")
    model = installed / spec.files[0].name
    genuine = model.read_bytes()
    model.write_bytes(genuine[:100] + bytes(255 - b for b in genuine[100:200]) + genuine[200:])

    bad = root / served.files[0].url.removeprefix(base + "/")
    bad.parent.mkdir(parents=True, exist_ok=True)
    bad.write_bytes(model.read_bytes())  # the source is damaged as well
    with pytest.raises(ModelError, match="checksum mismatch"):
        ensure(served, [tmp_path / "data"], offline=False)
    assert f"{model} is damaged: its SHA256 checksum is not the catalog's" in caplog.text

    bad.unlink()
    bad.write_bytes(genuine)
    requests.clear()
    assert ensure(served, [tmp_path / "data"], offline=False) == installed
    assert len(requests) == 1
    assert model.read_bytes() == genuine


def test_offline_a_damaged_model_is_named_with_what_is_wrong(
    mirror: tuple[str, Path, list[str]], tmp_path: Path
) -> None:
    base, _, requests = mirror
    spec = find_spec(ModelKind.STT, "tiny.en")
    assert spec is not None
    installed = _copy_installed(spec, tmp_path / "data")
    (installed / "tokenizer.json").unlink()
    with (installed / "model.bin").open("r+b") as cut:
        cut.truncate(1000)
    with pytest.raises(ModelError) as refused:
        ensure(_served_from(spec, base), [tmp_path / "data"], offline=True)
    message = str(refused.value)
    assert f"{installed / 'model.bin'} is cut short: 1000 of its" in message
    assert f"{installed / 'tokenizer.json'} is missing" in message
    assert "--offline" in message
    assert requests == []


def test_the_engine_offline_names_the_damaged_model_the_household_has(tmp_path: Path) -> None:
    """The issue's case: tiny.en's model.bin cut in half, the engine started offline. It
    names that file, not a model the household never installed, and does not serve."""
    spec = find_spec(ModelKind.STT, "tiny.en")
    assert spec is not None
    data = tmp_path / "data"
    installed = _copy_installed(spec, data)
    for kind in ("tts", "wake"):
        (data / kind).symlink_to(MODELS / kind)
    with (installed / "model.bin").open("r+b") as cut:
        cut.truncate((installed / "model.bin").stat().st_size // 2)

    with pytest.raises(RuntimeError, match="exited with") as stopped:
        start_engine(tmp_path / "engine", data_dirs=(data,), timeout=120)
    assert f"{installed / 'model.bin'} is cut short" in str(stopped.value)
    assert "base-int8" not in str(stopped.value)
