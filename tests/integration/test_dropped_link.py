"""The Wi-Fi between a satellite and Home Assistant drops for a while: the real satellite
program, the real engine, real TLS through a link on 127.0.0.1 that stalls and then resets
(testbed/flaky_link.py), inside Home Assistant's test harness."""

from __future__ import annotations

import asyncio
import time

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from testbed.flaky_link import flaky_link
from testbed.satellite_process import wait_for
from tests.conftest import StartSatellite
from tests.integration.conftest import add_satellite, satellite_entity_id, speak

COMMAND = "hey jarvis, turn on the kitchen light"
# Longer than Home Assistant waits for a silent satellite (15 s), shorter than the issue's
# 30 s to keep the test short: the way back is the same.
OUTAGE = 20.0
BACK_WITHIN = 10.0  # seconds from the link's return to the satellite's


def _state(hass: HomeAssistant, entry: ConfigEntry) -> str:
    entity_id = satellite_entity_id(hass, entry, "assist_satellite", "assist_satellite")
    return hass.states.get(entity_id).state


async def test_a_dropped_link_shows_and_the_satellite_is_back_soon_after_it_returns(
    core: HomeAssistant,
    engine_loaded: MockConfigEntry,
    kitchen: str,
    start_satellite: StartSatellite,
) -> None:
    satellite = await start_satellite()
    async with flaky_link(satellite.host, satellite.port) as link:
        entry = await add_satellite(core, satellite, port=link.port)
        assert _state(core, entry) == "idle"

        outage = asyncio.create_task(link.outage(OUTAGE))
        await wait_for(
            lambda: _state(core, entry) == STATE_UNAVAILABLE, "the satellite to show as gone"
        )
        await outage
        back = time.monotonic()
        await wait_for(lambda: _state(core, entry) != STATE_UNAVAILABLE, "the satellite again")
        took = time.monotonic() - back
        assert took <= BACK_WITHIN, f"back {took:.1f} s after the link returned"
        assert _state(core, entry) == "idle"

        await speak(satellite, COMMAND)
        await wait_for(lambda: core.states.get(kitchen).state == "on", "the kitchen light")
