"""Taps on the satellite's microphone and speaker, for scripts/bench's satellite figures.

Each notes in LOG, one line per piece of audio, the CLOCK_MONOTONIC time (the same clock as
`time.monotonic()` in every process of this machine) at which the piece changed hands:

  mic LOG COMMAND...   runs COMMAND (the testbed's file microphone) and passes its output on
                       to its own stdout, which the satellite reads; after each piece is
                       written there: "TIME BYTES" for pieces holding any sound (a sample
                       that is not zero).
  speaker LOG FIFO OUT reads FIFO for as long as it runs (the satellite's --snd-command is
                       `tee FIFO`, a new one for each sound); as each piece arrives: "TIME
                       BYTES", and the audio is appended to OUT.

The speaker side is a long-lived reader behind a FIFO rather than a program the satellite
starts for each sound: a Python program would still be starting up while the first reply
audio waited in its pipe, and that wait would count as ours. `tee` starts in a millisecond.

Standard library only: it runs as its own process.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

PIECE = 64 * 1024


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def mic(log: Path, command: list[str]) -> None:
    child = subprocess.Popen(command, stdout=subprocess.PIPE)
    assert child.stdout is not None
    source = child.stdout.fileno()
    with log.open("a", buffering=1) as notes:
        try:
            while data := os.read(source, PIECE):
                _write_all(1, data)
                written = time.monotonic()
                if data.count(0) != len(data):
                    notes.write(f"{written:.6f} {len(data)}\n")
        except BrokenPipeError:
            pass
        finally:
            child.terminate()
            child.wait(5)


def speaker(log: Path, fifo: Path, out: Path) -> None:
    # Read and write: never at an end of file between two sounds, whoever writes next.
    source = os.open(fifo, os.O_RDWR)
    with log.open("a", buffering=1) as notes, out.open("ab", buffering=0) as audio:
        while data := os.read(source, PIECE):
            arrived = time.monotonic()
            notes.write(f"{arrived:.6f} {len(data)}\n")
            audio.write(data)


def main() -> None:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    mode, log = sys.argv[1], Path(sys.argv[2])
    if mode == "mic":
        mic(log, sys.argv[3:])
    elif mode == "speaker":
        speaker(log, Path(sys.argv[3]), Path(sys.argv[4]))
    else:
        raise SystemExit(f"unknown mode {mode!r}")


if __name__ == "__main__":
    main()
