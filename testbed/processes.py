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

REPO = Path(__file__).resolve().parents[1]


def command(name: str) -> str:
    """This project's command `name` (indoor-voice-engine, indoor-voice-satellite) beside the
    interpreter running now. The engine and the satellite are programs of their own, with
    their own `wyoming`: in a lane's venv (Home Assistant's) the commands start them in the
    programs' venv (scripts/setup links them there), which has them too."""
    return str(Path(sys.executable).with_name(name))


def programs_python() -> str:
    """The interpreter the engine and the satellite run with: their commands' own."""
    return str(Path(command("indoor-voice-engine")).resolve().with_name("python"))


def sandbox_env(sandbox: Path) -> dict[str, str]:
    """HOME, TMPDIR (and the working dir, by the caller) in folders a test can inspect."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(sandbox / "home"),
        "TMPDIR": str(sandbox / "tmp"),
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
