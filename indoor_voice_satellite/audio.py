"""Microphone and speaker as external commands (arecord/aplay on a Pi, files in tests)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shlex
import signal
import wave
from collections.abc import AsyncGenerator, Awaitable, Callable
from pathlib import Path
from typing import Any

from wyoming.audio import AudioChunk, AudioChunkConverter, AudioFormat

from .sounds import scaled

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


class Listening:
    """The microphone, running into `hear` until stopped (muted: then its command is stopped,
    not just ignored); started again after a moment when its command fails or ends."""

    restart_seconds = 2.0

    def __init__(self, microphone: Microphone, hear: Callable[[bytes], Awaitable[None]]) -> None:
        self._microphone = microphone
        self._hear = hear
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(after=self._task))

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()

    async def close(self) -> None:
        self.stop()
        if self._task is not None:
            await asyncio.wait([self._task])

    async def _run(self, after: asyncio.Task[None] | None) -> None:
        if after is not None:
            await asyncio.wait([after])  # the previous microphone process has exited
        while True:
            try:
                async with contextlib.aclosing(self._microphone.chunks()) as chunks:
                    async for audio in chunks:
                        await self._hear(audio)
            except OSError as err:
                _LOGGER.error("Cannot run the microphone command: %s", err)
            await asyncio.sleep(self.restart_seconds)


class Playback:
    """One sound for the speaker, fed while it plays; `played` is set once it has been heard."""

    def __init__(self, output: AudioFormat, *, ducks: bool = True) -> None:
        self.ducks = ducks  # quieter while the satellite listens (not its own cues)
        self._converter = AudioChunkConverter(output.rate, output.width, output.channels)
        self._audio: asyncio.Queue[bytes | None] = asyncio.Queue()
        self.played = asyncio.Event()
        self.stopped = asyncio.Event()  # cut short ("stop")

    @property
    def cut(self) -> bool:
        return self.stopped.is_set()

    def feed(self, chunk: AudioChunk) -> None:
        if not self.cut:
            self._audio.put_nowait(self._converter.convert(chunk).audio)

    def end(self) -> None:
        self._audio.put_nowait(None)

    def stop(self) -> None:
        """Stop playing it now; what is still to come is dropped."""
        self.stopped.set()
        self._audio.put_nowait(None)

    async def next_audio(self) -> bytes | None:
        audio = await self._audio.get()
        return None if self.cut else audio


class Speaker:
    """Plays sounds one after another through the snd command, a new process for each.

    Everything it plays is at `volume` (0 to 1), lowered further to `duck` of that while
    `ducked` (the satellite is listening to a command).
    """

    duck = 0.25

    def __init__(self, command: str, output: AudioFormat, on_idle: Callable[[], None]) -> None:
        filled = command.replace("{rate}", str(output.rate))
        self._argv = shlex.split(filled.replace("{channels}", str(output.channels)))
        self.output = output
        self._on_idle = on_idle
        self._queue: asyncio.Queue[Playback] = asyncio.Queue()
        self._playing: Playback | None = None
        self._task: asyncio.Task[None] | None = None
        self.volume = 1.0
        self.ducked = False

    @property
    def busy(self) -> bool:
        return self._playing is not None or not self._queue.empty()

    def gain(self, playback: Playback) -> float:
        return self.volume * (self.duck if self.ducked and playback.ducks else 1.0)

    def stop(self) -> None:
        """Stop what plays now and drop what waits to play."""
        while not self._queue.empty():
            waiting = self._queue.get_nowait()
            waiting.stop()
            waiting.played.set()
        if self._playing is not None:
            self._playing.stop()

    def start(self) -> None:
        self._task = asyncio.create_task(self._play_in_turn())

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def stream(self, *, ducks: bool = True) -> Playback:
        """A sound whose audio arrives later (feed, then end)."""
        playback = Playback(self.output, ducks=ducks)
        self._queue.put_nowait(playback)
        return playback

    def play(self, pcm: bytes, *, ducks: bool = True) -> Playback:
        """A sound already in the speaker's format."""
        playback = self.stream(ducks=ducks)
        playback.feed(AudioChunk(self.output.rate, self.output.width, self.output.channels, pcm))
        playback.end()
        return playback

    async def _play_in_turn(self) -> None:
        while True:
            playback = await self._queue.get()
            self._playing = playback
            try:
                await self._play(playback)
            finally:
                self._playing = None
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
                process.stdin.write(scaled(audio, self.gain(playback)))
                if not await _unless_stopped(playback, process.stdin.drain()):
                    return
            process.stdin.close()
            await _unless_stopped(playback, process.wait())
        except (BrokenPipeError, ConnectionResetError):
            _LOGGER.warning(
                "The speaker command stopped reading (exit status %s)", process.returncode
            )
            while await playback.next_audio() is not None:
                pass
        finally:
            await _stop(process)


async def _unless_stopped(playback: Playback, step: Awaitable[Any]) -> bool:
    """Await a step of playing, unless the playback is stopped first; whether it completed."""
    work = asyncio.ensure_future(step)
    stopped = asyncio.ensure_future(playback.stopped.wait())
    done, pending = await asyncio.wait((work, stopped), return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    if work in done:
        work.result()  # a broken pipe is raised here
        return True
    return False


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
