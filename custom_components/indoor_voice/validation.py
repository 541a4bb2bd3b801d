"""The schema library Home Assistant validates forms and commands with.

Home Assistant moved from voluptuous to probatio (a drop-in with the same API) in 2026;
flows and websocket commands are typed against it there. Older releases have voluptuous only.
"""

from __future__ import annotations

try:
    import probatio as vol
except ImportError:  # Home Assistant before probatio
    import voluptuous as vol  # type: ignore[no-redef,unused-ignore]

__all__ = ["vol"]
