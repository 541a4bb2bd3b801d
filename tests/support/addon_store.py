"""The add-on as the household's Supervisor finds and builds it (scripts/supervisor-build),
for the tests: what the store reads in a clone, and a build by the Supervisor's rules."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from testbed.processes import REPO
from tests.support.container import CONTAINER, podman

SUPERVISOR_BUILD = REPO / "scripts" / "supervisor-build"
STAND_IN_BASE = "localhost/indoor-voice-base:bookworm"  # scripts/container base


@dataclass
class StoreAddon:
    folder: str  # relative to the clone's root
    config: dict[str, Any]
    dockerfile: str
    build_args: dict[str, str]


def store(arch: str = "amd64") -> list[StoreAddon]:
    """Every add-on the store finds in a clone of this repository."""
    shown = subprocess.run(
        [sys.executable, str(SUPERVISOR_BUILD), "--show", "--arch", arch],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [StoreAddon(**addon) for addon in json.loads(shown)]


def stand_in_base() -> str:
    made = subprocess.run([CONTAINER, "base"], capture_output=True, text=True, check=False)
    assert made.returncode == 0, made.stderr[-4000:]
    return STAND_IN_BASE


def own_tag(name: str) -> str:
    """An image name of this test process's own: test runs of other checkouts on this machine
    share podman's image store."""
    return f"localhost/indoor-voice-{name}:test-{os.getpid()}"


def supervisor_build(
    arch: str = "amd64", clone_into: Path | None = None, tag: str | None = None, **overrides: str
) -> subprocess.CompletedProcess[str]:
    """Build the add-on from a fresh clone as the Supervisor does; the image's name is the
    last line of stdout. `overrides` are build arguments as a changed build.yaml gives them."""
    command = [sys.executable, str(SUPERVISOR_BUILD), "--arch", arch, "--base", stand_in_base()]
    if tag is not None:
        command += ["--tag", tag]
    command += [f"--build-arg={key}={value}" for key, value in overrides.items()]
    if clone_into is not None:
        command += ["--clone-into", str(clone_into)]
    return subprocess.run(command, capture_output=True, text=True, check=False)


def engine_digests(image: str) -> dict[str, str]:
    """SHA-256 (hex) of every module of the engine an image runs, and how pip installed it
    (its direct_url.json: a folder for a checkout, none from a package index) under None."""
    script = (
        "import hashlib, importlib.metadata, pathlib, indoor_voice_engine as e\n"
        "for p in sorted(pathlib.Path(e.__file__).parent.glob('*.py')):\n"
        "    print(p.name, hashlib.sha256(p.read_bytes()).hexdigest())\n"
        "d = importlib.metadata.distribution('indoor-voice').read_text('direct_url.json')\n"
        "print('direct_url', json.loads(d)['url'] if d else None)\n"
    )
    listing = subprocess.run(
        [
            CONTAINER,
            "run",
            "--rm",
            "--entrypoint",
            "python3",
            image,
            "-c",
            "import json\n" + script,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return dict(line.split(" ", 1) for line in listing.splitlines())


def file_digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("*.py"))}


@contextmanager
def built_addon(
    arch: str = "amd64", clone_into: Path | None = None, tag: str | None = None, **overrides: str
) -> Iterator[str]:
    """`supervisor_build` that must succeed: the image's name, removed afterwards."""
    done = supervisor_build(arch, clone_into=clone_into, tag=tag, **overrides)
    assert done.returncode == 0, done.stderr[-6000:]
    image = done.stdout.split()[-1]
    try:
        yield image
    finally:
        podman("rmi", image)
