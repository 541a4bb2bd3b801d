"""The local-only guard: pipelines we use must keep audio and text inside the house.

A stage is local when it is Home Assistant's own conversation agent, or an entity (or a
conversation agent registered by a config entry) of an integration whose iot_class is local.
Anything else raises a repair issue naming it, and our satellites refuse to stream into
that pipeline.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from homeassistant.components.assist_pipeline import Pipeline, async_get_pipelines
from homeassistant.components.assist_pipeline.const import CONF_DEBUG_RECORDING_DIR, DATA_CONFIG
from homeassistant.components.assist_pipeline.pipeline import KEY_ASSIST_PIPELINE
from homeassistant.components.conversation import HOME_ASSISTANT_AGENT
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import issue_registry as ir
from homeassistant.loader import IntegrationNotFound, async_get_integration
from homeassistant.util.hass_dict import HassKey

from ..const import DOMAIN
from .household import DATA_HOUSEHOLD

_LOGGER = logging.getLogger(__name__)

DATA_GUARD: HassKey[LocalGuard] = HassKey(f"{DOMAIN}_local_guard")
LOCAL_IOT_CLASSES = {"local_push", "local_polling"}
# What a satellite says instead of streaming into a pipeline that is not local.
REFUSAL = (
    "Sorry, I can't listen right now: this voice assistant would send what you say outside "
    "your home. Please check Home Assistant's repairs."
)
# Built into Home Assistant and running in it: no network at all.
_ALWAYS_LOCAL = {HOME_ASSISTANT_AGENT, "homeassistant", "conversation.homeassistant"}


@dataclass(frozen=True)
class Stage:
    name: str  # "wake word", "speech-to-text", "conversation", "text-to-speech"
    engine: str


def _stages(pipeline: Pipeline) -> Iterable[Stage]:
    for name, engine in (
        ("wake word", pipeline.wake_word_entity),
        ("speech-to-text", pipeline.stt_engine),
        ("conversation", pipeline.conversation_engine),
        ("text-to-speech", pipeline.tts_engine),
    ):
        if engine:
            yield Stage(name, engine)


async def _is_local(hass: HomeAssistant, engine: str) -> bool:
    if engine in _ALWAYS_LOCAL:
        return True
    if "." in engine:
        entry = er.async_get(hass).async_get(engine)
        if entry is None:
            return False  # unknown origin: not provably local
        domain = entry.platform
    elif (config_entry := hass.config_entries.async_get_entry(engine)) is not None:
        domain = config_entry.domain  # a conversation agent registered by its config entry
    else:
        domain = engine  # a legacy provider is named after its integration
    try:
        integration = await async_get_integration(hass, domain)
    except IntegrationNotFound:
        return False
    return integration.iot_class in LOCAL_IOT_CLASSES


async def async_non_local_stages(hass: HomeAssistant, pipeline: Pipeline) -> list[Stage]:
    return [stage for stage in _stages(pipeline) if not await _is_local(hass, stage.engine)]


def _issue_id(pipeline_id: str) -> str:
    return f"non_local_pipeline_{pipeline_id}"


class LocalGuard:
    """Watches the pipelines we use and keeps one repair issue per non-local pipeline."""

    def __init__(self, hass: HomeAssistant) -> None:
        self._hass = hass
        self._watched: dict[str, set[str]] = {}  # pipeline id -> who uses it
        self._unwatch_by_user: dict[str, CALLBACK_TYPE] = {}  # see async_watch_only

    @callback
    def async_watch(self, pipeline_id: str, user: str) -> CALLBACK_TYPE:
        """`user` (our pipeline, a satellite) relies on the pipeline from now on."""
        self._watched.setdefault(pipeline_id, set()).add(user)
        self._hass.async_create_task(self.async_check(), eager_start=True)

        @callback
        def unwatch() -> None:
            users = self._watched.get(pipeline_id, set())
            users.discard(user)
            if not users:
                self._watched.pop(pipeline_id, None)
                ir.async_delete_issue(self._hass, DOMAIN, _issue_id(pipeline_id))

        return unwatch

    @callback
    def async_watch_only(self, pipeline_id: str | None, user: str) -> None:
        """`user` relies on this pipeline now (None: on none), and no longer on another."""
        if (unwatch := self._unwatch_by_user.pop(user, None)) is not None:
            unwatch()
        if pipeline_id is not None:
            self._unwatch_by_user[user] = self.async_watch(pipeline_id, user)

    @callback
    def async_start(self) -> CALLBACK_TYPE:
        store = self._hass.data[KEY_ASSIST_PIPELINE].pipeline_store

        async def changed(*_: object) -> None:
            await self.async_check()

        self._warn_about_debug_recording()
        self._hass.async_create_task(self.async_check(), eager_start=True)
        return store.async_add_change_set_listener(changed)

    async def async_check(self) -> None:
        pipelines = {p.id: p for p in async_get_pipelines(self._hass)}
        watched = set(self._watched)
        if ours := self._hass.data[DATA_HOUSEHOLD].pipeline_id:
            watched.add(ours)
        for pipeline_id in watched:
            pipeline = pipelines.get(pipeline_id)
            stages = await async_non_local_stages(self._hass, pipeline) if pipeline else []
            if pipeline is None or not stages:
                ir.async_delete_issue(self._hass, DOMAIN, _issue_id(pipeline_id))
                continue
            _LOGGER.warning(
                "Pipeline %s sends audio or text outside the house: %s",
                pipeline.name,
                ", ".join(f"{s.name} ({s.engine})" for s in stages),
            )
            ir.async_create_issue(
                self._hass,
                DOMAIN,
                _issue_id(pipeline_id),
                is_fixable=False,
                severity=ir.IssueSeverity.ERROR,
                translation_key="non_local_pipeline",
                translation_placeholders={
                    "pipeline": pipeline.name,
                    "stages": ", ".join(f"{s.name}: {s.engine}" for s in stages),
                },
            )

    def _warn_about_debug_recording(self) -> None:
        """HA's own debug switch records every run's audio, before the wake word too."""
        if directory := self._hass.data.get(DATA_CONFIG, {}).get(CONF_DEBUG_RECORDING_DIR):
            ir.async_create_issue(
                self._hass,
                DOMAIN,
                "debug_recording",
                is_fixable=False,
                severity=ir.IssueSeverity.WARNING,
                translation_key="debug_recording",
                translation_placeholders={"directory": str(directory)},
            )
        else:
            ir.async_delete_issue(self._hass, DOMAIN, "debug_recording")
