"""Timers on the satellite that was asked: "set a timer", "stop", "cancel the timer", and a
satellite that restarts while its timer runs. The real satellite program (file microphone and
speaker), the real engine, real TLS on 127.0.0.1, inside Home Assistant's test harness."""

from __future__ import annotations

import asyncio

import pytest
from homeassistant.components.intent.const import TIMER_DATA
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from testbed.engine_process import EngineProcess
from testbed.satellite_process import SatelliteProcess, wait_for
from testbed.speech import convert, silence
from testbed.wyoming_client import transcribe
from tests.conftest import StartSatellite
from tests.integration.conftest import add_satellite, speak
from tests.support.sound_checks import rings

RATE = 22_050


def _running_timers(hass: HomeAssistant) -> int:
    return len(hass.data[TIMER_DATA].timers)


async def _say(satellite: SatelliteProcess, text: str) -> None:
    await speak(satellite, text, quiet_before=0.5)


async def _start_timer(hass: HomeAssistant, satellite: SatelliteProcess, length: str) -> None:
    """ "Set a timer" said to the satellite: the timer runs, and the reply has played."""
    await _say(satellite, f"hey jarvis, set a timer for {length}")
    await wait_for(lambda: _running_timers(hass) == 1, "the timer to start")
    await wait_for(lambda: not satellite.speaker.playing.exists(), "the reply to end")


@pytest.fixture
async def two_rooms(
    core: HomeAssistant, engine_loaded: MockConfigEntry, start_satellite: StartSatellite
) -> tuple[tuple[SatelliteProcess, ConfigEntry], tuple[SatelliteProcess, ConfigEntry]]:
    kitchen, hallway = await start_satellite(), await start_satellite()
    return (kitchen, await add_satellite(core, kitchen)), (
        hallway,
        await add_satellite(core, hallway),
    )


@pytest.fixture
async def one_room(
    core: HomeAssistant, engine_loaded: MockConfigEntry, start_satellite: StartSatellite
) -> SatelliteProcess:
    satellite = await start_satellite()
    await add_satellite(core, satellite)
    return satellite


async def test_a_timer_rings_on_the_satellite_that_was_asked_until_stop(
    core: HomeAssistant,
    two_rooms: tuple[tuple[SatelliteProcess, ConfigEntry], tuple[SatelliteProcess, ConfigEntry]],
) -> None:
    (kitchen, _), (hallway, _) = two_rooms
    await _say(kitchen, "hey jarvis, set a timer for five seconds")
    await wait_for(lambda: rings(kitchen.speaker.audio, RATE), "the timer to ring in the kitchen")
    # The satellite counts on its own clock; Home Assistant's may run behind when it is busy.
    await wait_for(lambda: _running_timers(core) == 0, "Home Assistant's timer to end")

    await _say(kitchen, "stop")
    rung = len(kitchen.speaker.audio)
    await asyncio.sleep(2.0)  # longer than one round of beeps
    assert len(kitchen.speaker.audio) == rung, "it rang on after 'stop'"
    assert not rings(hallway.speaker.audio, RATE), "the hallway rang a kitchen timer"


async def test_how_much_time_is_left_and_cancel_the_timer(
    core: HomeAssistant, one_room: SatelliteProcess, engine_process: EngineProcess
) -> None:
    kitchen = one_room
    await _start_timer(core, kitchen, "ten minutes")
    await wait_for(
        lambda: "Timer of 600 s running (1 in all)" in kitchen.log_text(), "the countdown"
    )

    before = len(kitchen.speaker.audio)
    await _say(kitchen, "hey jarvis, how much time is left on the timer")
    await wait_for(
        lambda: len(kitchen.speaker.audio) > before and not kitchen.speaker.playing.exists(),
        "the answer",
    )
    answer = await transcribe(
        engine_process.host,
        engine_process.port,
        convert(kitchen.speaker.audio[before:], RATE, 2, 1) + silence(1.0),
    )
    assert "minute" in answer.lower(), answer

    await _say(kitchen, "hey jarvis, cancel the timer")
    await wait_for(lambda: _running_timers(core) == 0, "the timer to be cancelled")
    await wait_for(
        lambda: "Timer cancelled (0 running)" in kitchen.log_text(),
        "the satellite to stop counting",
    )


async def test_a_satellite_restarted_during_a_timer_is_told_again(
    core: HomeAssistant, one_room: SatelliteProcess
) -> None:
    kitchen = one_room
    await _start_timer(core, kitchen, "twenty seconds")
    await core.async_add_executor_job(kitchen.restart)
    await wait_for(
        lambda: "(1 in all)" in kitchen.log_text().rsplit("Serving the", 1)[-1], "the timer again"
    )
    await wait_for(
        lambda: rings(kitchen.speaker.audio, RATE), "the timer to ring after the restart"
    )


async def test_a_timer_that_ended_while_the_satellite_was_away_rings_when_it_is_back(
    core: HomeAssistant, one_room: SatelliteProcess
) -> None:
    kitchen = one_room
    await _start_timer(core, kitchen, "ten seconds")
    await core.async_add_executor_job(kitchen.stop)
    await wait_for(lambda: _running_timers(core) == 0, "the timer to end while it is away")
    assert not rings(kitchen.speaker.audio, RATE)
    await core.async_add_executor_job(kitchen.launch)
    await wait_for(lambda: rings(kitchen.speaker.audio, RATE), "the missed timer to ring")
