"""The bench-only peers' venvs under .bench/ (the wake word peers); the STT/TTS peers' venv
is shared with the tests and lives in testbed/peers.py."""

from __future__ import annotations

import subprocess
from pathlib import Path

from testbed.peers import PeerVenv

# tflite-runtime-nightly's wheel is built against numpy 1.x: with numpy 2 every model thread
# dies at load ("_ARRAY_API not found") while the server keeps answering.
WYOMING_OPENWAKEWORD = PeerVenv(
    "openwakeword-py311", "3.11", ("wyoming-openwakeword==1.8.2", "numpy<2")
)
PYOPEN_WAKEWORD = PeerVenv("pyopen-wakeword-py313", "3.13", ("pyopen-wakeword==1.1.0",))


def package_version(venv_python: Path, package: str) -> str:
    """The installed version of a distribution inside a venv."""
    code = f"import importlib.metadata as m; print(m.version({package!r}))"
    result = subprocess.run(
        [str(venv_python), "-c", code], capture_output=True, text=True, check=False
    )
    return result.stdout.strip() or "?"
