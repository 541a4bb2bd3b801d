"""A household that speaks German, French, Spanish, Dutch or Italian gets the Indoor Voice
(local) pipeline in Home Assistant's language, speaks to it in that language and the home
does what it was asked; a language the pipeline cannot be in is a repair, never a silent
English pipeline; and when the household changes Home Assistant's language, the pipeline
follows.

The engine is the real one with real models; its voices of these languages come from a
loopback mirror (testbed/voice_mirror.py: no such Piper voice installs here) and are
downloaded and verified the first time a reply is spoken.
"""

from __future__ import annotations

import pytest
from homeassistant.components import tts
from homeassistant.components.assist_pipeline import (
    PipelineEventType,
    PipelineStage,
    async_get_pipelines,
)
from homeassistant.components.assist_pipeline.pipeline import KEY_ASSIST_PIPELINE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import area_registry as ar
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator, WebSocketGenerator

from custom_components.indoor_voice.const import DOMAIN, PIPELINE_NAME
from custom_components.indoor_voice.engines.language import (
    LANGUAGE_CHANGED_ISSUE,
    UNSUPPORTED_LANGUAGE_ISSUE,
)
from testbed.assist import async_reply, async_setup_kitchen, async_voice_command, pipeline_named
from testbed.engine_process import EngineProcess
from testbed.satellite_process import wait_for
from testbed.speech import espeak, read_wav, silence
from tests.conftest import StartSatellite
from tests.integration.conftest import add_satellite, engine_entry, satellite_entity_id

# The kitchen in each language, and a command to switch its light on (and off, in German),
# in the words of Home Assistant's own sentences for the language. In French, Italian and
# Dutch the light has a name of its own and the command names it: Whisper base hears too
# little of espeak-ng's voice in those languages saying "the light in the kitchen" for any
# command to be near ("Alhyn, Alhyn, Lampadaire, Clinine." for "Allume la lumière de la
# cuisine"); how often each language's commands are carried out is the bench's to measure.
KITCHEN = {"de": "Küche", "fr": "Cuisine", "es": "Cocina", "nl": "Keuken", "it": "Cucina"}
LIGHT_NAME = {"fr": "Plafonnier", "it": "Plafoniera", "nl": "Keukenlamp"}
LIGHT_ON = {
    "de": "Mach das Licht in der Küche an",
    "fr": "Allume le plafonnier",
    "es": "Enciende la luz de la cocina",
    "nl": "Doe de keukenlamp aan",
    "it": "Accendi la plafoniera",
}
GERMAN_LIGHT_OFF = "Mach das Licht in der Küche aus"


async def _household(hass: HomeAssistant, language: str, engine: EngineProcess) -> str:
    """Home Assistant in `language` before the engine is added; a light in the kitchen."""
    hass.config.language = language
    light = await async_setup_kitchen(hass)
    area = ar.async_get(hass).async_create(KITCHEN.get(language, "Kitchen"))
    er.async_get(hass).async_update_entity(light, area_id=area.id, name=LIGHT_NAME.get(language))
    entry = engine_entry(engine)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return light


async def _say(hass: HomeAssistant, language: str, text: str) -> dict[PipelineEventType, dict]:
    """espeak-ng's voice of `language` says `text` into the pipeline; its events by type."""
    audio = silence(0.5) + espeak(text, voice=language) + silence(2.0)
    events = await async_voice_command(
        hass,
        pipeline_named(hass, PIPELINE_NAME).id,
        audio,
        PipelineStage.STT,
        tts_audio_output={tts.ATTR_PREFERRED_FORMAT: "wav"},
    )
    by_type = {e.type: e.data or {} for e in events}
    assert PipelineEventType.ERROR not in by_type, by_type.get(PipelineEventType.ERROR)
    return by_type


async def test_a_german_household_gets_its_pipeline_in_german(
    core: HomeAssistant, multilingual_engine: EngineProcess
) -> None:
    await _household(core, "de", multilingual_engine)
    pipeline = pipeline_named(core, PIPELINE_NAME)
    assert (pipeline.language, pipeline.conversation_language) == ("de", "de")
    assert (pipeline.stt_language, pipeline.tts_language) == ("de", "de_DE")
    assert pipeline.tts_voice is None  # the engine's own German voice, until one is picked
    assert ir.async_get(core).async_get_issue(DOMAIN, UNSUPPORTED_LANGUAGE_ISSUE) is None


async def test_a_german_household_switches_the_kitchen_light_on_and_off(
    core: HomeAssistant, multilingual_engine: EngineProcess
) -> None:
    """espeak-ng's German voice; Home Assistant's German sentences; a German reply, spoken
    by the German voice the engine downloads the first time."""
    light = await _household(core, "de", multilingual_engine)
    heard = await _say(core, "de", LIGHT_ON["de"])
    assert core.states.get(light).state == "on", heard[PipelineEventType.STT_END]
    reply = await async_reply(core, heard[PipelineEventType.TTS_END]["tts_output"]["token"])
    pcm, *_ = read_wav(reply)
    assert len(pcm) > 0
    await _say(core, "de", GERMAN_LIGHT_OFF)
    assert core.states.get(light).state == "off"


@pytest.mark.parametrize("language", ["fr", "es", "nl", "it"])
async def test_a_command_in_the_households_language_acts_on_the_home(
    core: HomeAssistant, multilingual_engine: EngineProcess, language: str
) -> None:
    light = await _household(core, language, multilingual_engine)
    pipeline = pipeline_named(core, PIPELINE_NAME)
    assert (pipeline.conversation_language, pipeline.stt_language) == (language, language)
    heard = await _say(core, language, LIGHT_ON[language])
    assert core.states.get(light).state == "on", heard[PipelineEventType.STT_END]


async def test_a_language_home_assistant_cannot_understand_is_a_repair(
    core: HomeAssistant, engine_process: EngineProcess
) -> None:
    """Latin: Whisper knows it, Home Assistant's assistant has no sentences for it."""
    await _household(core, "la", engine_process)
    assert PIPELINE_NAME not in _pipelines(core)
    issue = ir.async_get(core).async_get_issue(DOMAIN, UNSUPPORTED_LANGUAGE_ISSUE)
    assert issue is not None
    assert issue.translation_key == "language_without_intents"
    assert issue.translation_placeholders == {"language": "la"}


async def test_a_language_the_engine_has_no_voice_for_offline_is_a_repair(
    core: HomeAssistant, engine_process: EngineProcess
) -> None:
    """The shared engine runs offline with only an English voice: no German pipeline that
    would answer in English."""
    await _household(core, "de", engine_process)
    assert PIPELINE_NAME not in _pipelines(core)
    issue = ir.async_get(core).async_get_issue(DOMAIN, UNSUPPORTED_LANGUAGE_ISSUE)
    assert issue is not None and issue.translation_key == "language_without_voice"


async def test_the_pipeline_follows_home_assistants_language(
    core: HomeAssistant, multilingual_engine: EngineProcess
) -> None:
    await _household(core, "en", multilingual_engine)
    assert pipeline_named(core, PIPELINE_NAME).stt_language == "en"
    await core.config.async_update(language="de")
    await core.async_block_till_done()
    pipeline = pipeline_named(core, PIPELINE_NAME)
    assert (pipeline.language, pipeline.conversation_language) == ("de", "de")
    assert (pipeline.stt_language, pipeline.tts_language) == ("de", "de_DE")

    # A language it cannot be in: the household is told, and the pipeline stays German.
    await core.config.async_update(language="la")
    await core.async_block_till_done()
    assert pipeline_named(core, PIPELINE_NAME).language == "de"
    issue = ir.async_get(core).async_get_issue(DOMAIN, UNSUPPORTED_LANGUAGE_ISSUE)
    assert issue is not None and issue.translation_placeholders == {"language": "la"}

    # Back to one it can: the repair goes, and the pipeline follows.
    await core.config.async_update(language="fr")
    await core.async_block_till_done()
    assert pipeline_named(core, PIPELINE_NAME).stt_language == "fr"
    assert ir.async_get(core).async_get_issue(DOMAIN, UNSUPPORTED_LANGUAGE_ISSUE) is None


def _pipelines(hass: HomeAssistant) -> list[str]:
    return [p.name for p in async_get_pipelines(hass)]


async def test_two_wake_words_two_languages_in_one_home(
    core: HomeAssistant,
    multilingual_engine: EngineProcess,
    start_satellite: StartSatellite,
    hass_ws_client: WebSocketGenerator,
) -> None:
    """A German household with an English speaker: "Hey Jarvis" starts an English pipeline,
    "Alexa" the German one. Both wake words are chosen as Home Assistant's satellite
    settings choose them, and the second pipeline in the satellite's second select."""
    light = await _household(core, "de", multilingual_engine)
    english = await _english_pipeline(core)
    satellite = await start_satellite()
    entry = await add_satellite(core, satellite)
    entity_id = satellite_entity_id(core, entry, "assist_satellite", "assist_satellite")

    settings = await hass_ws_client(core)
    await settings.send_json_auto_id(
        {"type": "assist_satellite/get_configuration", "entity_id": entity_id}
    )
    assert (await settings.receive_json())["result"]["max_active_wake_words"] == 2
    await settings.send_json_auto_id(
        {
            "type": "assist_satellite/set_wake_words",
            "entity_id": entity_id,
            "wake_word_ids": ["alexa", "hey_jarvis"],
        }
    )
    assert (await settings.receive_json())["success"]
    await wait_for(
        lambda: entry.runtime_data.active_wake_words == ["alexa", "hey_jarvis"],
        "the satellite to listen for both",
    )
    second = satellite_entity_id(core, entry, "select", "pipeline_2")
    await core.services.async_call(
        "select", "select_option", {"entity_id": second, "option": english}, blocking=True
    )

    await satellite.microphone.hear(
        silence(1.0) + espeak("hey jarvis, turn on the kitchen light") + silence(2.0)
    )
    await wait_for(lambda: core.states.get(light).state == "on", "the English command")
    await wait_for(lambda: core.states.get(entity_id).state == "idle", "the English answer")
    assert _runs(core) == {english: 1}

    # Through a satellite, Whisper base hears espeak-ng's German "Licht" as "Richt" now and
    # then (since the engine decodes from the wake word on): which pipeline ran is the proof.
    await satellite.microphone.hear(
        silence(1.0)
        + espeak("alexa")
        + silence(0.5)
        + espeak("Mach das Licht in der Küche aus", voice="de")
        + silence(2.0)
    )
    await wait_for(lambda: _runs(core).get(PIPELINE_NAME) == 1, "the German pipeline to run")
    await wait_for(lambda: core.states.get(entity_id).state == "idle", "the German answer")
    assert _runs(core) == {english: 1, PIPELINE_NAME: 1}


def _runs(hass: HomeAssistant) -> dict[str, int]:
    """How many times each pipeline ran, by name."""
    names = {p.id: p.name for p in async_get_pipelines(hass)}
    debug = hass.data[KEY_ASSIST_PIPELINE].pipeline_debug
    return {names[pipeline_id]: len(runs) for pipeline_id, runs in debug.items() if runs}


async def _english_pipeline(hass: HomeAssistant) -> str:
    """A second pipeline, English, on the same engine (as the household makes it under
    Settings → Voice assistants); its name."""
    ours = pipeline_named(hass, PIPELINE_NAME)
    name = "Indoor Voice (English)"
    await hass.data[KEY_ASSIST_PIPELINE].pipeline_store.async_create_item(
        {
            "conversation_engine": ours.conversation_engine,
            "conversation_language": "en",
            "language": "en",
            "name": name,
            "stt_engine": ours.stt_engine,
            "stt_language": "en",
            "tts_engine": ours.tts_engine,
            "tts_language": "en_US",
            "tts_voice": None,
            "wake_word_entity": None,
            "wake_word_id": None,
            "prefer_local_intents": True,
        }
    )
    return name


async def test_the_satellite_says_which_stop_words_it_knows(
    core: HomeAssistant,
    engine_loaded: MockConfigEntry,
    start_satellite: StartSatellite,
) -> None:
    """The satellite hears "Stop" (German "Stopp") in every language and not the languages'
    own words: its device shows the words it knows, or none when it does not listen."""
    listening = await add_satellite(core, await start_satellite())
    sensor = satellite_entity_id(core, listening, "sensor", "stop_words")
    await wait_for(lambda: core.states.get(sensor).state == "Stop, Stopp", "the stop words")
    assert core.states.get(sensor).attributes["words"] == ["Stop", "Stopp"]

    deaf = await add_satellite(core, await start_satellite("--no-stop-word"))
    sensor = satellite_entity_id(core, deaf, "sensor", "stop_words")
    assert core.states.get(sensor).state == "unknown"
    assert core.states.get(sensor).attributes["words"] == []


async def test_a_language_the_household_chose_is_kept_until_it_agrees_to_switch(
    core: HomeAssistant, multilingual_engine: EngineProcess, hass_client: ClientSessionGenerator
) -> None:
    """The household picked English speech and Joe's voice in the engine's options; Home
    Assistant then switches to German: a repair asks, and its fix switches everything."""
    assert await async_setup_component(core, "repairs", {})
    await _household(core, "en", multilingual_engine)
    engine = next(e for e in core.config_entries.async_entries(DOMAIN) if e.domain == DOMAIN)
    flow = await core.config_entries.options.async_init(engine.entry_id)
    await core.config_entries.options.async_configure(
        flow["flow_id"], {"language": "en", "voice": "en_US-joe-medium"}
    )
    await core.async_block_till_done()

    await core.config.async_update(language="de")
    await core.async_block_till_done()
    assert pipeline_named(core, PIPELINE_NAME).stt_language == "en"
    issue = ir.async_get(core).async_get_issue(DOMAIN, LANGUAGE_CHANGED_ISSUE)
    assert issue is not None and issue.is_fixable
    assert issue.translation_placeholders == {"language": "de", "pinned": "en, en_US-joe-medium"}

    client = await hass_client()  # the Repairs dashboard's calls
    response = await client.post(
        "/api/repairs/issues/fix", json={"handler": DOMAIN, "issue_id": LANGUAGE_CHANGED_ISSUE}
    )
    form = await response.json()
    assert form["type"] == "form", form
    response = await client.post(f"/api/repairs/issues/fix/{form['flow_id']}", json={})
    assert (await response.json())["type"] == "create_entry"
    await core.async_block_till_done()

    pipeline = pipeline_named(core, PIPELINE_NAME)
    assert (pipeline.conversation_language, pipeline.stt_language) == ("de", "de")
    assert (pipeline.tts_language, pipeline.tts_voice) == ("de_DE", None)
    assert "language" not in engine.options and "voice" not in engine.options
    assert ir.async_get(core).async_get_issue(DOMAIN, LANGUAGE_CHANGED_ISSUE) is None
