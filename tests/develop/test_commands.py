"""The dev venv starts the programs as they are: its `indoor-voice-engine` and
`indoor-voice-satellite` run in the programs' own environment with nothing set around them,
not even an environment."""

from __future__ import annotations

import asyncio
import subprocess
from pathlib import Path

import pytest

from custom_components.indoor_voice.link import generate_identity, pair
from testbed.engine_process import MODELS, READY, free_port
from testbed.processes import command, stop_group, wait_until_ready
from testbed.satellite_process import make_satellite
from testbed.wyoming_client import describe

# Beside the interpreter of this session: the lane's venv, `.venv/bin` in the oldest lane.
ENGINE = command("indoor-voice-engine")
SATELLITE = command("indoor-voice-satellite")


@pytest.fixture(autouse=True)
def _loopback(socket_enabled: None) -> None:
    """The harness blocks sockets; these tests talk to 127.0.0.1 (nothing else is allowed)."""


@pytest.mark.parametrize("name", ["indoor-voice-engine", "indoor-voice-satellite"])
def test_each_command_explains_itself(name: str) -> None:
    shown = subprocess.run(
        [command(name), "--help"], env={}, capture_output=True, text=True, check=False, timeout=120
    )
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.startswith(f"usage: {name} ")


def _serving_engine(workdir: Path, port: int) -> subprocess.Popen[bytes]:
    log = workdir / "engine.log"
    with log.open("wb") as out:
        engine = subprocess.Popen(
            [ENGINE, f"--uri=tcp://127.0.0.1:{port}", f"--data-dir={MODELS}", "--offline"],
            cwd=workdir,
            env={},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    wait_until_ready(
        engine,
        log,
        READY,
        "the engine",
        90,
        everything_logged=log.read_text,
        give_up=lambda: stop_group(engine, grace=5),
    )
    return engine


async def test_the_engine_command_serves(tmp_path: Path) -> None:
    port = free_port()
    engine = await asyncio.to_thread(_serving_engine, tmp_path, port)
    try:
        info = await describe("127.0.0.1", port)
    finally:
        await asyncio.to_thread(stop_group, engine, 20)
    assert [model.name for asr in info.asr for model in asr.models] == ["tiny.en", "base"]
    assert [voice.name for tts in info.tts for voice in tts.voices] == ["en_US-joe-medium"]
    assert info.wake


async def test_the_satellite_command_serves(tmp_path: Path) -> None:
    satellite = make_satellite(tmp_path / "satellite")
    satellite.env = {}
    await asyncio.to_thread(satellite.launch)
    try:
        code = await asyncio.to_thread(satellite.pairing_code)
        identity = await asyncio.to_thread(generate_identity, "Home Assistant")
        paired = await pair(satellite.host, satellite.port, code, identity)
    finally:
        await asyncio.to_thread(satellite.stop)
    assert paired.info.satellite is not None
    assert paired.info.satellite.name == "Test satellite"
