"""Text-to-speech with Piper, one sentence at a time so the first words play early."""

from __future__ import annotations

import json
import re
from collections.abc import Generator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnxruntime as ort
from piper import PiperConfig, PiperVoice, SynthesisConfig

# A sentence ends at . ! ? or … followed by whitespace; used for streamed text input.
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")


@dataclass(frozen=True)
class Voice:
    name: str
    languages: tuple[str, ...]
    description: str
    speakers: tuple[str, ...]
    rate: int
    piper: PiperVoice


def load_voice(
    model: Path,
    name: str,
    description: str,
    threads: int,
    languages: tuple[str, ...] = (),
) -> Voice:
    """Load a Piper voice (`<model>` plus `<model>.json`) with bounded threads; it speaks
    `languages`, else the language its own config names."""
    config_path = model.with_name(model.name + ".json")
    config_dict = json.loads(config_path.read_text(encoding="utf-8"))
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])
    config = PiperConfig.from_dict(config_dict)
    language = config_dict.get("language", {}).get("code") or config.espeak_voice
    speakers = tuple(config_dict.get("speaker_id_map", {}) or ())
    return Voice(
        name=name,
        languages=languages or (language,),
        description=description,
        speakers=speakers,
        rate=config.sample_rate,
        # download_dir is only used by non-espeak phonemizers; keep it next to the model.
        piper=PiperVoice(session=session, config=config, download_dir=model.parent),
    )


class TextToSpeech:
    """The installed voices."""

    def __init__(self, voices: list[Voice]) -> None:
        if not voices:
            raise ValueError("at least one voice is needed")
        self.voices = {voice.name: voice for voice in voices}
        self.default = voices[0]

    def find(self, name: str | None, language: str | None) -> Voice | None:
        """The loaded voice named, else one of the language (its locale first, then any of
        its country's neighbours: "de_AT" takes de_DE), else the default when neither is
        asked; None when the voice or language asked for is not loaded."""
        if name:
            return self.voices.get(name)
        if not language:
            return self.default
        wanted = language.replace("-", "_").lower()
        for same in (
            lambda lang: lang == wanted,
            lambda lang: lang.split("_")[0] == wanted.split("_")[0],
        ):
            for voice in self.voices.values():
                if any(same(lang.lower().replace("-", "_")) for lang in voice.languages):
                    return voice
        return None

    def add(self, voice: Voice) -> None:
        """A voice loaded while serving (the first client to ask for its language)."""
        self.voices[voice.name] = voice

    def warm_up(self) -> None:
        for voice in self.voices.values():
            warm_up(voice)


def warm_up(voice: Voice) -> None:
    """Speak once, so that the first client does not wait for onnxruntime's first run."""
    for _ in sentences(voice, "Ready.", None):
        pass


def sentences(voice: Voice, text: str, speaker: str | None) -> Generator[np.ndarray, None, None]:
    """Int16 audio for each sentence of `text`, produced lazily, one sentence per step."""
    config = SynthesisConfig()
    if speaker is not None and speaker in voice.speakers:
        config.speaker_id = voice.piper.config.speaker_id_map[speaker]
    for chunk in voice.piper.synthesize(text, config):
        yield chunk.audio_int16_array


def split_complete(text: str) -> tuple[list[str], str]:
    """Split streamed text into complete sentences and the unfinished rest."""
    parts = _SENTENCE_END.split(text)
    return [p for p in parts[:-1] if p.strip()], parts[-1]
