"""A microphone made of files, for `--mic-command`: raw 16 kHz mono s16le on stdout, paced.

It plays every *.raw file dropped in QUEUE (in name order, deleting each once written), and
silence in between, like a room. While it runs, MARKER exists.
Usage: python file_mic.py QUEUE MARKER [SPEED]
"""

import os
import signal
import sys
import time
from pathlib import Path

RATE = 16_000
CHUNK = 1280  # samples


def main() -> None:
    queue, marker = Path(sys.argv[1]), Path(sys.argv[2])
    speed = float(sys.argv[3]) if len(sys.argv) > 3 else 1.0
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    marker.write_text(str(os.getpid()))
    out = sys.stdout.buffer
    started, sent = time.monotonic(), 0

    def write(pcm: bytes) -> None:
        nonlocal sent
        out.write(pcm)
        out.flush()
        sent += len(pcm) // 2
        time.sleep(max(0.0, started + sent / RATE / speed - time.monotonic()))

    try:
        while True:
            files = sorted(queue.glob("*.raw"))
            if not files:
                write(bytes(CHUNK * 2))
                continue
            pcm = files[0].read_bytes()
            for start in range(0, len(pcm), CHUNK * 2):
                write(pcm[start : start + CHUNK * 2])
            files[0].unlink()
    except BrokenPipeError:
        pass
    finally:
        marker.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
