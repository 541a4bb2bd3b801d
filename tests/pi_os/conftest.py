"""scripts/pi-check's Home Assistant: the integration tests' harness and home (a kitchen light,
the engine on this machine), for a satellite that runs in an emulated Raspberry Pi OS root."""

from tests.integration.conftest import (  # noqa: F401 - fixtures, by name
    _harness,
    core,
    engine_loaded,
    kitchen,
    no_deprecated_use,
)
