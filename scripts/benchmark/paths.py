"""Where things are: the repo, its models, and the git-ignored .bench/ work area."""

from __future__ import annotations

from pathlib import Path

from testbed.peers import BENCH, MODELS, REPO, STT_MODEL, VOICE, VOICE_DIR
from testbed.processes import command, programs_python

OUR_ENGINE = command("indoor-voice-engine")
OUR_PYTHON = Path(programs_python())  # what our engine runs with: the versions of its libraries
WAKE_WORD = "hey_jarvis"

__all__ = [
    "BENCH",
    "MODELS",
    "OUR_ENGINE",
    "OUR_PYTHON",
    "REPO",
    "STT_MODEL",
    "VOICE",
    "VOICE_DIR",
    "WAKE_WORD",
]
