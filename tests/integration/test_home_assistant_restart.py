"""Home Assistant restarts (its Indoor Voice entries unloaded, then set up again, as a restart
does to them) while a satellite streams a command, and while a timer rings on it. The real
satellite program, the real engine, real TLS on 127.0.0.1, inside Home Assistant's test
harness."""

from __future__ import annotations

import asyncio

from homeassistant.components.intent.const import TIMER_DATA
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.indoor_voice.privacy.consent import SharingSettings
from custom_components.indoor_voice.privacy.household import DATA_HOUSEHOLD
from testbed.satellite_process import SatelliteProcess, wait_for
from testbed.speech import espeak, silence
from tests.integration.conftest import satellite_entity_id, speak
from tests.support.sound_checks import rings

COMMAND = "hey jarvis, turn on the kitchen light"
RATE = 22_050


def _state(hass: HomeAssistant, entry: ConfigEntry) -> str:
    entity_id = satellite_entity_id(hass, entry, "assist_satellite", "assist_satellite")
    return hass.states.get(entity_id).state


async def _restart(hass: HomeAssistant, *entries: ConfigEntry) -> None:
    """What a restart does to the entries: unloaded (the links close), then set up again."""
    for entry in entries:
        assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    for entry in reversed(entries):
        assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


async def test_a_restart_while_a_command_streams_keeps_nothing_half_and_listening_goes_on(
    core: HomeAssistant,
    living_room: tuple[SatelliteProcess, ConfigEntry],
    engine_loaded: MockConfigEntry,
    kitchen: str,
) -> None:
    satellite, entry = living_room
    household = core.data[DATA_HOUSEHOLD]
    await household.async_grant(None, SharingSettings(retention_days=30, max_size_mb=200))
    await household.async_start_sharing(None)

    satellite.microphone.say(silence(0.5) + espeak(COMMAND) + silence(3.0))
    await wait_for(lambda: _state(core, entry) == "listening", "the command to stream")
    await _restart(core, entry, engine_loaded)
    await wait_for(
        lambda: "Home Assistant disconnected" in satellite.log_text(), "the satellite to notice"
    )
    await wait_for(lambda: _state(core, entry) == "idle", "the satellite back")
    await wait_for(lambda: satellite.microphone.pending == 0, "the room to fall quiet")
    assert core.states.get(kitchen).state == "off"
    review = household.review
    assert review.clips() == [] and not (review.root.exists() and any(review.root.iterdir()))

    await speak(satellite, COMMAND)
    await wait_for(lambda: core.states.get(kitchen).state == "on", "the kitchen light")
    await wait_for(lambda: len(review.clips()) == 1, "the command kept, whole")
    assert sorted(p.suffix for p in review.root.iterdir()) == [".json", ".wav"]


async def test_a_timer_ringing_through_a_restart_rings_on_until_stop(
    core: HomeAssistant,
    living_room: tuple[SatelliteProcess, ConfigEntry],
    engine_loaded: MockConfigEntry,
) -> None:
    satellite, entry = living_room
    await speak(satellite, "hey jarvis, set a timer for five seconds", quiet_before=0.5)
    await wait_for(lambda: rings(satellite.speaker.audio, RATE), "the timer to ring")
    # The satellite counts on its own clock; Home Assistant's may run behind when it is busy.
    await wait_for(lambda: not core.data[TIMER_DATA].timers, "Home Assistant's timer to end")

    await _restart(core, entry, engine_loaded)
    rung = len(satellite.speaker.audio)
    await wait_for(lambda: len(satellite.speaker.audio) > rung, "the ringing to go on")
    await wait_for(lambda: _state(core, entry) == "idle", "the satellite back")
    assert rings(satellite.speaker.audio[rung:], RATE)

    await speak(satellite, "stop", quiet_before=0.5)
    await wait_for(lambda: not satellite.speaker.playing.exists(), "the ringing to stop")
    rung = len(satellite.speaker.audio)
    await asyncio.sleep(2.0)  # longer than one round of beeps
    assert len(satellite.speaker.audio) == rung, "it rang on after 'stop'"
