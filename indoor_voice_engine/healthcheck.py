"""The container's health check: does the engine answer a Wyoming `describe`?

Standard library only, so the check costs a few milliseconds, not the engine's imports.
Exit status 0 when the engine describes itself, 1 otherwise.
"""

from __future__ import annotations

import json
import os
import socket
import sys
from urllib.parse import urlparse

DEFAULT_URI = "tcp://0.0.0.0:10400"
_ANY = ("0.0.0.0", "::", "")  # noqa: S104 - a listen address, never dialled


def listen_uri() -> str:
    """Where the engine in the container listens (INDOOR_VOICE_URI, else all interfaces)."""
    return os.environ.get("INDOOR_VOICE_URI", DEFAULT_URI)


def answers_describe(uri: str, timeout: float = 5.0) -> bool:
    """True if the Wyoming service at `uri` answers `describe` with `info`."""
    parsed = urlparse(uri)
    if parsed.port is None:
        return False
    host = parsed.hostname or ""
    if host in _ANY:
        host = "::1" if ":" in host else "127.0.0.1"
    try:
        with socket.create_connection((host, parsed.port), timeout=timeout) as connection:
            connection.sendall(b'{"type": "describe"}\n')
            header = connection.makefile("rb").readline(1 << 16)
    except OSError:
        return False
    try:
        event = json.loads(header)
    except ValueError:
        return False
    return isinstance(event, dict) and event.get("type") == "info"


def main() -> None:
    sys.exit(0 if answers_describe(listen_uri()) else 1)


if __name__ == "__main__":
    main()
