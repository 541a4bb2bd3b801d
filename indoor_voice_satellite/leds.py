"""Commands run when the satellite's state changes, to drive an LED ring or anything else."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shlex
from enum import Enum

_LOGGER = logging.getLogger(__name__)
_COMMAND_TIMEOUT = 10.0


class Look(Enum):
    """What the satellite shows."""

    IDLE = "idle"
    LISTENING = "listening"
    SPEAKING = "speaking"
    RINGING = "ringing"  # a timer is done
    MUTED = "muted"


class Leds:
    """Runs the command for each new look, one at a time and in order."""

    def __init__(self, commands: dict[Look, str]) -> None:
        self._commands = {look: shlex.split(command) for look, command in commands.items()}
        self._shown: Look | None = None
        self._pending: asyncio.Queue[list[str]] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run_in_turn())

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def show(self, look: Look) -> None:
        if look == self._shown:
            return
        self._shown = look
        if (argv := self._commands.get(look)) is not None:
            self._pending.put_nowait(argv)

    async def _run_in_turn(self) -> None:
        while True:
            argv = await self._pending.get()
            try:
                process = await asyncio.create_subprocess_exec(
                    *argv,
                    stdin=asyncio.subprocess.DEVNULL,
                    stdout=asyncio.subprocess.DEVNULL,
                )
            except OSError as err:
                _LOGGER.warning("Cannot run the LED command %s: %s", argv[0], err)
                continue
            try:
                async with asyncio.timeout(_COMMAND_TIMEOUT):
                    await process.wait()
            except TimeoutError:
                _LOGGER.warning("The LED command %s took too long; stopped it", argv[0])
                process.kill()
                await process.wait()
