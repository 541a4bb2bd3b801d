"""Engine tests talk to real engines over real TCP on 127.0.0.1."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _loopback_sockets(socket_enabled: None) -> None:
    """The harness blocks sockets; engine tests need loopback (it still refuses the rest)."""
