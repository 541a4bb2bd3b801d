"""Whisper decoding for voice commands: the audio encoded once, over a window that fits it.

Whisper is trained on 30 s windows, and faster-whisper always encodes 30 s, however short
the speech. A command lasts a few seconds: CTranslate2 encodes a shorter window as well,
and 10 s or more around a command transcribe it as well as 30 s here (tiny.en, espeak-ng
accents and Piper), at a fifth to a tenth of the encoder's time, which is most of the cost
of a transcript on a small machine. Now and then the short window makes Whisper say the
command twice or more; such a loop is decoded again over the full 30 s. Decoding is greedy
or beam search as asked, without timestamps and without the temperature fallback; the
prompt carries the home's names.
A satellite streams from the moment it heard its wake word, so a command often starts
loud in its first frame; without silence before it, Whisper says such a command twice over
the short window (9 of 20 cuts of "hey jarvis, switch on the kitchen light" measured here)
and the full 30 s had to be decoded again. So a loop is first decoded again over the short
window with the silence before the first sound topped up to 0.5 s (63 cuts of three
commands in three accents: 5 loops with 0.3 s, none with 0.4 or 0.5 s); only audio that
looped is changed, since more silence changes what Whisper hears in other audio too.
Not before every decode of a satellite's stream either: such a stream often begins with the
wake word's last sound, which Whisper leaves out at the very start of the audio but, with
silence before it, hears as a word ("Turn off occasion Light" for "turn off the kitchen
light"). Whisper also restarts a command it has said and stops halfway ("Switch off,
Nurkachun Light. Switch off, N"): that counts as a loop too, and whatever still repeats
itself after every retry is cut back to its first saying, so no command is said twice.
The encoder output is kept for scoring candidate commands (candidates.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

import ctranslate2
import numpy as np
from faster_whisper import WhisperModel
from faster_whisper.tokenizer import Tokenizer

MIN_WINDOW_FRAMES = 1000  # 10 s
_SPARE_FRAMES = 100  # 1 s of silence after the audio, at least
_PROMPT_TOKENS = 223  # Whisper's prompt window, less the start token
_TOKENS_PER_SECOND = 8  # far above speech; a bound on runaway repetition
_MAX_TOKENS = 448  # Whisper's text context: the prompt, the start tokens and what is said
_LEAD_IN_SAMPLES = 8000  # 0.5 s of silence before the first sound, at least
_QUIET = 60 / 32768  # about -55 dBFS, as stt.py's floor


@dataclass(frozen=True)
class Encoded:
    """One utterance through the encoder, and what decoding it needs."""

    output: ctranslate2.StorageView
    frames: int  # mel frames of the audio itself (the encoder halves them)
    window: int  # mel frames encoded
    tokenizer: Tokenizer
    start: list[int]  # prompt and start tokens


class Score(NamedTuple):
    """Whisper's log probability of a text given the audio, and the text's tokens."""

    total: float
    tokens: int

    @property
    def per_token(self) -> float:
        return self.total / max(self.tokens, 1)


class Decoder:
    """Encodes and decodes with one faster-whisper model's CTranslate2 Whisper."""

    def __init__(self, model: WhisperModel) -> None:
        self._model = model
        self._max_frames = model.feature_extractor.nb_max_frames

    @cache  # noqa: B019 - one per language, for the life of the model
    def tokenizer(self, language: str) -> Tokenizer:
        whisper = self._model.model
        return Tokenizer(
            self._model.hf_tokenizer, whisper.is_multilingual, task="transcribe", language=language
        )

    def transcribe(
        self,
        audio: np.ndarray,
        language: str | None,
        prompt: str | None,
        beam_size: int,
    ) -> tuple[Encoded, str]:
        """float32 16 kHz audio to text, over a short window; when that made Whisper loop
        ("turn on the light turn on the light"), again with silence before the speech, and
        over the full 30 s if it still loops."""
        features = self._model.feature_extractor(audio)
        encoded = self._encode(features, language, prompt, full=False)
        text = self._generate(encoded, beam_size)
        if _looped(text) and (lead_in := _with_lead_in(audio)) is not audio:
            features = self._model.feature_extractor(lead_in)
            encoded = self._encode(features, language, prompt, full=False)
            text = self._generate(encoded, beam_size)
        if _looped(text) and encoded.window < self._max_frames:
            encoded = self._encode(features, language, prompt, full=True)
            text = self._generate(encoded, beam_size)
        return encoded, said_once(text)

    def _encode(
        self, features: np.ndarray, language: str | None, prompt: str | None, *, full: bool
    ) -> Encoded:
        frames = min(features.shape[-1], self._max_frames)
        window = min(self._max_frames, max(MIN_WINDOW_FRAMES, frames + _SPARE_FRAMES))
        window = self._max_frames if full else -(-window // 100) * 100  # whole seconds
        padded = np.zeros((features.shape[0], window), np.float32)
        padded[:, :frames] = features[:, :frames]
        output = self._model.encode(padded)
        if language is None:
            language = self._detect_language(output)
        tokenizer = self.tokenizer(language)
        start = [*tokenizer.sot_sequence, tokenizer.no_timestamps]
        if prompt:
            prompt_tokens = tokenizer.encode(" " + prompt.strip())[-_PROMPT_TOKENS:]
            start = [tokenizer.sot_prev, *prompt_tokens, *start]
        return Encoded(output, frames, window, tokenizer, start)

    def _detect_language(self, output: ctranslate2.StorageView) -> str:
        """The likeliest language of a multilingual model; English for an English one."""
        if not self._model.model.is_multilingual:
            return "en"
        token, _probability = self._model.model.detect_language(output)[0][0]
        return token[2:-2]  # "<|de|>"

    def _generate(self, encoded: Encoded, beam_size: int) -> str:
        seconds = encoded.frames / 100
        # CTranslate2 counts the prompt of names and the start tokens in max_length: what is
        # said gets its own allowance on top of them.
        said = int(seconds * _TOKENS_PER_SECOND) + 16
        result = self._model.model.generate(
            encoded.output,
            [encoded.start],
            beam_size=beam_size,
            max_length=min(_MAX_TOKENS, len(encoded.start) + said),
            suppress_blank=True,
            suppress_tokens=[-1],
        )[0]
        tokenizer = encoded.tokenizer
        return tokenizer.decode([t for t in result.sequences_ids[0] if t < tokenizer.eot]).strip()

    def scores(self, encoded: Encoded, texts: list[str]) -> list[Score]:
        """Log probability of each text's tokens given the audio, in one batch."""
        tokenizer = encoded.tokenizer
        tokens = [tokenizer.encode(" " + text.strip()) for text in texts]
        batch = ctranslate2.StorageView.from_array(
            np.ascontiguousarray(np.repeat(np.array(encoded.output), len(texts), axis=0))
        )
        frames = [encoded.frames // 2] * len(texts)
        aligned = self._model.model.align(batch, encoded.start, tokens, frames)
        return [
            Score(float(np.log(np.maximum(r.text_token_probs, 1e-12)).sum()), len(t))
            for r, t in zip(aligned, tokens, strict=True)
        ]


def _with_lead_in(audio: np.ndarray) -> np.ndarray:
    """The audio with at least _LEAD_IN_SAMPLES of silence before its first sound."""
    sound = np.flatnonzero(np.abs(audio[:_LEAD_IN_SAMPLES]) >= _QUIET)
    quiet = int(sound[0]) if sound.size else min(audio.size, _LEAD_IN_SAMPLES)
    if quiet >= _LEAD_IN_SAMPLES:
        return audio
    return np.concatenate((np.zeros(_LEAD_IN_SAMPLES - quiet, audio.dtype), audio))


_WORD = re.compile(r"[\w']+")


def _looped(text: str) -> bool:
    """Whisper looping: the same two or more words twice in a row at the end, or the text
    starting over after a sentence and stopping anywhere."""
    said = [w.lower() for w in _WORD.findall(text)]
    return (
        any(said[-n:] == said[-2 * n : -n] for n in range(2, len(said) // 2 + 1))
        or _restart(text) is not None
    )


def _restart(text: str) -> int | None:
    """Where a sentence starts the text over and goes on repeating it (two words at least,
    the last perhaps cut short), as a character offset: "Switch off the light. Switch off
    the l" → 22. None when the text says everything once."""
    spans = [m.span() for m in _WORD.finditer(text)]
    said = [text[a:b].lower() for a, b in spans]
    for start in range(1, len(said) - 1):
        if not text[spans[start - 1][1] : spans[start][0]].strip().endswith((".", "!", "?")):
            continue
        period = start
        if all(said[i] == said[i % period] for i in range(start, len(said) - 1)) and said[
            (len(said) - 1) % period
        ].startswith(said[-1]):
            return spans[start][0]
    return None


def said_once(text: str) -> str:
    """The text without what repeats it: a loop that survived every retry is cut back to its
    first saying ("Turn on the light. Turn on the light." → "Turn on the light.")."""
    cut = _restart(text)
    return text if cut is None else text[:cut].rstrip()
