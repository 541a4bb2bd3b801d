"""What counts as inside the house: one rule, in the link, for all three programs.

The integration imports it as `.link.local_network`; the engine's and the satellite's servers
(`indoor_voice_net`) as `indoor_voice_link.local_network`.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from indoor_voice_link.local_network import is_local_address
from indoor_voice_net import server
from indoor_voice_satellite import link_server

REPO = Path(__file__).resolve().parents[1]
PROGRAMS_AND_LIBRARIES = (
    "custom_components/indoor_voice",
    "indoor_voice_engine",
    "indoor_voice_satellite",
    "indoor_voice_models",
    "indoor_voice_net",
)


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "::1",
        "10.0.0.7",
        "172.16.3.4",
        "192.168.1.20",
        "169.254.10.1",
        "fd12:3456::1",
        "fe80::1%eth0",
        "::ffff:192.168.1.20",
    ],
)
def test_home_addresses_are_local(address: str) -> None:
    assert is_local_address(address)


@pytest.mark.parametrize(
    "address",
    [
        "8.8.8.8",
        "93.184.216.34",
        "2001:4860:4860::8888",
        "100.64.1.1",
        "::ffff:8.8.8.8",
        "0.0.0.0",  # noqa: S104 - the unspecified address is not a home address
        "::",
        "not an address",
        "",
    ],
)
def test_everything_else_is_not(address: str) -> None:
    assert not is_local_address(address)


def test_it_is_written_once() -> None:
    definitions = [
        path.relative_to(REPO).as_posix()
        for folder in PROGRAMS_AND_LIBRARIES
        for path in (REPO / folder).rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text(), str(path)))
        if isinstance(node, ast.FunctionDef) and node.name == "is_local_address"
    ]
    assert definitions == ["custom_components/indoor_voice/link/local_network.py"]


def test_the_engine_and_satellite_servers_use_it() -> None:
    assert server.is_local_address is is_local_address
    assert link_server.is_local_address is is_local_address
