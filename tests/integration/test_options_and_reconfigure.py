"""Changing an engine's settings later: options keep the pipeline current, reconfigure moves it."""

from __future__ import annotations

from homeassistant.components import assist_pipeline
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.indoor_voice.const import (
    CONF_BEAM_SIZE,
    CONF_LANGUAGE,
    CONF_VOICE,
    CONF_WAKE_WORD,
    PIPELINE_NAME,
)
from testbed.engine_process import EngineProcess
from tests.integration.conftest import engine_entry


def _pipeline(hass: HomeAssistant) -> assist_pipeline.Pipeline:
    return next(p for p in assist_pipeline.async_get_pipelines(hass) if p.name == PIPELINE_NAME)


async def test_options_offer_what_the_engine_has_and_update_the_pipeline(
    core: HomeAssistant, engine_loaded: MockConfigEntry
) -> None:
    result = await core.config_entries.options.async_init(engine_loaded.entry_id)
    assert result["type"] is FlowResultType.FORM
    schema = {str(key): key for key in result["data_schema"].schema}
    assert set(schema) == {CONF_LANGUAGE, CONF_BEAM_SIZE, CONF_VOICE, CONF_WAKE_WORD}
    wake_words = result["data_schema"].schema[schema[CONF_WAKE_WORD]].config["options"]
    assert [w["value"] for w in wake_words] == ["hey_jarvis", "alexa", "hey_mycroft", "hey_rhasspy"]
    assert wake_words[0]["label"] == "Hey Jarvis"
    voices = result["data_schema"].schema[schema[CONF_VOICE]].config["options"]
    assert voices == [{"value": "en_US-joe-medium", "label": "Joe (en_US, medium)"}]
    # The dialog starts from what the pipeline uses now, not blank.
    suggested = {str(k): (k.description or {}).get("suggested_value") for k in schema.values()}
    assert suggested == {
        CONF_LANGUAGE: "en",
        CONF_BEAM_SIZE: None,
        CONF_VOICE: "en_US-joe-medium",
        CONF_WAKE_WORD: "hey_jarvis",
    }

    result = await core.config_entries.options.async_configure(
        result["flow_id"],
        {
            CONF_LANGUAGE: "en",
            CONF_BEAM_SIZE: 3.0,
            CONF_VOICE: "en_US-joe-medium",
            CONF_WAKE_WORD: "alexa",
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await core.async_block_till_done()
    assert engine_loaded.options[CONF_BEAM_SIZE] == 3
    assert _pipeline(core).wake_word_id == "alexa"


async def test_a_pipeline_the_household_deleted_stays_deleted(
    core: HomeAssistant, engine_loaded: MockConfigEntry
) -> None:
    pipeline = _pipeline(core)
    store = core.data[assist_pipeline.pipeline.KEY_ASSIST_PIPELINE].pipeline_store
    others = [p for p in assist_pipeline.async_get_pipelines(core) if p.id != pipeline.id]
    store.async_set_preferred_item(others[0].id)
    await store.async_delete_item(pipeline.id)
    assert await core.config_entries.async_reload(engine_loaded.entry_id)
    await core.async_block_till_done()
    assert all(p.name != PIPELINE_NAME for p in assist_pipeline.async_get_pipelines(core))


async def test_reconfigure_points_a_lost_engine_at_its_new_place(
    core: HomeAssistant, engine_process: EngineProcess
) -> None:
    """The engine moved to another port: the entry waits, the household points it there."""
    entry = engine_entry(engine_process)
    entry.add_to_hass(core)
    core.config_entries.async_update_entry(entry, data={**entry.data, CONF_PORT: 9})
    assert not await core.config_entries.async_setup(entry.entry_id)

    result = await entry.start_reconfigure_flow(core)
    assert result["type"] is FlowResultType.FORM and result["step_id"] == "reconfigure"
    refused = await core.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HOST: "8.8.8.8", CONF_PORT: 1}
    )
    assert refused["errors"] == {"base": "not_local"}
    done = await core.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HOST: "127.0.0.1", CONF_PORT: engine_process.port}
    )
    assert done["type"] is FlowResultType.ABORT and done["reason"] == "reconfigure_successful"
    await core.async_block_till_done()
    assert entry.data[CONF_PORT] == engine_process.port
    assert entry.state is ConfigEntryState.LOADED
