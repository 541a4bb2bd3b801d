"""What every program the tests start as a subprocess shares: a sandboxed environment, and
waiting for the log line that says it serves."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
# The engine and the satellite are programs of their own: they run with their own `wyoming`
# (requirements/programs.txt, installed by scripts/setup into <venv>/programs), while the tests
# and Home Assistant use the one the lane's Home Assistant pins.
PROGRAMS = Path(sys.prefix) / "programs"


def program_pythonpath() -> str:
    """PYTHONPATH for a subprocess running the engine or the satellite from this checkout."""
    return os.pathsep.join(str(p) for p in (PROGRAMS, REPO) if p.is_dir())


def sandbox_env(sandbox: Path) -> dict[str, str]:
    """HOME, TMPDIR (and the working dir, by the caller) in folders a test can inspect."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(sandbox / "home"),
        "TMPDIR": str(sandbox / "tmp"),
        "PYTHONPATH": program_pythonpath(),
        "PYTHONDONTWRITEBYTECODE": "1",
        "LANG": "C.UTF-8",
    }


def wait_until_ready(
    process: subprocess.Popen[bytes],
    log: Path,
    ready: re.Pattern[str],
    name: str,
    timeout: float,
    *,
    everything_logged: Callable[[], str],
    give_up: Callable[[], None],
) -> re.Match[str]:
    """Poll the log for `ready` (a guard against hanging, not a measurement)."""
    deadline = time.monotonic() + timeout
    while not (match := ready.search(log.read_text(errors="replace"))):
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with {process.returncode}:\n{everything_logged()}")
        if time.monotonic() > deadline:
            give_up()
            raise TimeoutError(f"{name} did not start in {timeout} s:\n{everything_logged()}")
        time.sleep(0.05)
    return match


def stop_group(process: subprocess.Popen[bytes] | None, grace: float) -> None:
    """SIGTERM to a process's group (it was started with start_new_session); SIGKILL if it
    is still there after `grace` seconds."""
    if process is None or process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(5)
