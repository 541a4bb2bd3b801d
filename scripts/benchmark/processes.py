"""Server processes on 127.0.0.1: start, wait until they answer, read CPU and memory, stop."""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import os
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from testbed.processes import sandbox_env, stop_group
from testbed.wyoming_client import describe

from .paths import BENCH

HOST = "127.0.0.1"
_TICKS = os.sysconf("SC_CLK_TCK")


def clean_env(name: str, **extra: str) -> dict[str, str]:
    """The testbed's sandbox (HOME and TMPDIR inside .bench/, nothing inherited), offline."""
    sandbox = BENCH / "run" / name
    for sub in ("home", "tmp"):
        (sandbox / sub).mkdir(parents=True, exist_ok=True)
    return {**sandbox_env(sandbox), "HF_HUB_OFFLINE": "1", "HF_HUB_DISABLE_TELEMETRY": "1", **extra}


@dataclass
class Service:
    """One server process that the benchmark talks to."""

    name: str  # short id: "ours", "faster-whisper", ...
    argv: list[str]
    env: dict[str, str]
    cwd: Path
    port: int | None = None  # None for a peer without Wyoming (fed on stdin)
    wyoming: bool = True
    process: subprocess.Popen[bytes] | None = None
    log: Path = field(default_factory=Path)

    def start(self) -> None:
        """Launch it; output goes to .bench/logs/<name>.log."""
        logs = BENCH / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        self.log = logs / f"{self.name}.log"
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                self.argv,
                cwd=self.cwd,
                env=self.env,
                stdin=subprocess.DEVNULL if self.wyoming else subprocess.PIPE,
                stdout=out if self.wyoming else subprocess.PIPE,
                stderr=out if self.wyoming else subprocess.STDOUT,
                start_new_session=True,
            )

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    @property
    def tcp_port(self) -> int:
        assert self.port is not None, f"{self.name} has no TCP port"
        return self.port

    async def wait_ready(self, within: float = 180) -> None:
        """Until it answers `describe` (Wyoming) or has stayed up for a moment (stdin peer)."""
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            self._check_alive()
            if not self.wyoming:
                await asyncio.sleep(1.0)
                self._check_alive()
                return
            with contextlib.suppress(OSError, TimeoutError, asyncio.IncompleteReadError):
                await describe(HOST, self.tcp_port, within=5)
                return
            await asyncio.sleep(0.2)
        self.stop()
        raise TimeoutError(
            f"{self.name} did not become ready in {within:.0f} s:\n{self.log_tail()}"
        )

    def _check_alive(self) -> None:
        assert self.process is not None
        if self.process.poll() is not None:
            raise RuntimeError(
                f"{self.name} exited with {self.process.returncode}:\n{self.log_tail()}"
            )

    def crashed_inside(self) -> bool:
        """A traceback in its log: some part of it died although the process lives on."""
        return self.log.is_file() and "Traceback" in self.log.read_text(errors="replace")

    def log_tail(self, lines: int = 25) -> str:
        if not self.log.is_file():
            return ""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def exposed_sockets(self) -> list[str]:
        """Sockets of the process tree that listen on anything but loopback (should be none)."""
        inodes: set[str] = set()
        for pid in _tree(self.pid):
            with contextlib.suppress(OSError):
                for fd in Path(f"/proc/{pid}/fd").iterdir():
                    with contextlib.suppress(OSError):
                        target = os.readlink(fd)
                        if target.startswith("socket:["):
                            inodes.add(target[8:-1])
        return [
            f"{proto} {address}:{port}"
            for proto, address, port, inode in _bound_sockets()
            if inode in inodes and not ipaddress.ip_address(address).is_loopback
        ]

    def cpu_seconds(self) -> float:
        """User + system CPU time of the process (all its threads) and its children."""
        return sum(_cpu_seconds(pid) for pid in _tree(self.pid))

    def rss_mb(self) -> float:
        """Resident memory of the process and its children, in MiB."""
        return sum(_rss_kib(pid) for pid in _tree(self.pid)) / 1024

    def stop(self) -> None:
        """SIGTERM to its process group; SIGKILL if it lingers."""
        stop_group(self.process, grace=10)


def _tree(pid: int) -> list[int]:
    """The pid and all its descendants."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, IndexError, ValueError):
            stat = (entry / "stat").read_text()
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def _bound_sockets() -> list[tuple[str, str, int, str]]:
    """(protocol, address, port, inode) of listening TCP and bound UDP sockets."""
    found = []
    for proto in ("tcp", "tcp6", "udp", "udp6"):
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/net/{proto}").read_text().splitlines()[1:]:
                fields = line.split()
                address, port = fields[1].split(":")
                listening = fields[3] == "0A" if proto.startswith("tcp") else int(port, 16) != 0
                if listening:
                    found.append((proto, _address(address), int(port, 16), fields[9]))
    return found


def _address(hex_address: str) -> str:
    """/proc/net's hex address (32-bit words in host byte order) as text."""
    raw = bytes.fromhex(hex_address)
    words = b"".join(raw[i : i + 4][::-1] for i in range(0, len(raw), 4))
    return str(ipaddress.ip_address(words))


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    # After the command: state(0) ppid(1) ... utime(11) stime(12)
    return (int(fields[11]) + int(fields[12])) / _TICKS


def _rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0
