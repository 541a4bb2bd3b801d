"""The soaked house: one engine, N satellites with file microphones, one Home Assistant.

Home Assistant runs in this process (the test harness's `async_test_home_assistant`), with
the testbed's kitchen light; the engine and each satellite are real subprocesses on 127.0.0.1.
A command is carried out when the kitchen light reaches the state the command asked for.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from homeassistant import loader
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.helpers.event import async_track_state_change_event
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import async_test_home_assistant

from custom_components.indoor_voice.const import DOMAIN
from testbed.assist import add_satellite, async_add_service, async_setup_kitchen, entity_of
from testbed.engine_process import EngineProcess, free_port, start_engine
from testbed.satellite_process import SatelliteProcess, make_satellite, wait_for
from testbed.speech import espeak, silence

COMMAND_TIMEOUT = 30.0  # a command not carried out by then failed


def _command(words: str) -> bytes:
    return silence(1.0) + espeak(f"hey jarvis, {words}") + silence(2.0)


@dataclass
class Usage:
    """Resident memory and open file descriptors of one process."""

    rss_mib: float
    fds: int

    @classmethod
    def of(cls, pid: int) -> Usage | None:
        """None for a process that is gone, or a zombie (killed, not yet reaped)."""
        try:
            status = Path(f"/proc/{pid}/status").read_text()
            rss = [
                int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")
            ]
            fds = len(os.listdir(f"/proc/{pid}/fd"))
        except OSError:
            return None
        return cls(rss[0] / 1024, fds) if rss else None


@dataclass
class Command:
    """One spoken command and what came of it."""

    satellite: int
    started: float
    ended: float = 0.0
    carried_out: bool = False


@dataclass
class House:
    hass: HomeAssistant
    engine: EngineProcess
    satellites: list[SatelliteProcess]
    entries: list[ConfigEntry]
    light: str
    commands: list[Command] = field(default_factory=list)
    _turn: asyncio.Lock = field(default_factory=asyncio.Lock)
    _clips: dict[str, bytes] = field(default_factory=dict)

    def pids(self) -> dict[str, int]:
        found = {"home assistant": os.getpid()}
        if (engine := self.engine.engine_pid()) is not None:  # none while it is restarted
            found["engine"] = engine
        for index, satellite in enumerate(self.satellites):
            assert satellite.process is not None
            found[f"satellite {index}"] = satellite.process.pid
        return found

    def usage(self) -> dict[str, Usage]:
        """Of every process running now (one being restarted is left out)."""
        found = {name: Usage.of(pid) for name, pid in self.pids().items()}
        return {name: usage for name, usage in found.items() if usage is not None}

    async def say_command(self, index: int) -> Command:
        """Satellite `index` hears "hey jarvis, turn on/off the kitchen light".

        One command at a time in the house, like people taking turns: a second wake word
        within two seconds would count as the same one heard in two rooms.
        """
        async with self._turn:
            wanted = "off" if self.hass.states.get(self.light).state == "on" else "on"
            words = f"turn {wanted} the kitchen light"
            if words not in self._clips:
                self._clips[words] = await asyncio.to_thread(_command, words)
            command = Command(index, time.monotonic())
            self.commands.append(command)
            satellite = entity_of(self.hass, self.entries[index], "assist_satellite")
            over = asyncio.Event()
            woke = False

            @callback
            def changed(event: Event[EventStateChangedData]) -> None:
                # Every change is seen, however quickly a failed command returns to idle.
                nonlocal woke
                if (state := event.data["new_state"]) is None:
                    return
                if state.entity_id == self.light and state.state == wanted:
                    command.carried_out = True
                    over.set()
                elif state.entity_id == satellite:
                    if woke and state.state == "idle":
                        over.set()  # the command ended without the light changing
                    woke |= state.state in ("listening", "processing", "responding")

            unsubscribe = async_track_state_change_event(
                self.hass, [self.light, satellite], changed
            )
            self.satellites[index].microphone.say(self._clips[words])
            try:
                async with asyncio.timeout(COMMAND_TIMEOUT):
                    await over.wait()
            except TimeoutError:
                pass  # never heard: the satellite did not wake
            finally:
                unsubscribe()
            command.ended = time.monotonic()
            await asyncio.sleep(1.0)  # the reply plays
            return command

    async def restart_engine(self, *, kill: bool = False) -> tuple[float, float]:
        """Stop (or SIGKILL) and start the engine; (seconds down, seconds from serving to a
        carried-out command through satellite 0)."""
        stopped = time.monotonic()
        await asyncio.to_thread(self.engine.kill if kill else self.engine.stop)
        await asyncio.to_thread(self.engine.launch)
        return await self._recovery(stopped, 0)

    async def restart_satellite(self, index: int, *, kill: bool = False) -> tuple[float, float]:
        stopped = time.monotonic()
        satellite = self.satellites[index]
        await asyncio.to_thread(satellite.kill if kill else satellite.stop)
        await asyncio.to_thread(satellite.launch)
        return await self._recovery(stopped, index)

    async def _recovery(self, stopped: float, index: int) -> tuple[float, float]:
        serving = time.monotonic()
        entry = self.entries[index]
        await wait_for(lambda: entry.runtime_data.connected, "the satellite to reconnect")
        while not (await self.say_command(index)).carried_out:
            pass
        # The first command carried out once the process served again: the probe, or one that
        # another satellite said while the probe waited its turn (which may have begun while
        # the process was still starting: its wake word and speech reached the process after).
        back = min(
            c.ended
            for c in self.commands
            if c.started >= stopped and c.ended >= serving and c.carried_out
        )
        return back - stopped, back - serving


@asynccontextmanager
async def soaked_house(
    workdir: Path,
    satellites: int,
    make: Callable[[Path], SatelliteProcess] = make_satellite,
    setup_home: Callable[[HomeAssistant], Awaitable[str]] = async_setup_kitchen,
) -> AsyncIterator[House]:
    """Everything started, added to Home Assistant the way a household adds it, paired.

    `make` makes each satellite from its folder (scripts/bench taps its microphone and speaker);
    `setup_home` makes the home's entities and returns the light the soak switches.
    """
    engine = await asyncio.to_thread(start_engine, workdir, port=free_port())
    started: list[SatelliteProcess] = []
    try:
        for index in range(satellites):
            satellite = make(workdir / f"satellite-{index}")
            started.append(satellite)
            await asyncio.to_thread(satellite.launch)
        with tempfile.TemporaryDirectory(prefix="indoor-voice-soak-ha-") as config_dir:
            async with async_test_home_assistant(config_dir=config_dir) as hass:
                try:
                    hass.data.pop(loader.DATA_CUSTOM_COMPONENTS)  # this repo's custom_components
                    assert await async_setup_component(hass, "homeassistant", {})
                    light = await setup_home(hass)
                    await async_add_service(hass, DOMAIN, engine.host, engine.port)
                    entries = [await add_satellite(hass, satellite) for satellite in started]
                    yield House(hass, engine, started, entries, light)
                finally:
                    await hass.async_stop(force=True)
    finally:
        for satellite in started:
            await asyncio.to_thread(satellite.stop)
        await asyncio.to_thread(engine.stop)
