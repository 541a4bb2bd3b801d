"""The engine's command line: its arguments, and the settings they make."""

from __future__ import annotations

import argparse
import logging
import os
from pathlib import Path

from indoor_voice_models.catalog import ModelKind
from indoor_voice_models.wake_words import add_wake_arguments
from indoor_voice_net.addresses import parse_uri

from . import __version__
from .limits import Limits
from .settings import EngineSettings

# Third-party loggers that would print the text they work on at DEBUG level.
_QUIET_LOGGERS = ("piper", "faster_whisper", "huggingface_hub", "urllib3")


def parse_args(argv: list[str] | None = None) -> EngineSettings:
    parser = argparse.ArgumentParser(
        prog="indoor-voice-engine",
        description="Local wake word, speech-to-text and text-to-speech over Wyoming.",
    )
    parser.add_argument(
        "--uri", default="tcp://127.0.0.1:10400", help="where to listen (default: loopback)"
    )
    parser.add_argument(
        "--data-dir",
        action="append",
        default=[],
        type=Path,
        help="model folder (repeatable; the first receives downloads)",
    )
    parser.add_argument(
        "--offline", action="store_true", help="never use the network; only installed models"
    )
    parser.add_argument(
        "--stt-model",
        help="faster-whisper model name or folder (default: tiny.en when present, else base-int8)",
    )
    parser.add_argument(
        "--stt-multilingual-model",
        help="multilingual model for the languages the main one does not serve, loaded (or "
        "downloaded) when first asked for (default: base-int8, base or small, whichever is "
        "installed, else base-int8)",
    )
    parser.add_argument(
        "--voice",
        action="append",
        default=[],
        help="Piper voice name or .onnx path (repeatable; default en_US-joe-medium); another "
        "language's voice is loaded (or downloaded) when first asked for",
    )
    parser.add_argument(
        "--piper-voices",
        type=Path,
        help="list of Piper voices to download from, instead of the built-in one (a newer "
        "list made by scripts/piper-voices, or one naming a mirror in the house)",
    )
    parser.add_argument(
        "--wake-word",
        action="append",
        default=[],
        help="wake word name or .onnx path (repeatable; default: all installed)",
    )
    parser.add_argument(
        "--disable",
        action="append",
        default=[],
        choices=[k.value for k in ModelKind],
        help="do not load this service (repeatable)",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=min(4, os.cpu_count() or 1),
        help="CPU threads for speech models",
    )
    parser.add_argument(
        "--beam-size", type=int, default=1, help="default beam size for speech-to-text"
    )
    add_wake_arguments(parser)
    parser.add_argument(
        "--max-connections", type=int, default=Limits.max_connections, help="clients served at once"
    )
    parser.add_argument(
        "--zeroconf",
        action="store_true",
        help="advertise the engine as _wyoming._tcp on the local network",
    )
    parser.add_argument(
        "--zeroconf-name", help="name to advertise (default: indoor-voice-<hostname>)"
    )
    parser.add_argument(
        "--debug", action="store_true", help="log more (never transcripts or spoken text)"
    )
    parser.add_argument("--version", action="version", version=__version__)
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.debug else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    for name in _QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    parse_uri(args.uri)
    if args.threads < 1 or not 1 <= args.beam_size <= 10:
        parser.error("--threads must be at least 1 and --beam-size between 1 and 10")
    return EngineSettings(
        uri=args.uri,
        data_dirs=[d.expanduser() for d in args.data_dir],
        offline=args.offline,
        stt_model=args.stt_model,
        stt_multilingual_model=args.stt_multilingual_model,
        voices=args.voice,
        piper_voices=args.piper_voices,
        wake_words=args.wake_word,
        disabled={ModelKind(d) for d in args.disable},
        threads=args.threads,
        beam_size=args.beam_size,
        wake_threshold=args.wake_threshold,
        wake_refractory=args.wake_refractory,
        zeroconf=args.zeroconf,
        zeroconf_name=args.zeroconf_name,
        limits=Limits(max_connections=args.max_connections),
    )
