"""Run a script under the project's .venv (after scripts/setup), as the bench, fuzz and soak
scripts do: `reexec_in_venv(__file__)` first thing in `__main__`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
VENV = REPO / ".venv"


def reexec_in_venv(script: str, *, programs: bool = False) -> None:
    """Set up and re-run `script` under .venv/bin/python unless already there.

    `programs`: under the interpreter the engine and the satellite run with (the one the dev
    venv's `indoor-voice-engine` starts), with their own `wyoming` instead of the one Home
    Assistant pins.
    """
    if not Path(sys.executable).is_relative_to(VENV):
        subprocess.run([str(REPO / "scripts" / "setup"), "--ha", "oldest"], check=True)
        python = VENV / "bin" / "python"
        if programs:
            python = (VENV / "bin" / "indoor-voice-engine").resolve().with_name("python")
        os.execv(str(python), [str(python), script, *sys.argv[1:]])  # noqa: S606
    sys.path[:0] = [str(REPO / "scripts"), str(REPO)]
