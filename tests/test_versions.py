"""One version everywhere (scripts/check-versions, run by scripts/lint and by the release
workflow before anything is published): the check passes as the repository is, and names
every place that disagrees."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from testbed.processes import REPO

CHECK = REPO / "scripts" / "check-versions"
PLACES = (
    "pyproject.toml",
    "custom_components/indoor_voice/manifest.json",
    "config.yaml",
    "indoor_voice_engine/__init__.py",
    "indoor_voice_satellite/__init__.py",
    "CHANGELOG.md",
)


def _check(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(CHECK), "--root", str(root), *args],
        capture_output=True,
        text=True,
        check=False,
    )


def _version() -> str:
    done = _check(REPO, "--print-version")
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    for name in PLACES:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO / name, tmp_path / name)
    return tmp_path


def test_every_place_says_the_same_version() -> None:
    done = _check(REPO, "--tag", f"v{_version()}")
    assert (done.returncode, done.stderr) == (0, "")


def _bump_manifest(text: str) -> str:
    manifest = json.loads(text)
    manifest["version"] = "9.9.9"
    return json.dumps(manifest)


BUMPS: dict[str, Callable[[str], str]] = {
    "custom_components/indoor_voice/manifest.json": _bump_manifest,
    "config.yaml": lambda t: re.sub(r'(?m)^version: ".*"$', 'version: "9.9.9"', t),
    "indoor_voice_engine/__init__.py": lambda t: re.sub(
        r'__version__ = ".*"', '__version__ = "9.9.9"', t
    ),
    "indoor_voice_satellite/__init__.py": lambda t: re.sub(
        r'__version__ = ".*"', '__version__ = "9.9.9"', t
    ),
    "CHANGELOG.md": lambda t: t.replace("\n## ", "\n## 9.9.9\n\n- next\n\n## ", 1),
}


@pytest.mark.parametrize("place", sorted(BUMPS))
def test_a_place_that_disagrees_is_named(copy: Path, place: str) -> None:
    path = copy / place
    bumped = BUMPS[place](path.read_text())
    assert bumped != path.read_text()
    path.write_text(bumped)
    done = _check(copy)
    assert done.returncode == 1
    assert done.stderr == f"{place} says 9.9.9, pyproject.toml says {_version()}\n"


def test_a_tag_that_is_not_the_version_is_refused(copy: Path) -> None:
    done = _check(copy, "--tag", "v9.9.9")
    assert done.returncode == 1
    assert done.stderr == f"the tag v9.9.9 is not v{_version()}\n"


def test_the_release_notes_are_the_newest_entry() -> None:
    notes = _check(REPO, "--print-notes").stdout.strip()
    changelog = (REPO / "CHANGELOG.md").read_text()
    assert notes and notes in changelog
    assert "## " not in notes
