"""Command line: parse arguments, load the engines, serve until stopped."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys
from collections.abc import Callable

from indoor_voice_models.download import ModelError
from indoor_voice_net.addresses import parse_uri

from .advertise import advertise
from .cli import parse_args
from .loading import load
from .memory import use_one_arena
from .server import EngineServer
from .settings import EngineSettings

_LOGGER = logging.getLogger("indoor_voice_engine")


async def serve(settings: EngineSettings, on_ready: Callable[[int], None] | None = None) -> None:
    """Serve until SIGINT/SIGTERM; `on_ready(port)` runs in a thread once clients are served."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):  # before anything: a stop is never lost
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    engine = await asyncio.to_thread(load, settings)
    server = EngineServer(engine)
    host, port = parse_uri(settings.uri)
    await server.start(host, port)
    if on_ready is not None:
        await asyncio.to_thread(on_ready, server.port)
    advertiser = None
    if settings.zeroconf:
        advertiser = await advertise(settings, host, server.port)
    serving = asyncio.create_task(server.serve_forever())
    await stop.wait()
    _LOGGER.info("Stopping")
    await server.stop()
    serving.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await serving
    if advertiser is not None:
        await advertiser.async_close()
    await asyncio.to_thread(engine.close)


def main(argv: list[str] | None = None, on_ready: Callable[[int], None] | None = None) -> None:
    settings = parse_args(argv)
    use_one_arena()  # before the models load and the worker threads start
    if settings.offline:
        # Belt and braces: the libraries below must not reach for a model hub either.
        os.environ["HF_HUB_OFFLINE"] = "1"
    try:
        asyncio.run(serve(settings, on_ready))
    except ModelError as err:
        _LOGGER.error("%s", err)
        sys.exit(2)
    except OSError as err:
        _LOGGER.error("Cannot serve on %s: %s", settings.uri, err)
        sys.exit(3)


if __name__ == "__main__":
    main()
