"""Three satellites in three rooms, hearing at the same moment: the real satellite programs,
the real engine, real TLS on 127.0.0.1, inside Home Assistant's test harness.

One person's words reaching three rooms are one command, answered once; three people saying
three commands at the same moment are three commands, all carried out."""

from __future__ import annotations

import asyncio

import pytest
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from testbed.assist import (
    THREE_ROOMS,
    add_satellite,
    async_setup_three_rooms,
    pipeline_outcomes,
)
from testbed.rooms import DOWN_THE_HALL, NEAR, NEXT_DOOR
from testbed.satellite_process import SatelliteProcess, wait_for
from testbed.speech import espeak, silence
from tests.conftest import StartSatellite
from tests.integration.conftest import satellite_entity_id


@pytest.fixture
async def three_rooms(
    core: HomeAssistant, engine_loaded: MockConfigEntry, start_satellite: StartSatellite
) -> list[tuple[SatelliteProcess, ConfigEntry]]:
    """A satellite in the kitchen, the hallway and the bedroom, each with its light."""
    await async_setup_three_rooms(core)
    satellites = [await start_satellite() for _ in THREE_ROOMS]
    return [(satellite, await add_satellite(core, satellite)) for satellite in satellites]


def _idle(hass: HomeAssistant, entry: ConfigEntry) -> bool:
    entity_id = satellite_entity_id(hass, entry, "assist_satellite", "assist_satellite")
    state = hass.states.get(entity_id)
    return state is not None and state.state == "idle"


def _lights_on(hass: HomeAssistant) -> list[str]:
    return [room for room, light in THREE_ROOMS.items() if hass.states.get(light).state == "on"]


async def test_one_person_heard_in_three_rooms_is_answered_once(
    core: HomeAssistant, three_rooms: list[tuple[SatelliteProcess, ConfigEntry]]
) -> None:
    """Said in the kitchen; next door hears it quieter and with more echo, the bedroom down
    the hall quieter still, a little later."""
    words = silence(1.0) + espeak("hey jarvis, turn on the hallway light") + silence(2.0)
    rooms = (NEAR, NEXT_DOOR, DOWN_THE_HALL)
    await asyncio.gather(
        *(
            satellite.microphone.hear(room.hear(words))
            for (satellite, _), room in zip(three_rooms, rooms, strict=True)
        )
    )
    await wait_for(lambda: _lights_on(core) == ["hallway"], "the hallway light")
    await wait_for(lambda: any(s.speaker.audio for s, _ in three_rooms), "the reply")
    await wait_for(lambda: all(_idle(core, entry) for _, entry in three_rooms), "all idle")
    await asyncio.sleep(1.0)  # a second answer would have started by now

    answered = [bool(satellite.speaker.audio) for satellite, _ in three_rooms]
    assert sum(answered) == 1, answered


async def test_three_people_in_three_rooms_at_the_same_moment_are_all_answered(
    core: HomeAssistant, three_rooms: list[tuple[SatelliteProcess, ConfigEntry]]
) -> None:
    """Three voices, three commands, into three microphones at once: each is carried out and
    each room hears its own reply (before fingerprints, two of them were dropped)."""
    said = [
        espeak("hey jarvis, turn on the kitchen light", "en-us"),
        espeak("hey jarvis, turn on the hallway light", "en-us+f3"),
        espeak("hey jarvis, turn on the bedroom light", "en-gb", pitch=80),
    ]
    longest = max(map(len, said))
    in_rooms = [NEAR.hear(pcm + bytes(longest - len(pcm))) for pcm in said]
    await asyncio.gather(
        *(
            satellite.microphone.hear(silence(1.0) + pcm + silence(2.0))
            for (satellite, _), pcm in zip(three_rooms, in_rooms, strict=True)
        )
    )
    try:
        await wait_for(lambda: len(_lights_on(core)) == 3, "all three lights")
    except TimeoutError as err:
        raise AssertionError(
            f"lights on: {_lights_on(core)}; Home Assistant got: "
            f"{[str(outcome) for outcome in pipeline_outcomes(core).values()]}"
        ) from err
    await wait_for(lambda: all(s.speaker.audio for s, _ in three_rooms), "a reply in each room")
