"""The add-on's options become the engine's settings, and a Supervisor that does not answer
never stops the engine."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
import yaml

from indoor_voice_engine import addon
from indoor_voice_engine.cli import parse_args
from testbed.processes import REPO

CONFIG = yaml.safe_load((REPO / "config.yaml").read_text())


def test_every_option_of_the_add_on_reaches_the_engine() -> None:
    args = addon.engine_args(
        {
            "stt_model": "base-int8",
            "voice": "en_US-joe-medium",
            "wake_words": ["hey_jarvis", "alexa"],
            "threads": 3,
            "beam_size": 5,
            "offline": True,
            "debug": True,
        }
    )
    settings = parse_args(args)
    assert settings.stt_model == "base-int8"
    assert settings.voices == ["en_US-joe-medium"]
    assert settings.wake_words == ["hey_jarvis", "alexa"]
    assert (settings.threads, settings.beam_size, settings.offline) == (3, 5, True)
    assert "--debug" in args  # more logging; Settings does not carry it


@pytest.mark.parametrize("option", sorted(CONFIG["schema"]))
def test_no_option_of_the_add_on_is_ignored(option: str) -> None:
    """Each option in config.yaml's schema changes the engine's command line."""
    samples = {"stt_model": "tiny.en", "voice": "x", "wake_words": ["alexa"], "threads": 1}
    samples |= {"beam_size": 2, "offline": True, "debug": True}
    without = {k: v for k, v in CONFIG["options"].items() if k != option}
    assert addon.engine_args({**without, option: samples[option]}) != addon.engine_args(without)


def test_the_defaults_of_the_add_on_are_the_engines(tmp_path: Path) -> None:
    options = tmp_path / "options.json"
    options.write_text(
        '{"voice": "en_US-joe-medium", "wake_words": [], "threads": 2, '
        '"beam_size": 1, "offline": false}'
    )
    settings = parse_args(addon.engine_args(addon.read_options(options)))
    assert settings.wake_words == []  # every installed one
    assert (settings.stt_model, settings.offline) == (None, False)


def test_an_unreachable_supervisor_is_logged_not_fatal(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("SUPERVISOR_API", "http://127.0.0.1:9")  # nothing listens there
    with caplog.at_level(logging.WARNING):
        addon.announce("token", 10400)
    assert "add it by hand" in caplog.text
