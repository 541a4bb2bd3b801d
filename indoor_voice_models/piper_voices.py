"""Piper's voices, from the list its maintainers keep (piper_voices.json, made by
scripts/piper-voices from rhasspy/piper-voices' voices.json; never typed by hand).

Each file is pinned by the revision in its URL and by its size and MD5 digest, as that list
gives them. Which voice speaks a language when none is chosen: `voices_for_language`.
The engine's `--piper-voices FILE` reads another list of the same form instead (a newer one
made by scripts/piper-voices, or one whose "url" names a mirror in the house).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from .model_spec import HUGGING_FACE, ModelFile, ModelKind, ModelSpec

_BUILT_IN = Path(__file__).with_name("piper_voices.json")
_list = _BUILT_IN
# Preferred first when a language is asked for and no voice is named: medium is what the
# household's default (en_US-joe-medium) is; x_low and low sound worse, high costs more.
_QUALITY_ORDER = ("medium", "high", "low", "x_low")
# A language's own country, where its code is not the language's ("en" means en_US in Home
# Assistant); otherwise de → de_DE, fr → fr_FR, … and then the list's order.
_HOME_LOCALES = {"en": "en_US"}


def use_list(path: Path | None) -> None:
    """Read the voices from `path` (None: the built-in list) from now on."""
    global _list  # noqa: PLW0603 - one list per process, chosen by the command line
    _list = path or _BUILT_IN
    _document.cache_clear()
    voice_specs.cache_clear()


@cache
def _document() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(_list.read_text(encoding="utf-8"))
    return document


def source() -> str:
    """Where the list came from: its provenance and the piper-voices revision it names."""
    document = _document()
    return f"{document['source']} (rhasspy/piper-voices at {document['revision']})"


def _spec(key: str, entry: dict[str, Any]) -> ModelSpec:
    document = _document()
    files = tuple(
        # Some names are not ASCII (pt_PT-tugão-medium): the URL carries them quoted.
        ModelFile(path.rsplit("/", 1)[1], f"{document['url']}/{quote(path)}", size=size, md5=md5)
        for path, size, md5 in entry["files"]
    )
    return ModelSpec(
        name=key,
        kind=ModelKind.TTS,
        files=files,
        languages=(entry["language"],),
        description=(
            f"{entry['name'].replace('_', ' ').title()} "
            f"({entry['language_english']}, {entry['country_english']}, {entry['quality']})"
        ),
        attribution=("rhasspy", f"{HUGGING_FACE}/rhasspy/piper-voices"),
        version=document["revision"],
    )


@cache
def voice_specs() -> dict[str, ModelSpec]:
    """Every voice in the list, by name (e.g. "de_DE-thorsten-medium")."""
    return {key: _spec(key, entry) for key, entry in _document()["voices"].items()}


def _family(language: str) -> str:
    return language.replace("-", "_").split("_")[0].lower()


def voices_for_language(language: str) -> list[ModelSpec]:
    """The list's voices for a language, the one to use first first.

    "de_DE" (or "de-DE") wants that locale; "de" wants the language's own country first
    (de_DE before de_AT; "en": en_US); then medium quality before high, low and x_low, one
    speaker before many, and the list's order.
    """
    wanted = language.replace("-", "_")
    family = _family(wanted)
    own = _HOME_LOCALES.get(family, f"{family}_{family.upper()}")
    entries = _document()["voices"]
    matching = [
        key
        for key, entry in entries.items()
        if _family(entry["language"]) == family
        and ("_" not in wanted or entry["language"].lower() == wanted.lower())
    ]

    def rank(key: str) -> tuple[int, int, int, str]:
        entry = entries[key]
        quality = entry["quality"]
        return (
            0 if entry["language"].lower() == own.lower() else 1,
            _QUALITY_ORDER.index(quality) if quality in _QUALITY_ORDER else len(_QUALITY_ORDER),
            0 if entry["speakers"] == 1 else 1,
            key,
        )

    specs = voice_specs()
    return [specs[key] for key in sorted(matching, key=rank)]


def languages() -> list[str]:
    """Every locale the list has a voice for."""
    return sorted({entry["language"] for entry in _document()["voices"].values()})
