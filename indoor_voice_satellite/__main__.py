"""Command line: parse arguments, wire the microphone, wake word, speaker and link, serve."""

from __future__ import annotations

import asyncio
import importlib.util
import logging
import signal
import sys

from indoor_voice_link.protocol import DEFAULT_WAKE_WORD
from indoor_voice_models.download import ModelError

from .advertise import advertise
from .cli import UsageError, host_and_port, parser, settings_from, wake_word_names
from .link_server import LinkServer
from .satellite import Satellite
from .settings import SatelliteSettings
from .store import DataDir
from .wake import download_wake_models, load_wake_words_from

_LOGGER = logging.getLogger("indoor_voice_satellite")


async def serve(settings: SatelliteSettings, data: DataDir) -> None:
    host, port = host_and_port(settings.uri)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):  # before anything: a stop is never lost
        loop.add_signal_handler(sig, stop.set)
    if settings.zeroconf and importlib.util.find_spec("zeroconf") is None:
        raise UsageError(
            "--zeroconf needs the zeroconf package: pip install 'indoor-voice[satellite]'"
        )
    identity = data.identity()
    wake_words = await asyncio.to_thread(
        load_wake_words_from,
        settings.wake_model_dir or data.wake_models,
        settings.extra_wake_models,
    )
    if unknown := sorted(set(settings.wake_words) - set(wake_words.phrases)):
        raise UsageError(
            f"wake word {', '.join(unknown)} is not installed; installed: "
            f"{', '.join(wake_words.phrases)}"
        )
    satellite = Satellite(settings, wake_words, data)
    server = LinkServer(identity, data, satellite.serve)
    await server.start(host, port)
    satellite.start()
    _LOGGER.info(
        "Serving the Indoor Voice link on tcp://%s:%d (certificate %s)",
        host,
        server.port,
        identity.fingerprint,
    )
    if data.load().home_assistant_certificate is None:
        _LOGGER.info(
            "Not paired yet: show the pairing code with "
            "`indoor-voice-satellite --data-dir %s --print-pairing-code`",
            data.path,
        )
    advertiser = None
    if settings.zeroconf:
        try:
            advertiser = await advertise(
                settings.name, settings.area, host, server.port, identity.fingerprint
            )
        except OSError as err:  # no multicast here: the satellite serves all the same
            _LOGGER.warning(
                "Not announced on the network (%s): add the satellite in Home Assistant by "
                "its address and port %d",
                err,
                server.port,
            )

    await stop.wait()
    _LOGGER.info("Stopping")
    if advertiser is not None:
        await advertiser.async_close()
    await server.close()
    await satellite.close()


def _print_pairing_code(data: DataDir, *, new: bool) -> None:
    pairing = data.new_pairing() if new else data.load()
    print(pairing.code)  # for the person at the terminal, never a log
    if new:
        print("Any Home Assistant paired before can no longer connect.", file=sys.stderr)
    elif pairing.home_assistant_certificate is not None:
        print(
            "Already paired: this code pairs only that Home Assistant again. To pair another, "
            "run with --pair (it unpairs the current one).",
            file=sys.stderr,
        )


def main(argv: list[str] | None = None) -> None:
    args = parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.debug else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    settings = settings_from(args)
    try:
        data = DataDir(settings.data_dir.expanduser())
        if args.print_pairing_code or args.pair:
            _print_pairing_code(data, new=args.pair)
        elif args.download_models:
            download_wake_models(data.path, wake_word_names(args) or [DEFAULT_WAKE_WORD])
        else:
            asyncio.run(serve(settings, data))
    except (UsageError, ModelError) as err:
        _LOGGER.error("%s", err)
        sys.exit(2)
    except OSError as err:
        _LOGGER.error("%s", err)
        sys.exit(3)


if __name__ == "__main__":
    main()
