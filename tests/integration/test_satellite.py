"""A Raspberry Pi satellite in the living room, paired with Home Assistant: the real satellite
program as a subprocess (a file for a microphone, a file for a speaker), the real engine,
real TLS on 127.0.0.1, inside Home Assistant's test harness."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import numpy as np
from homeassistant.components.assist_pipeline import PipelineEventType
from homeassistant.components.assist_pipeline.pipeline import KEY_ASSIST_PIPELINE
from homeassistant.config_entries import ConfigEntry, ConfigEntryState
from homeassistant.const import CONF_HOST, CONF_PORT, STATE_UNAVAILABLE
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.event import async_track_state_change_event
from homeassistant.helpers.service_info.zeroconf import ZeroconfServiceInfo
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.indoor_voice.const import CONF_KIND, DOMAIN, EntryKind
from custom_components.indoor_voice.link import generate_identity
from custom_components.indoor_voice.satellites.device import SatelliteDevice
from custom_components.indoor_voice.satellites.identity import DATA_LINK_IDENTITY
from testbed.engine_process import EngineProcess
from testbed.satellite_process import SatelliteProcess, wait_for
from testbed.speech import convert, espeak, silence
from testbed.wyoming_client import sounds_like, transcribe
from tests.conftest import StartSatellite
from tests.integration.conftest import (
    add_satellite,
    satellite_action,
    satellite_entity_id,
    speak,
    zeroconf_info,
)

COMMAND = "hey jarvis, turn on the kitchen light"


def _device(entry: ConfigEntry) -> SatelliteDevice:
    return entry.runtime_data


def _entity(hass: HomeAssistant, entry: ConfigEntry, key: str = "assist_satellite") -> str:
    domain = {"assist_satellite": "assist_satellite", "mute": "switch", "pipeline": "select"}[key]
    return satellite_entity_id(hass, entry, domain, key)


def _record_states(hass: HomeAssistant, entity_id: str) -> list[str]:
    states: list[str] = []

    @callback
    def changed(event: Event[Any]) -> None:
        if (new := event.data["new_state"]) is not None and (not states or states[-1] != new.state):
            states.append(new.state)

    async_track_state_change_event(hass, [entity_id], changed)
    return states


async def _heard_reply(engine: EngineProcess, satellite: SatelliteProcess) -> str:
    """What the speaker played (22050 Hz mono), transcribed by the engine."""
    pcm = convert(satellite.speaker.audio, 22050, 2, 1)
    return await transcribe(engine.host, engine.port, pcm + silence(1.0))


async def test_hey_jarvis_turn_on_the_kitchen_light(
    core: HomeAssistant,
    living_room: tuple[SatelliteProcess, ConfigEntry],
    kitchen: str,
    engine_process: EngineProcess,
) -> None:
    satellite, entry = living_room
    entity_id = _entity(core, entry)
    assert core.states.get(entity_id).state == "idle"
    states = _record_states(core, entity_id)

    await speak(satellite, COMMAND)
    await wait_for(lambda: core.states.get(kitchen).state == "on", "the kitchen light")
    await wait_for(lambda: states[-1:] == ["idle"] and len(states) > 1, "the satellite to finish")

    assert states == ["listening", "processing", "responding", "idle"], states
    reply = await _heard_reply(engine_process, satellite)
    assert sounds_like(reply, "turned on the light"), reply
    assert _device(entry).audio_chunks_before_wake == 0


async def test_a_command_streamed_from_the_wake_word_is_heard_once(
    core: HomeAssistant,
    living_room: tuple[SatelliteProcess, ConfigEntry],
    kitchen: str,
    engine_process: EngineProcess,
) -> None:
    """The satellite streams from its wake word, so the command starts at once; the
    integration tells the engine so (`after_wake_word`), and Whisper says it once (en-gb:
    "Switch on the kitchen light. Switch on the kitchen light." over such audio before)."""
    satellite, entry = living_room
    told_before = engine_process.log_text().count("after a wake word")
    await satellite.microphone.hear(
        silence(1.0) + espeak("hey jarvis, switch on the kitchen light", "en-gb") + silence(2.0)
    )
    await wait_for(lambda: core.states.get(kitchen).state == "on", "the kitchen light")
    await wait_for(lambda: core.states.get(_entity(core, entry)).state == "idle", "the satellite")

    heard = [
        (event.data or {}).get("stt_output", {}).get("text", "")
        for runs in core.data[KEY_ASSIST_PIPELINE].pipeline_debug.values()
        for run in runs.values()
        for event in run.events
        if event.type is PipelineEventType.STT_END
    ]
    assert len(heard) == 1 and heard[0].lower().count("kitchen light") == 1, heard
    assert engine_process.log_text().count("after a wake word") == told_before + 1


async def test_before_the_wake_word_not_a_byte_reaches_home_assistant(
    core: HomeAssistant, living_room: tuple[SatelliteProcess, ConfigEntry], kitchen: str
) -> None:
    satellite, entry = living_room
    await satellite.microphone.hear(
        silence(2.0) + espeak("turn on the kitchen light, please") + silence(1.0)
    )
    assert _device(entry).audio_chunks_before_wake == 0
    assert core.states.get(_entity(core, entry)).state == "idle"
    assert core.states.get(kitchen).state == "off"


async def test_a_wrong_pairing_code_is_refused(
    core: HomeAssistant, engine_loaded: MockConfigEntry, start_satellite: StartSatellite
) -> None:
    satellite = await start_satellite()
    flow = await core.config_entries.flow.async_init(DOMAIN, context={"source": "user"})
    await core.config_entries.flow.async_configure(
        flow["flow_id"], {CONF_HOST: satellite.host, CONF_PORT: satellite.port}
    )
    result = await core.config_entries.flow.async_configure(
        flow["flow_id"], {"pairing_code": "AAAA-BBBB-CCCC-DDDD"}
    )
    assert result["type"] is FlowResultType.FORM and result["errors"] == {"base": "wrong_code"}
    result = await core.config_entries.flow.async_configure(
        flow["flow_id"], {"pairing_code": "1234"}
    )
    assert result["errors"] == {"base": "invalid_code"}
    assert not [
        e
        for e in core.config_entries.async_entries(DOMAIN)
        if e.data[CONF_KIND] == EntryKind.SATELLITE
    ]
    assert satellite.pinned_home_assistant is None


async def test_a_restarted_satellite_comes_back_on_its_own(
    core: HomeAssistant, living_room: tuple[SatelliteProcess, ConfigEntry], kitchen: str
) -> None:
    satellite, entry = living_room
    entity_id = _entity(core, entry)
    await core.async_add_executor_job(satellite.stop)
    await wait_for(
        lambda: core.states.get(entity_id).state == STATE_UNAVAILABLE,
        "the entity to go unavailable",
    )
    await core.async_add_executor_job(satellite.launch)
    await wait_for(lambda: core.states.get(entity_id).state == "idle", "the entity to come back")

    await speak(satellite, COMMAND)
    await wait_for(lambda: core.states.get(kitchen).state == "on", "the kitchen light")


async def test_announcements_play_on_the_satellite(
    core: HomeAssistant,
    living_room: tuple[SatelliteProcess, ConfigEntry],
    engine_process: EngineProcess,
) -> None:
    satellite, entry = living_room
    await satellite_action(core, entry, "announce", message="Dinner is ready.", preannounce=False)
    reply = await _heard_reply(engine_process, satellite)
    assert sounds_like(reply, "dinner is ready"), reply


async def test_mute_stops_all_streaming_until_unmuted(
    core: HomeAssistant, living_room: tuple[SatelliteProcess, ConfigEntry], kitchen: str
) -> None:
    """Muted, the satellite closes its microphone: nothing can stream. It stays muted across a
    reboot, and listens again once unmuted."""
    satellite, entry = living_room
    mute = _entity(core, entry, "mute")
    await core.services.async_call("switch", "turn_on", {"entity_id": mute}, blocking=True)
    await wait_for(lambda: core.states.get(mute).state == "on", "the satellite to report muted")
    await wait_for(lambda: not satellite.microphone.running, "the microphone to close")
    assert core.states.get(_entity(core, entry)).state == "idle"
    assert _device(entry).audio_chunks_before_wake == 0

    await core.async_add_executor_job(satellite.restart)
    await wait_for(
        lambda: _device(entry).connected and core.states.get(mute).state == "on",
        "muted after restart",
    )
    assert not satellite.microphone.running

    await core.services.async_call("switch", "turn_off", {"entity_id": mute}, blocking=True)
    await wait_for(lambda: core.states.get(mute).state == "off", "the satellite to report unmuted")
    await speak(satellite, COMMAND)
    await wait_for(lambda: core.states.get(kitchen).state == "on", "the kitchen light")


async def test_two_satellites_hearing_the_same_command_one_answers(
    core: HomeAssistant,
    engine_loaded: MockConfigEntry,
    kitchen: str,
    start_satellite: StartSatellite,
    engine_process: EngineProcess,
) -> None:
    """The kitchen satellite hears it loud, the hallway one faint: the kitchen answers."""
    near, far = await start_satellite(), await start_satellite()
    near_entry, far_entry = await add_satellite(core, near), await add_satellite(core, far)
    words = np.frombuffer(silence(1.0) + espeak(COMMAND) + silence(2.0), dtype=np.int16)
    faint = (words.astype(np.float32) * 0.2).astype(np.int16).tobytes()

    await asyncio.gather(near.microphone.hear(words.tobytes()), far.microphone.hear(faint))
    await wait_for(lambda: core.states.get(kitchen).state == "on", "the kitchen light")
    await wait_for(
        lambda: core.states.get(_entity(core, near_entry)).state == "idle", "the answer to end"
    )
    await wait_for(lambda: len(near.speaker.audio) > 0, "the reply")

    reply = await _heard_reply(engine_process, near)
    assert sounds_like(reply, "turned on the light"), reply
    assert far.speaker.audio == b""
    assert core.states.get(_entity(core, far_entry)).state == "idle"


async def test_wake_words_are_chosen_from_home_assistant(
    core: HomeAssistant, living_room: tuple[SatelliteProcess, ConfigEntry]
) -> None:
    _, entry = living_room
    entity = core.data["assist_satellite"].get_entity(_entity(core, entry))
    config = entity.async_get_configuration()
    assert {w.id for w in config.available_wake_words} == {
        "hey_jarvis",
        "alexa",
        "hey_mycroft",
        "hey_rhasspy",
    }
    config.active_wake_words = ["alexa"]
    await entity.async_set_configuration(config)
    await wait_for(
        lambda: entity.async_get_configuration().active_wake_words == ["alexa"],
        "the satellite to switch",
    )


async def test_a_re_paired_satellite_asks_home_assistant_for_its_new_code(
    core: HomeAssistant, living_room: tuple[SatelliteProcess, ConfigEntry], kitchen: str
) -> None:
    satellite, entry = living_room
    await core.async_add_executor_job(satellite.command, "--pair")
    await wait_for(
        lambda: any(entry.async_get_active_flows(core, {"reauth"})), "a reauthentication flow"
    )
    flow = next(iter(entry.async_get_active_flows(core, {"reauth"})))
    code = await core.async_add_executor_job(satellite.pairing_code)
    result = await core.config_entries.flow.async_configure(flow["flow_id"], {"pairing_code": code})
    assert result["type"] is FlowResultType.ABORT and result["reason"] == "reauth_successful"
    await core.async_block_till_done()
    await wait_for(
        lambda: entry.state is ConfigEntryState.LOADED and _device(entry).connected, "reconnect"
    )


async def test_an_update_keeps_the_key_every_satellite_paired_with(
    core: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """Earlier releases kept this Home Assistant's link key with the household's choices, and
    every satellite paired then pinned its certificate. After the update the key is the same,
    kept in one place only."""
    earlier = generate_identity("Home Assistant")
    hass_storage["indoor_voice.household"] = {
        "version": 1,
        "minor_version": 1,
        "key": "indoor_voice.household",
        "data": {
            "pipeline_id": "the household's pipeline",
            "link_key": earlier.key_pem.decode(),
            "link_certificate": earlier.certificate_pem.decode(),
        },
    }
    assert await async_setup_component(core, DOMAIN, {})

    identity = await core.data[DATA_LINK_IDENTITY].async_get()
    assert identity.fingerprint == earlier.fingerprint
    assert identity.key_pem == earlier.key_pem
    assert hass_storage["indoor_voice.household"]["data"] == {
        "pipeline_id": "the household's pipeline"
    }
    assert hass_storage["indoor_voice.link_identity"]["data"] == {
        "link_key": earlier.key_pem.decode(),
        "link_certificate": earlier.certificate_pem.decode(),
    }


async def test_a_plain_wyoming_satellite_is_added_with_a_warning(core: HomeAssistant) -> None:
    """Any Wyoming satellite still works, but the household is told its audio is unencrypted."""

    async def plain_satellite(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        from wyoming.event import async_read_event, async_write_event  # noqa: PLC0415
        from wyoming.info import Attribution, Info, Satellite  # noqa: PLC0415

        # Home Assistant may hang up before the answer to its describe arrives (the entry is
        # removed at once): its end then resets the connection.
        with contextlib.suppress(ConnectionResetError):
            while (event := await async_read_event(reader)) is not None:
                if event.type == "describe":
                    satellite = Satellite(
                        name="Old satellite",
                        attribution=Attribution("x", ""),
                        installed=True,
                        description=None,
                        version=None,
                        area="Garage",
                    )
                    await async_write_event(Info(satellite=satellite).event(), writer)
        writer.close()

    server = await asyncio.start_server(plain_satellite, "127.0.0.1", 0)
    try:
        flow = await core.config_entries.flow.async_init(DOMAIN, context={"source": "user"})
        result = await core.config_entries.flow.async_configure(
            flow["flow_id"], {CONF_HOST: "127.0.0.1", CONF_PORT: server.sockets[0].getsockname()[1]}
        )
        assert result["step_id"] == "plain_satellite"
        result = await core.config_entries.flow.async_configure(flow["flow_id"], {})
        assert result["type"] is FlowResultType.CREATE_ENTRY
        entry = result["result"]
        assert entry.data[CONF_KIND] == EntryKind.WYOMING_SATELLITE
        await core.async_block_till_done()
        issue = ir.async_get(core).async_get_issue(
            DOMAIN, f"unencrypted_satellite_{entry.entry_id}"
        )
        assert issue is not None and issue.translation_placeholders == {"name": "Old satellite"}
        await core.config_entries.async_remove(entry.entry_id)
        await core.async_block_till_done()
        assert (
            ir.async_get(core).async_get_issue(DOMAIN, f"unencrypted_satellite_{entry.entry_id}")
            is None
        )
    finally:
        server.close()
        await server.wait_closed()


async def test_a_discovered_satellite_is_paired_by_its_announced_key(
    core: HomeAssistant, engine_loaded: MockConfigEntry, start_satellite: StartSatellite
) -> None:
    """Zeroconf announces _indoor-voice._tcp with the satellite's key fingerprint: Home
    Assistant pairs only with the device that holds that key."""
    satellite = await start_satellite()
    fingerprint = await core.async_add_executor_job(lambda: satellite.fingerprint)

    def discovery(announced: str) -> ZeroconfServiceInfo:
        return zeroconf_info(
            satellite.host,
            satellite.port,
            "_indoor-voice._tcp.local.",
            "Living room",
            fingerprint=announced,
            name="Living room",
            area="Living Room",
        )

    code = await core.async_add_executor_job(satellite.pairing_code)
    impostor = await core.config_entries.flow.async_init(
        DOMAIN, context={"source": "zeroconf"}, data=discovery("ab" * 32)
    )
    assert impostor["step_id"] == "pair"
    refused = await core.config_entries.flow.async_configure(
        impostor["flow_id"], {"pairing_code": code}
    )
    assert refused["errors"] == {"base": "wrong_satellite"}
    core.config_entries.flow.async_abort(impostor["flow_id"])

    flow = await core.config_entries.flow.async_init(
        DOMAIN, context={"source": "zeroconf"}, data=discovery(fingerprint)
    )
    assert flow["step_id"] == "pair" and flow["description_placeholders"]["host"] == satellite.host
    result = await core.config_entries.flow.async_configure(flow["flow_id"], {"pairing_code": code})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    entry = result["result"]
    assert entry.unique_id == fingerprint and entry.title == "Test satellite"
    await core.async_block_till_done()

    again = await core.config_entries.flow.async_init(
        DOMAIN, context={"source": "zeroconf"}, data=discovery(fingerprint)
    )
    assert again["type"] is FlowResultType.ABORT and again["reason"] == "already_configured"
