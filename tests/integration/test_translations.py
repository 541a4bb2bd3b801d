"""Every message the UI can show exists in English, en.json is built from strings.json, and
every other language has every message, with the same placeholders."""

from __future__ import annotations

import json
import re
import runpy
from pathlib import Path

import pytest
from homeassistant.const import __version__ as HA_VERSION
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr

from custom_components.indoor_voice.const import DOMAIN
from custom_components.indoor_voice.entries import HOUSEHOLD_UNIQUE_ID
from testbed.engine_process import EngineProcess
from tests.integration.conftest import engine_entry

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


LANGUAGES = ("de", "es", "fr", "it", "nl")
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _translation(language: str) -> dict[str, str]:
    return _flat(json.loads((COMPONENT / "translations" / f"{language}.json").read_text()))


def test_every_language_has_every_message_with_the_same_placeholders() -> None:
    english = _translation("en")
    for language in LANGUAGES:
        translated = _translation(language)
        assert translated.keys() == english.keys(), (
            language,
            english.keys() - translated.keys(),
            translated.keys() - english.keys(),
        )
        for key, text in translated.items():
            assert set(PLACEHOLDER.findall(text)) == set(PLACEHOLDER.findall(english[key])), (
                language,
                key,
            )
            assert "[%key:" not in text, (language, key)  # custom integrations ship resolved text
        # Translated, not copied: only names, units and placeholders may read as in English.
        same = [key for key in english if translated[key] == english[key]]
        assert len(same) < len(english) // 10, (language, same)


def _review_page_words() -> set[str]:
    """The keys the review page asks for: t("key"), and tp("key") as key_one and key_other."""
    source = "\n".join(p.read_text() for p in (COMPONENT / "privacy" / "frontend").glob("*.js"))
    single = set(re.findall(r'\bt\("([a-z_]+)"', source))
    plural = set(re.findall(r'\btp\("([a-z_]+)"', source))
    chosen = {  # keys picked at run time: t(cond ? "a" : "b"), t(`action_${...}`)
        key
        for pair in re.findall(r'\bt\([^()]*\? "([a-z_]+)" : "([a-z_]+)"', source)
        for key in pair
    }
    actions = re.search(
        r"Action = Literal\[([^\]]+)\]", (COMPONENT / "privacy" / "consent.py").read_text()
    )
    assert actions is not None
    chosen |= {f"action_{a}" for a in re.findall(r'"([a-z_]+)"', actions.group(1))}
    return single | chosen | {f"{key}_{form}" for key in plural for form in ("one", "other")}


def test_the_review_page_finds_every_word_it_uses() -> None:
    strings = json.loads((COMPONENT / "strings.json").read_text())
    words = set(strings["selector"]["review_page"]["options"])
    used = _review_page_words()
    assert len(used) > 50  # the page's words were found at all
    assert used <= words, used - words
    assert words <= used, words - used  # and nothing is left over


@pytest.mark.parametrize(("language", "name"), [("en", "Household"), ("de", "Haushalt")])
async def test_the_household_entry_and_its_device_read_the_same(
    core: HomeAssistant, engine_process: EngineProcess, language: str, name: str
) -> None:
    """Home Assistant's language is set before Indoor Voice is added, as in a new home."""
    core.config.language = language
    entry = engine_entry(engine_process)
    entry.add_to_hass(core)
    assert await core.config_entries.async_setup(entry.entry_id)
    await core.async_block_till_done()
    household = next(
        e for e in core.config_entries.async_entries(DOMAIN) if e.unique_id == HOUSEHOLD_UNIQUE_ID
    )
    (device,) = [
        d
        for d in dr.async_entries_for_config_entry(dr.async_get(core), household.entry_id)
        if (DOMAIN, HOUSEHOLD_UNIQUE_ID) in d.identifiers
    ]
    assert household.title == device.name == name
