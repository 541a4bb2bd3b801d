"""The satellite with and without the wake word head of our own (train_wake makes it at
install time): without it the satellite still hears hey_jarvis, with openWakeWord's
classifier alone, and says so once in its log."""

from __future__ import annotations

from pathlib import Path

import pytest

from indoor_voice_models.wake_head import HEAD_FILE
from testbed.engine_process import MODELS
from testbed.speech import espeak, silence

from .conftest import StartSatellite
from .home_assistant import HomeAssistant

pytestmark = pytest.mark.models

NO_HEAD = "No wake word head"


async def test_a_satellite_without_the_head_still_hears_and_says_so_once(
    start_satellite: StartSatellite, home_assistant: HomeAssistant, tmp_path: Path
) -> None:
    folder = tmp_path / "wake"
    folder.mkdir()
    for name in ("melspectrogram.onnx", "embedding_model.onnx", "hey_jarvis_v0.1.onnx"):
        (folder / name).symlink_to(MODELS / "wake" / name)
    satellite = await start_satellite(f"--wake-model-dir={folder}")
    await home_assistant.pair(satellite)
    async with home_assistant.session(satellite) as session:
        await session.run()
        satellite.microphone.say(espeak("hey jarvis, turn on the kitchen light") + silence(1.0))
        run = await session.next("run-pipeline")
        assert run.data["wake_word_name"] == "hey_jarvis"
    assert satellite.log_text().count(NO_HEAD) == 1, satellite.log_text()


async def test_a_satellite_with_the_head_does_not_warn(start_satellite: StartSatellite) -> None:
    assert (MODELS / "wake" / HEAD_FILE).is_file(), "scripts/setup trains the head"
    satellite = await start_satellite()
    assert NO_HEAD not in satellite.log_text()
