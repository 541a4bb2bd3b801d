"""The "Indoor Voice (local)" Assist pipeline: created once, kept pointing at our engines."""

from __future__ import annotations

import logging
from dataclasses import replace

from homeassistant.components.assist_pipeline import (
    async_create_default_pipeline,
    async_get_pipelines,
    async_update_pipeline,
)
from homeassistant.components.assist_pipeline.pipeline import KEY_ASSIST_PIPELINE
from homeassistant.components.conversation import HOME_ASSISTANT_AGENT
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import EVENT_CORE_CONFIG_UPDATE, Platform
from homeassistant.core import CALLBACK_TYPE, Event, HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir

from ..const import (
    CONF_LANGUAGE,
    CONF_VOICE,
    CONF_WAKE_WORD,
    DOMAIN,
    PIPELINE_NAME,
    EntryKind,
)
from ..entries import entity_id_of, kind_of
from ..link.protocol import DEFAULT_WAKE_WORD
from ..privacy.household import DATA_HOUSEHOLD
from .coordinator import EngineConfigEntry
from .language import (
    LANGUAGE_CHANGED_ISSUE,
    Missing,
    PipelineLanguage,
    async_ask_to_follow,
    async_report,
    async_resolve,
    pinned_elsewhere,
)

_LOGGER = logging.getLogger(__name__)

# An engine counts while loaded, and while it is being set up (it calls us at the end of that).
_UP = (ConfigEntryState.LOADED, ConfigEntryState.SETUP_IN_PROGRESS)
_SERVICE_IDS = {Platform.STT: "stt", Platform.TTS: "tts", Platform.WAKE_WORD: "wake_word"}


def our_entity(hass: HomeAssistant, platform: Platform) -> tuple[str, EngineConfigEntry] | None:
    """The entity of the first loaded engine that offers this service."""
    for entry in hass.config_entries.async_entries(DOMAIN):
        if kind_of(entry) is not EntryKind.ENGINE or entry.state not in _UP:
            continue
        if entity_id := entity_id_of(hass, platform, entry.entry_id, _SERVICE_IDS[platform]):
            return entity_id, entry
    return None


async def async_ensure_pipeline(hass: HomeAssistant, *, language_changed: bool = False) -> None:
    """Create the pipeline the first time, in Home Assistant's language; afterwards keep its
    engines and options current, and follow Home Assistant's language when it changes.

    A pipeline the household deleted is not recreated. A language the pipeline cannot be in
    leaves it as it was and raises a repair (engines/language.py).
    """
    household = hass.data[DATA_HOUSEHOLD]
    stt, tts, wake = (our_entity(hass, p) for p in (Platform.STT, Platform.TTS, Platform.WAKE_WORD))
    if stt is None or tts is None:
        return

    pipelines = {p.id: p for p in async_get_pipelines(hass)}
    if household.pipeline_id is not None and household.pipeline_id not in pipelines:
        return
    resolved: PipelineLanguage | None = None
    if household.pipeline_id is None or language_changed:
        language = hass.config.language
        ir.async_delete_issue(hass, DOMAIN, LANGUAGE_CHANGED_ISSUE)  # asked again if need be
        found = async_resolve(hass, language, stt[0], tts[0])
        async_report(hass, language, found if isinstance(found, Missing) else None)
        if isinstance(found, Missing):
            _LOGGER.warning("The local pipeline cannot be in %s: %s", language, found.value)
            return
        resolved = found
        if language_changed and (pinned := _pinned_elsewhere(stt[1], tts[1], language)):
            async_ask_to_follow(hass, language, pinned)
            return
    if household.pipeline_id is None:
        created = await async_create_default_pipeline(hass, stt[0], tts[0], PIPELINE_NAME)
        if created is None:
            _LOGGER.warning("Home Assistant did not create the local pipeline")
            return
        await household.async_set_pipeline_id(created.id)
        pipelines[created.id] = created
    pipeline = pipelines[household.pipeline_id]  # type: ignore[index]
    if resolved is not None:
        # Until the household picks a voice, the engine speaks with its own voice of the
        # language (an official piper: its first one), downloading it when it has to.
        pipeline = replace(
            pipeline,
            language=resolved.language,
            conversation_language=resolved.conversation_language,
            stt_language=resolved.stt_language,
            tts_language=resolved.tts_language,
            tts_voice=None,
        )

    stt_options = stt[1].options
    voice = tts[1].options.get(CONF_VOICE)
    voice_languages = [
        v.languages[0]
        for p in tts[1].runtime_data.data.tts
        for v in p.voices
        if v.name == voice and v.languages
    ]
    wake_entity, wake_word_id = None, None
    if wake is not None:
        wake_entity = wake[0]
        offered = [m.name for p in wake[1].runtime_data.data.wake for m in p.models if m.installed]
        chosen = wake[1].options.get(CONF_WAKE_WORD)
        wake_word_id = next(
            (w for w in (chosen, DEFAULT_WAKE_WORD) if w in offered),
            offered[0] if offered else None,
        )
    await async_update_pipeline(
        hass,
        pipeline,
        conversation_engine=HOME_ASSISTANT_AGENT,
        prefer_local_intents=True,
        language=pipeline.language,
        conversation_language=pipeline.conversation_language,
        stt_engine=stt[0],
        stt_language=stt_options.get(CONF_LANGUAGE, pipeline.stt_language),
        tts_engine=tts[0],
        tts_language=voice_languages[0] if voice_languages else pipeline.tts_language,
        tts_voice=voice if voice_languages else pipeline.tts_voice,
        wake_word_entity=wake_entity,
        wake_word_id=wake_word_id,
    )
    _prefer_when_the_current_choice_cannot_listen(hass, pipeline.id)


def _pinned_elsewhere(stt: EngineConfigEntry, tts: EngineConfigEntry, language: str) -> list[str]:
    """The engine options (speech language, voice) the household set to another language."""
    chosen = {
        CONF_LANGUAGE: stt.options.get(CONF_LANGUAGE),
        CONF_VOICE: tts.options.get(CONF_VOICE),
    }
    return [str(value) for value in chosen.values() if pinned_elsewhere(language, value)]


async def async_switch_to_home_assistants_language(hass: HomeAssistant) -> None:
    """The household agreed: its engines' language and voice choices give way to Home
    Assistant's language, and the pipeline follows it."""
    for entry in hass.config_entries.async_entries(DOMAIN):
        if kind_of(entry) is EntryKind.ENGINE and (
            pinned_elsewhere(hass.config.language, entry.options.get(CONF_LANGUAGE))
            or pinned_elsewhere(hass.config.language, entry.options.get(CONF_VOICE))
        ):
            options = {
                k: v for k, v in entry.options.items() if k not in (CONF_LANGUAGE, CONF_VOICE)
            }
            hass.config_entries.async_update_entry(entry, options=options)
    await async_ensure_pipeline(hass, language_changed=True)


@callback
def async_follow_language(hass: HomeAssistant) -> CALLBACK_TYPE:
    """When the household changes Home Assistant's language, the pipeline follows."""

    async def language_changed(event: Event) -> None:
        if "language" in (event.data or {}):
            await async_ensure_pipeline(hass, language_changed=True)

    return hass.bus.async_listen(EVENT_CORE_CONFIG_UPDATE, language_changed)


def _prefer_when_the_current_choice_cannot_listen(hass: HomeAssistant, pipeline_id: str) -> None:
    """Make ours the preferred pipeline only if the preferred one has no speech-to-text."""
    store = hass.data[KEY_ASSIST_PIPELINE].pipeline_store
    preferred = store.data.get(store.async_get_preferred_item())
    if preferred is None or preferred.stt_engine is None:
        store.async_set_preferred_item(pipeline_id)
