"""Three satellites speaking at the same moment: three people in three rooms, three commands,
three voices, dropped into three satellites' microphones at once (the same 80 ms piece of each,
give or take one). Ours only: no peer satellite runs here.

The house and the taps are satellite_path.py's, with three satellites, each with its own taps,
and three lights (kitchen, hallway, bedroom). A round is three commands at once, one a room;
each is timed at its own satellite, end of speech (its microphone's last audible piece) →
first reply audio at its own speaker, and carried out when its room's light ends up as it
asked. Held to: every command carried out, each satellite's p95 ≤ 1.5 s (issue 21).

Beside it, the wake word fingerprints that let the arbiter tell three people from one:
how alike the fingerprints of one utterance heard in three rooms are (testbed.rooms), and
those of different voices saying the wake word at once (link/wake_print.py).
"""

from __future__ import annotations

import asyncio
import datetime
import itertools
import json
import logging
import math
import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from homeassistant.components import tts
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.util import dt as dt_util

from scripts.soaking.house import House, soaked_house
from testbed.assist import THREE_ROOMS, async_setup_three_rooms, entity_of, pipeline_outcomes
from testbed.file_mic import CHUNK as MIC_PIECE_SAMPLES
from testbed.rooms import NEAR
from testbed.satellite_process import SatelliteProcess
from testbed.speech import trimmed

from .corpus import PIPER, PIPER_SLOW, Speaker
from .household import Command, async_prepare, carried_out
from .paths import BENCH, REPO, programs_python
from .satellite_path import (
    _BUSY,
    AUDIBLE_RMS,
    COMMAND_TIMEOUT,
    QUIET_SECONDS,
    WAKE,
    Taps,
    _load,
    _pipeline_runs,
)
from .scoring import percentile

ROOMS = tuple(THREE_ROOMS)
# Three people a round, one a room: voices apart in pitch or timing, as people are.
VOICES = (
    ("en-us", "en-us+f3", "en-gb@p80"),
    (PIPER, "en-gb+f4", "en-us@p20"),
    ("en-gb@p80", PIPER_SLOW, "en-us+f3"),
    ("en-us+f4", "en-us@p20", PIPER),
    (PIPER_SLOW, "en-gb@p80", "en-us"),
    ("en-gb+f4", PIPER, "en-us@p20"),
)
QUICK = 2
P95_SECONDS = 1.5
_WOKE_LINE = "Wake word "
_STOOD_DOWN = "another satellite answers"


@dataclass
class Said:
    """One command of a round, at one satellite."""

    room: str
    voice: str
    text: str
    speech_end: float = math.nan
    first_audio: float = math.nan
    carried_out: bool = False
    heard: str | None = None  # what the conversation agent got from this satellite's run
    # The satellite's last wake decision in the round: "woke 0.83", "near miss 0.31"
    wake: str | None = None
    alone_latency: float = math.nan  # the same command said alone, right after the round
    alone_carried_out: bool = False

    @property
    def latency(self) -> float:
        return self.first_audio - self.speech_end


@dataclass
class ThreeFigures:
    rounds: list[list[Said]]
    quick: bool
    seconds: float
    load: str
    fingerprints: dict[str, float] = field(default_factory=dict)
    date: str = field(default_factory=lambda: datetime.datetime.now().isoformat("T", "seconds"))

    def latencies(self, room: str | None = None, *, alone: bool = False) -> list[float]:
        found = [s.alone_latency if alone else s.latency for s in self.said]
        rooms = [s.room for s in self.said]
        return [
            t for t, r in zip(found, rooms, strict=True) if room in (None, r) and not math.isnan(t)
        ]

    @property
    def said(self) -> list[Said]:
        return [s for r in self.rounds for s in r]

    def to_json(self) -> dict[str, Any]:
        return {
            "date": self.date,
            "quick": self.quick,
            "seconds": round(self.seconds, 1),
            "load": self.load,
            "peer": None,
            "carried_out": f"{sum(s.carried_out for s in self.said)}/{len(self.said)}",
            "latency_p50_s": percentile(self.latencies(), 50),
            "latency_p95_s": percentile(self.latencies(), 95),
            "alone_latency_p50_s": percentile(self.latencies(alone=True), 50),
            "alone_latency_p95_s": percentile(self.latencies(alone=True), 95),
            "per_satellite": {
                room: {
                    "p50_s": percentile(self.latencies(room), 50),
                    "p95_s": percentile(self.latencies(room), 95),
                }
                for room in ROOMS
            },
            "fingerprints": self.fingerprints,
            "rounds": [[{**vars(s), "latency_s": s.latency} for s in r] for r in self.rounds],
        }


def _commands(round_index: int) -> list[Command]:
    """Each room's light to the state it is not in, alternating on and off by round."""
    before, after = ("off", "on") if round_index % 2 == 0 else ("on", "off")
    return [
        Command((f"turn {after} the {room} light",), THREE_ROOMS[room], before, after)
        for room in ROOMS
    ]


def _clips(rounds: int) -> list[list[tuple[Command, str, bytes]]]:
    speaker = Speaker()
    piece = MIC_PIECE_SAMPLES * 2
    made = []
    for index, voices in zip(range(rounds), itertools.cycle(VOICES), strict=False):
        one = []
        for command, voice in zip(_commands(index), voices, strict=True):
            pcm = trimmed(speaker.say(WAKE + command.text, voice), threshold=AUDIBLE_RMS)
            one.append((command, voice, NEAR.hear(pcm + bytes(-len(pcm) % piece))))
        made.append(one)
    return made


async def measure(quick: bool, progress: Callable[[str], None]) -> ThreeFigures:
    """One unmeasured round first (Home Assistant loads its intents on first use)."""
    count = QUICK if quick else len(VOICES)
    clips = await asyncio.to_thread(_clips, count + 1)
    began = time.monotonic()
    workdir = BENCH / "three-satellites"
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    taps: list[Taps] = []

    def make(folder: Path) -> SatelliteProcess:
        taps.append(Taps())
        return taps[-1].make(folder)

    rounds: list[list[Said]] = []
    logging.disable(logging.WARNING)
    try:
        async with soaked_house(workdir, len(ROOMS), make, async_setup_three_rooms) as house:
            progress("engine, three satellites and Home Assistant started, all paired")
            await _round(house, taps, clips[0])
            for index, clip in enumerate(clips[1:]):
                said = await _round(house, taps, clip)
                for room, one in enumerate(said):
                    alone = (await _round(house, taps, clip, only=room))[0]
                    one.alone_latency, one.alone_carried_out = alone.latency, alone.carried_out
                rounds.append(said)
                progress(
                    f"round {index + 1}/{count}: "
                    + "; ".join(
                        f"{s.room} ({s.voice}) "
                        + f"{_ms(s.latency)} (alone {_ms(s.alone_latency)})"
                        + ("" if s.carried_out else " NOT carried out")
                        for s in said
                    )
                )
    finally:
        logging.disable(logging.NOTSET)
        for tap in taps:
            tap.stop()
    fingerprints = await asyncio.to_thread(measure_fingerprints)
    return ThreeFigures(rounds, quick, time.monotonic() - began, _load(), fingerprints)


async def _round(
    house: House,
    taps: list[Taps],
    clips: list[tuple[Command, str, bytes]],
    only: int | None = None,
) -> list[Said]:
    """The three commands at once; with `only`, that room's command alone."""
    hass = house.hass
    rooms = range(len(ROOMS)) if only is None else [only]
    entities = [entity_of(hass, entry, "assist_satellite") for entry in house.entries]
    for room in rooms:
        await async_prepare(hass, clips[room][0])
    await hass.services.async_call(tts.DOMAIN, "clear_cache", blocking=True)
    await _quiet(hass, entities, taps)
    runs_before = set(_pipeline_runs(hass))
    said_at, said_wall = time.monotonic(), dt_util.utcnow()
    for room in rooms:
        house.satellites[room].microphone.say(clips[room][2])
    longest = max(len(clips[room][2]) for room in rooms) / 2 / 16_000
    await asyncio.sleep(longest)
    await _quiet(hass, entities, taps, said_at + longest + COMMAND_TIMEOUT)
    heard = _heard_by_device(hass, runs_before)
    said = []
    for index in rooms:
        tap, entry, (command, voice, _) = taps[index], house.entries[index], clips[index]
        one = Said(ROOMS[index], voice, command.text, carried_out=carried_out(hass, command))
        devices = dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
        one.heard = next((heard[d.id] for d in devices if d.id in heard), None)
        one.wake = _wake_since(entry, said_wall)
        if sound := tap.sound_after(said_at):
            one.speech_end = sound[-1]
        if reply := tap.speaker_after(said_at):
            one.first_audio = reply[0][0]
        said.append(one)
    return said


def _why(said: Said) -> str:
    return f"heard {said.heard!r}, wake {said.wake or 'none'}"


def _wake_since(entry: ConfigEntry, since: datetime.datetime) -> str | None:
    """The satellite's last wake decision (the diagnostic a household sees), if made since."""
    wake = entry.runtime_data.last_wake
    if wake is None or wake.time < since:
        return None
    return f"{'woke' if wake.accepted else 'near miss'} {wake.score:.2f}"


def _heard_by_device(hass: HomeAssistant, before: set[str]) -> dict[str, str]:
    """What each satellite's new run handed the conversation agent and what came back (the
    response type, or the error), by device id."""
    return {
        outcome.device_id: f"{outcome.said} -> {outcome.answer}"
        for run_id, outcome in pipeline_outcomes(hass).items()
        if run_id not in before and outcome.device_id is not None
    }


async def _quiet(
    hass: HomeAssistant, entities: list[str], taps: list[Taps], until: float | None = None
) -> None:
    """Until every satellite is idle and every speaker quiet for QUIET_SECONDS."""
    deadline = until or time.monotonic() + COMMAND_TIMEOUT
    while time.monotonic() < deadline:
        busy = any(
            (state := hass.states.get(entity)) is not None and state.state in _BUSY
            for entity in entities
        )
        last = max((t for tap in taps for t, _ in tap.speaker_after(0.0)), default=0.0)
        if not busy and time.monotonic() - last > QUIET_SECONDS:
            return
        await asyncio.sleep(0.1)


# -- the fingerprints alone ----------------------------------------------------------------


def measure_fingerprints() -> dict[str, float]:
    """wake_prints.py, in the programs' venv (where the satellite's fingerprint is made)."""
    result = subprocess.run(
        [programs_python(), "-m", "scripts.benchmark.wake_prints"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        print(result.stderr[-2000:])
        return {}
    figures: dict[str, float] = json.loads(result.stdout)
    return figures


# -- the report --------------------------------------------------------------------------


def report(figures: ThreeFigures) -> list[str]:
    f = figures
    done = sum(s.carried_out for s in f.said)
    per_room = {room: percentile(f.latencies(room), 95) for room in ROOMS}
    lines = [
        f"three satellites at once (ours only: no peer satellite to compare with) — "
        f"{len(f.rounds)} rounds of three people in three rooms saying three commands at the "
        f"same moment ({f.seconds:.0f} s, load {f.load}):",
        f"  end of speech → first reply audio at each satellite's speaker: overall p50 "
        f"{_ms(percentile(f.latencies(), 50))}, p95 {_ms(percentile(f.latencies(), 95))}",
    ]
    alone50 = percentile(f.latencies(alone=True), 50)
    lines.append(
        f"  the same commands said one at a time, right after each round: p50 {_ms(alone50)}, "
        f"p95 {_ms(percentile(f.latencies(alone=True), 95))}, carried out "
        f"{sum(s.alone_carried_out for s in f.said)}/{len(f.said)}; at once / alone p50 "
        f"{percentile(f.latencies(), 50) / alone50:.2f}"
    )
    for room in ROOMS:
        lines.append(
            f"    {room:<8} p50 {_ms(percentile(f.latencies(room), 50))}, "
            f"p95 {_ms(per_room[room])} (goal ≤ {P95_SECONDS * 1000:.0f} ms): "
            + _verdict(not math.isnan(per_room[room]) and per_room[room] <= P95_SECONDS)
        )
    lines.append(
        f"  commands carried out: {done}/{len(f.said)} (goal: all): "
        + _verdict(done == len(f.said))
    )
    if fp := f.fingerprints:
        lines.append(
            f"  wake word fingerprints: one utterance in three rooms kept together "
            f"{fp['one_utterance_kept_together']:.0%} of {fp['one_utterance_pairs']} pairs "
            f"(lowest shape {fp['one_utterance_lowest_shape']:.2f}, pitch "
            f"{fp['one_utterance_lowest_pitch']:.2f}); different voices told apart "
            f"{fp['different_voices_told_apart']:.0%} of {fp['different_voice_pairs']} pairs"
        )
    for index, said in enumerate(f.rounds):
        lines.append(
            f"    round {index + 1}: "
            + "; ".join(
                f"{s.room} {s.voice} {_ms(s.latency)} (alone {_ms(s.alone_latency)}) "
                + ("done" if s.carried_out else f"NOT done ({_why(s)})")
                for s in said
            )
        )
    return lines


def _ms(seconds: float) -> str:
    return "-" if math.isnan(seconds) else f"{seconds * 1000:.0f} ms"


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"
