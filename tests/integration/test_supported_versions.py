"""The Home Assistant releases we promise, and the `wyoming` each of them gives us.

Inside Home Assistant our integration gets the wyoming that Home Assistant pins for its own
wyoming integration (installed in every lane by scripts/setup from that release's manifests).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import homeassistant
from awesomeversion import AwesomeVersion
from homeassistant.const import __version__ as HA_VERSION
from packaging.requirements import Requirement

REPO = Path(__file__).resolve().parents[2]
INTEGRATION = REPO / "custom_components" / "indoor_voice"


def _requirement(requirements: list[str], name: str) -> Requirement:
    found = [Requirement(r) for r in requirements if Requirement(r).name == name]
    assert len(found) == 1, requirements
    return found[0]


def home_assistants_wyoming() -> str:
    """The version this Home Assistant pins for its own wyoming integration."""
    manifest = Path(homeassistant.__file__).parent / "components" / "wyoming" / "manifest.json"
    pin = _requirement(json.loads(manifest.read_text())["requirements"], "wyoming")
    (spec,) = pin.specifier
    assert spec.operator == "==", pin
    return spec.version


def test_our_manifest_accepts_the_wyoming_this_home_assistant_ships() -> None:
    ours = _requirement(
        json.loads((INTEGRATION / "manifest.json").read_text())["requirements"], "wyoming"
    )
    assert ours.specifier.contains(home_assistants_wyoming()), (ours, home_assistants_wyoming())


def test_on_the_oldest_home_assistant_our_minimum_is_its_wyoming() -> None:
    """The manifest states the true minimum: the pin of the oldest release hacs.json promises."""
    promised = AwesomeVersion(json.loads((REPO / "hacs.json").read_text())["homeassistant"])
    running = AwesomeVersion(HA_VERSION)
    assert (running.year, running.minor) >= (promised.year, promised.minor)
    if (running.year, running.minor) != (promised.year, promised.minor):
        return  # a newer lane: the previous test is what holds here
    ours = _requirement(
        json.loads((INTEGRATION / "manifest.json").read_text())["requirements"], "wyoming"
    )
    minimum = [s.version for s in ours.specifier if s.operator == ">="]
    assert minimum == [home_assistants_wyoming()]


def test_our_code_uses_only_what_this_wyoming_has() -> None:
    """mypy reads this lane's wyoming (pyproject.toml follows it even untyped): an attribute
    or event the installed release lacks is an error unless the code guards it."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--cache-dir",
            str(Path(sys.prefix) / ".mypy_cache"),
            "--python-version",
            f"{sys.version_info.major}.{sys.version_info.minor}",
            str(INTEGRATION),
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
