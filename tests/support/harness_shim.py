"""Lets the newest test harness run on a newer Home Assistant release than it was built for.

pytest-homeassistant-custom-component pins one Home Assistant release (0.13.375: 2026.10.4).
On Home Assistant 2026.11 two things it relies on moved:
- `homeassistant/__init__.py` puts its own httpx in place and refuses to load once httpx is
  imported; the harness's plugin imports respx, and with it httpx, first. Importing
  `homeassistant` here, before any plugin, keeps the order Home Assistant expects.
- `_clear_logger_overwrites` moved from `homeassistant.components.logger` to its `helpers`
  module; the harness imports it from the old place.

Loaded first by `-p tests.support.harness_shim` (pyproject.toml's addopts); on the releases the
harness was built for it changes nothing.
"""

from __future__ import annotations

import importlib.util

_MOVED = "_clear_logger_overwrites"

# The satellite's Python 3.11 session has neither Home Assistant nor its harness to bridge.
if importlib.util.find_spec("homeassistant") is not None:
    import homeassistant  # noqa: F401 - imported for its side effect, before the harness
    from homeassistant.components import logger

    if not hasattr(logger, _MOVED):
        from homeassistant.components.logger import helpers

        if hasattr(helpers, _MOVED):
            setattr(logger, _MOVED, getattr(helpers, _MOVED))
