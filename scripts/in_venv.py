"""Run a script under the project's .venv (after scripts/setup), as the bench, fuzz and soak
scripts do: `reexec_in_venv(__file__)` first thing in `__main__`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
VENV_PYTHON = REPO / ".venv" / "bin" / "python"


def reexec_in_venv(script: str, *, programs: bool = False) -> None:
    """Set up and re-run `script` under .venv/bin/python unless already there.

    `programs`: import the `wyoming` the engine and satellite run with (the venv's
    `programs` folder), instead of the one Home Assistant pins.
    """
    if Path(sys.prefix).resolve() != (REPO / ".venv").resolve():
        subprocess.run([str(REPO / "scripts" / "setup"), "--ha", "oldest"], check=True)
        if programs:
            os.environ["PYTHONPATH"] = str(REPO / ".venv" / "programs")
        os.execv(str(VENV_PYTHON), [str(VENV_PYTHON), script, *sys.argv[1:]])  # noqa: S606
    sys.path[:0] = [str(REPO / "scripts"), str(REPO)]
