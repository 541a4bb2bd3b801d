"""The measured workload, interleaved: every utterance goes to our side and to the peer's
one right after the other (alternating who goes first), so that noise from other work on
the machine falls on both sides alike."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field

from .clients import SttResult, TtsResult, WakeClient, timed_speech, timed_transcript
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
    # By condition ("continuous speech, 20 ms chunks", ...): the wake word service's CPU
    # seconds, and the seconds of audio streamed meanwhile.
    wake_cpu: dict[str, float] = field(default_factory=dict)
    wake_audio: dict[str, float] = field(default_factory=dict)

    def wake_load(self, condition: str) -> float:
        """Share of one core the wake word service used per second of audio."""
        return self.wake_cpu[condition] / self.wake_audio[condition]


async def settle() -> None:
    """A pause between requests: thread pools that spin after work (onnxruntime's,
    CTranslate2's) go idle before the next side is measured, as between real commands."""
    await asyncio.sleep(SETTLE_SECONDS)


def in_turn(index: int, sides: tuple[Side, Side]) -> tuple[Side, Side]:
    return sides if index % 2 == 0 else (sides[1], sides[0])


async def warm_up_speech(sides: tuple[Side, Side]) -> None:
    """One transcript and one reply per side, not measured."""
    clip = warm_up_clip()
    for side in sides:
        await timed_transcript(side.stt_port, clip)
        await timed_speech(side.tts_port, "Ready when you are.")


async def warm_up(sides: tuple[Side, Side]) -> None:
    """One request of each kind, not measured: lazy loading happens here, not in the figures."""
    clip = warm_up_clip()
    for side in sides:
        await timed_transcript(side.stt_port, clip)
        await timed_speech(side.tts_port, "Ready when you are.")
        await side.wake.detected(clip)


async def speech_to_text(sides: tuple[Side, Side], clips: list[Clip], progress: Progress) -> None:
    for index, clip in enumerate(clips):
        for side in in_turn(index, sides):
            await settle()
            side.stt.append((clip, await timed_transcript(side.stt_port, clip)))
        progress(f"stt {index + 1}/{len(clips)}")


async def text_to_speech(sides: tuple[Side, Side], quick: bool, progress: Progress) -> None:
    """Each reply several times; who goes first flips every round, for every reply."""
    rounds = TTS_ROUNDS_QUICK if quick else TTS_ROUNDS_FULL
    for round_ in range(rounds):
        for label, text in REPLIES.items():
            for side in in_turn(round_, sides):
                await settle()
                side.tts.setdefault(label, []).append(await timed_speech(side.tts_port, text))
        progress(f"tts {round_ + 1}/{rounds}")


def _condition(room: str, chunk_ms: int) -> str:
    return f"{room}, {chunk_ms} ms chunks"


async def wake_word(
    sides: tuple[Side, Side], corpus: Corpus, chunk_sizes: tuple[int, ...], progress: Progress
) -> None:
    """Each clip streamed to both sides at once, at real-time pace, in each chunk size; the
    CPU time of each side's wake word service read around it. Streaming both sides together
    halves the wall time and puts the machine's other load on both alike; each stream costs
    a few percent of a core, so they do not crowd each other. Detections count at the first
    chunk size; the quiet room follows the speech."""
    clips = [(c, True) for c in corpus.wake] + [(c, False) for c in corpus.non_wake]
    for chunk_ms in chunk_sizes:
        condition = _condition("continuous speech", chunk_ms)
        for index, (clip, is_wake) in enumerate(clips):
            await settle()
            fired = await asyncio.gather(
                *(_detect_timed(side, clip, chunk_ms, condition) for side in sides)
            )
            if chunk_ms == chunk_sizes[0]:
                for side, hit in zip(sides, fired, strict=True):
                    (side.wake_hits if is_wake else side.false_hits).append(hit)
            progress(f"wake, {condition}: {index + 1}/{len(clips)}")
    for chunk_ms in chunk_sizes:
        condition = _condition("quiet room", chunk_ms)
        await settle()
        await asyncio.gather(
            *(_detect_timed(side, corpus.quiet_room, chunk_ms, condition) for side in sides)
        )
        progress(f"wake, {condition}: {corpus.quiet_room.seconds:.0f} s")


async def _detect_timed(side: Side, clip: Clip, chunk_ms: int, condition: str) -> bool:
    """Stream one clip for wake word detection; add the server's CPU time to the side."""
    before = side.wake_service.cpu_seconds()
    fired = await side.wake.detected(clip, chunk_ms)
    used = side.wake_service.cpu_seconds() - before
    side.wake_cpu[condition] = side.wake_cpu.get(condition, 0.0) + used
    side.wake_audio[condition] = side.wake_audio.get(condition, 0.0) + clip.seconds
    return fired
