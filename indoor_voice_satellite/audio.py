"""Microphone and speaker as external commands (arecord/aplay on a Pi, files in tests)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shlex
import signal
import wave
from collections.abc import AsyncGenerator, Callable
from pathlib import Path
from typing import Any

from wyoming.audio import AudioChunk, AudioChunkConverter, AudioFormat

_LOGGER = logging.getLogger(__name__)

MIC_FORMAT = AudioFormat(rate=16_000, width=2, channels=1)
_STOP_TIMEOUT = 0.5  # then SIGKILL: a stop (systemctl stop, a restart) must take under a second


async def _start(argv: list[str], **pipes: Any) -> asyncio.subprocess.Process:
    # Its own process group, so a shell pipeline given as the command stops as a whole.
    return await asyncio.create_subprocess_exec(*argv, start_new_session=True, **pipes)


async def _stop(
    process: asyncio.subprocess.Process, output: asyncio.StreamReader | None = None
) -> None:
    """SIGTERM the command's group, SIGKILL it if it lingers; wait for it to exit.

    Its `output` is drained meanwhile: a microphone blocked writing into a full pipe could
    otherwise never reach its exit, and the pipe must be at its end before the loop closes.
    """
    if process.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
    exited = asyncio.gather(process.wait(), _drain(output))
    try:
        async with asyncio.timeout(_STOP_TIMEOUT):
            await asyncio.shield(exited)
    except TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        await exited


async def _drain(output: asyncio.StreamReader | None) -> None:
    if output is not None:
        with contextlib.suppress(OSError):
            while await output.read(64 * 1024):
                pass


class Microphone:
    """Runs the mic command and yields its raw 16 kHz mono s16le audio in fixed-size chunks."""

    def __init__(self, command: str, chunk_bytes: int) -> None:
        self._argv = shlex.split(command)
        self._chunk_bytes = chunk_bytes

    async def chunks(self) -> AsyncGenerator[bytes, None]:
        """Audio until the command ends; the command is stopped when iteration stops."""
        process = await _start(
            self._argv, stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE
        )
        assert process.stdout is not None
        try:
            while True:
                try:
                    yield await process.stdout.readexactly(self._chunk_bytes)
                except asyncio.IncompleteReadError:
                    break
        finally:
            await _stop(process, process.stdout)
        _LOGGER.warning("The microphone command ended (exit status %s)", process.returncode)


class Playback:
    """One sound for the speaker, fed while it plays; `played` is set once it has been heard."""

    def __init__(self, output: AudioFormat) -> None:
        self._converter = AudioChunkConverter(output.rate, output.width, output.channels)
        self._audio: asyncio.Queue[bytes | None] = asyncio.Queue()
        self.played = asyncio.Event()

    def feed(self, chunk: AudioChunk) -> None:
        self._audio.put_nowait(self._converter.convert(chunk).audio)

    def end(self) -> None:
        self._audio.put_nowait(None)

    async def next_audio(self) -> bytes | None:
        return await self._audio.get()


class Speaker:
    """Plays sounds one after another through the snd command, a new process for each."""

    def __init__(self, command: str, output: AudioFormat, on_idle: Callable[[], None]) -> None:
        filled = command.replace("{rate}", str(output.rate))
        self._argv = shlex.split(filled.replace("{channels}", str(output.channels)))
        self.output = output
        self._on_idle = on_idle
        self._queue: asyncio.Queue[Playback] = asyncio.Queue()
        self._playing = False
        self._task: asyncio.Task[None] | None = None

    @property
    def busy(self) -> bool:
        return self._playing or not self._queue.empty()

    def start(self) -> None:
        self._task = asyncio.create_task(self._play_in_turn())

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def stream(self) -> Playback:
        """A sound whose audio arrives later (feed, then end)."""
        playback = Playback(self.output)
        self._queue.put_nowait(playback)
        return playback

    def play(self, pcm: bytes) -> Playback:
        """A sound already in the speaker's format."""
        playback = self.stream()
        playback.feed(AudioChunk(self.output.rate, self.output.width, self.output.channels, pcm))
        playback.end()
        return playback

    async def _play_in_turn(self) -> None:
        while True:
            playback = await self._queue.get()
            self._playing = True
            try:
                await self._play(playback)
            finally:
                self._playing = False
                playback.played.set()
            if self._queue.empty():
                self._on_idle()

    async def _play(self, playback: Playback) -> None:
        try:
            process = await _start(
                self._argv,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.DEVNULL,
            )
        except OSError as err:
            _LOGGER.error("Cannot start the speaker command: %s", err)
            while await playback.next_audio() is not None:
                pass
            return
        assert process.stdin is not None
        try:
            while (audio := await playback.next_audio()) is not None:
                process.stdin.write(audio)
                await process.stdin.drain()
            process.stdin.close()
            await process.wait()
        except (BrokenPipeError, ConnectionResetError):
            _LOGGER.warning(
                "The speaker command stopped reading (exit status %s)", process.returncode
            )
            while await playback.next_audio() is not None:
                pass
        finally:
            await _stop(process)


def load_sound(path: Path, output: AudioFormat) -> bytes:
    """A WAV file's audio in the speaker's format."""
    with wave.open(str(path), "rb") as wav:
        chunk = AudioChunk(
            wav.getframerate(),
            wav.getsampwidth(),
            wav.getnchannels(),
            wav.readframes(wav.getnframes()),
        )
    return AudioChunkConverter(output.rate, output.width, output.channels).convert(chunk).audio
