"""Config flow: add an engine (any Wyoming service) by host and port, or by discovery."""

from __future__ import annotations

import logging
from typing import Any

import voluptuous as vol
from homeassistant.config_entries import (
    ConfigEntry,
    ConfigFlow,
    ConfigFlowResult,
    OptionsFlow,
)
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import selector
from homeassistant.helpers.service_info.zeroconf import ZeroconfServiceInfo
from wyoming.info import Info

from .consent_form import async_apply_consent, consent_placeholders, consent_schema
from .const import (
    CONF_BEAM_SIZE,
    CONF_KIND,
    CONF_LANGUAGE,
    CONF_VOICE,
    CONF_WAKE_WORD,
    DEFAULT_BEAM_SIZE,
    DEFAULT_ENGINE_PORT,
    DOMAIN,
    Kind,
)
from .engine import offered_platforms
from .household import DATA_HOUSEHOLD
from .local_network import NotLocalError
from .wyoming_link import EngineUnavailable, NotWyoming, async_describe

_LOGGER = logging.getLogger(__name__)

HOUSEHOLD_UNIQUE_ID = "household"


def _engine_schema(host: str = "", port: int = DEFAULT_ENGINE_PORT) -> vol.Schema:
    return vol.Schema(
        {
            vol.Required(CONF_HOST, default=host): str,
            vol.Required(CONF_PORT, default=port): vol.All(
                vol.Coerce(int), vol.Range(min=1, max=65535)
            ),
        }
    )


def engine_title(info: Info, host: str) -> str:
    """A name for the engine's device: what it says it is, and where."""
    programs = [p for p in (*info.asr, *info.tts, *info.wake) if p.installed]
    name = programs[0].name if programs else "Wyoming"
    label = "Indoor Voice engine" if name == "indoor-voice" else name
    return f"{label} ({host})"


async def _probe(host: str, port: int) -> tuple[Info | None, dict[str, str]]:
    """Describe the service; on failure, the form error that explains why."""
    try:
        info = await async_describe(host, port)
    except NotLocalError:
        return None, {"base": "not_local"}
    except EngineUnavailable:
        return None, {"base": "cannot_connect"}
    except NotWyoming:
        return None, {"base": "not_wyoming"}
    except HomeAssistantError:
        _LOGGER.exception("Unexpected error while adding %s:%s", host, port)
        return None, {"base": "unknown"}
    if not offered_platforms(info):
        return None, {"base": "no_services"}
    return info, {}


class IndoorVoiceConfigFlow(ConfigFlow, domain=DOMAIN):
    """Adds engines; the household entry is created by the integration itself."""

    VERSION = 1
    MINOR_VERSION = 1

    def __init__(self) -> None:
        self._discovered: tuple[str, int, Info] | None = None

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: ConfigEntry) -> OptionsFlow:
        if config_entry.data.get(CONF_KIND) == Kind.HOUSEHOLD:
            return ConsentOptionsFlow()
        return EngineOptionsFlow()

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        errors: dict[str, str] = {}
        if user_input is not None:
            host, port = user_input[CONF_HOST].strip(), user_input[CONF_PORT]
            self._async_abort_entries_match({CONF_HOST: host, CONF_PORT: port})
            info, errors = await _probe(host, port)
            if info is not None:
                await self.async_set_unique_id(f"{host}:{port}")
                self._abort_if_unique_id_configured()
                return self._create_engine(host, port, info)
        return self.async_show_form(
            step_id="user",
            data_schema=self.add_suggested_values_to_schema(_engine_schema(), user_input),
            errors=errors,
        )

    async def async_step_zeroconf(self, discovery_info: ZeroconfServiceInfo) -> ConfigFlowResult:
        host, port = discovery_info.host, discovery_info.port
        if port is None:
            return self.async_abort(reason="no_port")
        await self.async_set_unique_id(f"{host}:{port}")
        self._abort_if_unique_id_configured()
        info, errors = await _probe(host, port)
        if info is None:
            return self.async_abort(reason=errors["base"])
        self._discovered = (host, port, info)
        self.context["title_placeholders"] = {"name": engine_title(info, host)}
        return await self.async_step_zeroconf_confirm()

    async def async_step_zeroconf_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        assert self._discovered is not None
        host, port, info = self._discovered
        if user_input is None:
            return self.async_show_form(
                step_id="zeroconf_confirm",
                description_placeholders={"name": engine_title(info, host)},
            )
        return self._create_engine(host, port, info)

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        entry = self._get_reconfigure_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            host, port = user_input[CONF_HOST].strip(), user_input[CONF_PORT]
            info, errors = await _probe(host, port)
            if info is not None:
                for other in self._async_current_entries(include_ignore=False):
                    if other.entry_id != entry.entry_id and (
                        other.data.get(CONF_HOST),
                        other.data.get(CONF_PORT),
                    ) == (host, port):
                        return self.async_abort(reason="already_configured")
                return self.async_update_reload_and_abort(
                    entry,
                    unique_id=f"{host}:{port}",
                    title=engine_title(info, host),
                    data_updates={CONF_HOST: host, CONF_PORT: port},
                )
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=_engine_schema(entry.data[CONF_HOST], entry.data[CONF_PORT]),
            errors=errors,
        )

    async def async_step_system(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """The one household entry: holds the choices that belong to the whole home."""
        await self.async_set_unique_id(HOUSEHOLD_UNIQUE_ID)
        self._abort_if_unique_id_configured()
        return self.async_create_entry(title="Household", data={CONF_KIND: Kind.HOUSEHOLD})

    @callback
    def _create_engine(self, host: str, port: int, info: Info) -> ConfigFlowResult:
        return self.async_create_entry(
            title=engine_title(info, host),
            data={CONF_KIND: Kind.ENGINE, CONF_HOST: host, CONF_PORT: port},
        )


class ConsentOptionsFlow(OptionsFlow):
    """The household's review-sharing consent: the disclosure and an explicit choice."""

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        household = self.hass.data[DATA_HOUSEHOLD]
        if user_input is not None:
            await async_apply_consent(household, user_input)
            return self.async_create_entry(data=dict(self.config_entry.options))
        return self.async_show_form(
            step_id="consent",
            data_schema=consent_schema(household),
            description_placeholders=consent_placeholders(),
        )

    async_step_consent = async_step_init


class EngineOptionsFlow(OptionsFlow):
    """Language, voice, wake word and beam size of one engine."""

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
            schema[vol.Optional(CONF_LANGUAGE)] = _choice(languages)
            schema[vol.Optional(CONF_BEAM_SIZE, default=DEFAULT_BEAM_SIZE)] = (
                selector.NumberSelector(
                    selector.NumberSelectorConfig(
                        min=1, max=10, step=1, mode=selector.NumberSelectorMode.BOX
                    )
                )
            )
        voices = sorted({v.name for p in info.tts for v in p.voices if v.installed})
        if voices:
            schema[vol.Optional(CONF_VOICE)] = _choice(voices)
        wake_words = [m.name for p in info.wake for m in p.models if m.installed]
        if wake_words:
            schema[vol.Optional(CONF_WAKE_WORD)] = _choice(wake_words)
        return self.async_show_form(
            step_id="init",
            data_schema=self.add_suggested_values_to_schema(vol.Schema(schema), entry.options),
        )


def _choice(options: list[str]) -> selector.SelectSelector:
    return selector.SelectSelector(
        selector.SelectSelectorConfig(options=options, mode=selector.SelectSelectorMode.DROPDOWN)
    )
