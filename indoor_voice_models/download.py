"""Finding models in data dirs and, when allowed, downloading them once, verified.

Layout of a data dir::

    stt/<name>/model.bin, config.json, tokenizer.json, vocabulary.txt
    tts/<name>/<name>.onnx, <name>.onnx.json
    wake/<file>.onnx                      (feature models and wake word classifiers)
"""

from __future__ import annotations

import hashlib
import logging
import urllib.request
from collections.abc import Sequence
from pathlib import Path

from indoor_voice_link.files import atomic_file

from .catalog import CATALOG, ModelFile, ModelKind, ModelSpec, find_spec

_LOGGER = logging.getLogger(__name__)

_CHUNK = 1024 * 1024
_TIMEOUT = 60.0


class ModelError(Exception):
    """A model is missing, corrupt, or cannot be downloaded."""


def folder(data_dir: Path, spec: ModelSpec) -> Path:
    """Where a model's files live inside one data dir."""
    if spec.kind == ModelKind.WAKE:
        return data_dir / ModelKind.WAKE.value
    return data_dir / spec.kind.value / spec.name


def _complete(directory: Path, files: Sequence[ModelFile]) -> bool:
    for file in files:
        path = directory / file.name
        if not path.is_file():
            return False
        if file.size is not None and path.stat().st_size != file.size:
            return False
    return True


def locate(spec: ModelSpec, data_dirs: Sequence[Path]) -> Path | None:
    """Return the folder holding every file of the model (of the right size), or None.

    Cheap (no checksum): what is installed. `ensure` verifies before anything is served."""
    for data_dir in data_dirs:
        directory = folder(data_dir, spec)
        if _complete(directory, spec.files):
            return directory
    return None


def has_any_file(spec: ModelSpec, data_dirs: Sequence[Path]) -> bool:
    """Whether any file of the model is there, whole or not: the household installed it."""
    return any((folder(d, spec) / f.name).exists() for d in data_dirs for f in spec.files)


def damage(path: Path, file: ModelFile) -> str | None:
    """What is wrong with one installed file of a model, or None when it is whole."""
    if not path.is_file():
        return "missing"
    size = path.stat().st_size
    if file.size is not None and size != file.size:
        if size < file.size:
            return f"cut short: {size} of its {file.size} bytes"
        return f"{size} bytes where {file.size} are expected"
    algorithm, expected = _digest_of(file)
    if _file_digest(path, algorithm) != expected:
        return f"damaged: its {algorithm.upper()} checksum is not the catalog's"
    return None


_VERIFIED: dict[tuple[Path, int, int, str], str] = {}  # (path, size, mtime, algorithm) -> digest


def _file_digest(path: Path, algorithm: str) -> str:
    stat = path.stat()
    key = (path.resolve(), stat.st_size, stat.st_mtime_ns, algorithm)
    if (known := _VERIFIED.get(key)) is None:
        digest = hashlib.new(algorithm)
        with path.open("rb") as source:
            while chunk := source.read(_CHUNK):
                digest.update(chunk)
        known = _VERIFIED[key] = digest.hexdigest()
    return known


def _digest_of(file: ModelFile) -> tuple[str, str]:
    """SHA-256 where the catalog pins one; else the MD5 that Piper's list of voices gives."""
    return ("sha256", file.sha256) if file.sha256 else ("md5", file.md5)


def ensure(spec: ModelSpec, data_dirs: Sequence[Path], *, offline: bool) -> Path:
    """Return the folder of the model, every file verified against its checksum; download
    what is missing or damaged into the first data dir (unless offline). A model failing its
    checksum is never returned."""
    damaged: list[str] = []
    for data_dir in data_dirs:
        directory = folder(data_dir, spec)
        if not any((directory / file.name).exists() for file in spec.files):
            continue
        problems = [(f, why) for f in spec.files if (why := damage(directory / f.name, f))]
        if not problems:
            return directory
        for file, why in problems:
            _LOGGER.warning("Model %r: %s is %s", spec.name, directory / file.name, why)
            damaged.append(f"{directory / file.name} is {why}")
    if not data_dirs:
        raise ModelError(f"model {spec.name!r} is not installed and no --data-dir is given")
    if offline and damaged:
        raise ModelError(
            f"model {spec.name!r} cannot be used: {'; '.join(damaged)}. --offline forbids "
            "downloading it again: put back a whole copy, or start without --offline"
        )
    if offline:
        searched = ", ".join(str(folder(d, spec)) for d in data_dirs)
        raise ModelError(
            f"model {spec.name!r} is not installed (looked in {searched}) and --offline "
            "forbids downloading it"
        )
    target = folder(data_dirs[0], spec)
    for file in spec.files:
        path = target / file.name
        if path.exists() and damage(path, file) is None:
            continue
        download(file, path)
    return target


def download(file: ModelFile, destination: Path, *, timeout: float = _TIMEOUT) -> None:
    """Download one file, verify its checksum, and move it into place atomically.

    A partial or corrupt download never appears under the destination name.
    """
    if not file.url.startswith(("https://", "http://")):
        raise ModelError(f"refusing to download from {file.url!r}: only http(s) URLs are allowed")
    destination.parent.mkdir(parents=True, exist_ok=True)
    _LOGGER.info("Downloading %s", file.url)
    algorithm, expected = _digest_of(file)
    digest = hashlib.new(algorithm)
    received = 0
    try:
        request = urllib.request.Request(file.url, headers={"User-Agent": "indoor-voice"})  # noqa: S310
        with (
            atomic_file(destination, 0o644) as out,
            urllib.request.urlopen(request, timeout=timeout) as response,  # noqa: S310
        ):
            while chunk := response.read(_CHUNK):
                received += len(chunk)
                if file.size is not None and received > file.size:
                    raise ModelError(f"{file.url} is larger than the expected {file.size} bytes")
                digest.update(chunk)
                out.write(chunk)
            if file.size is not None and received != file.size:
                raise ModelError(f"{file.url}: got {received} bytes, expected {file.size}")
            if digest.hexdigest() != expected:
                raise ModelError(
                    f"{file.url}: checksum mismatch (got {algorithm} {digest.hexdigest()}, "
                    f"expected {expected})"
                )
    except OSError as err:
        raise ModelError(f"cannot download {file.url}: {err}") from err


def resolve(
    kind: ModelKind, value: str, data_dirs: Sequence[Path], *, offline: bool
) -> tuple[Path, ModelSpec | None]:
    """A model given by path, or by catalog name (found or downloaded)."""
    path = Path(value).expanduser()
    if path.exists():
        return path, None
    spec = find_spec(kind, value)
    if spec is None:
        known = ", ".join(s.name for s in CATALOG if s.kind == kind)
        raise ModelError(
            f"unknown {kind.value} model {value!r}: not a path, and not one of {known}"
        )
    return ensure(spec, data_dirs, offline=offline), spec
