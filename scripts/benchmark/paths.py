"""Where things are: the repo, its models, and the git-ignored .bench/ work area."""

from __future__ import annotations

from scripts.peers import BENCH, MODELS, REPO, STT_MODEL, VOICE, VOICE_DIR

OUR_PYTHON = REPO / ".venv" / "bin" / "python"
WAKE_WORD = "hey_jarvis"

__all__ = ["BENCH", "MODELS", "OUR_PYTHON", "REPO", "STT_MODEL", "VOICE", "VOICE_DIR", "WAKE_WORD"]
