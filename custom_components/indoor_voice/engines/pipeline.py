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
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant

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


async def async_ensure_pipeline(hass: HomeAssistant) -> None:
    """Create the pipeline the first time; afterwards keep its engines and options current.

    A pipeline the household deleted is not recreated.
    """
    household = hass.data[DATA_HOUSEHOLD]
    stt, tts, wake = (our_entity(hass, p) for p in (Platform.STT, Platform.TTS, Platform.WAKE_WORD))
    if stt is None or tts is None:
        return

    pipelines = {p.id: p for p in async_get_pipelines(hass)}
    if household.pipeline_id is None:
        created = await async_create_default_pipeline(hass, stt[0], tts[0], PIPELINE_NAME)
        if created is None:
            _LOGGER.warning(
                "The speech engines do not support Home Assistant's language (%s); "
                "no pipeline was created",
                hass.config.language,
            )
            return
        await household.async_set_pipeline_id(created.id)
        # Home Assistant chose the service's first voice; an official piper advertises its
        # whole catalog as installed, and would download that voice or, offline, fail. Until
        # the household picks one, the service speaks with its own default voice.
        pipelines[created.id] = replace(created, tts_voice=None)
    pipeline = pipelines.get(household.pipeline_id)  # type: ignore[arg-type]
    if pipeline is None:
        return

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
        stt_engine=stt[0],
        stt_language=stt_options.get(CONF_LANGUAGE, pipeline.stt_language),
        tts_engine=tts[0],
        tts_language=voice_languages[0] if voice_languages else pipeline.tts_language,
        tts_voice=voice if voice_languages else pipeline.tts_voice,
        wake_word_entity=wake_entity,
        wake_word_id=wake_word_id,
    )
    _prefer_when_the_current_choice_cannot_listen(hass, pipeline.id)


def _prefer_when_the_current_choice_cannot_listen(hass: HomeAssistant, pipeline_id: str) -> None:
    """Make ours the preferred pipeline only if the preferred one has no speech-to-text."""
    store = hass.data[KEY_ASSIST_PIPELINE].pipeline_store
    preferred = store.data.get(store.async_get_preferred_item())
    if preferred is None or preferred.stt_engine is None:
        store.async_set_preferred_item(pipeline_id)
