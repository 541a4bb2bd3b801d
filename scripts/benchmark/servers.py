"""Command lines of our engine and of each peer, all on 127.0.0.1, offline, same models.

Defaults read in the peers' sources and overridden on purpose (see also testbed/peers.py):
- wyoming-faster-whisper: --language auto (the client asks for "en"); zeroconf and the
  Home Assistant name fetch stay off (no --zeroconf, no --hass-token); it writes each
  utterance to a WAV under $TMPDIR, which we point into .bench/.
- wyoming-piper: its --uri default is stdio, its web UI and zeroconf are off unless asked,
  and it downloads a voice only when the files are missing from --data-dir (they are not).
- wyoming-openwakeword 1.x: --uri default is stdio; only preloaded models run; no --output-dir
  (which would save audio).
"""

from __future__ import annotations

from dataclasses import dataclass

from testbed.engine_process import free_port
from testbed.peers import THREADS, WHISPER_AND_PIPER, piper_args, whisper_args

from .paths import BENCH, MODELS, OUR_ENGINE, OUR_PYTHON, REPO, WAKE_WORD
from .processes import HOST, Service, clean_env
from .venvs import PYOPEN_WAKEWORD, WYOMING_OPENWAKEWORD, package_version


@dataclass(frozen=True)
class Peers:
    """The services standing in for our engine, one per capability."""

    stt: Service
    tts: Service
    wake: Service

    def all(self) -> list[Service]:
        return [self.stt, self.tts, self.wake]


ONE_CORE = ("taskset", "-c", "0")  # a smaller machine: one core, one thread each


def ours(*, one_core: bool = False) -> Service:
    port = free_port()
    return _pinned(
        one_core,
        name="ours",
        argv=[
            OUR_ENGINE,
            "--uri",
            f"tcp://{HOST}:{port}",
            "--data-dir",
            str(MODELS),
            "--offline",
            "--threads",
            str(1 if one_core else THREADS),
        ],
        env=clean_env("ours"),
        cwd=REPO,
        port=port,
    )


def faster_whisper(*, one_core: bool = False) -> Service:
    port = free_port()
    data = BENCH / "run" / "faster-whisper" / "data"  # empty: nothing is downloaded
    data.mkdir(parents=True, exist_ok=True)
    options = whisper_args(data)
    if one_core:
        options[options.index("--cpu-threads") + 1] = "1"
    return _pinned(
        one_core,
        name="wyoming-faster-whisper",
        argv=[
            str(WHISPER_AND_PIPER.bin / "wyoming-faster-whisper"),
            "--uri",
            f"tcp://{HOST}:{port}",
            *options,
        ],
        env=clean_env("faster-whisper"),
        cwd=BENCH,
        port=port,
    )


def piper(*, one_core: bool = False) -> Service:
    port = free_port()
    return _pinned(
        one_core,
        name="wyoming-piper",
        argv=[
            str(WHISPER_AND_PIPER.bin / "wyoming-piper"),
            "--uri",
            f"tcp://{HOST}:{port}",
            *piper_args(),
        ],
        env=clean_env("piper"),
        cwd=BENCH,
        port=port,
    )


def _pinned(one_core: bool, **service: object) -> Service:
    """The service as given, or pinned to one core with one thread (onnxruntime, OpenMP and
    CTranslate2 all read OMP_NUM_THREADS) under its own name."""
    made = Service(**service)  # type: ignore[arg-type]
    if one_core:
        made.name += "-one-core"
        made.argv = [*ONE_CORE, *made.argv]
        made.env = {**made.env, "OMP_NUM_THREADS": "1"}
    return made


def wyoming_openwakeword() -> Service:
    port = free_port()
    return Service(
        name="wyoming-openwakeword",
        argv=[
            str(WYOMING_OPENWAKEWORD.bin / "wyoming-openwakeword"),
            "--uri",
            f"tcp://{HOST}:{port}",
            "--preload-model",
            WAKE_WORD,
        ],
        env=clean_env("openwakeword"),
        cwd=BENCH,
        port=port,
    )


def pyopen_wakeword() -> Service:
    """openWakeWord's runtime without a server: PCM on stdin, detections on stdout."""
    return Service(
        name="pyopen-wakeword",
        argv=[str(PYOPEN_WAKEWORD.bin / "python"), "-m", "pyopen_wakeword", "--model", WAKE_WORD],
        env=clean_env("pyopen-wakeword"),
        cwd=BENCH,
        wyoming=False,
    )


def versions(wake: Service) -> dict[str, str]:
    """Versions of what runs on each side."""
    found = {
        "indoor-voice (ours)": package_version(OUR_PYTHON, "indoor-voice"),
        "faster-whisper (ours)": package_version(OUR_PYTHON, "faster-whisper"),
        "piper-tts (ours)": package_version(OUR_PYTHON, "piper-tts"),
        "onnxruntime (ours)": package_version(OUR_PYTHON, "onnxruntime"),
    }
    peer_python = WHISPER_AND_PIPER.bin / "python"
    for package in (
        "wyoming-faster-whisper",
        "faster-whisper",
        "ctranslate2",
        "wyoming-piper",
        "piper-tts",
    ):
        found[package] = package_version(peer_python, package)
    if wake.name == "wyoming-openwakeword":
        wake_python = WYOMING_OPENWAKEWORD.bin / "python"
        for package in ("wyoming-openwakeword", "tflite-runtime-nightly"):
            found[package] = package_version(wake_python, package)
    else:
        found["pyopen-wakeword"] = package_version(
            PYOPEN_WAKEWORD.bin / "python", "pyopen-wakeword"
        )
    return found
