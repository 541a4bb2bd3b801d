"""A speaker made of a file, for `--snd-command`: appends stdin to OUT.

While it plays, PLAYING exists; with HOLD it keeps playing after its input ends until HOLD
exists (a long reply, ended by the test).
Usage: python file_speaker.py OUT PLAYING [HOLD]
"""

import signal
import sys
import time
from pathlib import Path


def main() -> None:
    out, playing = Path(sys.argv[1]), Path(sys.argv[2])
    hold = Path(sys.argv[3]) if len(sys.argv) > 3 else None
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # stopped: `playing` goes away
    playing.touch()
    try:
        with out.open("ab") as file:
            while chunk := sys.stdin.buffer.read(4096):
                file.write(chunk)
        while hold is not None and not hold.exists():
            time.sleep(0.05)
    finally:
        playing.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
