"""The satellite's command line: its arguments, and the settings they make."""

from __future__ import annotations

import argparse
import socket
from pathlib import Path

from indoor_voice_link.protocol import DEFAULT_WAKE_WORD
from indoor_voice_models.wake_words import add_wake_arguments, wake_word_name
from indoor_voice_net.addresses import parse_uri

from . import __version__
from .leds import Look
from .settings import DEFAULT_MIC_COMMAND, DEFAULT_SND_COMMAND, DEFAULT_URI, SatelliteSettings


class UsageError(Exception):
    """The command line asks for something this satellite does not have."""


def parser() -> argparse.ArgumentParser:
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
        help="wake word name or .onnx path to listen for (repeatable; default "
        f"{DEFAULT_WAKE_WORD}); "
        "Home Assistant may choose others among the installed ones",
    )
    parser.add_argument(
        "--wake-model-dir", type=Path, help="openWakeWord .onnx files (default DATA_DIR/wake)"
    )
    add_wake_arguments(parser)
    parser.add_argument(
        "--max-command-seconds",
        type=float,
        default=15.0,
        help="stop streaming a command after this long, even without an end of speech",
    )
    parser.add_argument("--awake-sound", type=Path, help="WAV played when the wake word is heard")
    parser.add_argument("--done-sound", type=Path, help="WAV played at the end of the command")
    parser.add_argument(
        "--ring-seconds",
        type=float,
        default=300.0,
        help="a finished timer rings until 'stop', or at most this long",
    )
    parser.add_argument(
        "--no-stop-word",
        dest="stop_word",
        action="store_false",
        help="do not listen for 'stop' while a timer rings or a reply plays",
    )
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


def wake_word_names(args: argparse.Namespace) -> list[str]:
    return [w for w in args.wake_word if not w.endswith(".onnx")]


def settings_from(args: argparse.Namespace) -> SatelliteSettings:
    names = wake_word_names(args)
    paths = [Path(w).expanduser() for w in args.wake_word if w.endswith(".onnx")]
    return SatelliteSettings(
        data_dir=args.data_dir,
        name=args.name,
        area=args.area,
        uri=args.uri,
        mic_command=args.mic_command,
        snd_command=args.snd_command,
        snd_rate=args.snd_rate,
        snd_channels=args.snd_channels,
        wake_words=names + [wake_word_name(path) for path in paths] or [DEFAULT_WAKE_WORD],
        wake_model_dir=args.wake_model_dir,
        extra_wake_models=paths,
        wake_threshold=args.wake_threshold,
        wake_refractory=args.wake_refractory,
        max_command_seconds=args.max_command_seconds,
        awake_sound=args.awake_sound,
        done_sound=args.done_sound,
        ring_seconds=args.ring_seconds,
        stop_word=args.stop_word,
        led_commands={
            look: command
            for look in Look
            if (command := getattr(args, f"led_command_{look.value}")) is not None
        },
        zeroconf=args.zeroconf,
    )


def host_and_port(uri: str) -> tuple[str, int]:
    try:
        return parse_uri(uri)
    except ValueError as err:
        raise UsageError(str(err)) from err
