"""One Wyoming connection: reads events and hands each to the session it belongs to —
transcribe (transcribe.py), detect (detect.py), synthesize (synthesize.py) — and answers
describe and ping itself.

Nothing a client sends is written anywhere or logged; logs carry counts and timings only.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from wyoming.asr import Transcribe
from wyoming.audio import AudioChunk, AudioFormat, AudioStart, AudioStop
from wyoming.error import Error
from wyoming.event import Event, async_write_event
from wyoming.info import Describe
from wyoming.ping import Ping, Pong
from wyoming.tts import Synthesize, SynthesizeChunk, SynthesizeStart, SynthesizeStop
from wyoming.wake import Detect

from indoor_voice_net.refusals import RefusalLog

from .audio import AudioFormatError, ToSpeechFormat, parse_format
from .detect import DetectSession
from .engine import Engine
from .framing import Progress, read_event
from .info import engine_info
from .requests import BadRequest, optional_int, optional_str
from .synthesize import SynthesizeSession
from .transcribe import TranscribeSession

_LOGGER = logging.getLogger(__name__)

_GATHER_SECONDS = 0.06


class ConnectionHandler:
    """Reads events from one client and answers them."""

    def __init__(
        self,
        engine: Engine,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        refusals: RefusalLog,
        source: str,
    ) -> None:
        self._engine = engine
        self._refusals = refusals
        self._source = source
        self.progress = Progress()
        self.limits = engine.limits
        self._reader = reader
        self._writer = writer
        self._write_lock = asyncio.Lock()
        # What the audio is for (asked with transcribe or detect), and its format once it flows.
        self._audio: TranscribeSession | DetectSession | None = None
        self._format: AudioFormat | None = None
        self._converter: ToSpeechFormat | None = None
        self._synthesis = SynthesizeSession(engine, self.write)
        # A transcribe was refused (e.g. a language no model serves): the audio that follows
        # is dropped, never transcribed otherwise, and its audio-stop closes the connection
        # (Home Assistant's wyoming client waits for a transcript and ignores errors).
        self._refused_stream = False

    # -- connection ------------------------------------------------------------------

    @property
    def in_request(self) -> bool:
        """True while an audio stream or a synthesis is under way."""
        return self._audio is not None or self._synthesis.streaming

    @property
    def has_unread_input(self) -> bool:
        """True if the client has sent bytes not read yet: it is asking for something."""
        return bool(getattr(self._reader, "_buffer", b""))  # StreamReader has no public peek

    async def run(self) -> None:
        limits = self.limits
        try:
            while True:
                idle = limits.request_idle_timeout if self.in_request else None
                try:
                    event = await read_event(
                        self._reader, limits, idle or limits.idle_timeout, self.progress
                    )
                except BadRequest as err:  # not a valid frame: the stream is lost
                    self._refusals.refused(self._source, f"bad frame ({err.code})")
                    await self._send_error(err.code, err.text)
                    await self._linger()
                    return
                except TimeoutError:
                    _LOGGER.debug("Closing an idle connection")
                    return
                if event is None:
                    return
                if self._refused_stream and (step := self._after_refusal(event.type)):
                    if step == "close":
                        await self._linger()
                        return
                    continue  # the refused stream's audio
                try:
                    await self._handle(event)
                    if isinstance(self._audio, DetectSession) and not self.has_unread_input:
                        self._gather_audio()
                except BadRequest as err:
                    self._reset_audio()
                    await self._send_error(err.code, err.text)
                except AudioFormatError as err:
                    self._reset_audio()
                    await self._send_error("bad-audio", str(err))
        except (ConnectionError, TimeoutError, asyncio.IncompleteReadError):
            _LOGGER.debug("Client went away")
        except Exception as err:
            _LOGGER.error("Closing a connection after an internal error: %s", type(err).__name__)
            with contextlib.suppress(Exception):
                await self._send_error("internal", "the engine failed to handle this request")
        finally:
            await self._cleanup()

    def _gather_audio(self) -> None:
        """Let a wake word stream's next chunks gather in the socket for a moment, to be read
        in one go: each chunk read on its own wakes the process (a microphone sends 50 to 100
        a second), which cost more than the models. A detection comes at most that much
        later."""
        transport = self._writer.transport
        if not isinstance(transport, asyncio.ReadTransport):  # a TCP stream's always is
            return
        transport.pause_reading()
        asyncio.get_running_loop().call_later(_GATHER_SECONDS, transport.resume_reading)

    async def _cleanup(self) -> None:
        self._reset_audio()
        await self._synthesis.close()
        self._writer.close()
        with contextlib.suppress(Exception):
            await self._writer.wait_closed()

    async def _linger(self) -> None:
        """Half-close and drop what the client is still sending, so that our error reaches it
        instead of a reset (closing with unread input makes the kernel send RST)."""
        with contextlib.suppress(Exception):
            self._writer.write_eof()
            async with asyncio.timeout(2):
                for _ in range(64):
                    if not await self._reader.read(64 * 1024):
                        break

    async def write(self, event: Event) -> None:
        if self._writer.transport.is_closing():  # an aborted transport raises AttributeError
            raise ConnectionResetError("the connection is closed")
        async with self._write_lock, asyncio.timeout(self.limits.write_timeout):
            await async_write_event(event, self._writer)

    async def _send_error(self, code: str, text: str) -> None:
        with contextlib.suppress(ConnectionError, TimeoutError):
            await self.write(Error(text=text, code=code).event())

    # -- dispatch --------------------------------------------------------------------

    async def _handle(self, event: Event) -> None:
        kind, data = event.type, event.data
        if Describe.is_type(kind):
            await self.write(engine_info(self._engine).event())
        elif Ping.is_type(kind):
            await self.write(Pong(text=optional_str(data, "text")).event())
        elif Transcribe.is_type(kind):
            self._reset_audio()
            self._refused_stream = True  # until the session is ready
            session = TranscribeSession(self._engine, data, self.write)
            await session.prepare()
            self._refused_stream = False
            self._audio = session
        elif Detect.is_type(kind):
            self._reset_audio()
            self._audio = DetectSession(self._engine, data, self.write)
        elif AudioStart.is_type(kind):
            self._audio_start(data)
        elif AudioChunk.is_type(kind):
            await self._audio_chunk(event)
        elif AudioStop.is_type(kind):
            await self._audio_stop(data)
        elif Synthesize.is_type(kind):
            await self._synthesis.synthesize(data)
        elif SynthesizeStart.is_type(kind):
            await self._synthesis.start(data)
        elif SynthesizeChunk.is_type(kind):
            self._synthesis.chunk(data)
        elif SynthesizeStop.is_type(kind):
            self._synthesis.stop()
        else:
            # Wyoming peers drop events they do not know (e.g. select-program).
            _LOGGER.debug("Ignoring event type %s", kind[:40])

    def _after_refusal(self, kind: str) -> str | None:
        """While a transcribe is refused: "drop" its audio, "close" at its audio-stop;
        None (handle it) for any other event, which starts afresh."""
        if AudioStart.is_type(kind) or AudioChunk.is_type(kind):
            return "drop"
        if AudioStop.is_type(kind):
            return "close"
        self._refused_stream = False
        return None

    # -- audio: for a transcribe or a detect session ------------------------------------

    def _audio_start(self, data: dict[str, object]) -> None:
        fmt = parse_format(data, self.limits)
        if self._audio is None:
            # A bare audio stream means "transcribe" (what plain ASR clients send).
            if self._engine.stt is not None:
                self._audio = TranscribeSession(self._engine, {}, self.write)
            else:
                self._audio = DetectSession(self._engine, {}, self.write)
        self._format = fmt
        self._converter = ToSpeechFormat()
        self._audio.begin()

    async def _audio_chunk(self, event: Event) -> None:
        fmt = parse_format(event.data, self.limits)
        if self._converter is None:
            # Chunks without audio-start carry their own format.
            self._audio_start(event.data)
        elif fmt != self._format:
            raise AudioFormatError("audio format changed in the middle of a stream")
        assert self._converter is not None and self._audio is not None
        chunk = AudioChunk.from_event(event)  # the format is checked: it has rate, width, …
        samples = self._converter.convert(fmt, chunk.audio)
        await self._audio.feed(samples, optional_int(event.data, "timestamp"))

    async def _audio_stop(self, data: dict[str, Any]) -> None:
        session = self._audio if self._converter is not None else None
        if isinstance(session, TranscribeSession):
            answer = await session.finish(as_heard=optional_str(data, "as_heard"))
        else:
            answer = await session.finish() if session is not None else None
        self._reset_audio()
        if answer is not None:
            await self.write(answer)

    def _reset_audio(self) -> None:
        if self._audio is not None:
            self._audio.discard()
        self._audio = None
        self._converter = None
        self._format = None
