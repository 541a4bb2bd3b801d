"""Every message the UI can show exists in English, and en.json is built from strings.json."""

from __future__ import annotations

import json
import re
import runpy
from pathlib import Path

COMPONENT = Path(__file__).resolve().parents[2] / "custom_components" / "indoor_voice"


def test_english_translation_is_up_to_date() -> None:
    script = runpy.run_path(str(COMPONENT.parents[1] / "scripts" / "translations"))
    assert (COMPONENT / "translations" / "en.json").read_text() == script["render"]()


def test_every_error_and_abort_reason_has_a_message() -> None:
    strings = json.loads((COMPONENT / "strings.json").read_text())
    source = "\n".join(p.read_text() for p in COMPONENT.glob("*.py"))
    errors = set(re.findall(r'\{"base": "([a-z_]+)"\}', source))
    flow = (COMPONENT / "config_flow.py").read_text()
    start = flow.index("async def _probe")
    probe = flow[start : flow.index("\ndef ", start)]
    discovery_aborts = set(
        re.findall(r'\{"base": "([a-z_]+)"\}', probe)
    )  # zeroconf aborts with these
    aborts = set(re.findall(r'reason="([a-z_]+)"', source)) | discovery_aborts
    assert errors <= set(strings["config"]["error"]), errors - set(strings["config"]["error"])
    flow_aborts = set(strings["config"]["abort"]) | set(strings["options"]["abort"])
    assert aborts <= flow_aborts, aborts - flow_aborts
