"""What a release publishes, built and used here as a household would get it: the wheel and
the sdist (scripts/release --dry-run builds them once into dist/ and points the tests at
them with INDOOR_VOICE_DIST; otherwise the tests build their own), a clean venv with the
wheel and nothing of this checkout, and a package index on 127.0.0.1 that serves the wheel as
the public index will."""

from __future__ import annotations

import base64
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from testbed.processes import REPO

DIST_ENV = "INDOOR_VOICE_DIST"
SERVING = re.compile(r"Serving HTTP on \S+ port (\d+)")


@dataclass(frozen=True)
class Distributions:
    wheel: Path
    sdist: Path

    @property
    def version(self) -> str:
        return self.wheel.name.split("-")[1]

    def wheel_digests(self, package: str) -> dict[str, str]:
        """SHA-256 (hex) of each module of `package` in the wheel, from its RECORD."""
        with zipfile.ZipFile(self.wheel) as wheel:
            record = next(n for n in wheel.namelist() if n.endswith(".dist-info/RECORD"))
            lines = wheel.read(record).decode().splitlines()
        digests = {}
        for name, digest, _size in (line.rsplit(",", 2) for line in lines if line):
            folder, _, module = name.rpartition("/")
            if folder == package and module.endswith(".py"):
                encoded = digest.removeprefix("sha256=")
                digests[module] = _urlsafe_hex(encoded)
        return digests


def _urlsafe_hex(encoded: str) -> str:
    return base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).hex()


def build_distributions(outdir: Path) -> Distributions:
    """`python -m build`: the sdist, then the wheel built from that sdist (so a file missing
    from the sdist breaks the wheel too)."""
    subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(outdir), str(REPO)],
        check=True,
        capture_output=True,
    )
    return found_distributions(outdir)


def found_distributions(folder: Path) -> Distributions:
    (wheel,) = folder.glob("indoor_voice-*.whl")
    (sdist,) = folder.glob("indoor_voice-*.tar.gz")
    return Distributions(wheel, sdist)


def given_distributions() -> Distributions | None:
    """The distributions scripts/release built, when it runs the tests."""
    folder = os.environ.get(DIST_ENV)
    return found_distributions(Path(folder)) if folder else None


def outside_env(home: Path) -> dict[str, str]:
    """An environment that knows nothing of this checkout: no PYTHONPATH, a HOME and TMPDIR
    of its own; pip's own settings (its index) as they are."""
    (home / "tmp").mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k.startswith("PIP_")}
    return {
        **env,
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "TMPDIR": str(home / "tmp"),
        "LANG": "C.UTF-8",
    }


def base_python() -> str:
    """The interpreter this lane's venv was made from: a plain Python, as a household has."""
    return str(getattr(sys, "_base_executable", sys.executable))


@contextmanager
def clean_venv(folder: Path, requirement: str, home: Path) -> Iterator[Path]:
    """A new venv with `requirement` installed by pip (and its dependencies from the index);
    removed afterwards (it is large)."""
    env = outside_env(home)
    try:
        subprocess.run([base_python(), "-m", "venv", str(folder)], check=True, env=env)
        installed = subprocess.run(
            [str(folder / "bin" / "pip"), "install", "-q", requirement],
            capture_output=True,
            text=True,
            check=False,
            env=env,
            cwd=home,
        )
        assert installed.returncode == 0, installed.stderr[-4000:]
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@dataclass
class LocalIndex:
    """A package index (PEP 503's simple layout, as folder listings) on 127.0.0.1."""

    url: str
    log: Path

    def downloads(self) -> list[str]:
        return re.findall(r'"GET (\S+\.whl) HTTP', self.log.read_text(errors="replace"))


@contextmanager
def local_index(root: Path, *wheels: Path) -> Iterator[LocalIndex]:
    project = root / "simple" / "indoor-voice"
    project.mkdir(parents=True)
    for wheel in wheels:
        shutil.copy(wheel, project / wheel.name)
    log = root.parent / f"{root.name}.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-u", "-m", "http.server", "0", "--bind", "127.0.0.1"],
            cwd=root,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        while not (serving := SERVING.search(log.read_text(errors="replace"))):
            assert server.poll() is None, log.read_text()
            time.sleep(0.05)
        yield LocalIndex(f"http://127.0.0.1:{serving.group(1)}/simple/", log)
    finally:
        server.terminate()
        server.wait(10)
