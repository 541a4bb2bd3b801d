"""Running as a Home Assistant add-on: the household's options, and Supervisor discovery.

The Supervisor writes the options set in the add-on's Configuration tab to
/data/options.json and gives the add-on a token. Once the engine serves, it tells the
Supervisor where it listens (`POST /discovery`, as the official Wyoming add-ons do); Home
Assistant then offers the integration's `hassio` flow, and the household adds the engine with
one click. The message carries only a host and a port.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from typing import Any

_LOGGER = logging.getLogger(__name__)

OPTIONS = Path("/data/options.json")
# The integration's domain: Home Assistant starts the config flow of the integration the
# discovery's service names.
DISCOVERY_SERVICE = "indoor_voice"


def supervisor_token() -> str | None:
    """The token the Supervisor gives its add-ons (None when not run by a Supervisor)."""
    return os.environ.get("SUPERVISOR_TOKEN") or None


def read_options(path: Path = OPTIONS) -> dict[str, Any]:
    options = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(options, dict):
        raise TypeError(f"{path} holds no options")
    return options


def engine_args(options: Mapping[str, Any]) -> list[str]:
    """The engine's command line for the add-on's options (config.yaml's schema)."""
    args: list[str] = []
    if options.get("stt_model"):
        args += ["--stt-model", str(options["stt_model"])]
    if options.get("voice"):
        args += ["--voice", str(options["voice"])]
    for wake_word in options.get("wake_words") or ():
        args += ["--wake-word", str(wake_word)]
    for key, flag in (("threads", "--threads"), ("beam_size", "--beam-size")):
        if options.get(key) is not None:
            args += [flag, str(int(options[key]))]
    if options.get("offline"):
        args.append("--offline")
    if options.get("debug"):
        args.append("--debug")
    return args


def announce(token: str, port: int) -> None:
    """Tell the Supervisor where the engine listens: Home Assistant reaches add-ons by their
    hostname on its internal network. Failure is logged: the engine can still be added by hand.
    """
    api = os.environ.get("SUPERVISOR_API", "http://supervisor")  # the variable bashio reads
    uri = f"tcp://{socket.gethostname()}:{port}"
    body = {"service": DISCOVERY_SERVICE, "config": {"uri": uri}}
    request = urllib.request.Request(  # noqa: S310 - the Supervisor's fixed http address
        f"{api}/discovery",
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never via a proxy
    try:
        with direct.open(request, timeout=10) as response:
            response.read()
    except OSError as err:
        _LOGGER.warning("Home Assistant was not told about the engine (%s): add it by hand", err)
        return
    _LOGGER.info("Announced to Home Assistant as %s", uri)
