"""The official Wyoming services we test and benchmark against: their venv and command lines.

wyoming-faster-whisper and wyoming-piper live in one venv under the git-ignored .bench/,
made once by `scripts/setup` (which runs this file) and used by the integration tests
(tests/support/peer_process.py) and by `scripts/bench`. A stamp makes a second run cheap.
Standard library only: setup runs this before anything else is importable.

Usage: python testbed/peers.py   (create or refresh the venv; quick when nothing changed)
"""

from __future__ import annotations

import glob
import hashlib
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / ".bench"
MODELS = REPO / ".models"
STT_MODEL = MODELS / "stt" / "tiny.en"
VOICE = "en_US-joe-medium"
VOICE_DIR = MODELS / "tts" / VOICE
THREADS = 2
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


# faster-whisper 1.2.1 breaks with av >= 19 (open() got an unexpected keyword argument).
WHISPER_AND_PIPER = PeerVenv(
    "peers-py313",
    "3.13",
    ("wyoming-faster-whisper==3.8.1", "av==18.1.0", "wyoming-piper==2.5.2"),
)


def whisper_args(data_dir: Path) -> list[str]:
    """wyoming-faster-whisper's options (after --uri): our STT model and settings, offline.

    Its defaults are overridden on purpose: --beam-size 0 means 5 on x86 (ours uses 1),
    --cpu-threads 4 (ours uses 2), the model's own compute type (int8 asked). `data_dir`
    stays empty: nothing is downloaded.
    """
    return [
        "--model",
        str(STT_MODEL),
        "--data-dir",
        str(data_dir),
        "--local-files-only",
        "--beam-size",
        "1",
        "--compute-type",
        "int8",
        "--cpu-threads",
        str(THREADS),
    ]


def piper_args() -> list[str]:
    """wyoming-piper's options (after --uri): our voice, offline."""
    return ["--voice", VOICE, "--data-dir", str(VOICE_DIR), "--local-files-only"]


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
    print(f"  installing {', '.join(venv.requirements)} into {venv.path.relative_to(REPO)}")
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


if __name__ == "__main__":
    try:
        ensure(WHISPER_AND_PIPER)
    except InstallError as err:
        sys.exit(f"cannot install the official Wyoming services: {err}")
