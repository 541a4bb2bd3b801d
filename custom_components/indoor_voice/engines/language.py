"""The household's language for the "Indoor Voice (local)" pipeline: what each stage uses of
Home Assistant's language, or why the pipeline cannot be in it (a repair says so).

Home Assistant's own default pipeline quietly falls back to English when its assistant has
no sentences for the language; ours does not: a household is told, never answered in a
language it did not choose.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from homeassistant.components import conversation, stt
from homeassistant.components.tts.helper import get_engine_instance
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import language as language_util

from ..const import DOMAIN

UNSUPPORTED_LANGUAGE_ISSUE = "unsupported_language"
LANGUAGE_CHANGED_ISSUE = "language_changed"


class Missing(StrEnum):
    """What a language lacks, as the repair's translation key names it."""

    INTENTS = "language_without_intents"  # Home Assistant's assistant has no sentences
    SPEECH_MODEL = "language_without_speech_model"  # the engine cannot transcribe it
    VOICE = "language_without_voice"  # the engine has no voice for it


@dataclass(frozen=True)
class PipelineLanguage:
    """What the pipeline's stages use for one language of Home Assistant's."""

    language: str
    conversation_language: str
    stt_language: str
    tts_language: str


@callback
def async_resolve(
    hass: HomeAssistant, language: str, stt_entity_id: str, tts_entity_id: str
) -> PipelineLanguage | Missing:
    """Each stage's language for `language`, or the first stage that has none."""
    country = hass.config.country
    said = language_util.matches(
        language,
        conversation.async_get_conversation_languages(hass, conversation.HOME_ASSISTANT_AGENT),
        country=country,
    )
    if not said:
        return Missing.INTENTS
    stt_engine = stt.async_get_speech_to_text_engine(hass, stt_entity_id)
    heard = (
        language_util.matches(language, stt_engine.supported_languages, country=country)
        if stt_engine is not None
        else []
    )
    if not heard:
        return Missing.SPEECH_MODEL
    tts_engine = get_engine_instance(hass, tts_entity_id)
    spoken = (
        language_util.matches(language, tts_engine.supported_languages, country=country)
        if tts_engine is not None
        else []
    )
    if not spoken:
        return Missing.VOICE
    return PipelineLanguage(language, said[0], heard[0], spoken[0])


@callback
def async_report(hass: HomeAssistant, language: str, missing: Missing | None) -> None:
    """Raise the repair for a language the pipeline cannot be in, or withdraw it."""
    if missing is None:
        ir.async_delete_issue(hass, DOMAIN, UNSUPPORTED_LANGUAGE_ISSUE)
        return
    ir.async_create_issue(
        hass,
        DOMAIN,
        UNSUPPORTED_LANGUAGE_ISSUE,
        is_fixable=False,
        severity=ir.IssueSeverity.ERROR,
        translation_key=missing.value,
        translation_placeholders={"language": language},
    )


@callback
def async_ask_to_follow(hass: HomeAssistant, language: str, pinned: list[str]) -> None:
    """Home Assistant's language changed, but the household chose the engine's language or
    voice itself: ask before switching them (repairs.py switches)."""
    ir.async_create_issue(
        hass,
        DOMAIN,
        LANGUAGE_CHANGED_ISSUE,
        is_fixable=True,
        severity=ir.IssueSeverity.WARNING,
        translation_key=LANGUAGE_CHANGED_ISSUE,
        translation_placeholders={"language": language, "pinned": ", ".join(pinned)},
    )


def pinned_elsewhere(language: str, chosen: str | None) -> bool:
    """Is a language the household chose (de, de_DE, a voice like de_DE-thorsten-medium)
    another language than `language`?"""
    if not chosen:
        return False
    base = chosen.replace("-", "_").split("_")[0].lower()
    return base != language.replace("-", "_").split("_")[0].lower()
