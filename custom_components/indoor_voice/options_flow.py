"""The Configure dialogs: an engine's speech settings, and the household's consent."""

from __future__ import annotations

import re
from typing import Any

from homeassistant.components.assist_pipeline import Pipeline, async_get_pipelines
from homeassistant.config_entries import ConfigFlowResult, OptionsFlow
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import selector
from wyoming.info import Info

from .compat import vol
from .const import CONF_BEAM_SIZE, CONF_LANGUAGE, CONF_VOICE, CONF_WAKE_WORD, DEFAULT_BEAM_SIZE
from .privacy.consent_form import async_apply_consent, consent_placeholders, consent_schema
from .privacy.household import DATA_HOUSEHOLD

# Piper's voice names: <language>_<REGION>-<name>-<quality>, like en_US-joe-medium.
_PIPER_VOICE = re.compile(
    r"^(?P<lang>[a-z]{2,3}_[A-Z]{2})-(?P<name>.+)-(?P<quality>x_low|low|medium|high)$"
)


def voice_label(name: str) -> str:
    """ "Joe (en_US, medium)" for en_US-joe-medium; other names as they are."""
    if match := _PIPER_VOICE.match(name):
        speaker = match["name"].replace("_", " ").title()
        return f"{speaker} ({match['lang']}, {match['quality'].replace('_', ' ')})"
    return name


def wake_word_label(name: str, phrase: str | None) -> str:
    """What to say: the model's phrase, else its name without a version ("Hey Jarvis")."""
    if phrase:
        return phrase[0].upper() + phrase[1:]
    return re.sub(r"_v\d+(\.\d+)*$", "", name).replace("_", " ").title()


class ConsentOptionsFlow(OptionsFlow):
    """The household's review-sharing consent: the disclosure and an explicit choice."""

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        household = self.hass.data[DATA_HOUSEHOLD]
        if user_input is not None:
            # The choice lives in the household's storage, not in the entry's options: the
            # dialog ends by saying what was recorded and what to do next.
            reason, placeholders = await async_apply_consent(household, user_input)
            return self.async_abort(reason=reason, description_placeholders=placeholders)
        return self.async_show_form(
            step_id="consent",
            data_schema=consent_schema(household),
            description_placeholders=consent_placeholders(),
        )

    async_step_consent = async_step_init


class EngineOptionsFlow(OptionsFlow):
    """Language, voice, wake word and beam size of one engine, starting from what the
    Indoor Voice (local) pipeline uses now."""

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        entry = self.config_entry
        if user_input is not None:
            if CONF_BEAM_SIZE in user_input:
                user_input[CONF_BEAM_SIZE] = int(user_input[CONF_BEAM_SIZE])
            return self.async_create_entry(data=user_input)
        coordinator = getattr(entry, "runtime_data", None)
        if coordinator is None or not coordinator.last_update_success:
            return self.async_abort(reason="engine_unavailable")
        info: Info = coordinator.data
        schema: dict[Any, Any] = {}
        languages = sorted(
            {lang for p in info.asr for m in p.models if m.installed for lang in m.languages}
        )
        if languages:
            schema[vol.Optional(CONF_LANGUAGE)] = selector.LanguageSelector(
                selector.LanguageSelectorConfig(languages=languages)
            )
            schema[vol.Optional(CONF_BEAM_SIZE, default=DEFAULT_BEAM_SIZE)] = (
                selector.NumberSelector(
                    selector.NumberSelectorConfig(
                        min=1, max=10, step=1, mode=selector.NumberSelectorMode.BOX
                    )
                )
            )
        voices = sorted({v.name for p in info.tts for v in p.voices if v.installed})
        if voices:
            schema[vol.Optional(CONF_VOICE)] = _choice({v: voice_label(v) for v in voices})
        wake_words = {
            m.name: wake_word_label(m.name, getattr(m, "phrase", None))
            for p in info.wake
            for m in p.models
            if m.installed
        }
        if wake_words:
            schema[vol.Optional(CONF_WAKE_WORD)] = _choice(wake_words)
        current = {**self._in_use(languages, voices, list(wake_words)), **entry.options}
        return self.async_show_form(
            step_id="init",
            data_schema=self.add_suggested_values_to_schema(vol.Schema(schema), current),
        )

    def _in_use(
        self, languages: list[str], voices: list[str], wake_words: list[str]
    ) -> dict[str, Any]:
        """What the pipeline uses of this engine today; a service's own default voice (none
        chosen yet) is its first one."""
        pipeline = self._pipeline()
        if pipeline is None:
            return {}
        used: dict[str, Any] = {}
        if self._serves(pipeline.stt_engine) and pipeline.stt_language in languages:
            used[CONF_LANGUAGE] = pipeline.stt_language
        if self._serves(pipeline.tts_engine) and voices:
            used[CONF_VOICE] = pipeline.tts_voice if pipeline.tts_voice in voices else voices[0]
        if self._serves(pipeline.wake_word_entity) and pipeline.wake_word_id in wake_words:
            used[CONF_WAKE_WORD] = pipeline.wake_word_id
        return used

    def _serves(self, entity_id: str | None) -> bool:
        """Is this entity one of this engine's?"""
        entity = er.async_get(self.hass).async_get(entity_id) if entity_id else None
        return entity is not None and entity.config_entry_id == self.config_entry.entry_id

    def _pipeline(self) -> Pipeline | None:
        pipeline_id = self.hass.data[DATA_HOUSEHOLD].pipeline_id
        return next((p for p in async_get_pipelines(self.hass) if p.id == pipeline_id), None)


def _choice(options: dict[str, str]) -> selector.SelectSelector:
    return selector.SelectSelector(
        selector.SelectSelectorConfig(
            options=[
                selector.SelectOptionDict(value=v, label=label) for v, label in options.items()
            ],
            mode=selector.SelectSelectorMode.DROPDOWN,
        )
    )
