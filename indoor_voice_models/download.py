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
    """Return the folder holding every file of the model, or None."""
    for data_dir in data_dirs:
        directory = folder(data_dir, spec)
        if _complete(directory, spec.files):
            return directory
    return None


def ensure(spec: ModelSpec, data_dirs: Sequence[Path], *, offline: bool) -> Path:
    """Return the model's folder, downloading it into the first data dir if needed."""
    if (found := locate(spec, data_dirs)) is not None:
        return found
    if not data_dirs:
        raise ModelError(f"model {spec.name!r} is not installed and no --data-dir is given")
    if offline:
        searched = ", ".join(str(folder(d, spec)) for d in data_dirs)
        raise ModelError(
            f"model {spec.name!r} is not installed (looked in {searched}) and --offline "
            "forbids downloading it"
        )
    target = folder(data_dirs[0], spec)
    for file in spec.files:
        path = target / file.name
        if path.is_file() and (file.size is None or path.stat().st_size == file.size):
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
    # SHA-256 where the catalog pins one; else the MD5 that Piper's list of voices gives.
    algorithm, expected = ("sha256", file.sha256) if file.sha256 else ("md5", file.md5)
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
