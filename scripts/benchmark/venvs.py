"""The peers' own virtual environments under .bench/, installed once (stamp file)."""

from __future__ import annotations

import glob
import hashlib
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .paths import BENCH

STAMP = ".bench-stamp"


class InstallError(RuntimeError):
    """A peer's venv could not be made."""


@dataclass(frozen=True)
class PeerVenv:
    """A venv for one or more peers: which Python and which pinned packages."""

    name: str
    python: str  # "3.13" or "3.11"
    requirements: tuple[str, ...]

    @property
    def path(self) -> Path:
        return BENCH / self.name

    @property
    def bin(self) -> Path:
        return self.path / "bin"


WHISPER_AND_PIPER = PeerVenv(
    "peers-py313",
    "3.13",
    ("wyoming-faster-whisper==3.8.1", "av==18.1.0", "wyoming-piper==2.5.2"),
)
# tflite-runtime-nightly's wheel is built against numpy 1.x: with numpy 2 every model thread
# dies at load ("_ARRAY_API not found") while the server keeps answering.
WYOMING_OPENWAKEWORD = PeerVenv(
    "openwakeword-py311", "3.11", ("wyoming-openwakeword==1.8.2", "numpy<2")
)
PYOPEN_WAKEWORD = PeerVenv("pyopen-wakeword-py313", "3.13", ("pyopen-wakeword==1.1.0",))


def find_python(version: str) -> str:
    """An interpreter of this minor version: pyenv's first, then one on PATH."""
    roots = [os.environ.get("PYENV_ROOT", ""), str(Path.home() / ".pyenv")]
    candidates = [
        *(
            p
            for root in roots
            if root
            for p in sorted(glob.glob(f"{root}/versions/{version}.*/bin/python"))
        ),
        shutil.which(f"python{version}") or "",
    ]
    for candidate in candidates:
        if candidate and _python_version(candidate) == version:
            return candidate
    raise InstallError(f"no Python {version} found (pyenv install {version}.x)")


def _python_version(python: str) -> str | None:
    try:
        out = subprocess.run(
            [python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    return out.strip()


def ensure(venv: PeerVenv) -> PeerVenv:
    """Create or refresh the venv when its Python or requirements changed."""
    python = find_python(venv.python)
    wanted = hashlib.sha256("\n".join((python, *venv.requirements)).encode()).hexdigest()
    stamp = venv.path / STAMP
    if stamp.is_file() and stamp.read_text().strip() == wanted:
        return venv
    print(f"  installing {', '.join(venv.requirements)} into {venv.path.relative_to(BENCH.parent)}")
    shutil.rmtree(venv.path, ignore_errors=True)
    _run([python, "-m", "venv", str(venv.path)])
    _run([str(venv.bin / "python"), "-m", "pip", "install", "-q", *venv.requirements])
    stamp.write_text(wanted + "\n")
    return venv


def _run(argv: list[str]) -> None:
    result = subprocess.run(argv, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).splitlines()[-15:])
        raise InstallError(f"{' '.join(argv[:4])} … failed:\n{tail}")


def package_version(venv_python: Path, package: str) -> str:
    """The installed version of a distribution inside a venv."""
    code = f"import importlib.metadata as m; print(m.version({package!r}))"
    result = subprocess.run(
        [str(venv_python), "-c", code], capture_output=True, text=True, check=False
    )
    return result.stdout.strip() or "?"
