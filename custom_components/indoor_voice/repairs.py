"""Repairs the household can fix from the Repairs dashboard."""

from __future__ import annotations

from typing import Any

from homeassistant.components.repairs import RepairsFlow
from homeassistant.core import HomeAssistant

from .compat import RepairsFlowResult
from .privacy.consent_form import async_apply_consent, consent_placeholders, consent_schema
from .privacy.household import DATA_HOUSEHOLD


class DisclosureChangedFlow(RepairsFlow):
    """The disclosure changed while sharing was on: read it, then agree again or not."""

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> RepairsFlowResult:
        household = self.hass.data[DATA_HOUSEHOLD]
        if user_input is not None:
            await async_apply_consent(household, user_input)
            return self.async_create_entry(data={})
        return self.async_show_form(
            step_id="init",
            data_schema=consent_schema(household),
            description_placeholders=consent_placeholders(),
        )


async def async_create_fix_flow(
    hass: HomeAssistant, issue_id: str, data: dict[str, str | int | float | None] | None
) -> RepairsFlow:
    return DisclosureChangedFlow()
