"""Adding an engine: what the household sees in the UI."""

from __future__ import annotations

import asyncio
import socket
from ipaddress import ip_address

import pytest
from homeassistant import config_entries
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers.service_info.hassio import HassioServiceInfo
from homeassistant.helpers.service_info.zeroconf import ZeroconfServiceInfo

from custom_components.indoor_voice.const import CONF_KIND, DOMAIN, EntryKind
from testbed.engine_process import EngineProcess
from tests.integration.conftest import zeroconf_info


async def _user_flow(hass: HomeAssistant, host: str, port: int) -> dict:
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": config_entries.SOURCE_USER}
    )
    assert result["type"] is FlowResultType.FORM
    return await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HOST: host, CONF_PORT: port}
    )


async def test_adding_the_engine_creates_an_entry(
    core: HomeAssistant, engine_process: EngineProcess
) -> None:
    result = await _user_flow(core, engine_process.host, engine_process.port)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Indoor Voice engine (127.0.0.1)"
    assert result["data"] == {
        CONF_KIND: EntryKind.ENGINE,
        CONF_HOST: "127.0.0.1",
        CONF_PORT: engine_process.port,
    }
    await core.async_block_till_done()
    kinds = sorted(e.data[CONF_KIND] for e in core.config_entries.async_entries(DOMAIN))
    assert kinds == [
        EntryKind.ENGINE,
        EntryKind.HOUSEHOLD,
    ]  # the household entry comes with the first engine


async def test_an_unreachable_host_is_explained(core: HomeAssistant) -> None:
    result = await _user_flow(core, "127.0.0.1", 9)  # nothing listens on the discard port
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "cannot_connect"}


async def test_a_port_that_is_not_wyoming_is_explained(core: HomeAssistant) -> None:
    async def not_wyoming(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"HTTP/1.1 400 Bad Request\r\n\r\n")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(not_wyoming, "127.0.0.1", 0)
    try:
        result = await _user_flow(core, "127.0.0.1", server.sockets[0].getsockname()[1])
    finally:
        server.close()
        await server.wait_closed()
    assert result["errors"] == {"base": "not_wyoming"}


@pytest.mark.parametrize("host", ["8.8.8.8", "2001:4860:4860::8888", "100.64.1.1"])
async def test_a_public_address_is_refused_without_connecting(
    core: HomeAssistant, host: str
) -> None:
    """The harness raises on any non-loopback connect, so reaching the error proves no attempt."""
    result = await _user_flow(core, host, 10400)
    assert result["errors"] == {"base": "not_local"}


async def test_the_same_engine_is_not_added_twice(
    core: HomeAssistant, engine_process: EngineProcess
) -> None:
    first = await _user_flow(core, engine_process.host, engine_process.port)
    assert first["type"] is FlowResultType.CREATE_ENTRY
    second = await _user_flow(core, engine_process.host, engine_process.port)
    assert second["type"] is FlowResultType.ABORT
    assert second["reason"] == "already_configured"
    await core.async_block_till_done()  # the household entry the first one made, set up


def _discovery(engine: EngineProcess) -> ZeroconfServiceInfo:
    return zeroconf_info(engine.host, engine.port, "_wyoming._tcp.local.", "indoor-voice-engine")


async def test_a_discovered_engine_is_offered_and_added(
    core: HomeAssistant, engine_process: EngineProcess
) -> None:
    result = await core.config_entries.flow.async_init(
        DOMAIN, context={"source": config_entries.SOURCE_ZEROCONF}, data=_discovery(engine_process)
    )
    assert result["type"] is FlowResultType.FORM and result["step_id"] == "zeroconf_confirm"
    assert result["description_placeholders"] == {"name": "Indoor Voice engine (127.0.0.1)"}
    result = await core.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await core.async_block_till_done()

    again = await core.config_entries.flow.async_init(
        DOMAIN, context={"source": config_entries.SOURCE_ZEROCONF}, data=_discovery(engine_process)
    )
    assert again["type"] is FlowResultType.ABORT and again["reason"] == "already_configured"


async def test_a_discovered_public_service_is_ignored(core: HomeAssistant) -> None:
    info = zeroconf_info("8.8.4.4", 10300, "_wyoming._tcp.local.", "x")
    result = await core.config_entries.flow.async_init(
        DOMAIN, context={"source": config_entries.SOURCE_ZEROCONF}, data=info
    )
    assert result["type"] is FlowResultType.ABORT and result["reason"] == "not_local"


def addon_discovery(uri: str) -> HassioServiceInfo:
    """What Home Assistant hands the flow when the engine add-on announces itself."""
    return HassioServiceInfo(
        config={"uri": uri, "addon": "Indoor Voice engine"},
        name="Indoor Voice engine",
        slug="a0d7b954_indoor_voice_engine",
        uuid="6a6bbd7d8a6c4d1e9b8e0c3f2d1a7b55",
    )


async def _addon_flow(hass: HomeAssistant, uri: str) -> dict:
    return await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": config_entries.SOURCE_HASSIO}, data=addon_discovery(uri)
    )


async def test_the_engine_add_on_is_added_with_one_click(
    core: HomeAssistant, engine_process: EngineProcess
) -> None:
    result = await _addon_flow(core, engine_process.uri)
    assert result["type"] is FlowResultType.FORM and result["step_id"] == "hassio_confirm"
    assert result["description_placeholders"] == {"addon": "Indoor Voice engine"}
    result = await core.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"] == {
        CONF_KIND: EntryKind.ENGINE,
        CONF_HOST: "127.0.0.1",
        CONF_PORT: engine_process.port,
    }
    await core.async_block_till_done()

    # The Supervisor repeats its discoveries whenever Home Assistant starts.
    again = await _addon_flow(core, engine_process.uri)
    assert again["type"] is FlowResultType.ABORT and again["reason"] == "already_configured"


async def test_an_engine_added_by_hand_is_not_offered_again_by_its_add_on(
    core: HomeAssistant, engine_process: EngineProcess
) -> None:
    added = await _user_flow(core, engine_process.host, engine_process.port)
    assert added["type"] is FlowResultType.CREATE_ENTRY
    await core.async_block_till_done()
    result = await _addon_flow(core, engine_process.uri)
    assert result["type"] is FlowResultType.ABORT and result["reason"] == "already_configured"


async def test_an_add_on_still_starting_can_be_retried(core: HomeAssistant) -> None:
    """The first start downloads models: until the engine serves, the click explains why."""
    result = await _addon_flow(core, "tcp://127.0.0.1:9")  # nothing listens on the discard port
    result = await core.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.FORM and result["step_id"] == "hassio_confirm"
    assert result["errors"] == {"base": "cannot_connect"}


async def test_an_add_on_announcing_a_public_address_is_refused_without_connecting(
    core: HomeAssistant,
) -> None:
    result = await _addon_flow(core, "tcp://8.8.8.8:10400")
    result = await core.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["errors"] == {"base": "not_local"}


@pytest.mark.parametrize(
    "uri", ["", "http://127.0.0.1:10400", "tcp://127.0.0.1", "tcp://127.0.0.1:99999", "tcp://:1"]
)
async def test_an_add_on_announcing_no_address_is_ignored(core: HomeAssistant, uri: str) -> None:
    result = await _addon_flow(core, uri)
    assert result["type"] is FlowResultType.ABORT and result["reason"] == "invalid_discovery"


@pytest.fixture
def names_do_not_resolve(monkeypatch: pytest.MonkeyPatch) -> None:
    """A resolver that knows no names (as for a typo); also keeps DNS queries off the network."""
    real = socket.getaddrinfo

    def getaddrinfo(host: object, *args: object, **kwargs: object) -> object:
        try:
            ip_address(str(host))
        except ValueError:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known") from None
        return real(host, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


@pytest.mark.usefixtures("names_do_not_resolve")
async def test_a_host_name_with_a_typo_is_explained(core: HomeAssistant) -> None:
    result = await _user_flow(core, "nonexistent-host.invalid", 10400)
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "cannot_resolve"}


@pytest.mark.parametrize(
    "source",
    [config_entries.SOURCE_DHCP, config_entries.SOURCE_SSDP, config_entries.SOURCE_USB],
)
async def test_a_discovery_source_we_do_not_use_ends_cleanly(
    core: HomeAssistant, source: str
) -> None:
    result = await core.config_entries.flow.async_init(
        DOMAIN, context={"source": source}, data={"host": "nonexistent-host.invalid"}
    )
    assert result["type"] is FlowResultType.ABORT and result["reason"] == "not_supported"
