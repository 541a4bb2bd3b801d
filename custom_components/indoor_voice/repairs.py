"""Repairs the household can fix from the Repairs dashboard."""

from __future__ import annotations

from typing import Any

from homeassistant.components.repairs import RepairsFlow
from homeassistant.core import HomeAssistant

from .compat import RepairsFlowResult, vol
from .engines.language import LANGUAGE_CHANGED_ISSUE
from .engines.pipeline import async_switch_to_home_assistants_language
from .privacy.consent_form import async_apply_consent, consent_placeholders, consent_schema
from .privacy.household import DATA_HOUSEHOLD


class DisclosureChangedFlow(RepairsFlow):
    """The disclosure changed while sharing was on: read it, then agree again or not."""

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> RepairsFlowResult:
        """The dashboard starts the flow with the issue's id as input: show the disclosure."""
        return await self.async_step_consent()

    async def async_step_consent(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        household = self.hass.data[DATA_HOUSEHOLD]
        if user_input is not None:
            await async_apply_consent(household, user_input)
            return self.async_create_entry(data={})
        return self.async_show_form(
            step_id="consent",
            data_schema=consent_schema(household),
            description_placeholders=consent_placeholders(),
        )


class LanguageChangedFlow(RepairsFlow):
    """Home Assistant's language changed while an engine keeps another language or voice the
    household chose: switch them (and the pipeline) to Home Assistant's language, or not."""

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> RepairsFlowResult:
        """The dashboard starts the flow with the issue's id as input: show the question."""
        return await self.async_step_confirm()

    async def async_step_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        if user_input is not None:
            await async_switch_to_home_assistants_language(self.hass)
            return self.async_create_entry(data={})
        return self.async_show_form(
            step_id="confirm",
            data_schema=vol.Schema({}),
            description_placeholders={"language": self.hass.config.language},
        )


async def async_create_fix_flow(
    hass: HomeAssistant, issue_id: str, data: dict[str, str | int | float | None] | None
) -> RepairsFlow:
    if issue_id == LANGUAGE_CHANGED_ISSUE:
        return LanguageChangedFlow()
    return DisclosureChangedFlow()
