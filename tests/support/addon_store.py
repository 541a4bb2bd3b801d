"""The Supervisor's side of this add-on repository, done as the Supervisor does it
(home-assistant/supervisor: store/git.py clones, store/data.py finds the add-ons,
apps/build.py builds one): the repository as a clone holds it, the add-ons the store reads
in it, and a build of one add-on with its folder alone as the context and the build
arguments the Supervisor passes.

Two things differ here, and only these: registries are out of reach, so build.yaml's base
image is replaced by a local stand-in (scripts/container base; the replacement is checked to
be the one build.yaml names for that architecture), and podman builds instead of Docker
BuildKit, without `--pull` (there is nothing to pull the stand-in from).
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from tests.support.container import CONTAINER

CONFIG_SUFFIXES = (".json", ".yaml", ".yml")
# supervisor/docker/interface.py's MAP_ARCH, for the two architectures the add-on supports.
PLATFORMS = {"amd64": "linux/amd64", "aarch64": "linux/arm64"}


def clone(repo: Path, destination: Path) -> Path:
    """What the Supervisor's clone of the repository holds: the files git tracks (as this
    working tree has them, so uncommitted changes are what is tested), nothing ignored."""
    files = subprocess.run(
        ["git", "-C", str(repo), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        check=True,
        capture_output=True,
    ).stdout.split(b"\0")
    for name in filter(None, (f.decode() for f in files)):
        source = repo / name
        if not source.is_file():  # deleted in the working tree
            continue
        target = destination / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(source.read_bytes())
        target.chmod(source.stat().st_mode & 0o777)
    return destination


def _read(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))  # JSON is YAML too


@dataclass
class StoreAddon:
    """One add-on as the store reads it: its folder (the build context) and its config."""

    folder: Path
    config: dict[str, Any]

    @property
    def slug(self) -> str:
        return str(self.config["slug"])

    @property
    def version(self) -> str:
        return str(self.config["version"])

    def build_config(self) -> dict[str, Any]:
        """build.{json,yaml,yml} in the add-on's folder, or nothing."""
        for suffix in CONFIG_SUFFIXES:
            if (path := self.folder / f"build{suffix}").is_file():
                return dict(_read(path) or {})
        return {}

    def base_image(self, arch: str) -> str | None:
        """BUILD_FROM as the Supervisor passes it: none without a build file (the Dockerfile's
        own default), else build_from for `arch` (Home Assistant's base image by default)."""
        config = self.build_config()
        if not config:
            return None
        build_from = config.get("build_from") or "ghcr.io/home-assistant/base:latest"
        return build_from if isinstance(build_from, str) else build_from[arch]

    def dockerfile(self, arch: str) -> Path:
        per_arch = self.folder / f"Dockerfile.{arch}"
        return per_arch if per_arch.is_file() else self.folder / "Dockerfile"

    def build_args(self, arch: str) -> dict[str, str]:
        """The --build-arg values the Supervisor passes for `arch`."""
        args = {"BUILD_VERSION": self.version, "BUILD_ARCH": arch}
        args.update(self.build_config().get("args") or {})
        if (base := self.base_image(arch)) is not None:
            args["BUILD_FROM"] = base
        return args

    def labels(self, arch: str) -> dict[str, str]:
        labels = {
            "io.hass.version": self.version,
            "io.hass.arch": arch,
            "io.hass.type": "app",
            **(self.build_config().get("labels") or {}),
            "io.hass.name": str(self.config["name"]).replace("'", ""),
            "io.hass.description": str(self.config["description"]).replace("'", ""),
        }
        if url := self.config.get("url"):
            labels["io.hass.url"] = str(url)
        return labels


def find_addons(root: Path) -> list[StoreAddon]:
    """Every add-on the store reads in a repository: each config.{json,yaml,yml} at any depth,
    the root included, outside hidden folders and rootfs/."""
    return [
        StoreAddon(path.parent, dict(_read(path)))
        for path in sorted(root.glob("**/config.*"))
        if path.suffix in CONFIG_SUFFIXES and not _skipped(path.relative_to(root))
    ]


def _skipped(path: Path) -> bool:
    return any(part.startswith(".") or part == "rootfs" for part in path.parts)


def local_image(addon: StoreAddon, arch: str) -> str:
    """The name the Supervisor gives a locally built add-on image (apps/model.py)."""
    return f"local/{arch}-addon-{addon.slug}:{addon.version}"


def build(
    addon: StoreAddon,
    arch: str,
    *,
    stand_in_base: str,
    overrides: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Build `addon` for `arch` as the Supervisor does: in its folder, `.` as the context, its
    Dockerfile, the platform, the labels and build arguments it passes (BUILD_FROM replaced by
    `stand_in_base`; `overrides` as a changed build.yaml would give them)."""
    args = addon.build_args(arch)
    if "BUILD_FROM" in args:
        args["BUILD_FROM"] = stand_in_base
    args.update(overrides or {})
    command = [
        CONTAINER,
        "build-with",
        ".",
        *("--tag", local_image(addon, arch)),
        *("--file", str(addon.dockerfile(arch).relative_to(addon.folder))),
        *("--platform", PLATFORMS[arch]),
        "--format=docker",  # keeps the HEALTHCHECK, as Docker does
    ]
    for key, value in addon.labels(arch).items():
        command += ["--label", f"{key}={value}"]
    for key, value in args.items():
        command += ["--build-arg", f"{key}={value}"]
    return subprocess.run(command, cwd=addon.folder, capture_output=True, text=True, check=False)
