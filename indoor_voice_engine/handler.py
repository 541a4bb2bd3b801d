"""One Wyoming connection: describe, transcribe, detect, synthesize, ping.

Nothing a client sends is written anywhere or logged; logs carry counts and timings only.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Generator
from typing import Any

import numpy as np
from wyoming.asr import Transcript
from wyoming.audio import AudioChunk, AudioStart, AudioStop
from wyoming.error import Error
from wyoming.event import Event, async_write_event
from wyoming.info import Describe
from wyoming.ping import Ping, Pong
from wyoming.wake import Detection, NotDetected

from indoor_voice_link.refusals import RefusalLog

from .audio import AudioFormatError, Format, ToSpeechFormat, parse_format
from .candidates import MAX_CANDIDATES
from .endpoint import Endpointer, EndpointingError, Pauses
from .engine import Engine
from .framing import FrameError, Progress, read_event
from .stt import Request, Utterance
from .tts import Voice, sentences, split_complete
from .wake import STEP_SAMPLES, WakeWordStream

_LOGGER = logging.getLogger(__name__)

_AUDIO_CHUNK_SAMPLES = 4096  # ~190 ms of Piper audio per event


class BadRequest(Exception):
    """The client asked for something the engine refuses; the connection stays usable."""

    def __init__(self, code: str, text: str) -> None:
        super().__init__(text)
        self.code = code
        self.text = text


class _Synthesis:
    """Text streamed in with synthesize-start/-chunk/-stop, spoken sentence by sentence."""

    def __init__(self, handler: ConnectionHandler, voice: Voice, speaker: str | None) -> None:
        self.voice = voice
        self.speaker = speaker
        self.pending = ""
        self.received = 0
        self.sentences: asyncio.Queue[str | None] = asyncio.Queue()
        self.task = asyncio.create_task(handler.speak_queue(self), name="indoor-voice synthesis")


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
        self._limits = engine.limits
        self.limits = engine.limits
        self._reader = reader
        self._writer = writer
        self._write_lock = asyncio.Lock()
        self._stt_request: Request | None = None
        self._pauses: Pauses | None = None  # the client decides the end of speech
        self._detect_names: list[str] | None = None
        self._mode: str | None = None  # "transcribe" or "detect" while audio flows
        self._format: Format | None = None
        self._converter: ToSpeechFormat | None = None
        self._utterance: Utterance | None = None
        self._wake_stream: WakeWordStream | None = None
        self._detections = 0
        self._synthesis: _Synthesis | None = None

    # -- connection ------------------------------------------------------------------

    @property
    def in_request(self) -> bool:
        """True while an audio stream or a synthesis is under way."""
        return self._mode is not None or self._synthesis is not None

    @property
    def has_unread_input(self) -> bool:
        """True if the client has sent bytes not read yet: it is asking for something."""
        return bool(getattr(self._reader, "_buffer", b""))  # StreamReader has no public peek

    async def run(self) -> None:
        try:
            while True:
                idle = self._limits.request_idle_timeout if self.in_request else None
                try:
                    event = await read_event(
                        self._reader, self._limits, idle or self._limits.idle_timeout, self.progress
                    )
                except FrameError as err:
                    self._refusals.refused(self._source, f"bad frame ({err.code})")
                    await self._send_error(err.code, err.text)
                    await self._linger()
                    return
                except TimeoutError:
                    _LOGGER.debug("Closing an idle connection")
                    return
                if event is None:
                    return
                try:
                    await self._handle(event)
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

    async def _cleanup(self) -> None:
        self._reset_audio()
        if self._synthesis is not None:
            self._synthesis.task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._synthesis.task
            self._synthesis = None
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
        async with self._write_lock, asyncio.timeout(self._limits.write_timeout):
            await async_write_event(event, self._writer)

    async def _send_error(self, code: str, text: str) -> None:
        with contextlib.suppress(ConnectionError, TimeoutError):
            await self.write(Error(text=text, code=code).event())

    # -- dispatch --------------------------------------------------------------------

    async def _handle(self, event: Event) -> None:
        kind = event.type
        data = event.data
        if Describe.is_type(kind):
            await self.write(self._engine.info().event())
        elif Ping.is_type(kind):
            await self.write(Pong(text=_optional_str(data, "text")).event())
        elif kind == "transcribe":
            self._start_transcribe(data)
        elif kind == "detect":
            self._start_detect(data)
        elif AudioStart.is_type(kind):
            self._audio_start(data)
        elif AudioChunk.is_type(kind):
            await self._audio_chunk(data, event.payload or b"")
        elif AudioStop.is_type(kind):
            await self._audio_stop()
        elif kind == "synthesize":
            await self._synthesize(data)
        elif kind == "synthesize-start":
            self._synthesize_start(data)
        elif kind == "synthesize-chunk":
            self._synthesize_chunk(data)
        elif kind == "synthesize-stop":
            self._synthesize_stop()
        else:
            # Wyoming peers drop events they do not know (e.g. select-program).
            _LOGGER.debug("Ignoring event type %s", kind[:40])

    # -- speech-to-text and wake word --------------------------------------------------

    def _start_transcribe(self, data: dict[str, Any]) -> None:
        if self._engine.stt is None:
            raise BadRequest("not-available", "this engine does not serve speech-to-text")
        self._reset_audio()
        names = _str_list(data, "transcript_names")
        terms = _str_list(data, "transcript_terms")
        beam_size = data.get("beam_size")
        if beam_size is not None and (not isinstance(beam_size, int) or not 1 <= beam_size <= 10):
            raise BadRequest("bad-request", "beam_size must be an integer from 1 to 10")
        candidates = _str_list(data, "candidates")
        if len(candidates) > MAX_CANDIDATES or any(len(c) > 200 for c in candidates):
            raise BadRequest(
                "too-long", f"at most {MAX_CANDIDATES} candidates of 200 characters each"
            )
        self._stt_request = Request(
            language=_optional_str(data, "language"),
            names=tuple(names),
            terms=tuple(terms),
            beam_size=beam_size,
            candidates=tuple(candidates),
        )
        try:
            self._pauses = Pauses.parse(data.get("endpointing"))
        except EndpointingError as err:
            raise BadRequest("bad-request", str(err)) from err
        self._mode = "transcribe"

    def _start_detect(self, data: dict[str, Any]) -> None:
        wake = self._engine.wake
        if wake is None:
            raise BadRequest("not-available", "this engine does not serve wake word detection")
        self._reset_audio()
        names = _str_list(data, "names") or None
        if names is not None:
            unknown = [n for n in names if n not in wake.words]
            if unknown:
                raise BadRequest(
                    "unknown-model",
                    f"unknown wake word {unknown[0]!r}; installed: {', '.join(wake.words)}",
                )
        self._detect_names = names
        self._mode = "detect"

    def _audio_start(self, data: dict[str, Any]) -> None:
        fmt = parse_format(data, self._limits)
        if self._mode is None:
            # A bare audio stream means "transcribe" (what plain ASR clients send).
            if self._engine.stt is not None:
                self._start_transcribe({})
            else:
                self._start_detect({})
        self._begin_stream(fmt)

    def _begin_stream(self, fmt: Format) -> None:
        engine = self._engine
        self._format = fmt
        self._converter = ToSpeechFormat()
        if self._mode == "transcribe":
            assert engine.stt is not None and self._stt_request is not None
            max_samples = int(self._limits.max_utterance_seconds * 16_000)
            endpointer = Endpointer(self._pauses, self.write) if self._pauses else None
            self._utterance = Utterance(
                engine.stt, engine.stt_pool, self._stt_request, max_samples, endpointer
            )
        else:
            assert engine.wake is not None
            self._wake_stream = engine.wake.new_stream(
                self._detect_names, engine.settings.wake_threshold, engine.settings.wake_refractory
            )
            self._detections = 0

    async def _audio_chunk(self, data: dict[str, Any], payload: bytes) -> None:
        fmt = parse_format(data, self._limits)
        if self._converter is None:
            # Chunks without audio-start carry their own format.
            self._audio_start(data)
        elif fmt != self._format:
            raise AudioFormatError("audio format changed in the middle of a stream")
        assert self._converter is not None
        samples = self._converter.convert(fmt, payload)
        if self._utterance is not None:
            if not self._utterance.add(samples):
                raise BadRequest(
                    "too-long",
                    f"utterance exceeds {self._limits.max_utterance_seconds:.0f} seconds",
                )
        elif self._wake_stream is not None:
            await self._detect(samples, _optional_int(data, "timestamp"))

    async def _detect(self, samples: np.ndarray, client_timestamp: int | None) -> None:
        stream = self._wake_stream
        assert stream is not None
        if stream.buffered + samples.size < STEP_SAMPLES:
            # Not a whole 80 ms step yet: only buffering, no model runs; skip the thread hop.
            detections = stream.process(samples)
        else:
            loop = asyncio.get_running_loop()
            detections = await loop.run_in_executor(self._engine.wake_pool, stream.process, samples)
        for found in detections:
            self._detections += 1
            _LOGGER.debug("Wake word %s detected (score %.2f)", found.name, found.score)
            timestamp = client_timestamp if client_timestamp is not None else found.timestamp_ms
            await self.write(Detection(name=found.name, timestamp=timestamp).event())

    async def _audio_stop(self) -> None:
        if self._utterance is not None:
            utterance = self._utterance
            self._utterance = None
            text = await utterance.finish()
            self._reset_audio()
            await self.write(Transcript(text=text).event())
        elif self._wake_stream is not None:
            detected = self._detections
            self._reset_audio()
            if not detected:
                await self.write(NotDetected().event())
        else:
            self._reset_audio()

    def _reset_audio(self) -> None:
        if self._utterance is not None:
            self._utterance.discard()
        self._utterance = None
        self._wake_stream = None
        self._converter = None
        self._format = None
        self._mode = None

    # -- text-to-speech ------------------------------------------------------------------

    def _voice(self, data: dict[str, Any]) -> tuple[Voice, str | None]:
        tts = self._engine.tts
        if tts is None:
            raise BadRequest("not-available", "this engine does not serve text-to-speech")
        voice_data = data.get("voice") or {}
        if not isinstance(voice_data, dict):
            raise BadRequest("bad-request", "voice must be an object")
        name = _optional_str(voice_data, "name")
        voice = tts.pick(name, _optional_str(voice_data, "language"))
        if voice is None:
            raise BadRequest(
                "unknown-model", f"unknown voice {name!r}; installed: {', '.join(tts.voices)}"
            )
        return voice, _optional_str(voice_data, "speaker")

    def _text(self, data: dict[str, Any], already: int = 0) -> str:
        text = data.get("text")
        if not isinstance(text, str):
            raise BadRequest("bad-request", "text must be a string")
        if already + len(text) > self._limits.max_text_chars:
            raise BadRequest("too-long", f"text exceeds {self._limits.max_text_chars} characters")
        return text

    async def _synthesize(self, data: dict[str, Any]) -> None:
        if self._synthesis is not None:
            return  # the compatibility copy of a streamed request; the stream speaks it
        text = self._text(data)
        voice, speaker = self._voice(data)
        await self._speak(voice, speaker, text)

    def _synthesize_start(self, data: dict[str, Any]) -> None:
        if self._synthesis is not None:
            raise BadRequest("bad-request", "a synthesis stream is already open")
        voice, speaker = self._voice(data)
        self._synthesis = _Synthesis(self, voice, speaker)

    def _synthesize_chunk(self, data: dict[str, Any]) -> None:
        synthesis = self._synthesis
        if synthesis is None:
            raise BadRequest("bad-request", "synthesize-chunk without synthesize-start")
        text = self._text(data, synthesis.received)
        synthesis.received += len(text)
        complete, synthesis.pending = split_complete(synthesis.pending + text)
        for sentence in complete:
            synthesis.sentences.put_nowait(sentence)

    def _synthesize_stop(self) -> None:
        synthesis = self._synthesis
        if synthesis is None:
            raise BadRequest("bad-request", "synthesize-stop without synthesize-start")
        if synthesis.pending.strip():
            synthesis.sentences.put_nowait(synthesis.pending)
        synthesis.sentences.put_nowait(None)

    async def speak_queue(self, synthesis: _Synthesis) -> None:
        """Speak streamed sentences as they complete; then say synthesize-stopped."""
        try:
            while (sentence := await synthesis.sentences.get()) is not None:
                await self._speak(synthesis.voice, synthesis.speaker, sentence)
            await self.write(Event(type="synthesize-stopped"))
        except (ConnectionError, TimeoutError):
            _LOGGER.debug("Client went away during synthesis")
        finally:
            if self._synthesis is synthesis:
                self._synthesis = None

    async def _speak(self, voice: Voice, speaker: str | None, text: str) -> None:
        """Send audio-start, the audio of each sentence as soon as it exists, audio-stop."""
        loop = asyncio.get_running_loop()
        pool = self._engine.tts_pool
        generator: Generator[np.ndarray, None, None] = sentences(voice, text, speaker)
        fmt = {"rate": voice.rate, "width": 2, "channels": 1}
        await self.write(AudioStart(**fmt).event())
        try:
            while (audio := await loop.run_in_executor(pool, next, generator, None)) is not None:
                for start in range(0, audio.size, _AUDIO_CHUNK_SAMPLES):
                    piece = audio[start : start + _AUDIO_CHUNK_SAMPLES]
                    await self.write(AudioChunk(audio=piece.tobytes(), **fmt).event())
        finally:
            with contextlib.suppress(ValueError):  # still running in the pool if cancelled
                generator.close()
        await self.write(AudioStop().event())


def _optional_str(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise BadRequest("bad-request", f"{key} must be a string")
    return value


def _optional_int(data: dict[str, Any], key: str) -> int | None:
    value = data.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _str_list(data: dict[str, Any], key: str) -> list[str]:
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise BadRequest("bad-request", f"{key} must be a list of strings")
    return value
