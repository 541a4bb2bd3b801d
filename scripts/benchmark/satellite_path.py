"""End to end through a real satellite: wake word → reply audio at its speaker. Ours only:
no peer satellite runs here to compare with.

The soak's house (scripts/soaking/house.py): our engine as a subprocess, one satellite as a
subprocess (`indoor-voice-satellite`, as on a Pi, the testbed's file microphone and a
speaker that writes to a file), Home Assistant in this process with our integration and a
Kitchen Light, the satellite added and paired as a household does. "Hey jarvis, <command>"
is dropped into the satellite's microphone, which plays it at real-time pace in the 80 ms
pieces the satellite reads, with silence around it, like a room.

Both ends are timed outside the satellite by taps (tap.py) that note CLOCK_MONOTONIC as the
audio changes hands:
  end of speech    the moment the microphone handed the satellite the 80 ms piece holding
                   the command's last audible sample (each clip ends at its last 10 ms with
                   an RMS ≥ 32, as in the end-to-end rows, then zeros up to a whole piece);
  first reply      the moment the first bytes of the reply reached the speaker. The
                   satellite writes raw PCM there (no header: the integration takes the WAV
                   header off); it plays nothing else during a command, as it runs with no
                   --awake-sound or --done-sound (its chime is for announcements only), and
                   the first sound that starts after the command was said is the reply.
Carried out: the Kitchen Light in the state the command asked for (set to the opposite
before). Wake word heard: the satellite logged the detection and started streaming.

Beside each satellite command, in the same house and the same minute, the same command in the
same voice goes through our pipeline from the speech-to-text stage as pipeline.py feeds it
(10 ms chunks at real-time pace): the satellite's figures are held to the pipeline's measured
in the same run (p50 ≤ 1.15x), as machines here differ by 2x from one to the next.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import itertools
import logging
import math
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from homeassistant.components import tts
from homeassistant.components.assist_pipeline import PipelineEventType
from homeassistant.components.assist_pipeline.pipeline import KEY_ASSIST_PIPELINE
from homeassistant.core import HomeAssistant

from custom_components.indoor_voice.const import PIPELINE_NAME
from scripts.soaking.house import House, soaked_house
from testbed.assist import KITCHEN_LIGHT, entity_of, pipeline_named
from testbed.file_mic import CHUNK as MIC_PIECE_SAMPLES
from testbed.satellite_process import (
    HERE,
    FileMicrophone,
    FileSpeaker,
    SatelliteProcess,
    make_satellite,
)
from testbed.speech import silence, trimmed

from .corpus import (
    ESPEAK_VOICES,
    PIPELINE_LEAD_SECONDS,
    PIPELINE_TRAIL_SECONDS,
    PIPER,
    PIPER_SLOW,
    Clip,
    Speaker,
)
from .household import Command, async_prepare, carried_out
from .paths import BENCH
from .pipeline import PHASES, STAGE_EVENTS, phases, run_command
from .scoring import normalize, percentile

TAP = Path(__file__).with_name("tap.py")
WAKE = "hey jarvis, "
COMMANDS = (
    Command(("turn on the kitchen light",), KITCHEN_LIGHT, "off", "on"),
    Command(("turn off the kitchen light",), KITCHEN_LIGHT, "on", "off"),
    Command(("switch on the kitchen light",), KITCHEN_LIGHT, "off", "on"),
    Command(("switch off the kitchen light",), KITCHEN_LIGHT, "on", "off"),
    Command(("turn the kitchen light on",), KITCHEN_LIGHT, "off", "on"),
    Command(("turn the kitchen light off",), KITCHEN_LIGHT, "on", "off"),
)
# en-us, Piper, en-gb, en-gb-scotland, Piper a quarter slower, en-029
VOICES = (*ESPEAK_VOICES[:1], PIPER, *ESPEAK_VOICES[1:3], PIPER_SLOW, ESPEAK_VOICES[4])
QUICK = 3
AUDIBLE_RMS = 32  # over 10 ms, about -60 dBFS: as the end-to-end rows
COMMAND_TIMEOUT = 30.0  # a command not over by then failed
QUIET_SECONDS = 1.0  # between commands: the speaker quiet this long, the satellite idle
_WOKE = re.compile(r"Wake word (\S+) \(score ([0-9.]+)\)")
_BUSY = ("listening", "processing", "responding")


@dataclass
class SatelliteRun:
    """One command said to the satellite, and what came of it."""

    voice: str
    text: str
    said_at: float  # time.monotonic() when the clip was dropped into the microphone
    speech_end: float = math.nan  # ... when its last audible piece went to the satellite
    first_audio: float = math.nan  # ... when the first reply bytes reached its speaker
    wake_heard: bool = False
    wake_score: float | None = None
    carried_out: bool = False
    transcript: str | None = None  # what speech-to-text gave Home Assistant
    response: str | None = None  # the intent's response type, or the pipeline's error code
    reply_bytes: int = 0
    pipeline_latency: float = math.nan  # the same command through the pipeline alone
    pipeline_carried_out: bool = False
    phases: dict[str, float] = field(default_factory=dict)  # pipeline.PHASES, seconds
    pipeline_phases: dict[str, float] = field(default_factory=dict)

    @property
    def latency(self) -> float:
        return self.first_audio - self.speech_end

    @property
    def said_twice(self) -> bool:
        """The transcript says the command's opening words more than once (Whisper looped)."""
        return said_twice(self.text, self.transcript or "")


def said_twice(reference: str, transcript: str) -> bool:
    opening = normalize(reference)[:2]
    heard = normalize(transcript)
    return sum(heard[i : i + 2] == opening for i in range(len(heard) - 1)) > 1


# The goals through a satellite (issue 21): p50 ≤ 1.15x the pipeline's in the same run,
# p95 ≤ 700 ms on an idle machine, every command carried out, none said twice.
SATELLITE_RATIO = 1.15
SATELLITE_P95_SECONDS = 0.7


@dataclass
class SatelliteFigures:
    runs: list[SatelliteRun]
    quick: bool
    seconds: float
    load: str
    date: str = field(default_factory=lambda: datetime.datetime.now().isoformat("T", "seconds"))

    @property
    def latencies(self) -> list[float]:
        return [r.latency for r in self.runs if not math.isnan(r.latency)]

    @property
    def pipeline_latencies(self) -> list[float]:
        return [r.pipeline_latency for r in self.runs if not math.isnan(r.pipeline_latency)]

    def count(self, what: Callable[[SatelliteRun], bool]) -> str:
        return f"{sum(map(what, self.runs))}/{len(self.runs)}"

    def to_json(self) -> dict[str, Any]:
        return {
            "date": self.date,
            "quick": self.quick,
            "seconds": round(self.seconds, 1),
            "load": self.load,
            "peer": None,  # no peer satellite to compare with
            "latency_p50_s": percentile(self.latencies, 50),
            "latency_p95_s": percentile(self.latencies, 95),
            "pipeline_latency_p50_s": percentile(self.pipeline_latencies, 50),
            "pipeline_latency_p95_s": percentile(self.pipeline_latencies, 95),
            "said_twice": self.count(lambda r: r.said_twice),
            "carried_out": self.count(lambda r: r.carried_out),
            "wake_heard": self.count(lambda r: r.wake_heard),
            "runs": [{**asdict(r), "latency_s": r.latency} for r in self.runs],
        }


# -- the satellite, tapped ---------------------------------------------------------------------


@dataclass
class TappedMicrophone(FileMicrophone):
    """The testbed's file microphone at real-time pace, behind a tap that notes when each piece
    holding sound went to the satellite."""

    log: Path = Path()

    @property
    def command(self) -> str:
        mic = [sys.executable, str(HERE / "file_mic.py"), str(self.queue)]
        return shlex.join(
            [sys.executable, str(TAP), "mic", str(self.log), *mic, str(self.marker), "1"]
        )


@dataclass
class TappedSpeaker(FileSpeaker):
    """`tee FIFO` for each sound; tap.py reads the FIFO, notes the time, appends to output."""

    fifo: Path = Path()

    @property
    def command(self) -> str:
        return shlex.join(["tee", str(self.fifo)])


class Taps:
    """Makes the satellite (for soaked_house) with its taps; reads what they noted."""

    def __init__(self) -> None:
        self.mic_log = Path()
        self.speaker_log = Path()
        self._readers: list[subprocess.Popen[bytes]] = []

    def make(self, workdir: Path) -> SatelliteProcess:
        satellite = make_satellite(workdir)
        self.mic_log, self.speaker_log = workdir / "mic-tap.log", workdir / "speaker-tap.log"
        mic, speaker = satellite.microphone, satellite.speaker
        satellite.microphone = TappedMicrophone(mic.queue, mic.marker, log=self.mic_log)
        fifo = workdir / "speaker" / "fifo"
        os.mkfifo(fifo)
        satellite.speaker = TappedSpeaker(speaker.output, speaker.playing, fifo=fifo)
        argv = [sys.executable, str(TAP), "speaker", str(self.speaker_log), str(fifo)]
        self._readers.append(subprocess.Popen([*argv, str(speaker.output)]))
        return satellite

    def stop(self) -> None:
        for reader in self._readers:
            reader.terminate()
            reader.wait(5)

    def sound_after(self, since: float, until: float = math.inf) -> list[float]:
        """When pieces holding sound went from the microphone to the satellite."""
        return [t for t, _ in _notes(self.mic_log) if since <= t < until]

    def speaker_after(self, since: float) -> list[tuple[float, int]]:
        return [(t, n) for t, n in _notes(self.speaker_log) if t >= since]


def _notes(log: Path) -> list[tuple[float, int]]:
    if not log.exists():
        return []
    notes = []
    for line in log.read_text().splitlines():
        with contextlib.suppress(ValueError):
            at, size = line.split()
            notes.append((float(at), int(size)))
    return notes


# -- the commands --------------------------------------------------------------------------


def clips(quick: bool) -> list[tuple[Command, str, bytes, Clip]]:
    """("hey jarvis, <command>", voice, 16 kHz PCM) ending at its last audible 10 ms, then
    zeros to a whole microphone piece; and the command alone as the pipeline hears it."""
    speaker = Speaker()
    count = QUICK if quick else len(COMMANDS)
    made = []
    for command, voice in itertools.islice(zip(COMMANDS, VOICES, strict=True), count):
        pcm = trimmed(speaker.say(WAKE + command.text, voice), threshold=AUDIBLE_RMS)
        piece = MIC_PIECE_SAMPLES * 2
        alone = (
            silence(PIPELINE_LEAD_SECONDS)
            + speaker.say(command.text, voice)
            + silence(PIPELINE_TRAIL_SECONDS)
        )
        made.append(
            (command, voice, pcm + bytes(-len(pcm) % piece), Clip(command.text, voice, alone))
        )
    return made


async def measure(quick: bool, progress: Callable[[str], None]) -> SatelliteFigures:
    """One unmeasured command first (Home Assistant loads its intents on first use)."""
    said = await asyncio.to_thread(clips, quick)
    began = time.monotonic()
    workdir = BENCH / "satellite"
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    taps = Taps()
    runs: list[SatelliteRun] = []
    logging.disable(logging.WARNING)  # HA's notes on custom integrations; errors still show
    try:
        async with soaked_house(workdir, 1, taps.make) as house:
            progress("engine, satellite and Home Assistant started; the satellite is paired")
            pipeline_id = pipeline_named(house.hass, PIPELINE_NAME).id
            await _say(house, taps, *said[0][:3])
            await run_command(house.hass, pipeline_id, said[0][3])
            for index, (command, voice, pcm, alone) in enumerate(said):
                if index % 2:  # who goes first alternates, as in the pipeline's figures
                    direct = await _through_pipeline(house.hass, pipeline_id, command, alone)
                    run = await _say(house, taps, command, voice, pcm)
                else:
                    run = await _say(house, taps, command, voice, pcm)
                    direct = await _through_pipeline(house.hass, pipeline_id, command, alone)
                run.pipeline_latency, run.pipeline_carried_out, run.pipeline_phases = direct
                runs.append(run)
                progress(
                    f"satellite {index + 1}/{len(said)}: {voice} {command.text!r}: "
                    + (f"{run.latency * 1000:.0f} ms" if not math.isnan(run.latency) else "-")
                    + f" (pipeline {run.pipeline_latency * 1000:.0f} ms)"
                    + f", wake {'heard' if run.wake_heard else 'NOT heard'}"
                    + f", {'carried out' if run.carried_out else 'NOT carried out'}"
                    + f" (heard {run.transcript!r})"
                )
    finally:
        logging.disable(logging.NOTSET)
        taps.stop()
    return SatelliteFigures(runs, quick, time.monotonic() - began, _load())


async def _through_pipeline(
    hass: HomeAssistant, pipeline_id: str, command: Command, clip: Clip
) -> tuple[float, bool, dict[str, float]]:
    """The command alone through our pipeline: its latency, whether it was carried out, and
    where its time went."""
    await asyncio.sleep(QUIET_SECONDS)
    await async_prepare(hass, command)
    run = await run_command(hass, pipeline_id, clip)
    return run.latency, run.done and carried_out(hass, command), run.phases


async def _say(house: House, taps: Taps, command: Command, voice: str, pcm: bytes) -> SatelliteRun:
    hass, satellite = house.hass, house.satellites[0]
    entity = entity_of(hass, house.entries[0], "assist_satellite")
    await async_prepare(hass, command)
    # Home Assistant keeps replies in memory for minutes: "Turned on the light" would come
    # from there.
    await hass.services.async_call(tts.DOMAIN, "clear_cache", blocking=True)
    await _quiet(hass, entity, taps)
    woke_before = len(_WOKE.findall(satellite.log_text()))
    runs_before = set(_pipeline_runs(hass))
    run = SatelliteRun(voice, command.text, time.monotonic())
    satellite.microphone.say(pcm)
    deadline = run.said_at + len(pcm) / 2 / 16_000 + COMMAND_TIMEOUT
    woke = False
    while time.monotonic() < deadline:
        await asyncio.sleep(0.1)
        state = hass.states.get(entity)
        busy = state is not None and state.state in _BUSY
        if woke and not busy:
            break
        woke |= busy
        if (
            not woke
            and satellite.microphone.pending == 0
            and time.monotonic() > run.said_at + (len(pcm) / 2 / 16_000 + 5.0)
        ):
            break  # heard all of it, and nothing started
    await _quiet(hass, entity, taps)
    run.carried_out = carried_out(hass, command)
    detections = _WOKE.findall(satellite.log_text())[woke_before:]
    run.wake_heard = bool(detections)
    run.wake_score = float(detections[0][1]) if detections else None
    sound = taps.sound_after(run.said_at)
    if sound:
        run.speech_end = sound[-1]
    if reply := taps.speaker_after(run.said_at):
        run.first_audio = reply[0][0]
        run.reply_bytes = sum(n for _, n in reply)
    run.transcript, run.response, stages = _what_home_assistant_heard(hass, runs_before)
    run.phases = phases(run.speech_end, run.first_audio, stages)
    return run


async def _quiet(hass: HomeAssistant, entity: str, taps: Taps) -> None:
    """Until the satellite is idle and its speaker has been quiet for QUIET_SECONDS."""
    deadline = time.monotonic() + COMMAND_TIMEOUT
    while time.monotonic() < deadline:
        state = hass.states.get(entity)
        last = max((t for t, _ in taps.speaker_after(0.0)), default=0.0)
        if (state is None or state.state not in _BUSY) and time.monotonic() - last > QUIET_SECONDS:
            return
        await asyncio.sleep(0.1)


def _pipeline_runs(hass: HomeAssistant) -> dict[str, Any]:
    """Every pipeline run Home Assistant keeps for debugging, by run id."""
    found: dict[str, Any] = {}
    for runs in hass.data[KEY_ASSIST_PIPELINE].pipeline_debug.values():
        found.update(runs)
    return found


def _what_home_assistant_heard(
    hass: HomeAssistant, before: set[str]
) -> tuple[str | None, str | None, dict[str, float]]:
    """The transcript, the intent's response type (or the error) of the new run, and when
    its stage events came (time.monotonic(), the taps' clock)."""
    transcript = response = None
    stages: dict[str, float] = {}
    wall_to_monotonic = time.monotonic() - time.time()
    for run_id, debug in _pipeline_runs(hass).items():
        if run_id in before:
            continue
        for event in debug.events:
            data = event.data or {}
            if event.type.value in STAGE_EVENTS:
                at = datetime.datetime.fromisoformat(event.timestamp).timestamp()
                stages[event.type.value] = at + wall_to_monotonic
            if event.type is PipelineEventType.STT_END:
                transcript = data.get("stt_output", {}).get("text")
            elif event.type is PipelineEventType.INTENT_END:
                response = data.get("intent_output", {}).get("response", {}).get("response_type")
            elif event.type is PipelineEventType.ERROR:
                response = f"error {data.get('code')}"
    return transcript, response, stages


def _load() -> str:
    with contextlib.suppress(OSError):
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    return "?"


# -- the report --------------------------------------------------------------------------


def report(figures: SatelliteFigures) -> list[str]:
    f = figures
    latencies = f.latencies
    p50, p95 = percentile(latencies, 50), percentile(latencies, 95)
    pipe50, pipe95 = percentile(f.pipeline_latencies, 50), percentile(f.pipeline_latencies, 95)
    voices = ", ".join(dict.fromkeys(r.voice for r in f.runs))
    lines = [
        "end to end through a real satellite (ours only: no peer satellite to compare with) — "
        f"{len(f.runs)} commands, 'hey jarvis, …' in {voices}, into its file microphone at "
        f"real-time pace; engine, satellite and Home Assistant with our integration "
        f"({f.seconds:.0f} s, load {f.load}):",
        f"  end of speech → first reply audio at the satellite's speaker: p50 {p50 * 1000:.0f} ms,"
        f" p95 {p95 * 1000:.0f} ms ({len(latencies)} replies)",
        f"  commands carried out: {f.count(lambda r: r.carried_out)}; wake word heard: "
        f"{f.count(lambda r: r.wake_heard)}; said twice: {f.count(lambda r: r.said_twice)}",
        f"  the same commands through our pipeline alone, in the same run: p50 "
        f"{pipe50 * 1000:.0f} ms, p95 {pipe95 * 1000:.0f} ms, carried out "
        f"{f.count(lambda r: r.pipeline_carried_out)}",
        f"  satellite/pipeline p50 ratio {p50 / pipe50:.2f} (goal ≤ {SATELLITE_RATIO}): "
        + _verdict(p50 <= SATELLITE_RATIO * pipe50),
        f"  satellite p95 {p95 * 1000:.0f} ms (goal ≤ {SATELLITE_P95_SECONDS * 1000:.0f} ms "
        f"idle; load {f.load}): " + _verdict(p95 <= SATELLITE_P95_SECONDS),
        "  every command carried out, none said twice: "
        + _verdict(all(r.carried_out and not r.said_twice for r in f.runs)),
        "  where the time goes (median ms, satellite / pipeline alone): "
        + "; ".join(
            f"{name} {_median_ms(f.runs, name, 'phases')} / "
            f"{_median_ms(f.runs, name, 'pipeline_phases')}"
            for name in PHASES
        ),
    ]
    for r in f.runs:
        latency = "-" if math.isnan(r.latency) else f"{r.latency * 1000:.0f} ms"
        direct = "-" if math.isnan(r.pipeline_latency) else f"{r.pipeline_latency * 1000:.0f} ms"
        lines.append(
            f"    {r.voice:<15} {r.text!r:<32} {latency:>8} (pipeline {direct:>7})  wake "
            f"{'-' if r.wake_score is None else f'{r.wake_score:.2f}'}  "
            f"{'done' if r.carried_out else 'NOT done'}  heard {r.transcript!r}"
        )
    return lines


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def _median_ms(runs: list[SatelliteRun], phase: str, which: str) -> str:
    values = [getattr(r, which)[phase] for r in runs if phase in getattr(r, which)]
    return f"{percentile(values, 50) * 1000:.0f}" if values else "-"
