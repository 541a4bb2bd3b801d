"""Starting a Wyoming speech service (our engine, or an official one) as a subprocess on
127.0.0.1, in a sandbox the tests can inspect."""

from __future__ import annotations

import contextlib
import ipaddress
import os
import re
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from testbed.processes import REPO, command, sandbox_env, wait_until_ready

MODELS = REPO / ".models"
STRACE = shutil.which("strace")
_ADDRESS = re.compile(r'inet_addr\("([0-9.]+)"\)|inet_pton\(AF_INET6, "([0-9a-fA-F:.]+)"')
READY = re.compile(r"Serving Wyoming on tcp://[^:]+:(\d+)")  # with the port it bound
ENGINE = (command("indoor-voice-engine"),)


def free_port() -> int:
    """A currently free TCP port on loopback, for a service that cannot bind port 0."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class EngineProcess:
    """A running service and the folders it was given as HOME, TMPDIR and working dir.

    `program` is what runs (our engine unless told otherwise); `ready` is the log line that
    says it serves, with the port it bound in its group if it has one.
    """

    host: str
    port: int
    argv: tuple[str, ...]
    sandbox: Path
    logs: Path
    process: subprocess.Popen[bytes] | None = None
    log: Path | None = None
    program: tuple[str, ...] = ENGINE
    ready: re.Pattern[str] = READY

    @property
    def name(self) -> str:
        return Path(self.program[-1]).name

    @property
    def uri(self) -> str:
        return f"tcp://{self.host}:{self.port}"

    def log_text(self) -> str:
        """Everything every run of this engine printed."""
        return "".join(p.read_text(errors="replace") for p in sorted(self.logs.glob("*.log")))

    def launch(self, timeout: float = 90) -> None:
        """Start the process (again, on the same port once it has one) and wait for it to serve."""
        self.log = self.logs / f"run-{time.monotonic_ns()}.log"
        # strace sees every connect and datagram, from Python and from native libraries alike.
        if STRACE is None:
            raise RuntimeError(
                "strace is needed to watch the engine's sockets (scripts/setup installs it)"
            )
        trace = self.logs / f"{self.log.stem}.trace"
        watch = [
            STRACE,
            "-f",
            "--seccomp-bpf",
            "-e",
            "trace=connect,sendto,sendmsg",
            "-o",
            str(trace),
        ]
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                [*watch, *self.program, f"--uri=tcp://{self.host}:{self.port}", *self.argv],
                cwd=self.sandbox / "cwd",
                env=sandbox_env(self.sandbox),
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # signals go to the group: strace and the engine
            )
        ready = wait_until_ready(
            self.process,
            self.log,
            self.ready,
            self.name,
            timeout,
            everything_logged=self.log_text,
            give_up=self.kill,
        )
        if self.ready.groups:
            self.port = int(ready.group(1))

    def _signal(self, sig: signal.Signals) -> None:
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, sig)

    def stop(self) -> None:
        """SIGTERM, as systemd would; SIGKILL if it does not stop."""
        self._signal(signal.SIGTERM)
        if self.process is not None:
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()

    def kill(self) -> None:
        """Die at once, as on a crash or power cut."""
        self._signal(signal.SIGKILL)
        if self.process is not None:
            self.process.wait(5)

    def engine_pid(self) -> int | None:
        """The engine's own process: strace's child (None while it is not running)."""
        if self.process is None:
            return None
        pid = self.process.pid
        with contextlib.suppress(OSError, IndexError, ValueError):
            return int(Path(f"/proc/{pid}/task/{pid}/children").read_text().split()[0])
        return None

    def rss_mib(self) -> float:
        """The engine's resident memory."""
        pid = self.engine_pid()
        assert pid is not None, "the engine is not running"
        status = Path(f"/proc/{pid}/status").read_text()
        (kib,) = [int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")]
        return kib / 1024

    def non_loopback_attempts(self) -> list[str]:
        """Every connect or datagram the engine aimed at an address other than loopback."""
        found = []
        for trace in sorted(self.logs.glob("*.trace")):
            for line in trace.read_text(errors="replace").splitlines():
                for v4, v6 in _ADDRESS.findall(line):
                    if not ipaddress.ip_address(v4 or v6).is_loopback:
                        found.append(line)
        return found

    def sandbox_files(self) -> list[Path]:
        """Every file the engine could have written outside its data dirs."""
        return sorted(p for p in self.sandbox.rglob("*") if p.is_file())


def start_service(
    workdir: Path,
    name: str,
    program: tuple[str, ...],
    argv: list[str],
    *,
    port: int = 0,
    ready: re.Pattern[str] = READY,
    timeout: float = 90,
) -> EngineProcess:
    """Start a Wyoming service (under the socket guard) in workdir/name; wait until it serves."""
    sandbox = workdir / name
    for sub in ("home", "tmp", "cwd"):
        (sandbox / sub).mkdir(parents=True, exist_ok=True)
    logs = workdir / f"{name}-logs"
    logs.mkdir(exist_ok=True)
    service = EngineProcess(
        "127.0.0.1", port, tuple(argv), sandbox, logs, program=program, ready=ready
    )
    service.launch(timeout)
    return service


def start_engine(
    workdir: Path,
    *args: str,
    port: int = 0,
    data_dirs: tuple[Path, ...] = (MODELS,),
    offline: bool = True,
    name: str = "engine",
    timeout: float = 90,
) -> EngineProcess:
    """Start the engine (`indoor-voice-engine`) and wait until it serves."""
    argv = ["--threads=2", "--debug", *(f"--data-dir={d}" for d in data_dirs)]
    if offline:
        argv.append("--offline")
    return start_service(workdir, name, ENGINE, [*argv, *args], port=port, timeout=timeout)


@contextlib.contextmanager
def running_engine(workdir: Path, *args: str, **kwargs: object) -> Iterator[EngineProcess]:
    engine = start_engine(workdir, *args, **kwargs)  # type: ignore[arg-type]
    try:
        yield engine
    finally:
        engine.stop()
