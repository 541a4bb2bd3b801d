"""Nothing leaves the house: non-local pipeline stages are named in a repair, hosts that
resolve outside are never contacted, and Home Assistant's record-everything switch is
called out."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterable, AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from homeassistant.components import assist_pipeline, stt
from homeassistant.config_entries import ConfigFlow
from homeassistant.const import CONF_HOST
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    MockModule,
    MockPlatform,
    async_fire_time_changed,
    mock_config_flow,
    mock_integration,
    mock_platform,
)

from custom_components.indoor_voice.assist_satellite import REFUSAL
from custom_components.indoor_voice.compat import ENTRY_DONE, EntryResult
from custom_components.indoor_voice.const import DOMAIN, PIPELINE_NAME
from custom_components.indoor_voice.privacy.local_guard import async_non_local_stages
from testbed.engine_process import EngineProcess
from testbed.satellite_process import wait_for
from testbed.speech import convert, silence
from testbed.wyoming_client import sounds_like, transcribe
from tests.conftest import StartSatellite
from tests.integration.conftest import (
    add_satellite,
    add_wyoming_integration,
    engine_entry,
    satellite_entity_id,
    speak,
)


class CloudSpeechToText(stt.SpeechToTextEntity):
    """Stands for a cloud service: remembers whether any audio reached it."""

    _attr_name = "Cloud STT"
    _attr_unique_id = "cloud-stt"
    heard: bytes = b""

    supported_languages = ["en"]
    supported_formats = [stt.AudioFormats.WAV]
    supported_codecs = [stt.AudioCodecs.PCM]
    supported_bit_rates = [stt.AudioBitRates.BITRATE_16]
    supported_sample_rates = [stt.AudioSampleRates.SAMPLERATE_16000]
    supported_channels = [stt.AudioChannels.CHANNEL_MONO]

    async def async_process_audio_stream(
        self, metadata: stt.SpeechMetadata, stream: AsyncIterable[bytes]
    ) -> stt.SpeechResult:
        async for chunk in stream:
            CloudSpeechToText.heard += chunk
        return stt.SpeechResult("overheard", stt.SpeechResultState.SUCCESS)


class CloudFlow(ConfigFlow):
    """The config flow a real integration would have."""


@pytest.fixture
async def cloud_stt(core: HomeAssistant) -> AsyncIterator[str]:
    """A speech-to-text entity from an integration whose iot_class is cloud_push."""
    CloudSpeechToText.heard = b""

    async def setup_entry(hass: HomeAssistant, entry: MockConfigEntry) -> EntryResult:
        await hass.config_entries.async_forward_entry_setups(entry, ["stt"])
        return ENTRY_DONE  # what this release expects of an integration: None, or True before

    async def setup_stt(hass: HomeAssistant, entry: MockConfigEntry, add: Any) -> None:
        add([CloudSpeechToText()])

    mock_integration(
        core,
        MockModule(
            "cloud_stt", async_setup_entry=setup_entry, partial_manifest={"iot_class": "cloud_push"}
        ),
    )
    mock_platform(core, "cloud_stt.config_flow")
    mock_platform(core, "cloud_stt.stt", MockPlatform(async_setup_entry=setup_stt))
    with mock_config_flow("cloud_stt", CloudFlow):
        entry = MockConfigEntry(domain="cloud_stt")
        entry.add_to_hass(core)
        assert await core.config_entries.async_setup(entry.entry_id)
        await core.async_block_till_done()
        yield "stt.cloud_stt"


def _our_pipeline(hass: HomeAssistant) -> assist_pipeline.Pipeline:
    return next(p for p in assist_pipeline.async_get_pipelines(hass) if p.name == PIPELINE_NAME)


async def test_a_cloud_speech_to_text_in_our_pipeline_is_named_in_a_repair(
    core: HomeAssistant, engine_loaded: MockConfigEntry, cloud_stt: str
) -> None:
    pipeline = _our_pipeline(core)
    issue_id = f"non_local_pipeline_{pipeline.id}"
    assert await async_non_local_stages(core, pipeline) == []
    assert ir.async_get(core).async_get_issue(DOMAIN, issue_id) is None

    original_stt = pipeline.stt_engine
    await assist_pipeline.async_update_pipeline(core, pipeline, stt_engine=cloud_stt)
    await core.async_block_till_done()
    issue = ir.async_get(core).async_get_issue(DOMAIN, issue_id)
    assert issue is not None and issue.severity is ir.IssueSeverity.ERROR
    assert issue.translation_placeholders == {
        "pipeline": PIPELINE_NAME,
        "stages": f"speech-to-text: {cloud_stt}",
    }
    assert CloudSpeechToText.heard == b""

    await assist_pipeline.async_update_pipeline(core, _our_pipeline(core), stt_engine=original_stt)
    await core.async_block_till_done()
    assert ir.async_get(core).async_get_issue(DOMAIN, issue_id) is None


async def test_local_engines_of_other_integrations_count_as_local(
    core: HomeAssistant, engine_loaded: MockConfigEntry, engine_process: EngineProcess
) -> None:
    """HA's own wyoming integration (iot_class local_push) is as local as ours."""
    await add_wyoming_integration(core, engine_process)
    pipeline = _our_pipeline(core)
    await assist_pipeline.async_update_pipeline(core, pipeline, stt_engine="stt.indoor_voice")
    await core.async_block_till_done()
    assert await async_non_local_stages(core, _our_pipeline(core)) == []
    assert not [i for i in ir.async_get(core).issues.values() if i.domain == DOMAIN]


async def test_home_assistants_record_everything_switch_is_called_out(
    core: HomeAssistant, engine_process: EngineProcess, tmp_path: Any
) -> None:
    assert await async_setup_component(
        core,
        "assist_pipeline",
        {"assist_pipeline": {"debug_recording_dir": str(tmp_path / "debug")}},
    )
    entry = engine_entry(engine_process)
    entry.add_to_hass(core)
    assert await core.config_entries.async_setup(entry.entry_id)
    await core.async_block_till_done()
    issue = ir.async_get(core).async_get_issue(DOMAIN, "debug_recording")
    assert issue is not None and issue.translation_placeholders == {
        "directory": str(tmp_path / "debug")
    }


async def test_an_engine_whose_name_starts_resolving_outside_is_never_contacted(
    core: HomeAssistant, engine_process: EngineProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DNS changes: "engine.home" first points at the engine, then at a public address.
    The next health check refuses it before connecting (the harness would raise on any
    non-loopback connect) and the entities go unavailable."""
    answer = {"address": engine_process.host}
    real_getaddrinfo = socket.getaddrinfo

    def home_dns(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host == "engine.home":
            return real_getaddrinfo(answer["address"], port, *args, **kwargs)
        return real_getaddrinfo(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", home_dns)
    entry = engine_entry(engine_process)
    entry.add_to_hass(core)
    core.config_entries.async_update_entry(entry, data={**entry.data, CONF_HOST: "engine.home"})
    assert await core.config_entries.async_setup(entry.entry_id)
    await core.async_block_till_done()
    coordinator = entry.runtime_data
    assert coordinator.last_update_success

    answer["address"] = "93.184.216.34"
    async_fire_time_changed(core, dt_util.utcnow() + timedelta(seconds=11))
    await core.async_block_till_done(wait_background_tasks=True)
    assert not coordinator.last_update_success
    assert "outside the local network" in str(coordinator.last_exception)


async def test_a_satellite_refuses_to_stream_into_a_pipeline_that_leaves_the_house(
    core: HomeAssistant,
    engine_loaded: MockConfigEntry,
    cloud_stt: str,
    start_satellite: StartSatellite,
    engine_process: EngineProcess,
) -> None:
    """The living room satellite is set to a pipeline with cloud speech-to-text: when the
    wake word comes, no audio goes to the cloud service, and the satellite says why."""
    ours = _our_pipeline(core)
    cloudy = await assist_pipeline.async_create_default_pipeline(
        core, cloud_stt, ours.tts_engine, "Cloudy"
    )
    assert cloudy is not None
    satellite = await start_satellite()
    entry = await add_satellite(core, satellite)
    select = satellite_entity_id(core, entry, "select", "pipeline")
    await core.services.async_call(
        "select", "select_option", {"entity_id": select, "option": "Cloudy"}, blocking=True
    )

    await speak(satellite, "hey jarvis, unlock the front door")
    await wait_for(lambda: len(satellite.speaker.audio) > 0, "the satellite to explain")
    await wait_for(lambda: not satellite.speaker.playing.exists(), "the explanation to end")

    assert CloudSpeechToText.heard == b""
    issue = ir.async_get(core).async_get_issue(DOMAIN, f"non_local_pipeline_{cloudy.id}")
    assert (
        issue is not None
        and issue.translation_placeholders["stages"] == f"speech-to-text: {cloud_stt}"
    )
    heard = await transcribe(
        engine_process.host,
        engine_process.port,
        convert(satellite.speaker.audio, 22050, 2, 1) + silence(1),
    )
    assert sounds_like(heard, REFUSAL), heard


async def test_the_pipeline_of_a_satellites_second_wake_word_is_watched_too(
    core: HomeAssistant,
    engine_loaded: MockConfigEntry,
    cloud_stt: str,
    start_satellite: StartSatellite,
) -> None:
    """The second wake word's pipeline is set to one with cloud speech-to-text: the repair
    names it at once, before anyone speaks, and goes when the choice is undone."""
    ours = _our_pipeline(core)
    cloudy = await assist_pipeline.async_create_default_pipeline(
        core, cloud_stt, ours.tts_engine, "Cloudy"
    )
    assert cloudy is not None
    entry = await add_satellite(core, await start_satellite())
    second = satellite_entity_id(core, entry, "select", "pipeline_2")
    issue_id = f"non_local_pipeline_{cloudy.id}"
    assert ir.async_get(core).async_get_issue(DOMAIN, issue_id) is None

    for option, flagged in (("Cloudy", True), (PIPELINE_NAME, False)):
        await core.services.async_call(
            "select", "select_option", {"entity_id": second, "option": option}, blocking=True
        )
        await core.async_block_till_done()
        assert (ir.async_get(core).async_get_issue(DOMAIN, issue_id) is not None) is flagged
