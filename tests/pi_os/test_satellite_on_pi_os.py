"""The satellite as scripts/install-satellite left it in an emulated arm64 Raspberry Pi OS root
(scripts/pi-check makes the root, installs, and runs this): it runs as its systemd unit says,
Home Assistant on this machine pairs with it with the code it prints, and "hey jarvis, turn on
the kitchen light" from its file microphone is carried out, the reply played at its speaker.
Prints how long the wake word took to become a reply under emulation.

Only scripts/pi-check runs this (it needs the root it made).
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from testbed.processes import stop_group, wait_until_ready
from testbed.satellite_process import FileMicrophone
from testbed.speech import espeak, silence
from tests.integration.conftest import add_satellite, satellite_entity_id

if "INDOOR_VOICE_PI_ROOT" not in os.environ:
    pytest.skip("scripts/pi-check runs this, in a root it makes", allow_module_level=True)

ROOT = Path(os.environ["INDOOR_VOICE_PI_ROOT"])
UNIT = ROOT / "etc/systemd/system/indoor-voice-satellite.service"
SHARED = "/run/pi-check"  # the microphone's queue and the speaker's file, inside the root
READY = re.compile(r"Serving the Indoor Voice link on tcp://[^:]+:(\d+)")
EMULATED = 600.0  # a guard against hanging, never a measurement: everything is emulated


def in_root(*command: str) -> list[str]:
    """`command` inside the root, with /proc and /dev mounted for it alone (scripts/pi-check
    says why not /sys)."""
    mounts = 'for t in proc dev; do mount --rbind "/$t" "$0/$t"; done; exec chroot "$0" "$@"'
    clean_env = ["/usr/bin/env", "-i", "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C.UTF-8"]
    return [
        *("unshare", "--mount", "--propagation", "private", "--"),
        *("bash", "-c", mounts, str(ROOT), *clean_env, *command),
    ]


def unit_setting(name: str) -> str:
    (line,) = [x for x in UNIT.read_text().splitlines() if x.startswith(f"{name}=")]
    return line.split("=", 1)[1]


def exec_start() -> list[str]:
    """The unit's ExecStart, as systemd reads it (double quotes; %% and $$ escaped)."""
    words = shlex.split(unit_setting("ExecStart"))
    return [w.replace("%%", "%").replace("$$", "$") for w in words]


@dataclass
class PiSatellite:
    """The satellite running in the root, as far as the household's side sees it."""

    port: int
    process: subprocess.Popen[bytes]
    microphone: FileMicrophone
    speaker: Path
    host: str = "127.0.0.1"

    def pairing_code(self) -> str:
        """What `indoor-voice-satellite --print-pairing-code` shows on the Pi."""
        argv = exec_start()
        data_dir = argv[argv.index("--data-dir") + 1]
        command = in_root(
            *("runuser", "-u", unit_setting("User"), "--"),
            *(argv[0], "--data-dir", data_dir, "--print-pairing-code"),
        )
        shown = subprocess.run(command, capture_output=True, text=True, check=True, timeout=300)
        return shown.stdout.strip()


@pytest.fixture
def pi_satellite(tmp_path: Path) -> Iterator[PiSatellite]:
    log = tmp_path / "satellite.log"
    command = in_root("runuser", "-u", unit_setting("User"), "--", *exec_start())
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        ready = wait_until_ready(
            process,
            log,
            READY,
            "the satellite in the Pi OS root",
            EMULATED,
            everything_logged=lambda: log.read_text(errors="replace"),
            give_up=lambda: stop_group(process, 10),
        )
        microphone = FileMicrophone(ROOT / SHARED[1:] / "mic", ROOT / SHARED[1:] / "mic-running")
        yield PiSatellite(
            int(ready.group(1)), process, microphone, ROOT / SHARED[1:] / "speaker.raw"
        )
    finally:
        stop_group(process, 20)
        print(log.read_text(errors="replace")[-3000:])  # shown when the test fails


def _watch(hass: HomeAssistant, entity_id: str, kitchen: str) -> dict[str, float]:
    """When the satellite first listened, when the light went on, and when the satellite was
    idle again after responding (its reply played)."""
    seen: dict[str, float] = {}
    deadline = time.monotonic() + EMULATED
    while "idle" not in seen:
        assert time.monotonic() < deadline, f"waited {EMULATED} s; saw {seen}"
        state, light = hass.states.get(entity_id).state, hass.states.get(kitchen).state
        now = time.monotonic()
        if state in ("listening", "responding"):
            seen.setdefault(state, now)
        if light == "on":
            seen.setdefault("light on", now)
        if state == "idle" and "responding" in seen:
            seen["idle"] = now
        time.sleep(0.05)
    return seen


async def test_the_pi_satellite_pairs_and_carries_out_a_command(
    core: HomeAssistant,
    engine_loaded: MockConfigEntry,
    kitchen: str,
    pi_satellite: PiSatellite,
) -> None:
    entry = await add_satellite(core, pi_satellite)  # type: ignore[arg-type]
    entity_id = satellite_entity_id(core, entry, "assist_satellite", "assist_satellite")
    assert core.states.get(entity_id).state == "idle"

    wake, command = espeak("hey jarvis"), espeak("turn on the kitchen light")
    pi_satellite.microphone.say(silence(1.0) + wake + silence(0.3) + command + silence(3.0))
    said = time.monotonic()  # the microphone plays it in real time from now
    wake_said = said + (len(silence(1.0)) + len(wake)) / 32_000
    command_said = wake_said + (len(silence(0.3)) + len(command)) / 32_000
    seen = await core.async_add_executor_job(_watch, core, entity_id, kitchen)

    assert core.states.get(kitchen).state == "on"
    assert pi_satellite.speaker.stat().st_size > 0, "nothing was played"
    figures = (
        f"listening {seen['listening'] - wake_said:.1f} s after the wake word ended; after the "
        f"command ended: light on {seen['light on'] - command_said:.1f} s, reply played "
        f"{seen['idle'] - command_said:.1f} s"
    )
    if report := os.environ.get("INDOOR_VOICE_PI_FIGURES"):
        Path(report).write_text(figures + "\n")
