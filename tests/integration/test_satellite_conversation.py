"""Conversations the satellite carries on without a wake word: one an automation starts, a
question Home Assistant asks, and a follow-up when the agent's answer expects a reply; with
announcements, their chime and the satellite's volume."""

from __future__ import annotations

import time
from typing import Any, Literal

import numpy as np
import pytest
from aiohttp import web
from homeassistant.components import assist_pipeline, conversation
from homeassistant.components.assist_satellite import AssistSatelliteEntity
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    MockModule,
    mock_integration,
)

from custom_components.indoor_voice.const import PIPELINE_NAME
from testbed.engine_process import EngineProcess
from testbed.satellite_process import SatelliteProcess, wait_for
from testbed.speech import convert, silence, wav_bytes
from testbed.wyoming_client import sounds_like, transcribe
from tests.conftest import StartSatellite
from tests.integration.conftest import (
    add_satellite,
    answer,
    satellite_action,
    satellite_entity_id,
    speak,
)
from tests.support.sound_checks import CHIME_HZ, rms, tone_windows

RATE = 22_050


class HouseAgent(conversation.AbstractConversationAgent):
    """A local conversation agent: Home Assistant's own intents carry out what is said; after
    the first command it asks "Anything else?" and expects a reply."""

    def __init__(self, hass: HomeAssistant) -> None:
        self.hass = hass
        self.heard: list[str] = []

    @property
    def supported_languages(self) -> Literal["*"]:
        return "*"

    async def async_process(
        self, user_input: conversation.ConversationInput
    ) -> conversation.ConversationResult:
        self.heard.append(user_input.text)
        result = await conversation.async_converse(
            self.hass,
            user_input.text,
            None,
            user_input.context,
            user_input.language,
            agent_id=conversation.HOME_ASSISTANT_AGENT,
            device_id=user_input.device_id,
        )
        if len(self.heard) == 1:
            speech = result.response.speech.get("plain", {}).get("speech", "")
            result.response.async_set_speech(f"{speech} Anything else?")
            result.continue_conversation = True
        return result


@pytest.fixture
async def house_agent(core: HomeAssistant, engine_loaded: MockConfigEntry) -> HouseAgent:
    """The agent, from an integration that runs in the house, in the local pipeline."""
    mock_integration(core, MockModule("house_agent", partial_manifest={"iot_class": "local_push"}))
    entry = MockConfigEntry(domain="house_agent")
    entry.add_to_hass(core)
    agent = HouseAgent(core)
    conversation.async_set_agent(core, entry, agent)
    pipeline = next(p for p in assist_pipeline.async_get_pipelines(core) if p.name == PIPELINE_NAME)
    await assist_pipeline.async_update_pipeline(
        core, pipeline, conversation_engine=entry.entry_id, prefer_local_intents=False
    )
    return agent


async def _heard(engine: EngineProcess, pcm: bytes) -> str:
    return await transcribe(engine.host, engine.port, convert(pcm, RATE, 2, 1) + silence(1.0))


async def test_an_automation_starts_a_conversation_and_the_answer_is_carried_out(
    core: HomeAssistant,
    house_agent: HouseAgent,
    living_room: tuple[SatelliteProcess, ConfigEntry],
    kitchen: str,
) -> None:
    satellite, entry = living_room
    await satellite_action(
        core,
        entry,
        "start_conversation",
        start_message="The kitchen is dark. Shall I turn on the light?",
        preannounce=False,
    )
    answer(satellite, "turn on the kitchen light")
    await wait_for(lambda: core.states.get(kitchen).state == "on", "the kitchen light")
    assert house_agent.heard and sounds_like(house_agent.heard[0], "turn on the kitchen light")
    assert "Wake word" not in satellite.log_text()


async def test_when_the_answer_expects_a_reply_the_satellite_listens_again(
    core: HomeAssistant,
    house_agent: HouseAgent,
    living_room: tuple[SatelliteProcess, ConfigEntry],
    kitchen: str,
) -> None:
    satellite, _ = living_room
    await speak(satellite, "hey jarvis, turn on the kitchen light", quiet_before=0.5)
    await wait_for(lambda: core.states.get(kitchen).state == "on", "the kitchen light")
    await wait_for(lambda: "Listening for an answer" in satellite.log_text(), "the follow-up")
    answer(satellite, "turn off the kitchen light")
    await wait_for(lambda: core.states.get(kitchen).state == "off", "the light off, no wake word")
    assert len(house_agent.heard) == 2


@pytest.mark.skipif(
    not hasattr(AssistSatelliteEntity, "async_internal_ask_question"),
    reason="ask_question arrived in Home Assistant 2025.7",
)
async def test_ask_question_returns_the_matched_answer(
    core: HomeAssistant, living_room: tuple[SatelliteProcess, ConfigEntry]
) -> None:
    satellite, entry = living_room
    asked = core.async_create_task(
        satellite_action(
            core,
            entry,
            "ask_question",
            question="Would you like some music?",
            preannounce=False,
            answers=[
                {"id": "yes", "sentences": ["yes [please]", "sure"]},
                {"id": "no", "sentences": ["no [thanks]"]},
            ],
        )
    )
    await wait_for(lambda: "Listening for an answer" in satellite.log_text(), "the question")
    answer(satellite, "yes please")
    matched: Any = await asked
    assert matched["id"] == "yes", matched


async def test_an_announcement_plays_its_chime_first_at_the_chosen_volume(
    core: HomeAssistant,
    living_room: tuple[SatelliteProcess, ConfigEntry],
    engine_process: EngineProcess,
) -> None:
    satellite, entry = living_room
    speaker = satellite.speaker
    chime_bytes = int(0.7 * RATE) * 2

    async def announce() -> bytes:
        before = len(speaker.audio)
        await satellite_action(core, entry, "announce", message="Dinner is ready.")
        return speaker.audio[before:]

    core.config.internal_url = "http://127.0.0.1:8123"  # for the chime's URL; never fetched
    loud = await announce()
    assert tone_windows(loud[:chime_bytes], RATE, CHIME_HZ) > 0, "no chime before the message"
    assert tone_windows(loud[chime_bytes:], RATE, CHIME_HZ) == 0
    message = await _heard(engine_process, loud[chime_bytes:])
    assert sounds_like(message, "dinner is ready"), message

    volume = satellite_entity_id(core, entry, "number", "volume")
    assert core.states.get(volume).state == "100"
    await core.services.async_call(
        "number", "set_value", {"entity_id": volume, "value": 40}, blocking=True
    )
    await wait_for(lambda: core.states.get(volume).state == "40", "the satellite to report it")
    quiet = await announce()
    assert rms(quiet[:chime_bytes]) == pytest.approx(0.4 * rms(loud[:chime_bytes]), rel=0.05)


async def test_stop_cuts_a_long_announcement_short(
    core: HomeAssistant, engine_loaded: MockConfigEntry, start_satellite: StartSatellite
) -> None:
    """The speaker holds the announcement as if it were still playing; "stop" ends it, and
    Home Assistant's announce returns long before the speech would have ended."""
    satellite = await start_satellite(hold_speaker=True)
    entry = await add_satellite(core, satellite)
    message = (
        "Here is the long weather report for the whole week. Monday will be sunny and warm, "
        "Tuesday cloudy with some rain in the afternoon, Wednesday windy, and Thursday cold."
    )
    announcing = core.async_create_task(
        satellite_action(core, entry, "announce", message=message, preannounce=False)
    )
    spoken = 8.0  # seconds of speech at least
    await wait_for(
        lambda: len(satellite.speaker.audio) > spoken * RATE * 2, "the announcement to play"
    )
    answer(satellite, "stop", quiet_after=1.0)
    said = time.monotonic()
    await announcing
    assert time.monotonic() - said < spoken / 2, "the announcement was not cut short"
    await wait_for(lambda: not satellite.speaker.playing.exists(), "the speaker to stop")
    assert "Heard the stop word" in satellite.log_text()


async def test_a_pre_announce_sound_of_ones_own_plays_before_the_message(
    core: HomeAssistant,
    living_room: tuple[SatelliteProcess, ConfigEntry],
    engine_process: EngineProcess,
) -> None:
    """A household's own sound (served in the house) replaces the chime."""
    satellite, entry = living_room
    seconds = np.arange(int(0.5 * 16_000)) / 16_000
    ding = wav_bytes(
        (np.sin(2 * np.pi * 1_000 * seconds) * 8_000).astype(np.int16).tobytes(), 16_000
    )

    async def serve_ding(_: web.Request) -> web.Response:
        return web.Response(body=ding, content_type="audio/wav")

    app = web.Application()
    app.router.add_get("/ding.wav", serve_ding)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        await satellite_action(
            core,
            entry,
            "announce",
            message="Dinner is ready.",
            preannounce_media_id=f"http://127.0.0.1:{port}/ding.wav",
        )
    finally:
        await runner.cleanup()
    played = satellite.speaker.audio
    ding_bytes = int(0.5 * RATE) * 2
    assert tone_windows(played[:ding_bytes], RATE, 1_000.0) >= 5, "no sound before the message"
    assert tone_windows(played, RATE, CHIME_HZ) == 0, "the satellite's own chime played too"
    message = await _heard(engine_process, played[ding_bytes:])
    assert sounds_like(message, "dinner is ready"), message
