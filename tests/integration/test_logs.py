"""The integration's log is worth reading: no noise every few seconds, and a household's
choice is not an error."""

from __future__ import annotations

import logging

import pytest
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import WebSocketGenerator

from custom_components.indoor_voice.logs import ENGINE_POLL_LOGGER
from tests.integration.test_privacy import SWITCH


async def test_health_checks_stay_out_of_the_debug_log(
    core: HomeAssistant, engine_loaded: MockConfigEntry, caplog: pytest.LogCaptureFixture
) -> None:
    """With debug logging for the integration on, health checks say nothing; whoever wants
    them turns on their own logger."""
    coordinator = engine_loaded.runtime_data
    caplog.set_level(logging.DEBUG, logger="custom_components.indoor_voice")
    caplog.clear()
    await coordinator.async_refresh()
    assert coordinator.last_update_success
    assert not [r for r in caplog.records if "Finished fetching" in r.getMessage()]

    caplog.set_level(logging.DEBUG, logger=ENGINE_POLL_LOGGER)
    await coordinator.async_refresh()
    assert [r for r in caplog.records if "Finished fetching" in r.getMessage()]


async def test_a_refused_start_is_not_logged_as_an_error(
    home: HomeAssistant, hass_ws_client: WebSocketGenerator, caplog: pytest.LogCaptureFixture
) -> None:
    """Turning sharing on without consent is the household's doing, not a fault."""
    caplog.set_level(logging.INFO)
    admin = await hass_ws_client(home)
    await admin.send_json_auto_id(
        {
            "type": "call_service",
            "domain": "switch",
            "service": "turn_on",
            "target": {"entity_id": SWITCH},
        }
    )
    answer = await admin.receive_json()
    assert answer["error"]["code"] == "service_validation_error"
    refusals = [r for r in caplog.records if "household agrees" in r.getMessage()]
    assert refusals and all(r.levelno == logging.INFO for r in refusals)
