"""The engine's container image, built from this checkout and run with podman
(scripts/container), listening on 127.0.0.1 of this machine (host network)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from testbed.engine_process import READY
from testbed.processes import REPO, programs_python, wait_until_ready

CONTAINER = str(REPO / "scripts" / "container")
# What podman itself puts into every container: the mount points of the files it manages.
PODMAN_OWN = {
    *("/etc", "/etc/hosts", "/etc/hostname", "/etc/resolv.conf"),
    *("/run", "/run/.containerenv"),
}


def why_no_container() -> str | None:
    """Why images cannot be built and run here, or None when they can."""
    check = subprocess.run([CONTAINER, "check"], capture_output=True, text=True, check=False)
    return check.stdout.strip() or check.stderr.strip() if check.returncode else None


def build_image() -> str:
    """Build (quick when cached) and name the engine's image."""
    built = subprocess.run([CONTAINER, "build"], capture_output=True, text=True, check=False)
    assert built.returncode == 0, built.stderr[-4000:]
    return built.stdout.split()[-1]


def free_port() -> int:
    """A free port on 127.0.0.1, found by a subprocess: module fixtures run where the test
    harness still blocks sockets."""
    probe = "import socket; s = socket.socket(); "
    probe += "s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])"
    return int(subprocess.check_output([sys.executable, "-c", probe], text=True))


def podman(*args: str) -> str:
    done = subprocess.run([CONTAINER, "podman", *args], capture_output=True, text=True, check=False)
    assert done.returncode == 0, f"podman {args[0]}: {done.stderr[-2000:]}"
    return done.stdout


def describes(uri: str) -> bool:
    """The image's own health probe, run from outside: does `uri` answer `describe`?"""
    probe = subprocess.run(
        [programs_python(), "-m", "indoor_voice_engine.healthcheck"],
        env={**os.environ, "INDOOR_VOICE_URI": uri},
        check=False,
    )
    return probe.returncode == 0


@dataclass
class EngineContainer:
    """A running engine container and how long it took to answer its first `describe`."""

    name: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path
    cold_start: float = 0.0
    host: str = "127.0.0.1"

    @property
    def uri(self) -> str:
        return f"tcp://{self.host}:{self.port}"

    def changed_outside_data(self) -> list[str]:
        """Paths of the image's root filesystem the container added, changed or deleted,
        except /data (a volume) and podman's own files."""
        changes = [line.split(maxsplit=1) for line in podman("diff", self.name).splitlines()]
        return [
            f"{kind} {path}"
            for kind, path in changes
            if path not in PODMAN_OWN and path != "/data" and not path.startswith("/data/")
        ]

    def stop(self) -> None:
        podman("stop", "--time", "20", self.name)
        self.process.wait(timeout=30)


def start_container(
    image: str,
    name: str,
    port: int,
    workdir: Path,
    *,
    podman_args: tuple[str, ...] = (),
    engine_args: tuple[str, ...] = (),
    timeout: float = 120,
) -> EngineContainer:
    """`podman run` in the foreground (its output is the engine's log), until the engine
    answers `describe` on 127.0.0.1:`port`."""
    log = workdir / f"{name}.log"
    uri = f"tcp://127.0.0.1:{port}"
    command = [CONTAINER, "run", "--name", name, "-e", f"INDOOR_VOICE_URI={uri}"]
    started = time.monotonic()
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*command, *podman_args, image, *engine_args], stdout=out, stderr=subprocess.STDOUT
        )

    def give_up() -> None:
        subprocess.run([CONTAINER, "podman", "rm", "-f", name], capture_output=True, check=False)

    wait_until_ready(
        process,
        log,
        READY,
        name,
        timeout,
        everything_logged=lambda: log.read_text(errors="replace"),
        give_up=give_up,
    )
    while not describes(uri):
        time.sleep(0.05)
    return EngineContainer(name, port, process, log, cold_start=time.monotonic() - started)
