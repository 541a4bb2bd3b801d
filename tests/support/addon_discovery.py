"""Home Assistant's side of the add-on: the Supervisor's discovery turns into the
integration's one-click flow, and the engine it adds carries a spoken command."""

from __future__ import annotations

from homeassistant import config_entries
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers.service_info.hassio import HassioServiceInfo

from custom_components.indoor_voice.const import DOMAIN
from testbed.assist import async_hey_jarvis_turn_on_the_kitchen_light
from testbed.wyoming_client import describe
from tests.support.container import EngineContainer
from tests.support.supervisor import ADDON_HOST, TOKEN, FakeSupervisor


async def async_add_with_one_click_and_speak(
    hass: HomeAssistant, kitchen: str, addon: EngineContainer, supervisor: FakeSupervisor
) -> None:
    """The add-on told the Supervisor where it listens (and nothing else); Home Assistant
    offers it, one click adds it, the add-on's options reached the engine (only the chosen
    wake word), and "hey jarvis, turn on the kitchen light" is carried out through it."""
    assert supervisor.requests() == [
        {
            "path": "/discovery",
            "authorization": f"Bearer {TOKEN}",
            "body": {"service": DOMAIN, "config": {"uri": f"tcp://{ADDON_HOST}:{addon.port}"}},
        }
    ]
    # Home Assistant reaches an add-on by its host name on the Supervisor's network; this
    # container's network is this machine's, so the same port is on 127.0.0.1.
    discovery = HassioServiceInfo(
        config={"uri": addon.uri, "addon": "Indoor Voice engine"},
        name="Indoor Voice engine",
        slug="local_indoor_voice_engine",
        uuid="5f0c2a7e9d8b4c1aa3e6b7d8c9f01234",
    )
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": config_entries.SOURCE_HASSIO}, data=discovery
    )
    assert result["type"] is FlowResultType.FORM and result["step_id"] == "hassio_confirm"
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY, result
    await hass.async_block_till_done()

    info = await describe(addon.host, addon.port)
    assert [m.name for p in info.wake for m in p.models] == ["hey_jarvis"]
    await async_hey_jarvis_turn_on_the_kitchen_light(hass, kitchen, addon.host, addon.port)
