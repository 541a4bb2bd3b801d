"""Command line: parse arguments, wire the microphone, wake word, speaker and link, serve."""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import logging
import signal
import socket
import sys
from pathlib import Path
from urllib.parse import urlparse

from indoor_voice_engine.catalog import WAKE_FEATURES, Kind, find_spec, wake_specs
from indoor_voice_engine.models import ModelError, ensure
from indoor_voice_link import LinkServer
from indoor_voice_link.local_network import is_local_address

from . import __version__
from .advertise import advertise
from .leds import Look
from .satellite import Satellite
from .settings import DEFAULT_MIC_COMMAND, DEFAULT_SND_COMMAND, DEFAULT_URI, Settings
from .store import DataDir
from .wake import WakeModelsMissing, load_wake_words, wake_word_name

_LOGGER = logging.getLogger("indoor_voice_satellite")


class UsageError(Exception):
    """The command line asks for something this satellite does not have."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="indoor-voice-satellite",
        description="Microphone, wake word and speaker for Home Assistant, over a paired, "
        "encrypted link. No audio leaves the device before the wake word.",
    )
    parser.add_argument(
        "--uri", default=DEFAULT_URI, help=f"where to listen (default {DEFAULT_URI})"
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=Path.home() / ".local/share/indoor-voice-satellite",
        help="key, certificate, pairing, mute state (and wake models unless --wake-model-dir)",
    )
    parser.add_argument("--name", default=socket.gethostname(), help="name shown in Home Assistant")
    parser.add_argument("--area", help="area of the house, e.g. 'Kitchen'")
    parser.add_argument(
        "--mic-command",
        default=DEFAULT_MIC_COMMAND,
        help="prints raw 16 kHz mono 16-bit audio on stdout (run without a shell: use "
        "sh -c '...' for a pipeline)",
    )
    parser.add_argument(
        "--snd-command",
        default=DEFAULT_SND_COMMAND,
        help="plays raw 16-bit audio from stdin; {rate} and {channels} are filled in",
    )
    parser.add_argument("--snd-rate", type=int, default=22_050, help="speaker sample rate")
    parser.add_argument("--snd-channels", type=int, default=1, choices=(1, 2))
    parser.add_argument(
        "--wake-word",
        action="append",
        default=[],
        help="wake word name or .onnx path to listen for (repeatable; default hey_jarvis); "
        "Home Assistant may choose others among the installed ones",
    )
    parser.add_argument(
        "--wake-model-dir", type=Path, help="openWakeWord .onnx files (default DATA_DIR/wake)"
    )
    parser.add_argument("--wake-threshold", type=float, default=0.5)
    parser.add_argument(
        "--wake-refractory", type=float, default=2.0, help="seconds before a wake word fires again"
    )
    parser.add_argument(
        "--max-command-seconds",
        type=float,
        default=15.0,
        help="stop streaming a command after this long, even without an end of speech",
    )
    parser.add_argument("--awake-sound", type=Path, help="WAV played when the wake word is heard")
    parser.add_argument("--done-sound", type=Path, help="WAV played at the end of the command")
    for look in Look:
        parser.add_argument(
            f"--led-command-{look.value}", metavar="COMMAND", help=f"run when {look.value}"
        )
    parser.add_argument(
        "--zeroconf", action="store_true", help="advertise _indoor-voice._tcp on the network"
    )
    once = parser.add_mutually_exclusive_group()
    once.add_argument(
        "--print-pairing-code", action="store_true", help="print the pairing code and exit"
    )
    once.add_argument(
        "--pair",
        action="store_true",
        help="make a new pairing code, unpair the current Home Assistant, print it and exit",
    )
    once.add_argument(
        "--download-models",
        action="store_true",
        help="download the wake word models into DATA_DIR/wake and exit",
    )
    parser.add_argument("--debug", action="store_true", help="log more (never audio or text)")
    parser.add_argument("--version", action="version", version=__version__)
    return parser


def _wake_word_names(args: argparse.Namespace) -> list[str]:
    return [w for w in args.wake_word if not w.endswith(".onnx")]


def _settings(args: argparse.Namespace) -> Settings:
    names = _wake_word_names(args)
    paths = [Path(w).expanduser() for w in args.wake_word if w.endswith(".onnx")]
    return Settings(
        data_dir=args.data_dir,
        name=args.name,
        area=args.area,
        uri=args.uri,
        mic_command=args.mic_command,
        snd_command=args.snd_command,
        snd_rate=args.snd_rate,
        snd_channels=args.snd_channels,
        wake_words=names + [wake_word_name(path) for path in paths] or ["hey_jarvis"],
        wake_model_dir=args.wake_model_dir,
        extra_wake_models=paths,
        wake_threshold=args.wake_threshold,
        wake_refractory=args.wake_refractory,
        max_command_seconds=args.max_command_seconds,
        awake_sound=args.awake_sound,
        done_sound=args.done_sound,
        led_commands={
            look: command
            for look in Look
            if (command := getattr(args, f"led_command_{look.value}")) is not None
        },
        zeroconf=args.zeroconf,
    )


def parse_uri(uri: str) -> tuple[str, int]:
    parsed = urlparse(uri)
    if parsed.scheme != "tcp" or not parsed.hostname or parsed.port is None:
        raise UsageError(f"--uri must look like tcp://HOST:PORT, not {uri!r}")
    return parsed.hostname, parsed.port


async def serve(settings: Settings, data: DataDir) -> None:
    host, port = parse_uri(settings.uri)
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
        load_wake_words, settings.wake_model_dir or data.wake_models, settings.extra_wake_models
    )
    if unknown := sorted(set(settings.wake_words) - set(wake_words.phrases)):
        raise UsageError(
            f"wake word {', '.join(unknown)} is not installed; installed: "
            f"{', '.join(wake_words.phrases)}"
        )
    satellite = Satellite(settings, wake_words, data)
    server = LinkServer(identity, data, satellite.serve, allow_peer=is_local_address)
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
        advertiser = await advertise(
            settings.name, settings.area, host, server.port, identity.fingerprint
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


def _download_models(data: DataDir, names: list[str]) -> None:
    specs = [WAKE_FEATURES]
    for name in names:
        spec = find_spec(Kind.WAKE, name)
        if spec is None:
            known = ", ".join(s.name for s in wake_specs())
            raise UsageError(f"unknown wake word {name!r}; known: {known}")
        specs.append(spec)
    for spec in specs:
        ensure(spec, [data.path], offline=False)


def main(argv: list[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.debug else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    settings = _settings(args)
    try:
        data = DataDir(settings.data_dir.expanduser())
        if args.print_pairing_code or args.pair:
            _print_pairing_code(data, new=args.pair)
        elif args.download_models:
            _download_models(data, _wake_word_names(args) or ["hey_jarvis"])
        else:
            asyncio.run(serve(settings, data))
    except (UsageError, WakeModelsMissing, ModelError) as err:
        _LOGGER.error("%s", err)
        sys.exit(2)
    except OSError as err:
        _LOGGER.error("%s", err)
        sys.exit(3)


if __name__ == "__main__":
    main()
