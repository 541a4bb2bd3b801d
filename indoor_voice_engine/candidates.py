"""Commands the home knows, recognised by Whisper itself.

A client may send candidate sentences with a transcription (the integration sends the
commands Home Assistant understands for the household's exposed entities). The audio is
encoded once; Whisper transcribes it freely (greedy, as faster-whisper does without
timestamps), then scores the few candidates nearest to that transcript, and the free
transcript itself, by the probability of their tokens given the audio. A candidate wins
when Whisper finds it about as likely as what it wrote freely: "Going off in the Hallway
Light" becomes "Turn off the Hallway Light", while a question that is no home command
stays as it was heard. The acoustic model decides, not string distance; string distance
only picks which few candidates are worth scoring.
"""

from __future__ import annotations

import difflib
import re

import ctranslate2
import numpy as np
from faster_whisper import WhisperModel
from faster_whisper.tokenizer import Tokenizer

MAX_CANDIDATES = 400  # what a client may send
_SHORTLIST = 6  # candidates scored by Whisper
# A candidate may be this much less likely (natural log) than the free transcript and still
# win: Whisper's free guess is the likeliest path token by token, not the likeliest sentence.
# Measured with tiny.en on espeak-ng accents: the right command scores 5-7 below a misheard
# free transcript, the next candidate 10 or more below the right one.
_MARGIN = 8.0
_CLEAR = 2.0  # and the winner must stand this far above the runner-up
_MAX_TOKENS = 120
_PROMPT_TOKENS = 223  # Whisper's prompt window, less the start token


def words(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9']+", text.lower()))


def decode(
    model: WhisperModel,
    audio: np.ndarray,
    language: str | None,
    prompt: str | None,
    candidates: tuple[str, ...],
    beam_size: int,
) -> str:
    """The free transcript, or the candidate Whisper finds about as likely. Blocking."""
    whisper = model.model
    tokenizer = Tokenizer(
        model.hf_tokenizer,
        whisper.is_multilingual,
        task="transcribe",
        language=language or "en",
    )
    features = model.feature_extractor(audio)
    frames = min(features.shape[-1], model.feature_extractor.nb_max_frames)
    padded = np.zeros((features.shape[0], model.feature_extractor.nb_max_frames), np.float32)
    padded[:, :frames] = features[:, :frames]
    encoded = model.encode(padded)

    start = [*tokenizer.sot_sequence, tokenizer.no_timestamps]
    if prompt:
        start = [tokenizer.sot_prev, *tokenizer.encode(" " + prompt)[-_PROMPT_TOKENS:], *start]
    result = whisper.generate(
        encoded,
        [start],
        beam_size=beam_size,
        max_length=_MAX_TOKENS,
        suppress_blank=True,
        suppress_tokens=[-1],
    )[0]
    free = tokenizer.decode([t for t in result.sequences_ids[0] if t < tokenizer.eot]).strip()
    shortlist = _shortlist(free, candidates)
    if not shortlist:
        return free
    texts = [free, *shortlist]
    scores = _scores(whisper, tokenizer, encoded, start, texts, frames)
    ranked = sorted(range(1, len(texts)), key=lambda i: scores[i], reverse=True)
    best = ranked[0]
    runner_up = scores[ranked[1]] if len(ranked) > 1 else -np.inf
    if scores[best] >= scores[0] - _MARGIN and scores[best] >= runner_up + _CLEAR:
        return texts[best]
    return free


def _shortlist(free: str, candidates: tuple[str, ...]) -> list[str]:
    """The few candidates nearest the free transcript, word for word; none if it is one."""
    heard = words(free)
    if not heard:
        return []
    ratios = []
    for candidate in candidates:
        said = words(candidate)
        if said == heard:
            return []  # heard right already
        ratios.append((difflib.SequenceMatcher(None, heard, said).ratio(), candidate))
    ratios.sort(key=lambda pair: pair[0], reverse=True)
    return [candidate for ratio, candidate in ratios[:_SHORTLIST] if ratio >= 0.5]


def _scores(
    whisper: ctranslate2.models.Whisper,
    tokenizer: Tokenizer,
    encoded: ctranslate2.StorageView,
    start: list[int],
    texts: list[str],
    frames: int,
) -> list[float]:
    """Log probability of each text's tokens given the audio, in one batch."""
    tokens = [tokenizer.encode(" " + text.strip()) for text in texts]
    batch = ctranslate2.StorageView.from_array(
        np.ascontiguousarray(np.repeat(np.array(encoded), len(texts), axis=0))
    )
    aligned = whisper.align(batch, start, tokens, [frames // 2] * len(texts))
    return [float(np.log(np.maximum(r.text_token_probs, 1e-12)).sum()) for r in aligned]
