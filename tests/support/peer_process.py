"""The official Wyoming services, wyoming-faster-whisper and wyoming-piper, as subprocesses
on 127.0.0.1: from the venv scripts/setup makes (testbed/peers.py), offline, with the same
models as our engine (tiny.en int8 beam 1; en_US-joe-medium)."""

from __future__ import annotations

import re
from pathlib import Path

from testbed.engine_process import EngineProcess, free_port, start_service
from testbed.peers import WHISPER_AND_PIPER, piper_args, whisper_args

READY = re.compile(r"\bReady\b")  # both log it once they serve


def start_whisper(workdir: Path) -> EngineProcess:
    data = workdir / "whisper-data"  # stays empty: --local-files-only, the model is a path
    data.mkdir(parents=True, exist_ok=True)
    return _start(workdir, "wyoming-faster-whisper", whisper_args(data))


def start_piper(workdir: Path) -> EngineProcess:
    return _start(workdir, "wyoming-piper", piper_args())


def _start(workdir: Path, program: str, argv: list[str]) -> EngineProcess:
    executable = WHISPER_AND_PIPER.bin / program
    if not executable.is_file():
        raise RuntimeError(f"{executable} is missing: run scripts/setup")
    return start_service(workdir, program, (str(executable),), argv, port=free_port(), ready=READY)
