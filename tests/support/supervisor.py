"""Running an engine image as Home Assistant's Supervisor runs the add-on: its options in
/data/options.json, a token, the Supervisor's API (tests/support/fake_supervisor.py, a
stand-in that records what it is told) and the models already in the /data volume."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from testbed.engine_process import MODELS
from testbed.processes import REPO
from tests.support.container import EngineContainer, free_port, podman, start_container

ADDON_HOST = "indoor-voice-engine"  # the add-on's host name on the Supervisor's network
TOKEN = "f3a6c0e1d2b4"  # noqa: S105 - a made-up Supervisor token
OPTIONS = {
    "voice": "en_US-joe-medium",
    "wake_words": ["hey_jarvis"],
    "threads": 2,
    "beam_size": 1,
    "offline": True,
}


@dataclass
class FakeSupervisor:
    port: int
    process: subprocess.Popen[str]
    out: Path

    def requests(self, at_least: int = 1, timeout: float = 10) -> list[dict[str, object]]:
        deadline = time.monotonic() + timeout
        while True:
            lines = self.out.read_text().splitlines()[1:]
            if len(lines) >= at_least or time.monotonic() > deadline:
                return [json.loads(line) for line in lines]
            time.sleep(0.05)


@contextmanager
def fake_supervisor(workdir: Path) -> Iterator[FakeSupervisor]:
    out = workdir / "requests"
    with out.open("w") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.support.fake_supervisor"],
            cwd=REPO,
            stdout=sink,
            text=True,
        )
    while not out.read_text().strip():
        assert process.poll() is None, "the fake Supervisor did not start"
        time.sleep(0.05)
    try:
        yield FakeSupervisor(int(out.read_text().split()[0]), process, out)
    finally:
        process.terminate()
        process.wait(timeout=10)


def start_as_addon(
    image: str,
    name: str,
    supervisor: FakeSupervisor,
    workdir: Path,
    options: Mapping[str, Any] = OPTIONS,
) -> EngineContainer:
    """The image started as the Supervisor starts the add-on, with the models already in
    /data (read-only) and the add-on's network being this machine's (127.0.0.1)."""
    data = workdir / "data"
    data.mkdir()
    (data / "options.json").write_text(json.dumps(options))
    return start_container(
        image,
        f"{name}-{os.getpid()}",
        free_port(),
        workdir,
        podman_args=(
            *("--hostname", ADDON_HOST),
            *("-e", f"SUPERVISOR_TOKEN={TOKEN}"),
            *("-e", f"SUPERVISOR_API=http://127.0.0.1:{supervisor.port}"),
            *("-v", f"{data}:/data"),
            *("-v", f"{MODELS.resolve()}:/data/models:ro"),
        ),
    )


@contextmanager
def running_addon(
    image: str, name: str, supervisor: FakeSupervisor, workdir: Path
) -> Iterator[EngineContainer]:
    """`start_as_addon`, stopped and removed afterwards."""
    container = start_as_addon(image, name, supervisor, workdir)
    try:
        yield container
    finally:
        container.stop()
        podman("rm", container.name)
