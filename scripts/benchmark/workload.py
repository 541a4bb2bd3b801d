"""The measured workload, interleaved: every utterance goes to our side and to the peer's
one right after the other (alternating who goes first), so that noise from other work on
the machine falls on both sides alike."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field

from .clients import SttResult, TtsResult, WakeClient, synthesize, transcribe
from .corpus import REPLIES, Clip, Corpus, warm_up_clip
from .processes import Service

Progress = Callable[[str], None]

SETTLE_SECONDS = 0.3
TTS_ROUNDS_FULL = 6
TTS_ROUNDS_QUICK = 2


@dataclass
class Side:
    """Where one side's STT, TTS and wake word live, and what was measured on it."""

    name: str
    stt_port: int
    tts_port: int
    wake: WakeClient
    wake_service: Service
    stt: list[tuple[Clip, SttResult]] = field(default_factory=list)
    tts: dict[str, list[TtsResult]] = field(default_factory=dict)
    wake_hits: list[bool] = field(default_factory=list)
    false_hits: list[bool] = field(default_factory=list)
    wake_cpu_seconds: float = 0.0
    wake_audio_seconds: float = 0.0


async def settle() -> None:
    """A pause between requests: thread pools that spin after work (onnxruntime's,
    CTranslate2's) go idle before the next side is measured, as between real commands."""
    await asyncio.sleep(SETTLE_SECONDS)


def _in_turn(index: int, sides: tuple[Side, Side]) -> tuple[Side, Side]:
    return sides if index % 2 == 0 else (sides[1], sides[0])


async def warm_up(sides: tuple[Side, Side]) -> None:
    """One request of each kind, not measured: lazy loading happens here, not in the figures."""
    clip = warm_up_clip()
    for side in sides:
        await transcribe(side.stt_port, clip)
        await synthesize(side.tts_port, "Ready when you are.")
        await side.wake.detected(clip)


async def speech_to_text(sides: tuple[Side, Side], clips: list[Clip], progress: Progress) -> None:
    for index, clip in enumerate(clips):
        for side in _in_turn(index, sides):
            await settle()
            side.stt.append((clip, await transcribe(side.stt_port, clip)))
        progress(f"stt {index + 1}/{len(clips)}")


async def text_to_speech(sides: tuple[Side, Side], quick: bool, progress: Progress) -> None:
    """Each reply several times; who goes first flips every round, for every reply."""
    rounds = TTS_ROUNDS_QUICK if quick else TTS_ROUNDS_FULL
    for round_ in range(rounds):
        for label, text in REPLIES.items():
            for side in _in_turn(round_, sides):
                await settle()
                side.tts.setdefault(label, []).append(await synthesize(side.tts_port, text))
        progress(f"tts {round_ + 1}/{rounds}")


async def wake_word(sides: tuple[Side, Side], corpus: Corpus, progress: Progress) -> None:
    """Each clip streamed at real-time pace; CPU of the serving process read around it."""
    clips = [(c, True) for c in corpus.wake] + [(c, False) for c in corpus.non_wake]
    for index, (clip, is_wake) in enumerate(clips):
        for side in _in_turn(index, sides):
            await settle()
            fired = await _detect_timed(side, clip)
            side.wake_audio_seconds += clip.seconds
            (side.wake_hits if is_wake else side.false_hits).append(fired)
        progress(f"wake {index + 1}/{len(clips)}")


async def _detect_timed(side: Side, clip: Clip) -> bool:
    """Stream one clip for wake word detection; add the server's CPU time to the side."""
    before = side.wake_service.cpu_seconds()
    fired = await side.wake.detected(clip)
    side.wake_cpu_seconds += side.wake_service.cpu_seconds() - before
    return fired
