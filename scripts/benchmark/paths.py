"""Where things are: the repo, its models, and the git-ignored .bench/ work area."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
MODELS = REPO / ".models"
BENCH = REPO / ".bench"
OUR_PYTHON = REPO / ".venv" / "bin" / "python"

STT_MODEL = MODELS / "stt" / "tiny.en"
VOICE = "en_US-joe-medium"
VOICE_DIR = MODELS / "tts" / VOICE
WAKE_WORD = "hey_jarvis"
