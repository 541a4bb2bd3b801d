"""The real satellite as a subprocess, with a file microphone and a file speaker."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import itertools
import json
import os
import re
import shlex
import signal
import ssl
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from testbed.engine_process import MODELS
from testbed.processes import command, sandbox_env, wait_until_ready
from testbed.speech import silence

HERE = Path(__file__).parent
SATELLITE = command("indoor-voice-satellite")
READY = re.compile(r"Serving the Indoor Voice link on tcp://[^:]+:(\d+)")
WAIT = 60.0  # a guard against hanging, never a measurement
MIC_SPEED = 2.0  # the satellite counts audio, not seconds: twice real time changes nothing
_FLUSH = silence(3.0)  # more than a pipe holds: once it is written, what came before was read


async def wait_for(condition: Callable[[], bool], what: str) -> None:
    """Poll a condition until it holds (a guard against hanging, not a measurement)."""
    try:
        async with asyncio.timeout(WAIT):
            while not condition():  # noqa: ASYNC110 - files other processes write
                await asyncio.sleep(0.05)
    except TimeoutError:
        raise TimeoutError(f"waited {WAIT} s for {what}") from None


@dataclass
class FileMicrophone:
    """The room the satellite hears: audio queued here is played into its microphone."""

    queue: Path
    marker: Path
    _numbers: itertools.count[int] = field(default_factory=itertools.count)

    @property
    def command(self) -> str:
        script = HERE / "file_mic.py"
        return shlex.join(
            [sys.executable, str(script), str(self.queue), str(self.marker), str(MIC_SPEED)]
        )

    @property
    def running(self) -> bool:
        return self.marker.exists()

    def say(self, pcm: bytes) -> None:
        part = self.queue / f"{next(self._numbers):06d}.raw.part"
        part.write_bytes(pcm)
        part.rename(part.with_suffix(""))

    @property
    def pending(self) -> int:
        return len(list(self.queue.glob("*.raw")))

    async def hear(self, pcm: bytes) -> None:
        """Say it, and return once the satellite has read all of it."""
        self.say(pcm)
        self.say(_FLUSH)
        await wait_for(lambda: self.pending == 0, "the satellite to hear the audio")


@dataclass
class FileSpeaker:
    output: Path
    playing: Path
    hold: Path | None = None

    @property
    def command(self) -> str:
        argv = [sys.executable, str(HERE / "file_speaker.py"), str(self.output), str(self.playing)]
        return shlex.join(argv + ([str(self.hold)] if self.hold else []))

    @property
    def audio(self) -> bytes:
        return self.output.read_bytes() if self.output.exists() else b""


@dataclass
class SatelliteProcess:
    """A running satellite; HOME, TMPDIR and its working dir are folders the test can inspect."""

    workdir: Path
    args: tuple[str, ...]
    microphone: FileMicrophone
    speaker: FileSpeaker
    port: int = 0
    process: subprocess.Popen[bytes] | None = None
    env: dict[str, str] | None = None  # None: the sandbox's (HOME, TMPDIR, PATH, LANG)
    _logs: list[Path] = field(default_factory=list)

    host = "127.0.0.1"

    @property
    def data_dir(self) -> Path:
        return self.workdir / "data"

    @property
    def sandbox(self) -> Path:
        return self.workdir / "sandbox"

    @property
    def fingerprint(self) -> str:
        return _fingerprint((self.data_dir / "certificate.pem").read_text())

    @property
    def pinned_home_assistant(self) -> str | None:
        """The fingerprint of the Home Assistant this satellite is paired with."""
        pairing = json.loads((self.data_dir / "pairing.json").read_text())
        certificate = pairing["home_assistant_certificate"]
        return _fingerprint(certificate) if certificate else None

    def command(self, *args: str) -> subprocess.CompletedProcess[str]:
        """A one-shot run with this data dir (--print-pairing-code, --pair)."""
        return subprocess.run(
            [SATELLITE, f"--data-dir={self.data_dir}", *args],
            capture_output=True,
            text=True,
            check=True,
            cwd=self.sandbox / "cwd",
            env=self._env(),
            timeout=WAIT,
        )

    def _env(self) -> dict[str, str]:
        return sandbox_env(self.sandbox) if self.env is None else self.env

    def pairing_code(self) -> str:
        return self.command("--print-pairing-code").stdout.strip()

    def launch(self) -> None:
        log = self.workdir / f"satellite-{len(self._logs)}.log"
        self._logs.append(log)
        argv = [
            SATELLITE,
            f"--uri=tcp://{self.host}:{self.port}",
            f"--data-dir={self.data_dir}",
            f"--wake-model-dir={MODELS / 'wake'}",
            f"--mic-command={self.microphone.command}",
            f"--snd-command={self.speaker.command}",
            "--name=Test satellite",
            "--area=Kitchen",
            "--debug",
            *self.args,
        ]
        with log.open("wb") as out:
            self.process = subprocess.Popen(
                argv,
                cwd=self.sandbox / "cwd",
                env=self._env(),
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        ready = wait_until_ready(
            self.process,
            log,
            READY,
            "satellite",
            WAIT,
            everything_logged=self.log_text,
            give_up=self.stop,
        )
        self.port = int(ready.group(1))

    def stop(self) -> None:
        """SIGTERM, as systemd would; SIGKILL for the whole group if it lingers."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(20)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(5)

    def kill(self) -> None:
        """Die at once, as on a power cut or an out-of-memory kill: no goodbye."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(5)

    def restart(self) -> None:
        self.stop()
        self.launch()

    def log_text(self) -> str:
        return "".join(log.read_text(errors="replace") for log in self._logs)

    def sandbox_files(self) -> list[Path]:
        return sorted(p for p in self.sandbox.rglob("*") if p.is_file())


def _fingerprint(certificate_pem: str) -> str:
    """SHA-256 of a certificate's DER form in hex, as the link pins it: computed here without
    the link, which each test session imports under its own name, or not at all."""
    return hashlib.sha256(ssl.PEM_cert_to_DER_cert(certificate_pem)).hexdigest()


def led_command(record: Path, look: str) -> str:
    """`--led-command-LOOK` that appends LOOK to `record`: what the LEDs were told to show."""
    script = f"open({str(record)!r}, 'a').write({look!r} + '\\n')"
    return f"--led-command-{look}={shlex.join([sys.executable, '-c', script])}"


def make_satellite(workdir: Path, *args: str, hold_speaker: bool = False) -> SatelliteProcess:
    for sub in ("sandbox/home", "sandbox/tmp", "sandbox/cwd", "mic", "speaker"):
        (workdir / sub).mkdir(parents=True, exist_ok=True)
    microphone = FileMicrophone(workdir / "mic", workdir / "mic.running")
    speaker = FileSpeaker(
        workdir / "speaker" / "out.raw",
        workdir / "speaker" / "playing",
        workdir / "speaker" / "release" if hold_speaker else None,
    )
    return SatelliteProcess(workdir, args, microphone, speaker)
