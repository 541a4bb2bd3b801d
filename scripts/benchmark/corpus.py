"""The audio both sides hear, synthesized at run time and kept in memory only.

espeak-ng speaks in several English accents (a synthesizer unrelated to ours) and Piper
speaks with the Joe voice. Nothing here is written to disk.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import cycle, islice

import numpy as np

from testbed.speech import RATE, convert, espeak, pause, silence

from .household import SETS, Command
from .paths import VOICE, VOICE_DIR

ESPEAK_VOICES = ("en-us", "en-gb", "en-gb-scotland", "en-us-nyc", "en-029")
PIPER = "piper:joe"
PIPER_SLOW = "piper:joe-slow"  # the same voice, a quarter slower: a slow speaker
PIPER_FAST = "piper:joe-fast"  # ... and a quarter faster
_PIPER_LENGTH = {PIPER: None, PIPER_SLOW: 1.25, PIPER_FAST: 0.75}  # Piper's length_scale

COMMANDS = (
    "turn on the kitchen light",
    "set the thermostat to twenty degrees",
    "what time is it",
    "lock the front door",
    "turn off the lights in the living room",
    "open the garage door",
    "set a timer for ten minutes",
    "what is the weather like today",
    "dim the bedroom lights to fifty percent",
    "start the dishwasher",
    "close the blinds in the office",
    "is the back door locked",
    "turn up the volume in the kitchen",
    "add milk to the shopping list",
)
# Held out: no test or tuning used these phrasings.
WAKE_PHRASES = (
    "hey jarvis, lock the front door",
    "hey jarvis, is the garage open",
    "hey jarvis, good night",
    "hey jarvis, start the dishwasher",
    "hey jarvis, how warm is it outside",
    "hey jarvis, turn on the porch light",
)
REPLIES = {
    "one sentence": "The kitchen light is on.",
    "two sentences": "The thermostat is set to twenty degrees. "
    "The living room should be warm in about ten minutes.",
}

# Asked through Home Assistant's pipeline in household.py's home: each set of commands in its
# own voices, none shared ("@p80": espeak-ng's pitch 80 of 99; "+f3": a female variant).
PIPELINE_VOICES = {
    "development": (*ESPEAK_VOICES, "en-us+f3", "en-gb@p80", PIPER, PIPER_SLOW),
    "test": (
        "en-gb-x-rp",
        "en-us+f4",
        "en-gb-x-gbclan@p25",
        "en-029+f2",
        "en-gb-x-gbcwmd",
        "en-us@p85",
        PIPER_FAST,
    ),
}
PIPELINE_QUICK = 4  # commands of each set in a quick run
INNER_PAUSES = (0.7, 0.5)  # between the parts of a command, in turn

LEAD_SECONDS = 0.3  # what HA's VAD leaves before the speech
TRAIL_SECONDS = 0.8  # ... and after it
WAKE_PAD_SECONDS = 1.0  # a wake stream is continuous; give both models context
QUIET_ROOM_SECONDS = 30.0
QUIET_ROOM_SECONDS_QUICK = 20.0
QUIET_ROOM_DBFS = -65.0  # the background hiss of a quiet home, far below speech
PIPELINE_LEAD_SECONDS = 0.5  # silence before a command fed to Home Assistant
PIPELINE_TRAIL_SECONDS = 4.0  # and after it: HA's voice activity detection stops long before


@dataclass(frozen=True)
class Clip:
    """One utterance: what is said, who says it, and the 16 kHz 16-bit mono audio."""

    text: str
    voice: str
    pcm: bytes

    @property
    def seconds(self) -> float:
        return len(self.pcm) / 2 / RATE


@dataclass(frozen=True)
class Corpus:
    commands: list[Clip]  # for speech-to-text (and as non-wake speech)
    wake: list[Clip]  # "hey jarvis …"
    non_wake: list[Clip]
    quiet_room: Clip  # low background noise, no speech
    # for Home Assistant's pipeline, after a short silence; by set ("development", "test")
    pipeline: dict[str, list[tuple[Command, Clip]]]


class Speaker:
    """Says text in one of the voices, as 16 kHz 16-bit mono PCM."""

    def __init__(self) -> None:
        from piper import PiperVoice  # noqa: PLC0415 - heavy, only when synthesizing

        self._piper = PiperVoice.load(str(VOICE_DIR / f"{VOICE}.onnx"))

    def say(self, text: str, voice: str) -> bytes:
        if voice not in _PIPER_LENGTH:
            name, _, pitch = voice.partition("@p")
            return espeak(text, voice=name, pitch=int(pitch) if pitch else None)
        from piper import SynthesisConfig  # noqa: PLC0415

        config = SynthesisConfig(length_scale=_PIPER_LENGTH[voice])
        chunks = list(self._piper.synthesize(text, syn_config=config))
        audio = np.concatenate([c.audio_int16_array for c in chunks]).tobytes()
        return convert(audio, chunks[0].sample_rate, 2, 1)


def build(quick: bool) -> Corpus:
    """Commands in rotating voices, held-out wake phrases in espeak voices, non-wake speech."""
    speaker = Speaker()
    voices = cycle((*ESPEAK_VOICES[:2], PIPER, *ESPEAK_VOICES[2:]))
    n_commands = 4 if quick else len(COMMANDS)
    commands = [
        _framed(speaker, text, next(voices), LEAD_SECONDS, TRAIL_SECONDS)
        for text in COMMANDS[:n_commands]
    ]
    n_wake = 2 if quick else 6
    wake_voices = cycle(ESPEAK_VOICES[1:] + ESPEAK_VOICES[:1])
    wake = [
        _framed(speaker, text, next(wake_voices), WAKE_PAD_SECONDS, WAKE_PAD_SECONDS)
        for text in WAKE_PHRASES[:n_wake]
    ]
    non_wake = [
        Clip(
            c.text,
            c.voice,
            _pad(c.pcm, WAKE_PAD_SECONDS - LEAD_SECONDS, WAKE_PAD_SECONDS - TRAIL_SECONDS),
        )
        for c in commands[:n_wake]
    ]
    pipeline = {name: pipeline_commands(speaker, name, quick) for name in SETS}
    quiet = quiet_room(QUIET_ROOM_SECONDS_QUICK if quick else QUIET_ROOM_SECONDS)
    return Corpus(commands, wake, non_wake, quiet, pipeline)


def quiet_room(seconds: float) -> Clip:
    """White noise at QUIET_ROOM_DBFS (RMS), the same every run."""
    rms = 32768 * 10 ** (QUIET_ROOM_DBFS / 20)
    noise = np.random.default_rng(0).normal(0.0, rms, int(seconds * RATE))
    return Clip("", "noise", np.clip(noise, -32768, 32767).astype(np.int16).tobytes())


def pipeline_commands(speaker: Speaker, name: str, quick: bool) -> list[tuple[Command, Clip]]:
    """Every command of one set in its rotating voices (all of them twice in a full run)."""
    voices = cycle(PIPELINE_VOICES[name])
    pauses = cycle(INNER_PAUSES)
    commands = SETS[name]
    count = PIPELINE_QUICK if quick else 2 * len(commands)
    said = []
    for command in islice(cycle(commands), count):
        voice = next(voices)
        parts = [speaker.say(part, voice) for part in command.parts]
        speech = pause(*parts, seconds=next(pauses)) if len(parts) > 1 else parts[0]
        pcm = silence(PIPELINE_LEAD_SECONDS) + speech + silence(PIPELINE_TRAIL_SECONDS)
        said.append((command, Clip(command.text, voice, pcm)))
    return said


def warm_up_clip() -> Clip:
    """An utterance used only to warm servers up; never measured."""
    text = "turn off the hallway light"
    return Clip(text, "en-us", silence(LEAD_SECONDS) + espeak(text) + silence(TRAIL_SECONDS))


def _framed(speaker: Speaker, text: str, voice: str, lead: float, trail: float) -> Clip:
    return Clip(text, voice, silence(lead) + speaker.say(text, voice) + silence(trail))


def _pad(pcm: bytes, lead: float, trail: float) -> bytes:
    return silence(lead) + pcm + silence(trail)
