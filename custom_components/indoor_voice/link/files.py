"""Files written whole or not at all: a model download, the satellite's key and pairing, a clip
kept for review. Used by all three programs, so it lives in the link (README, "Layout")."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO


@contextlib.contextmanager
def atomic_file(destination: Path, mode: int = 0o600) -> Iterator[BinaryIO]:
    """A temporary file beside `destination` that replaces it once the block completes.

    It has `mode` from its first byte (0600: readable by its owner only) and is on disk
    (fsync) before it takes the destination's name; if the block raises, it is removed and
    the destination is untouched.
    """
    handle, temp = tempfile.mkstemp(prefix=f".{destination.name}.", dir=destination.parent)
    try:
        os.fchmod(handle, mode)
        with os.fdopen(handle, "wb") as file:
            yield file
            file.flush()
            os.fsync(file.fileno())
        os.replace(temp, destination)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def write_private(path: Path, content: bytes) -> None:
    """Replace a file atomically; it is 0600 from its first byte."""
    with atomic_file(path, 0o600) as file:
        file.write(content)
