"""Processes killed, not stopped (a power cut, an out-of-memory kill: SIGKILL, no goodbye):
the engine between commands and during one, and the satellite while its timer runs. The real
engine and satellite programs, real TLS and TCP on 127.0.0.1, inside Home Assistant's test
harness."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from homeassistant.components.intent.const import TIMER_DATA
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant

from testbed.engine_process import EngineProcess, start_engine
from testbed.satellite_process import SatelliteProcess, wait_for
from testbed.speech import espeak, silence
from tests.conftest import StartSatellite
from tests.integration.conftest import (
    add_satellite,
    engine_entry,
    satellite_entity_id,
    speak,
)
from tests.support.sound_checks import rings, sounds_an_error

COMMAND = "hey jarvis, turn on the kitchen light"
RATE = 22_050
PROMPT = 5.0  # the bound: a command fails, or works again, within this many seconds


@pytest.fixture
def own_engine(tmp_path: Path) -> Iterator[EngineProcess]:
    """An engine of this test's own, to kill (the session's engine serves the other tests)."""
    engine = start_engine(tmp_path / "engine")
    yield engine
    engine.stop()


@pytest.fixture
async def room(
    core: HomeAssistant, own_engine: EngineProcess, kitchen: str, start_satellite: StartSatellite
) -> tuple[SatelliteProcess, ConfigEntry]:
    entry = engine_entry(own_engine)
    entry.add_to_hass(core)
    assert await core.config_entries.async_setup(entry.entry_id)
    await core.async_block_till_done()
    satellite = await start_satellite()
    return satellite, await add_satellite(core, satellite)


def _state(hass: HomeAssistant, entry: ConfigEntry) -> str:
    entity_id = satellite_entity_id(hass, entry, "assist_satellite", "assist_satellite")
    return hass.states.get(entity_id).state


async def test_an_engine_killed_during_a_command_ends_it_audibly_and_serves_again(
    core: HomeAssistant,
    room: tuple[SatelliteProcess, ConfigEntry],
    own_engine: EngineProcess,
    kitchen: str,
) -> None:
    satellite, entry = room
    speaker = satellite.speaker

    # During a command: it ends at once, and the satellite sounds its error tone.
    satellite.microphone.say(silence(0.5) + espeak(COMMAND) + silence(6.0))
    await wait_for(lambda: _state(core, entry) == "listening", "the command to stream")
    await core.async_add_executor_job(own_engine.kill)
    killed = time.monotonic()
    await wait_for(lambda: _state(core, entry) == "idle", "the command to end")
    ended = time.monotonic() - killed
    await wait_for(lambda: sounds_an_error(speaker.audio, RATE), "the error tone")
    assert ended < PROMPT, f"the command ended {ended:.1f} s after the engine died"
    assert core.states.get(kitchen).state == "off"
    await wait_for(lambda: satellite.microphone.pending == 0, "the room to fall quiet")

    # While the engine is down: a command fails within seconds, audibly, and hangs nothing.
    before = len(speaker.audio)
    await speak(satellite, COMMAND)
    heard = time.monotonic()
    await wait_for(lambda: sounds_an_error(speaker.audio[before:], RATE), "the error tone")
    await wait_for(lambda: _state(core, entry) == "idle", "the command to end")
    assert time.monotonic() - heard < PROMPT
    assert core.states.get(kitchen).state == "off"

    # Back: the first command after the engine serves again is carried out, no reload.
    await core.async_add_executor_job(own_engine.launch)
    before = len(speaker.audio)
    await speak(satellite, COMMAND)
    await wait_for(lambda: core.states.get(kitchen).state == "on", "the kitchen light")
    await wait_for(lambda: _state(core, entry) == "idle", "the reply to end")
    assert not sounds_an_error(speaker.audio[before:], RATE)


async def test_a_satellite_killed_during_a_timer_comes_back_and_is_told_again(
    core: HomeAssistant, room: tuple[SatelliteProcess, ConfigEntry]
) -> None:
    satellite, entry = room
    await speak(satellite, "hey jarvis, set a timer for twenty seconds", quiet_before=0.5)
    await wait_for(lambda: len(core.data[TIMER_DATA].timers) == 1, "the timer to start")

    await core.async_add_executor_job(satellite.kill)
    await wait_for(lambda: _state(core, entry) == STATE_UNAVAILABLE, "the entity to go unavailable")
    await core.async_add_executor_job(satellite.launch)
    await wait_for(lambda: _state(core, entry) != STATE_UNAVAILABLE, "the entity to come back")
    assert _state(core, entry) == "idle"
    await wait_for(
        lambda: "(1 in all)" in satellite.log_text().rsplit("Serving the", 1)[-1],
        "the timer told again",
    )
    await wait_for(lambda: rings(satellite.speaker.audio, RATE), "the timer to ring")
