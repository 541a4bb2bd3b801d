"""Strangers attack the engine and the living-room satellite at once; the household's voice
commands still work, through the satellite and through Home Assistant's own pipeline."""

from __future__ import annotations

import asyncio

from homeassistant.components.assist_pipeline import PipelineEventType, PipelineStage
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_HOST, CONF_PORT, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.indoor_voice.const import PIPELINE_NAME
from testbed.assist import async_reply, async_voice_command, pipeline_named
from testbed.satellite_process import SatelliteProcess, wait_for
from testbed.speech import espeak, silence
from tests.integration.conftest import speak
from tests.integration.test_satellite import COMMAND, _device, _entity, _record_states
from tests.support.attack import Attack


async def test_the_light_turns_on_by_voice_while_strangers_crowd_engine_and_satellite(
    core: HomeAssistant,
    kitchen: str,
    engine_loaded: MockConfigEntry,
    living_room: tuple[SatelliteProcess, ConfigEntry],
) -> None:
    satellite, entry = living_room
    satellite_states = _record_states(core, _entity(core, entry))
    engine = engine_loaded.data
    on_engine = Attack(engine[CONF_HOST], engine[CONF_PORT], stalled=40, slowloris=10, idle=20)
    on_satellite = Attack(satellite.host, satellite.port, stalled=4, slowloris=4, idle=16)
    async with on_engine.running(), on_satellite.running():
        await asyncio.sleep(3.0)  # every slot has been taken once, the stalls are overdue

        await speak(satellite, COMMAND)
        await wait_for(lambda: core.states.get(kitchen).state == "on", "the kitchen light")

        # Home Assistant's own pipeline on the engine: wake word, speech-to-text, reply.
        audio = silence(1.0) + espeak("hey jarvis") + silence(0.6)
        audio += espeak("turn off the kitchen light") + silence(2.5)
        pipeline = pipeline_named(core, PIPELINE_NAME)
        events = await async_voice_command(core, pipeline.id, audio, PipelineStage.WAKE_WORD)
        by_type = {e.type: e.data for e in events}
        assert PipelineEventType.ERROR not in by_type, by_type.get(PipelineEventType.ERROR)
        assert core.states.get(kitchen).state == "off"
        reply = await async_reply(core, by_type[PipelineEventType.TTS_END]["tts_output"]["token"])
        assert reply  # the spoken reply, made on the engine under attack

    assert on_engine.dropped > 0 and on_satellite.dropped > 0  # the strangers did get in
    assert _device(entry).connected
    assert STATE_UNAVAILABLE not in satellite_states  # the satellite never dropped out
