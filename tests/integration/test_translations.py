"""Every message the UI can show exists in English, and en.json is built from strings.json."""

from __future__ import annotations

import json
import re
import runpy
from pathlib import Path

from homeassistant.const import __version__ as HA_VERSION

COMPONENT = Path(__file__).resolve().parents[2] / "custom_components" / "indoor_voice"
REPO = COMPONENT.parents[1]
# en.json carries the wording of the newest release we test: Home Assistant's shared strings
# (`[%key:common::...%]`) change wording now and then ("Re-configuration" became
# "Reconfiguration" in 2026.3).
NEWEST = (
    (REPO / "requirements" / "ha-latest.txt").read_text().split("homeassistant==")[1].split()[0]
)
COMMON = re.compile(r"\[%key:common::[a-z0-9_:]+%\]")


def _flat(node: object, path: str = "") -> dict[str, str]:
    if isinstance(node, dict):
        return {
            k: v for key, value in node.items() for k, v in _flat(value, f"{path}/{key}").items()
        }
    return {path: str(node)}


def test_english_translation_is_up_to_date() -> None:
    script = runpy.run_path(str(REPO / "scripts" / "translations"))
    shipped = (COMPONENT / "translations" / "en.json").read_text()
    if HA_VERSION == NEWEST:
        assert shipped == script["render"](), "run scripts/translations on the newest lane"
        return
    # An older release: the same messages; only Home Assistant's shared strings may read
    # differently there.
    rendered, ours = _flat(json.loads(script["render"]())), _flat(json.loads(shipped))
    source = _flat(json.loads((COMPONENT / "strings.json").read_text()))
    assert rendered.keys() == ours.keys()
    differing = [key for key in ours if ours[key] != rendered[key]]
    assert all(COMMON.fullmatch(source[key]) for key in differing), differing


def test_every_error_and_abort_reason_has_a_message() -> None:
    strings = json.loads((COMPONENT / "strings.json").read_text())
    source = "\n".join(p.read_text() for p in COMPONENT.rglob("*.py"))
    errors = set(re.findall(r'\{"base": "([a-z_]+)"\}', source))
    flow = (COMPONENT / "engines" / "flow.py").read_text()
    start = flow.index("async def async_probe")
    probe = flow[start : flow.index("\ndef ", start)]
    discovery_aborts = set(
        re.findall(r'\{"base": "([a-z_]+)"\}', probe)
    )  # zeroconf aborts with these
    aborts = set(re.findall(r'reason="([a-z_]+)"', source)) | discovery_aborts
    assert errors <= set(strings["config"]["error"]), errors - set(strings["config"]["error"])
    flow_aborts = set(strings["config"]["abort"]) | set(strings["options"]["abort"])
    assert aborts <= flow_aborts, aborts - flow_aborts
