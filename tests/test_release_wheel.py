"""The package a release publishes to the index, as a household on Home Assistant Core (or a
stronger computer) installs it: `pip install indoor-voice[engine]` into a new venv, nothing of
this checkout anywhere, and the engine started from an empty folder serves Wyoming: it
describes itself, transcribes a command and speaks a reply. The distributions pass
`twine check` and carry no model weights or audio."""

from __future__ import annotations

import re
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from testbed.engine_process import MODELS, READY
from testbed.processes import REPO, stop_group, wait_until_ready
from testbed.speech import convert, espeak, silence
from testbed.wyoming_client import describe, sounds_like, synthesize, transcribe
from tests.support.release import (
    Distributions,
    build_distributions,
    clean_venv,
    given_distributions,
    outside_env,
)

pytestmark = pytest.mark.models


@pytest.fixture(autouse=True)
def _loopback_sockets(socket_enabled: None) -> None:
    """The harness blocks sockets; talking to the installed engine needs loopback."""


@pytest.fixture(scope="module")
def distributions(tmp_path_factory: pytest.TempPathFactory) -> Distributions:
    return given_distributions() or build_distributions(tmp_path_factory.mktemp("dist"))


@pytest.fixture(scope="module")
def household(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home folder of the household's, far from this checkout."""
    return tmp_path_factory.mktemp("household")


@pytest.fixture(scope="module")
def venv(distributions: Distributions, household: Path) -> Iterator[Path]:
    with clean_venv(household / "venv", f"{distributions.wheel}[engine]", household) as folder:
        yield folder


def test_the_distributions_pass_twine_check(distributions: Distributions) -> None:
    checked = subprocess.run(
        [
            sys.executable,
            "-m",
            "twine",
            "check",
            "--strict",
            str(distributions.wheel),
            str(distributions.sdist),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_sdist_carries_no_models_and_no_audio(distributions: Distributions) -> None:
    with tarfile.open(distributions.sdist) as sdist:
        names = sdist.getnames()
    assert any(n.endswith("/indoor_voice_engine/server.py") for n in names)
    assert not [n for n in names if re.search(r"\.(onnx|tflite|bin|wav|raw|pcm)$", n)]


@pytest.fixture(scope="module")
def anywhere(household: Path) -> Path:
    """An empty folder to start the engine from."""
    folder = household / "anywhere"
    folder.mkdir()
    return folder


@pytest.fixture(scope="module")
def installed_engine(venv: Path, household: Path, anywhere: Path) -> Iterator[int]:
    """`indoor-voice-engine` from the venv, started in an empty folder; its port."""
    log = household / "engine.log"
    with log.open("wb") as out:
        engine = subprocess.Popen(
            [
                str(venv / "bin" / "indoor-voice-engine"),
                "--uri=tcp://127.0.0.1:0",
                f"--data-dir={MODELS}",
                "--offline",
                "--threads=2",
            ],
            cwd=anywhere,
            env=outside_env(household / "home"),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        ready = wait_until_ready(
            engine,
            log,
            READY,
            "the installed engine",
            120,
            everything_logged=lambda: log.read_text(errors="replace"),
            give_up=lambda: stop_group(engine, 5),
        )
        yield int(ready.group(1))
    finally:
        stop_group(engine, 20)
    assert list(anywhere.iterdir()) == [], "the engine wrote into the folder it started from"


def test_the_engine_runs_from_the_venv_not_from_this_checkout(
    venv: Path, household: Path, anywhere: Path
) -> None:
    where = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import indoor_voice_engine as e; print(e.__file__)"],
        capture_output=True,
        text=True,
        check=True,
        cwd=anywhere,
        env=outside_env(household / "home"),
    ).stdout.strip()
    assert Path(where).is_relative_to(venv) and not Path(where).is_relative_to(REPO)


async def test_the_wheel_serves_wyoming_from_an_empty_folder(
    distributions: Distributions, installed_engine: int
) -> None:
    port = installed_engine
    info = await describe("127.0.0.1", port)
    assert {p.version for p in (*info.asr, *info.tts, *info.wake)} == {distributions.version}
    assert [m.name for p in info.asr for m in p.models] == ["tiny.en", "base"]

    heard = await transcribe("127.0.0.1", port, espeak("turn on the kitchen light"))
    assert sounds_like(heard, "turn on the kitchen light"), heard

    reply = await synthesize("127.0.0.1", port, "The kitchen light is on.")
    spoken = convert(reply.audio, reply.rate, 2, 1)
    heard = await transcribe("127.0.0.1", port, spoken + silence(1.0))
    assert sounds_like(heard, "the kitchen light is on"), heard
