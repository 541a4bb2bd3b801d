"""Speech-to-text with faster-whisper, fed numpy audio straight from the socket.

Latency is what a voice command feels like, so an utterance starts decoding while the
user is still there: once the speech has been followed by a short pause, the speech so far
is transcribed in the background. When the stream then ends without new speech, that
transcript is the answer and the client hears back at once. The audio is never trimmed:
Whisper hears exactly what the client sent (over a window that fits it, decoder.py).
A client that decides the end of speech itself hears about each pause (endpoint.py).
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from faster_whisper import WhisperModel
from faster_whisper.tokenizer import _LANGUAGE_CODES

from .candidates import pick
from .decode_order import DecodeOrder
from .decoder import Decoder, Encoded
from .endpoint import Endpointer
from .memory import give_back_freed_memory

_LOGGER = logging.getLogger(__name__)

RATE = 16_000
_FRAME = 480  # 30 ms energy frames
_FLOOR_RMS = 60.0  # about -55 dBFS: quieter frames never count as speech
_BELOW_PEAK = 1 / 31.6  # frames more than 30 dB under the loudest one are background
_PAUSE_FRAMES = 10  # a 300 ms pause after speech starts a speculative decode
_MIN_SPEECH_FRAMES = 3
# How long a partial transcript's client may take to say it is the whole command (the
# integration answers within a few ms) before the candidates are weighed on it anyway.
_VERDICT_SECONDS = 0.05
_PROMPT_CHARS = 600  # Whisper's prompt holds ~224 tokens

WHISPER_LANGUAGES: tuple[str, ...] = tuple(_LANGUAGE_CODES)
"""Every language a multilingual Whisper knows (faster-whisper's list of its codes)."""
# Home Assistant's codes that Whisper spells otherwise.
_WHISPER_CODES = {"nb": "no"}


@dataclass(frozen=True)
class Request:
    """What the client asked for, besides the audio."""

    language: str | None = None
    names: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()
    beam_size: int | None = None
    candidates: tuple[str, ...] = ()  # commands of the home (see candidates.py)
    candidate_groups: tuple[int, ...] = ()  # which candidates mean the same, one each
    after_wake_word: bool = False  # the stream starts right after a wake word (decoder.py)


class SpeechToText:
    """One faster-whisper model, loaded once and shared by all clients."""

    def __init__(
        self,
        model_dir: Path,
        *,
        name: str,
        threads: int,
        workers: int,
        beam_size: int = 1,
    ) -> None:
        self.name = name
        self._model = WhisperModel(
            str(model_dir),
            device="cpu",
            compute_type="int8",
            cpu_threads=threads,
            num_workers=workers,
            local_files_only=True,
        )
        self.multilingual = bool(self._model.model.is_multilingual)
        self.languages = tuple(self._model.supported_languages)  # ("en",) for tiny.en
        self.beam_size = beam_size
        self._decoder = Decoder(self._model)

    def warm_up(self) -> None:
        tone = (np.sin(np.arange(RATE) * 2 * np.pi * 220 / RATE) * 3000).astype(np.int16)
        self.transcribe(tone, Request(language="en"))

    def transcribe(self, samples: np.ndarray, request: Request) -> str:
        """Transcribe 16 kHz int16 samples: what Whisper heard, or the candidate command it
        finds as likely. Blocking: run it in an executor."""
        return self.weigh(self.listen(samples, request), request)

    def listen(self, samples: np.ndarray, request: Request) -> Listened:
        """What Whisper hears freely. Blocking: run it in an executor."""
        language = whisper_language(request.language) if self.multilingual else "en"
        audio = samples.astype(np.float32) / 32768.0
        beam_size = request.beam_size or self.beam_size
        encoded, free = self._decoder.transcribe(audio, language, _prompt(request), beam_size)
        return Listened(encoded, free)

    def weigh(self, listened: Listened, request: Request) -> str:
        """The transcript: the candidate command Whisper finds as likely as what it heard,
        or that (candidates.py). Blocking: run it in an executor."""
        if not request.candidates:
            return listened.free
        return pick(
            self._decoder,
            listened.encoded,
            listened.free,
            request.candidates,
            request.candidate_groups,
        )


@dataclass(frozen=True)
class Listened:
    """What Whisper heard freely (`free`), and the audio as encoded, on which candidate
    commands are weighed. A partial transcript reports `free`: over audio cut at a pause, a
    shorter whole command scores as likely as the words so far ("The Hallway Light." for
    "Set the hallway light to"), and would end a command that goes on."""

    encoded: Encoded
    free: str


def whisper_language(language: str | None) -> str | None:
    """Whisper's code for a client's language ("de-DE" → "de", "nb" → "no"); None if unsaid."""
    if not language:
        return None
    code = language.replace("_", "-").split("-")[0].lower()
    return _WHISPER_CODES.get(code, code)


def _prompt(request: Request) -> str | None:
    """Names and terms of the household's home, to bias recognition towards them."""
    prompt = ""
    for raw in (*request.names, *request.terms):
        phrase = " ".join(raw.split())
        if not phrase or phrase.lower() in prompt.lower():
            continue
        candidate = f"{prompt}, {phrase}" if prompt else phrase
        if len(candidate) > _PROMPT_CHARS:
            break
        prompt = candidate
    return f"{prompt}." if prompt else None


@dataclass
class _Guess:
    """A speculative decode: the speech up to `last_loud` heard freely, then (later) the
    home's candidate commands weighed on it."""

    last_loud: int
    listened: asyncio.Future[Listened]
    weighed: asyncio.Future[str] | None = None
    waiting: asyncio.TimerHandle | None = None  # until the candidates are weighed

    def drop_weighing(self) -> None:
        if self.waiting is not None:
            self.waiting.cancel()
        if self.weighed is not None:
            self.weighed.cancel()  # a weighing already running finishes unread


class Utterance:
    """One client's audio for one transcription, with speculative decoding.

    A guess is heard freely first; a client that decides the end of speech (endpoint.py)
    gets that as a partial transcript at once. Weighing the home's candidate commands on it
    (candidates.py) costs about as much again, and waits `_VERDICT_SECONDS` for the client's
    verdict: a client that takes the partial as the whole command ends the stream with
    `as_heard` (`finish`), and the weighing never runs. Otherwise it runs while the client
    waits out its longer pauses, and the transcript is ready when the stream ends."""

    def __init__(
        self,
        stt: SpeechToText,
        order: DecodeOrder,
        request: Request,
        max_samples: int,
        endpointer: Endpointer | None = None,
    ) -> None:
        self._stt = stt
        self._endpointer = endpointer
        self._pause_frames = endpointer.pauses.partial if endpointer else _PAUSE_FRAMES
        self._order = order
        self._request = request
        self._max_samples = max_samples
        self._chunks: list[np.ndarray] = []
        self._samples = 0
        self._tail = np.zeros(0, dtype=np.int16)
        self._rms: list[float] = []
        self._peak = 0.0
        self._last_loud = -1
        self._loud_count = 0
        self._guess: _Guess | None = None
        self.speculative_hits = 0
        self.speculations = 0
        self.taken_as_heard = 0
        self._finished = False
        self._discarded = False

    @property
    def seconds(self) -> float:
        return self._samples / RATE

    def add(self, samples: np.ndarray) -> bool:
        """Add audio; False when the utterance would exceed its length limit."""
        if self._samples + samples.size > self._max_samples:
            return False
        self._chunks.append(samples)
        self._samples += samples.size
        frames = np.concatenate((self._tail, samples))
        whole = frames.size - frames.size % _FRAME
        self._tail = frames[whole:]
        for frame in frames[:whole].reshape(-1, _FRAME):
            self._add_frame(float(np.sqrt(np.mean(frame.astype(np.float32) ** 2))))
        return True

    def _add_frame(self, rms: float) -> None:
        self._rms.append(rms)
        self._peak = max(self._peak, rms)
        if rms >= max(_FLOOR_RMS, self._peak * _BELOW_PEAK):
            self._last_loud = len(self._rms) - 1
            self._loud_count += 1
            if self._endpointer and self._loud_count >= _MIN_SPEECH_FRAMES:
                self._endpointer.speech(self._last_loud)
            return
        paused = len(self._rms) - 1 - self._last_loud
        if self._loud_count < _MIN_SPEECH_FRAMES:
            return
        if paused == self._pause_frames:
            self._speculate()
        if self._endpointer:
            self._endpointer.pause(paused, self._last_loud)

    def _audio(self, end: int) -> np.ndarray:
        """Samples [0, end): all of it, untrimmed (trimming costs accuracy)."""
        if len(self._chunks) > 1:
            self._chunks = [np.concatenate(self._chunks)]
        return self._chunks[0][:end].copy()

    def _current(self, guess: _Guess) -> bool:
        """Whether the guess still hears all the speech there is (nobody spoke since)."""
        return not self._discarded and self._last_loud == guess.last_loud

    def _speculate(self) -> None:
        """Speech, then a pause: hear what we have while the client is still streaming.
        A guess is dropped before it starts if speech resumed meanwhile (decode_order.py):
        it would be stale."""
        if self._guess is not None and not self._guess.listened.done():
            return  # one guess at a time; when it is done, _guessed catches up
        audio, request, last_loud = (
            self._audio(len(self._rms) * _FRAME),
            self._request,
            self._last_loud,
        )
        listened = self._order.submit(
            lambda: self._stt.listen(audio, request),
            final=False,
            wanted=lambda: not self._discarded and self._last_loud == last_loud,
        )
        guess = self._guess = _Guess(last_loud, listened)
        self.speculations += 1
        began = time.monotonic()
        listened.add_done_callback(
            lambda _: _LOGGER.debug(
                "Speculative decode %d took %.0f ms",
                self.speculations,
                (time.monotonic() - began) * 1000,
            )
        )
        if self._endpointer:
            self._endpointer.partial(self._last_loud, listened)
        listened.add_done_callback(lambda _: self._guessed(guess))

    def _guessed(self, guess: _Guess) -> None:
        """A guess was heard: weigh the candidates on it (after the client's verdict, when
        one may come); if the client spoke again and paused meanwhile, guess again."""
        listened = guess.listened
        if self._finished or guess is not self._guess or listened.cancelled():
            return
        if listened.exception() is not None:
            return  # finish() raises it
        if not self._current(guess):
            if len(self._rms) - 1 - self._last_loud >= self._pause_frames:
                self._speculate()
            return
        if self._endpointer is None:
            self._weigh(guess)
        else:
            loop = asyncio.get_running_loop()
            guess.waiting = loop.call_later(_VERDICT_SECONDS, self._weigh, guess)

    def _weigh(self, guess: _Guess, *, final: bool = False) -> asyncio.Future[str]:
        """Weigh the candidates on a guess heard (once)."""
        if guess.weighed is None and not self._request.candidates:
            guess.weighed = asyncio.get_running_loop().create_future()
            guess.weighed.set_result(guess.listened.result().free)
        elif guess.weighed is None:
            listened, request = guess.listened.result(), self._request
            guess.weighed = self._order.submit(
                lambda: self._stt.weigh(listened, request),
                final=final,
                wanted=lambda: self._current(guess),
            )
        elif final:
            self._order.promote(guess.weighed)
        return guess.weighed

    async def finish(self, as_heard: str | None = None) -> str:
        """The transcript of everything added. `as_heard`: the partial transcript the client
        takes for the whole command; when nothing was said after it, it is the transcript,
        without weighing the candidates."""
        started = time.monotonic()
        self._finished = True
        if self._endpointer:
            self._endpointer.close()
        if self._tail.size:
            self._add_frame(float(np.sqrt(np.mean(self._tail.astype(np.float32) ** 2))))
        if self._loud_count < _MIN_SPEECH_FRAMES:
            _LOGGER.debug("No speech in %.1f s of audio", self.seconds)
            return ""
        guess = self._guess
        if guess is not None and self._current(guess):
            # Nothing but silence since the guess was started: the guess is the answer.
            self.speculative_hits += 1
            self._order.promote(guess.listened)
            listened = await guess.listened
            if as_heard is not None and as_heard == listened.free:
                self.taken_as_heard += 1
                guess.drop_weighing()
                text = listened.free
            else:
                if guess.waiting is not None:
                    guess.waiting.cancel()
                text = await self._weigh(guess, final=True)
        else:
            audio, request = self._audio(self._samples), self._request
            text = await self._order.submit(
                lambda: self._stt.transcribe(audio, request), final=True
            )
        self._order.tidy_up(give_back_freed_memory)  # after the decode, not awaited
        how = " (speculative)" if self.speculative_hits else ""
        if self.taken_as_heard:
            how = " (speculative, as heard)"
        _LOGGER.debug(
            "Transcribed %.1f s of audio (%d characters) %.0f ms after the end of the stream%s%s",
            self.seconds,
            len(text),
            (time.monotonic() - started) * 1000,
            how,
            " after a wake word" if self._request.after_wake_word else "",
        )
        return text

    def discard(self) -> None:
        """Forget the audio (the client went away or the request was refused)."""
        self._chunks.clear()
        if self._guess is not None:
            self._guess.drop_weighing()
        self._guess = None
        self._finished = True
        self._discarded = True
        if self._endpointer:
            self._endpointer.close()
