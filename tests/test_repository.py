"""The repository is what HACS and hassfest expect, and scripts/check-repository says when not.

Each failing case runs the checker on a copy with one thing broken, so the checker is shown
to catch what HACS, hassfest or the brands rules would refuse, and to name it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
CHECKER = ROOT / "scripts" / "check-repository"
INTEGRATION = ROOT / "custom_components" / "indoor_voice"
BRAND = INTEGRATION / "brand"


def run_checker(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(CHECKER), *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def read_json(path: Path) -> dict[str, Any]:
    content: dict[str, Any] = json.loads(path.read_text())
    return content


def write_json(path: Path, content: dict[str, Any]) -> None:
    path.write_text(json.dumps(content, indent=2) + "\n")


@pytest.fixture
def integration_copy(tmp_path: Path) -> Path:
    """The integration folder, copied: the checker reads config_flow.py and imports beside it."""
    copy = tmp_path.resolve() / INTEGRATION.name
    shutil.copytree(INTEGRATION, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def test_the_repository_passes() -> None:
    result = run_checker()

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("ok")


def test_a_manifest_without_a_version_fails(integration_copy: Path) -> None:
    manifest_path = integration_copy / "manifest.json"
    manifest = read_json(manifest_path)
    del manifest["version"]
    write_json(manifest_path, manifest)

    result = run_checker("--manifest", str(manifest_path))

    assert result.returncode == 1
    assert f"{manifest_path}: version: required key is missing" in result.stdout.splitlines()


def test_unsorted_manifest_keys_fail(integration_copy: Path) -> None:
    manifest_path = integration_copy / "manifest.json"
    manifest = read_json(manifest_path)
    write_json(manifest_path, dict(reversed(manifest.items())))

    result = run_checker("--manifest", str(manifest_path))

    assert result.returncode == 1
    assert "keys are not in hassfest's order (domain, name, then alphabetical)" in result.stdout


def test_an_undeclared_integration_import_fails(integration_copy: Path) -> None:
    (integration_copy / "relay.py").write_text("from homeassistant.components import mqtt\n")

    result = run_checker("--manifest", str(integration_copy / "manifest.json"))

    assert result.returncode == 1
    assert (
        "relay.py uses the 'mqtt' integration but it is not in dependencies or after_dependencies"
    ) in result.stdout


def test_an_unknown_hacs_key_fails(tmp_path: Path) -> None:
    hacs_path = tmp_path.resolve() / "hacs.json"
    write_json(hacs_path, {**read_json(ROOT / "hacs.json"), "iot_class": "local_push"})

    result = run_checker("--hacs", str(hacs_path))

    assert result.returncode == 1
    assert f"{hacs_path}: iot_class: unknown key" in result.stdout.splitlines()


def test_an_icon_of_the_wrong_size_fails(tmp_path: Path) -> None:
    brand = tmp_path.resolve() / "brand"
    shutil.copytree(BRAND, brand)
    with Image.open(brand / "icon.png") as icon:
        icon.resize((200, 200)).save(brand / "icon.png")

    result = run_checker("--brand", str(brand))

    assert result.returncode == 1
    assert f"{brand}/icon.png: is 200x200, an icon must be 256x256" in result.stdout.splitlines()


def test_the_brand_images_have_the_sizes_the_rules_require() -> None:
    for name, side in {"icon.png": 256, "icon@2x.png": 512}.items():
        with Image.open(BRAND / name) as icon:
            assert (icon.format, icon.mode, icon.size) == ("PNG", "RGBA", (side, side)), name

    logos = {"logo.png": (128, 256), "logo@2x.png": (256, 512)}
    for name, (shortest, longest_allowed) in logos.items():
        for variant in (name, f"dark_{name}"):
            with Image.open(BRAND / variant) as logo:
                assert (logo.format, logo.mode) == ("PNG", "RGBA"), variant
                assert logo.width > logo.height, f"{variant} is not landscape"
                assert shortest <= logo.height <= longest_allowed, variant
