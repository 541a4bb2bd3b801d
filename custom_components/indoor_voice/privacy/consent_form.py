"""The consent form: the disclosure, an explicit acknowledgement, retention and size.

Shown by the household entry's options flow and by the repair raised when the disclosure
changes. Leaving the box unticked and submitting is the one-click "no".
"""

from __future__ import annotations

from typing import Any

from homeassistant.components.http import KEY_HASS_USER
from homeassistant.helpers import selector
from homeassistant.helpers.http import current_request

from ..compat import vol
from .consent import DEFAULT_MAX_SIZE_MB, DISCLOSURE_VERSION, MAX_RETENTION_DAYS, SharingSettings
from .household import Household

CONF_ACKNOWLEDGE = "acknowledge"
CONF_RETENTION_DAYS = "retention_days"
CONF_MAX_SIZE_MB = "max_size_mb"


def consent_schema(household: Household) -> vol.Schema:
    settings = household.settings
    return vol.Schema(
        {
            vol.Required(CONF_ACKNOWLEDGE, default=household.consent_is_current): bool,
            vol.Required(
                CONF_RETENTION_DAYS, default=settings.retention_days
            ): selector.NumberSelector(
                selector.NumberSelectorConfig(
                    min=1, max=MAX_RETENTION_DAYS, step=1, unit_of_measurement="days"
                )
            ),
            vol.Required(CONF_MAX_SIZE_MB, default=settings.max_size_mb or DEFAULT_MAX_SIZE_MB): (
                selector.NumberSelector(
                    selector.NumberSelectorConfig(
                        min=10,
                        max=10_000,
                        step=10,
                        unit_of_measurement="MB",
                        mode=selector.NumberSelectorMode.BOX,
                    )
                )
            ),
        }
    )


def consent_placeholders() -> dict[str, str]:
    return {"version": str(DISCLOSURE_VERSION), "max_days": str(MAX_RETENTION_DAYS)}


def acting_user_id() -> str | None:
    """The Home Assistant user behind the current UI request (flows do not carry it)."""
    request = current_request.get()
    if request is None or KEY_HASS_USER not in request:
        return None
    return str(request[KEY_HASS_USER].id)


async def async_apply_consent(
    household: Household, user_input: dict[str, Any]
) -> tuple[str, dict[str, str]]:
    """Record the household's choice; return what to tell them (an abort reason of the
    options flow, and its placeholders)."""
    user_id = acting_user_id()
    settings = SharingSettings(
        retention_days=int(user_input[CONF_RETENTION_DAYS]),
        max_size_mb=int(user_input[CONF_MAX_SIZE_MB]),
    )
    if user_input[CONF_ACKNOWLEDGE]:
        if household.consent_is_current:
            await household.async_update_settings(settings)
            saved = household.settings
            return "sharing_settings_saved", {
                "retention_days": str(saved.retention_days),
                "max_size_mb": str(saved.max_size_mb),
            }
        await household.async_grant(user_id, settings)
        return "consent_recorded", {"version": str(DISCLOSURE_VERSION)}
    if household.consent_is_current or household.sharing:
        deleted = await household.async_revoke(user_id)
        return "consent_withdrawn", {"deleted": str(deleted)}
    await household.async_decline(user_id)
    return "consent_declined", {}
