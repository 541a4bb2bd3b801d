"""scripts/install-satellite, run for real with everything pointed at temporary folders
(and the test environment as its virtual environment), and as a dry run of a Pi install."""

from __future__ import annotations

import getpass
import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from testbed.engine_process import MODELS, REPO

SCRIPT = REPO / "scripts" / "install-satellite"
CODE = re.compile(r"^[A-Z2-7]{4}(-[A-Z2-7]{4}){3}$")


def install(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SCRIPT), *args],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )


def test_the_install_script_is_valid_bash() -> None:
    subprocess.run(["bash", "-n", str(SCRIPT)], check=True)


def test_a_pi_install_makes_a_private_data_dir_a_service_and_prints_the_code(
    tmp_path: Path,
) -> None:
    data, units = tmp_path / "data", tmp_path / "units"
    args = (
        f"--prefix={Path(sys.executable).parent.parent}",
        "--reuse-venv",
        f"--user={getpass.getuser()}",
        f"--data-dir={data}",
        f"--unit-dir={units}",
        f"--models-from={MODELS / 'wake'}",
        "--wake-word=alexa",
        "--area=Living room",
        "--no-start",
        "--",
        "--snd-rate=16000",
    )
    code = install(*args).stdout.strip()
    assert CODE.match(code), code
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    assert sorted(p.name for p in (data / "wake").iterdir()) == [
        "alexa_v0.1.onnx",
        "embedding_model.onnx",
        "melspectrogram.onnx",
    ]
    unit = (units / "indoor-voice-satellite.service").read_text()
    satellite = Path(sys.executable).parent / "indoor-voice-satellite"
    assert (
        f'ExecStart="{satellite}" "--data-dir" "{data}" "--name" "{os.uname().nodename}" '
        '"--area" "Living room" "--wake-word" "alexa" "--zeroconf" "--snd-rate=16000"\n'
    ) in unit
    assert f"ReadWritePaths={data}\n" in unit
    if shutil.which("systemd-analyze"):
        verified = subprocess.run(
            ["systemd-analyze", "verify", str(units / "indoor-voice-satellite.service")],
            capture_output=True,
            text=True,
            check=False,
        )
        assert "ExecStart" not in verified.stderr, verified.stderr

    assert install(*args).stdout.strip() == code  # running it again changes nothing


@pytest.mark.parametrize("models", [None, MODELS / "wake"])
def test_a_dry_run_shows_every_step_and_changes_nothing(
    tmp_path: Path, models: Path | None
) -> None:
    data = tmp_path / "data"
    args = ["--dry-run", f"--data-dir={data}", f"--unit-dir={tmp_path / 'units'}"]
    if models:
        args.append(f"--models-from={models}")
    output = install(*args).stdout
    assert "-m venv /opt/indoor-voice-satellite" in output
    assert "systemctl enable --now indoor-voice-satellite.service" in output
    assert ("--download-models" in output) is (models is None)
    assert "--print-pairing-code" in output
    assert list(tmp_path.iterdir()) == []
