"""The add-on repository check (scripts/check-addon, run by scripts/lint): it passes the
add-on as it is, and catches what would make the Supervisor leave the add-on out of the store
or refuse to start it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from testbed.processes import REPO

CHECK = REPO / "scripts" / "check-addon"
WHAT_THE_CHECK_READS = (
    "repository.yaml",
    "pyproject.toml",
    *("config.yaml", "build.yaml", "translations", "icon.png", "DOCS.md", "Dockerfile"),
    "custom_components/indoor_voice/manifest.json",
)


def _check(root: Path) -> tuple[int, str]:
    done = subprocess.run(
        [sys.executable, str(CHECK), "--root", str(root)],
        capture_output=True,
        text=True,
        check=False,
    )
    return done.returncode, done.stderr


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """A repository holding a copy of what the check reads."""
    root = tmp_path / "repo"
    for name in WHAT_THE_CHECK_READS:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, root / name)
        else:
            shutil.copy(REPO / name, root / name)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


def _edit(root: Path, name: str, change: Callable[[dict[str, Any]], object]) -> None:
    path = root / name
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data))


def test_the_add_on_passes() -> None:
    assert _check(REPO) == (0, "")


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        (lambda c: c.update(ingres=True), "extra keys not allowed @ data['ingres']"),
        (lambda c: c.update(version=0.1), "data['version']"),
        (lambda c: c.update(arch=["amd64", "x86_64"]), "data['arch']"),
        (lambda c: c.update(watchdog="tcp://localhost:10400"), "data['watchdog']"),
        (lambda c: c["schema"].update(threads="integer"), "not a Supervisor option type"),
        (lambda c: c["options"].update(threads=0), "option 'threads'"),
        (lambda c: c["options"].update(wake_words=["ok_google"]), "option 'wake_words'"),
        (lambda c: c["options"].pop("voice"), "required option 'voice' has no default"),
        (lambda c: c.update(discovery=["wyoming"]), "discovery must name 'indoor_voice'"),
        (lambda c: c.update(arch=["amd64"]), "build_from must name exactly the add-on's arch"),
    ],
)
def test_a_broken_config_is_caught(
    copy: Path, change: Callable[[dict[str, Any]], object], complaint: str
) -> None:
    _edit(copy, "config.yaml", change)
    status, problems = _check(copy)
    assert status == 1
    assert complaint in problems, problems


def test_a_base_image_the_supervisor_cannot_read_is_caught(copy: Path) -> None:
    _edit(copy, "build.yaml", lambda b: b["build_from"].update(amd64="debian bookworm"))
    status, problems = _check(copy)
    assert status == 1 and "build.yaml" in problems, problems


def test_an_option_without_a_label_is_caught(copy: Path) -> None:
    _edit(copy, "translations/en.yaml", lambda t: t["configuration"].pop("beam_size"))
    status, problems = _check(copy)
    assert status == 1 and "translations/en.yaml names" in problems, problems


def test_an_add_on_without_a_dockerfile_cannot_be_built(copy: Path) -> None:
    (copy / "Dockerfile").unlink()
    status, problems = _check(copy)
    assert status == 1
    assert problems.strip() == "Dockerfile is missing from the add-on's folder"


def test_another_config_file_would_show_as_an_add_on(copy: Path) -> None:
    (copy / "tests").mkdir()
    (copy / "tests" / "config.json").write_text("{}")
    (copy / ".hidden").mkdir()
    (copy / ".hidden" / "config.yaml").write_text("{}")  # the store skips hidden folders
    status, problems = _check(copy)
    assert status == 1
    assert problems.strip() == "tests/config.json: the add-on store would read this as an add-on"
