"""End to end through Home Assistant's Assist pipeline: end of speech → first reply audio.

One Home Assistant runs in this process, made by the test harness's
`async_test_home_assistant` (config and storage in a temporary folder, no HTTP server),
in household.py's home (Hallway Light, Porch Light, Front Door, Kitchen Light), with two
pipelines on the servers already running:
  ours  our integration, added through its config flow, on our engine;
  peer  HA's built-in `wyoming` integration on wyoming-faster-whisper and wyoming-piper.
Each command starts at the speech-to-text stage (as after a satellite's wake word) and is
fed as satellites feed it: 10 ms chunks at real-time pace, silence after the speech until
HA's voice activity detection ends the command. End of speech is the moment the last
audible chunk was fed; first reply audio is the first byte of samples (past the WAV
header) from the run's TTS stream, which is opened at run start as a satellite would.
A command is cut off when speech-to-text stopped taking audio before its last audible chunk.
"""

from __future__ import annotations

import asyncio
import logging
import math
import tempfile
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass

import numpy as np
from homeassistant import loader
from homeassistant.components import tts
from homeassistant.components.assist_pipeline import (
    PipelineEvent,
    PipelineEventType,
    PipelineStage,
    async_create_default_pipeline,
    async_pipeline_from_audio_stream,
    async_update_pipeline,
)
from homeassistant.core import Context, HomeAssistant
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import async_test_home_assistant

from custom_components.indoor_voice.const import DOMAIN, PIPELINE_NAME
from testbed.assist import (
    METADATA,
    async_add_service,
    entity_of,
    pipeline_named,
)
from testbed.speech import RATE, paced

from .corpus import Clip
from .household import Command, async_prepare, async_setup_home, carried_out
from .paths import VOICE
from .processes import HOST
from .report import Row
from .scoring import percentile, word_error_rate
from .workload import Progress, Side, in_turn, settle

CHUNK_MS = 10  # what satellites send
_CHUNK_SAMPLES = RATE * CHUNK_MS // 1000
_AUDIBLE_RMS = 32.0  # about -60 dBFS
_DONE = ("action_done", "query_answer")
_LABEL = "end to end via HA pipeline (end of speech → first reply audio)"


@dataclass
class Run:
    """One command through one pipeline."""

    speech_end: float = math.nan  # perf_counter when the last audible chunk was fed
    first_audio: float = math.nan  # ... when the first byte of reply audio arrived
    done: bool = False  # understood and carried out, without an error
    cut_off: bool = True  # until the last audible chunk was taken
    text: str = ""  # what speech-to-text heard

    @property
    def latency(self) -> float:
        return self.first_audio - self.speech_end


async def end_to_end_rows(
    sides: tuple[Side, Side], commands: list[tuple[Command, Clip]], progress: Progress
) -> tuple[list[Row], dict[str, list[dict[str, object]]]]:
    """Every command through both pipelines, who goes first alternating; one unmeasured
    run per side first (Home Assistant loads its intents on first use). The rows, and each
    run's details by side."""
    runs: dict[str, list[Run]] = {side.name: [] for side in sides}
    logging.disable(logging.WARNING)  # HA's notes on custom integrations; errors still show
    with tempfile.TemporaryDirectory(prefix="indoor-voice-bench-ha-") as config_dir:
        async with async_test_home_assistant(config_dir=config_dir) as hass:
            try:
                pipelines = await _home(hass, sides)
                for side in sides:
                    await _run(hass, pipelines[side.name], commands[0][1])
                for index, (command, clip) in enumerate(commands):
                    for side in in_turn(index, sides):
                        await settle()
                        await async_prepare(hass, command)
                        run = await _run(hass, pipelines[side.name], clip)
                        run.done = run.done and carried_out(hass, command)
                        runs[side.name].append(run)
                    progress(f"end to end {index + 1}/{len(commands)}")
            finally:
                await hass.async_stop(force=True)
                logging.disable(logging.NOTSET)
    clips = [clip for _command, clip in commands]
    details = {
        name: [
            {"voice": c.voice, "reference": c.text, **vars(r), "latency_s": r.latency}
            for c, r in zip(clips, side_runs, strict=True)
        ]
        for name, side_runs in runs.items()
    }
    return _rows(runs["ours"], runs["peer"], clips), details


async def _home(hass: HomeAssistant, sides: tuple[Side, Side]) -> dict[str, str]:
    """The kitchen, both integrations added through their config flows; pipeline ids."""
    hass.data.pop(loader.DATA_CUSTOM_COMPONENTS)  # find custom_components/ (this repo's)
    assert await async_setup_component(hass, "homeassistant", {})
    await async_setup_home(hass)
    ours, peer = sides
    await async_add_service(hass, DOMAIN, HOST, ours.stt_port)
    stt = await async_add_service(hass, "wyoming", HOST, peer.stt_port)
    tts_entry = await async_add_service(hass, "wyoming", HOST, peer.tts_port)
    pipeline = await async_create_default_pipeline(
        hass, entity_of(hass, stt, "stt"), entity_of(hass, tts_entry, "tts"), "Wyoming peers"
    )
    assert pipeline is not None
    # HA chose piper's first catalog voice, which is not installed: the household picks Joe.
    await async_update_pipeline(hass, pipeline, tts_voice=VOICE)
    return {ours.name: pipeline_named(hass, PIPELINE_NAME).id, peer.name: pipeline.id}


async def _run(hass: HomeAssistant, pipeline_id: str, command: Clip) -> Run:
    # HA keeps replies in memory for minutes: "Turned on the light" would come from there.
    await hass.services.async_call(tts.DOMAIN, "clear_cache", blocking=True)
    run = Run()
    readers: list[asyncio.Task[None]] = []
    errors: list[PipelineEvent] = []

    def on_event(event: PipelineEvent) -> None:
        data = event.data or {}
        if event.type is PipelineEventType.RUN_START:
            token = data["tts_output"]["token"]
            readers.append(hass.async_create_task(_listen(hass, token, run)))
        elif event.type is PipelineEventType.STT_END:
            run.text = data["stt_output"]["text"]
        elif event.type is PipelineEventType.INTENT_END:
            response = data["intent_output"]["response"]
            run.done = response["response_type"] in _DONE
        elif event.type is PipelineEventType.ERROR:
            errors.append(event)

    await async_pipeline_from_audio_stream(
        hass,
        context=Context(),
        event_callback=on_event,
        stt_metadata=METADATA,
        stt_stream=_speak(command.pcm, run),
        pipeline_id=pipeline_id,
        start_stage=PipelineStage.STT,
        end_stage=PipelineStage.TTS,
        tts_audio_output={tts.ATTR_PREFERRED_FORMAT: "wav"},
    )
    await asyncio.gather(*readers)
    run.done = run.done and not errors
    return run


async def _speak(pcm: bytes, run: Run) -> AsyncIterator[bytes]:
    """The microphone; notes when the last audible chunk goes out."""
    last_audible = _last_audible_chunk(pcm)
    index = 0
    async for chunk in paced(pcm, CHUNK_MS):
        if index == last_audible:
            run.speech_end = time.perf_counter()
            run.cut_off = False
        yield chunk
        index += 1


def _last_audible_chunk(pcm: bytes) -> int:
    samples = np.frombuffer(pcm, dtype=np.int16)
    chunks = samples[: len(samples) // _CHUNK_SAMPLES * _CHUNK_SAMPLES].astype(np.float32)
    rms = np.sqrt(np.mean(chunks.reshape(-1, _CHUNK_SAMPLES) ** 2, axis=1))
    return int(np.flatnonzero(rms >= _AUDIBLE_RMS)[-1])


async def _listen(hass: HomeAssistant, token: str, run: Run) -> None:
    """Play the reply as a satellite would; note when its first sample arrives."""
    stream = tts.async_get_stream(hass, token)
    assert stream is not None
    head = b""
    async for chunk in stream.async_stream_result():
        if math.isnan(run.first_audio):
            head += chunk
            if (at := head.find(b"data")) >= 0 and len(head) > at + 8:  # past the WAV header
                run.first_audio = time.perf_counter()


def _rows(ours: list[Run], peer: list[Run], clips: list[Clip]) -> list[Row]:
    def latencies(runs: list[Run]) -> list[float]:
        return [r.latency for r in runs if not math.isnan(r.latency)]

    def done(runs: list[Run]) -> tuple[float, str]:
        count = sum(r.done for r in runs)
        return count / len(runs), f"{count}/{len(runs)}"

    label = _LABEL
    return [
        Row(
            f"{label} p50",
            percentile(latencies(ours), 50),
            percentile(latencies(peer), 50),
            "ms",
        ),
        Row(f"{label} p95", percentile(latencies(ours), 95), percentile(latencies(peer), 95), "ms"),
        Row(
            "end to end commands carried out",
            done(ours)[0],
            done(peer)[0],
            "n/N",
            lower_is_better=False,
            ours_text=done(ours)[1],
            peer_text=done(peer)[1],
        ),
        Row(
            "end to end commands cut off",
            sum(r.cut_off for r in ours),
            sum(r.cut_off for r in peer),
            "n",
        ),
        Row(
            "end to end word error rate (transcript in HA)",
            word_error_rate([(c.text, r.text) for c, r in zip(clips, ours, strict=True)]),
            word_error_rate([(c.text, r.text) for c, r in zip(clips, peer, strict=True)]),
            "%",
        ),
    ]


# The goals end to end: first reply audio ≤ 0.5 s after the end of speech (p50) and at most
# 0.35x the peer's; ≥ 95 % of commands carried out, more than the peer; none cut off.
E2E_P50_SECONDS = 0.5
E2E_RATIO = 0.35
CARRIED_OUT = 0.95


def end_to_end_findings(rows: list[Row]) -> list[str]:
    """Whether the end-to-end goals were met, one sentence each."""
    by_metric = {row.metric: row for row in rows}
    p50 = by_metric[f"{_LABEL} p50"]
    done = by_metric["end to end commands carried out"]
    cut = by_metric["end to end commands cut off"]
    wer = by_metric["end to end word error rate (transcript in HA)"]

    def verdict(ok: bool) -> str:
        return "met" if ok else "NOT met"

    return [
        f"end to end p50 {p50.ours * 1000:.0f} ms (goal ≤ {E2E_P50_SECONDS * 1000:.0f} ms), "
        f"ours/peer {p50.ratio:.2f} (goal ≤ {E2E_RATIO}): "
        + verdict(p50.ours <= E2E_P50_SECONDS and p50.ratio <= E2E_RATIO),
        f"commands carried out {done.ours_text} vs peer {done.peer_text} "
        f"(goal ≥ {CARRIED_OUT:.0%} and more than the peer): "
        + verdict(done.ours >= CARRIED_OUT and done.ours > done.peer),
        f"commands cut off: {cut.ours:g} (goal 0): {verdict(cut.ours == 0)}",
        f"word error rate through HA {wer.ours:.1%} vs peer {wer.peer:.1%}: "
        + verdict(wer.ours <= wer.peer),
    ]
