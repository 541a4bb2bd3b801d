"""What counts as inside the house, for all three programs.

The engine and the satellite take the rule from `indoor_voice_net`; Home Assistant installs
the integration as one folder, so the integration keeps a copy inside it. The copy must be
the same code, line for line (compared as syntax trees, not by import: this session never
imports the integration).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from indoor_voice_net.local_network import is_local_address

REPO = Path(__file__).resolve().parents[1]


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


def _definitions(source: Path) -> list[str]:
    tree = ast.parse(source.read_text(), str(source))
    return [
        ast.dump(node)
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef) and node.name == "is_local_address"
    ]


def test_the_integration_s_copy_is_the_same_rule() -> None:
    ours = _definitions(REPO / "indoor_voice_net/local_network.py")
    copies = {
        str(path.relative_to(REPO)): definitions
        for path in (REPO / "custom_components/indoor_voice").rglob("*.py")
        if (definitions := _definitions(path))
    }
    assert len(ours) == 1 and copies
    assert all(definitions == ours for definitions in copies.values()), sorted(copies)
