"""A household whose Caribbean-English speaker is not heard: the satellite's wake sensitivity,
set in Home Assistant, reaches the real satellite over the paired link and changes what wakes
it; the last wake decision shows why it did or did not wake."""

from __future__ import annotations

import pytest
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er

from testbed.satellite_process import SatelliteProcess, wait_for
from testbed.speech import espeak, silence
from testbed.wake import best_scores
from tests.integration.conftest import satellite_entity_id

_STEP = 1280 * 2  # the satellite scores 80 ms steps of 16-bit audio


# Caribbean-English voices (espeak-ng variant, pitch) the head scores about as low as a
# quiet, unfamiliar voice: some of them between the relaxed and the default threshold.
_CARIBBEAN = [
    (voice, pitch)
    for voice in ("en-029", "en-029+f2", "en-029+f4", "en-029+f5")
    for pitch in (None, 30, 40, 50, 60, 70, 80)
]


@pytest.fixture(scope="module")
def hard_to_hear(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """ "Hey Jarvis" in a Caribbean-English voice that the default threshold (0.5) misses and
    the relaxed one (0.25) hears. The wake word head is trained where it is installed
    (scripts/setup) and scores one voice a little differently from one machine to the next,
    so the voice is found here by the detector the satellite runs, with the same head.

    The microphone plays it from a step boundary, so the satellite scores it the same way
    on every run."""
    clips = []
    for voice, pitch in _CARIBBEAN:
        phrase = espeak("hey jarvis", voice=voice, pitch=pitch)
        clips.append(silence(1.28) + phrase + bytes(-len(phrase) % _STEP) + silence(2.56))
    scores = best_scores(clips, tmp_path_factory.mktemp("voices"))
    found = next((c for c, s in zip(clips, scores, strict=True) if 0.3 <= s <= 0.45), None)
    if found is None:
        pytest.fail(f"no Caribbean-English voice scores 0.3 to 0.45: {scores}")
    return found


def _entities(hass: HomeAssistant, entry: ConfigEntry) -> tuple[str, str, str]:
    return (
        satellite_entity_id(hass, entry, "select", "wake_sensitivity"),
        satellite_entity_id(hass, entry, "sensor", "last_wake"),
        satellite_entity_id(hass, entry, "assist_satellite", "assist_satellite"),
    )


async def _choose(hass: HomeAssistant, select: str, level: str) -> None:
    await hass.services.async_call(
        "select", "select_option", {"entity_id": select, "option": level}, blocking=True
    )
    await wait_for(lambda: hass.states.get(select).state == level, f"the satellite to be {level}")


async def test_a_voice_the_default_misses_is_heard_once_the_household_relaxes_it(
    core: HomeAssistant, living_room: tuple[SatelliteProcess, ConfigEntry], hard_to_hear: bytes
) -> None:
    satellite, entry = living_room
    select, last_wake, entity_id = _entities(core, entry)
    registry = er.async_get(core)
    assert registry.async_get(select).entity_category is EntityCategory.CONFIG
    assert registry.async_get(last_wake).entity_category is EntityCategory.DIAGNOSTIC
    assert core.states.get(select).state == "default"
    assert core.states.get(select).attributes["options"] == ["relaxed", "default", "strict"]

    await satellite.microphone.hear(hard_to_hear)
    await wait_for(lambda: core.states.get(last_wake).state != "unknown", "a near miss")
    missed = core.states.get(last_wake).attributes
    assert missed["accepted"] is False, missed
    assert 0.25 <= missed["score"] < 0.5 == missed["threshold"], missed
    assert core.states.get(entity_id).state == "idle"

    await _choose(core, select, "relaxed")
    await satellite.microphone.hear(hard_to_hear)
    await wait_for(
        lambda: core.states.get(last_wake).attributes.get("accepted") is True, "the wake"
    )
    heard = core.states.get(last_wake).attributes
    assert heard["threshold"] == 0.25 and heard["score"] >= 0.25, heard
    await wait_for(lambda: core.states.get(entity_id).state != "idle", "the command to stream")
    await wait_for(lambda: core.states.get(entity_id).state == "idle", "the satellite to finish")

    # The satellite keeps the household's choice across a reboot.
    await core.async_add_executor_job(satellite.restart)
    await wait_for(lambda: core.states.get(entity_id).state == "idle", "the satellite to return")
    assert core.states.get(select).state == "relaxed"

    await _choose(core, select, "strict")
    before = core.states.get(last_wake).last_changed
    await satellite.microphone.hear(hard_to_hear)
    await wait_for(lambda: core.states.get(last_wake).last_changed != before, "a near miss")
    assert core.states.get(last_wake).attributes["accepted"] is False
    assert core.states.get(entity_id).state == "idle"
