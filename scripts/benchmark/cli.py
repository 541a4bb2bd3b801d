"""scripts/bench: install the peers, start everything, run the workload, print one table."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from statistics import median
from types import ModuleType

from testbed.peers import WHISPER_AND_PIPER, InstallError, ensure

from . import corpus as corpus_module
from . import languages, satellite_path, servers, stop_word, three_satellites, wake_only
from .clients import StdinWake, WakeClient, WyomingWake
from .corpus import REPLIES, Corpus
from .paths import BENCH
from .pipeline import end_to_end_findings, end_to_end_rows
from .processes import Service
from .report import Row, table, update_json, write_json
from .scoring import percentile, word_error_rate
from .venvs import PYOPEN_WAKEWORD, WYOMING_OPENWAKEWORD
from .workload import (
    Side,
    speech_to_text,
    text_to_speech,
    wake_word,
    warm_up,
    warm_up_speech,
)

STT_TARGET = 0.4  # the project's goal: our STT latency at most 0.4x the peer's


def wake_chunk_sizes(quick: bool) -> tuple[int, ...]:
    """20 ms as the other figures; 10 ms too (what Home Assistant sends) unless quick."""
    return (20,) if quick else (20, 10)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="scripts/bench", description=__doc__)
    parser.add_argument(
        "--quick", action="store_true", help="few utterances: a smoke check (~2 min)"
    )
    parser.add_argument(
        "--wake-peer",
        choices=("auto", "wyoming-openwakeword", "pyopen-wakeword"),
        default="auto",
        help="wake word peer: wyoming-openwakeword 1.x (Python 3.11) if it works, else "
        "pyopen-wakeword's command line (default: auto)",
    )
    parser.add_argument(
        "--json", type=Path, default=BENCH / "results.json", help="where to write the results"
    )
    parser.add_argument("--no-json", action="store_true", help="print only")
    parser.add_argument(
        "--stop-word-only", action="store_true", help="only the satellite's stop word (~1 min)"
    )
    parser.add_argument(
        "--one-core-only",
        action="store_true",
        help="only end to end with ours and the peers pinned to one core (~5 min, quick ~1)",
    )
    parser.add_argument(
        "--wake-only",
        action="store_true",
        help="only wake words on the generated sets of scripts/wake-data: heard, false wakes "
        "an hour, CPU per stream, ours by sensitivity against pyopen-wakeword",
    )
    parser.add_argument(
        "--peer-minutes",
        type=float,
        help="with --wake-only: score only this many minutes of negatives with the peer",
    )
    parser.add_argument(
        "--satellite-only",
        action="store_true",
        help="only end to end through a real satellite (~2 min); its key in the JSON file",
    )
    parser.add_argument(
        "--three-satellites-only",
        action="store_true",
        help="only three satellites hearing three people at the same moment (~3 min, quick "
        "~1), and the wake word fingerprints that tell them apart; its key in the JSON file",
    )
    parser.add_argument(
        "--languages-only",
        action="store_true",
        help="only per language (de, fr, es, nl, it, en) through Home Assistant's pipeline, "
        "ours against wyoming-faster-whisper on Whisper base (~25 min, quick ~10)",
    )
    parser.add_argument(
        "--language",
        action="append",
        choices=languages.LANGUAGES,
        help="with --languages-only: only this language (repeatable; default: all)",
    )
    parser.add_argument(
        "--dev",
        action="store_true",
        help="with --languages-only: the development set the engine was tuned on, instead "
        "of the test set (its key in the JSON file: languages_dev)",
    )
    return parser.parse_args(argv)


def say(text: str) -> None:
    print(f"==> {text}", flush=True)


def progress(text: str) -> None:
    print(f"    {text}", flush=True)


# -- peers ---------------------------------------------------------------------------------


def install_peers(wake_peer: str) -> list[str]:
    """Install the STT/TTS peers' venv; return the wake word peers to try, in order.

    wyoming-openwakeword 1.x needs Python 3.11 (tflite-runtime-nightly); when it cannot be
    installed or started, pyopen-wakeword (openWakeWord's runtime in wyoming-openwakeword
    2.x) stands in, driven through its own command line.
    """
    ensure(WHISPER_AND_PIPER)
    if wake_peer == "pyopen-wakeword":
        return ["pyopen-wakeword"]
    try:
        ensure(WYOMING_OPENWAKEWORD)
    except InstallError as err:
        if wake_peer != "auto":
            raise
        progress(f"wyoming-openwakeword unavailable: {str(err).splitlines()[0]}")
        return ["pyopen-wakeword"]
    return (
        ["wyoming-openwakeword", "pyopen-wakeword"]
        if wake_peer == "auto"
        else ["wyoming-openwakeword"]
    )


async def start(services: list[Service]) -> None:
    """Start, wait until each answers, and make sure none listens beyond loopback."""
    for service in services:
        service.start()
    await asyncio.gather(*(s.wait_ready() for s in services))
    for service in services:
        if exposed := service.exposed_sockets():
            for other in services:
                other.stop()
            raise RuntimeError(f"{service.name} listens beyond loopback: {', '.join(exposed)}")


async def start_wake_peer(candidates: list[str]) -> tuple[Service, WakeClient]:
    """The first wake word peer that installs and starts."""
    for name in candidates:
        try:
            service = await _launch_wake_peer(name)
        except (InstallError, RuntimeError, TimeoutError) as err:
            if name == candidates[-1]:
                raise
            progress(f"{name} did not start ({str(err).splitlines()[0]}); trying the next peer")
            continue
        client = WyomingWake(service.tcp_port) if service.wyoming else StdinWake(service)
        return service, client
    raise RuntimeError("no wake word peer")


async def _launch_wake_peer(name: str) -> Service:
    if name == "wyoming-openwakeword":
        service = servers.wyoming_openwakeword()
    else:
        ensure(PYOPEN_WAKEWORD)
        service = servers.pyopen_wakeword()
    await start([service])
    await asyncio.sleep(1.0)  # its model threads load after it starts serving
    if service.crashed_inside():
        service.stop()
        raise RuntimeError(f"{name} logged an error:\n{service.log_tail()}")
    return service


# -- rows ------------------------------------------------------------------------------------


def stt_rows(ours: Side, peer: Side) -> list[Row]:
    lat = {s.name: [r.latency for _, r in s.stt] for s in (ours, peer)}
    wer = {s.name: word_error_rate([(c.text, r.text) for c, r in s.stt]) for s in (ours, peer)}
    return [
        Row(
            "STT latency p50 (audio-stop → transcript)",
            percentile(lat["ours"], 50),
            percentile(lat["peer"], 50),
            "ms",
        ),
        Row("STT latency p95", percentile(lat["ours"], 95), percentile(lat["peer"], 95), "ms"),
        Row("STT word error rate", wer["ours"], wer["peer"], "%"),
    ]


def tts_rows(ours: Side, peer: Side) -> list[Row]:
    rows = []
    for label in REPLIES:
        first = {s.name: median(r.first_audio for r in s.tts[label]) for s in (ours, peer)}
        total = {s.name: median(r.total for r in s.tts[label]) for s in (ours, peer)}
        rows.append(Row(f"TTS first audio, {label} (median)", first["ours"], first["peer"], "ms"))
        rows.append(
            Row(f"TTS total synthesis, {label} (median)", total["ours"], total["peer"], "ms")
        )
    return rows


def wake_rows(ours: Side, peer: Side) -> list[Row]:
    def count(hits: list[bool]) -> tuple[float, str]:
        return (sum(hits) / len(hits) if hits else 0.0), f"{sum(hits)}/{len(hits)}"

    cpu = [  # in the order measured
        Row(f"wake CPU per stream, {c}", ours.wake_load(c), peer.wake_load(c), "%")
        for c in ours.wake_cpu
    ]
    hits = {s.name: count(s.wake_hits) for s in (ours, peer)}
    false = {s.name: count(s.false_hits) for s in (ours, peer)}
    return [
        *cpu,
        Row(
            "wake detections, held-out 'hey jarvis …'",
            hits["ours"][0],
            hits["peer"][0],
            "n/N",
            lower_is_better=False,
            ours_text=hits["ours"][1],
            peer_text=hits["peer"][1],
        ),
        Row(
            "wake false detections, other speech",
            false["ours"][0],
            false["peer"][0],
            "n/N",
            ours_text=false["ours"][1],
            peer_text=false["peer"][1],
        ),
    ]


def memory_rows(warm: dict[str, float], after: dict[str, float]) -> list[Row]:
    def peers(values: dict[str, float]) -> float:
        return sum(v for k, v in values.items() if k != "ours")

    return [
        Row("memory RSS after warm-up (peers: sum of 3)", warm["ours"], peers(warm), "MiB"),
        Row("memory RSS after workload (peers: sum of 3)", after["ours"], peers(after), "MiB"),
    ]


def findings(rows: list[Row]) -> list[str]:
    """Plain sentences on the targets and on every row where our side is worse."""
    lines = []
    p50 = rows[0]
    verdict = "met" if p50.ratio <= STT_TARGET else "NOT met"
    lines.append(f"STT p50 latency ours/peer = {p50.ratio:.2f} (target ≤ {STT_TARGET}): {verdict}")
    lines.extend(end_to_end_findings(rows))
    lines.extend(end_to_end_findings(rows, ONE_CORE))
    lines.extend(f"ours is worse by more than 10 %: {r.metric}" for r in rows if r.ours_worse)
    return lines


# -- run ---------------------------------------------------------------------------------------


@dataclass
class Results:
    """Everything one run measured."""

    sides: tuple[Side, Side]
    rss_warm: dict[str, float]
    rss_after: dict[str, float]
    wake_peer: str
    extra_rows: list[Row]
    end_to_end: dict[str, dict[str, list[dict[str, object]]]]


async def run(args: argparse.Namespace, corpus: Corpus, wake_candidates: list[str]) -> int:
    """Start every server, measure, stop them all (whatever happens), then report."""
    began = time.monotonic()
    say("Starting our engine and the peers on 127.0.0.1 (offline, same models)")
    ours, whisper, piper = servers.ours(), servers.faster_whisper(), servers.piper()
    started: list[Service] = [ours, whisper, piper]
    try:
        await start(started)
        wake_service, wake_client = await start_wake_peer(wake_candidates)
        started.append(wake_service)
        sides = (
            Side("ours", ours.tcp_port, ours.tcp_port, WyomingWake(ours.tcp_port), ours),
            Side("peer", whisper.tcp_port, piper.tcp_port, wake_client, wake_service),
        )
        results = await measure(args, corpus, sides, {s.name: s for s in started})
    finally:
        for service in started:
            service.stop()
    for service in started:
        if service.crashed_inside():
            print(f"warning: {service.name} logged a traceback, see {service.log}")

    say("End to end again, ours and the peers each pinned to one core with one thread")
    one_core_rows, one_core_details = await one_core(corpus, args.quick)
    rows = [
        *stt_rows(*sides),
        *tts_rows(*sides),
        *wake_rows(*sides),
        *memory_rows(results.rss_warm, results.rss_after),
        *results.extra_rows,
        *one_core_rows,
    ]
    results.end_to_end["one_core"] = one_core_details["development"]
    version_info = servers.versions(wake_service)
    print_report(args, corpus, rows, version_info, results, time.monotonic() - began)
    print()
    print("\n".join(stop_word.report(stop_word.measure(args.quick))))
    say("End to end through a real satellite process (ours only)")
    satellite = await satellite_path.measure(args.quick, progress)
    print()
    print("\n".join(satellite_path.report(satellite)))
    say("Three satellites hearing three people at the same moment (ours only)")
    three = await three_satellites.measure(args.quick, progress)
    print()
    print("\n".join(three_satellites.report(three)))
    say("Per language through Home Assistant's pipeline, ours and the peer")
    per_language = await languages.run(args.quick, progress)
    print()
    print("\n".join(languages.report(per_language, _load())))
    if not args.no_json:
        write_json(
            args.json,
            rows,
            details(args, version_info, results)
            | {
                "satellite": satellite.to_json(),
                "three_satellites": three.to_json(),
                "languages": languages.to_json(per_language),
            },
        )
        print(f"\nresults: {args.json}")
    return 0


ONE_CORE = " (one core)"


async def one_core(
    corpus: Corpus, quick: bool
) -> tuple[list[Row], dict[str, dict[str, list[dict[str, object]]]]]:
    """A smaller machine: our engine and the peers (STT, TTS) pinned to core 0 with one
    thread each (`taskset -c 0`), the development set through both pipelines."""
    ours = servers.ours(one_core=True)
    whisper, piper = servers.faster_whisper(one_core=True), servers.piper(one_core=True)
    started = [ours, whisper, piper]
    try:
        await start(started)
        wake = WyomingWake(ours.tcp_port)  # not used: end to end starts after the wake word
        sides = (
            Side("ours", ours.tcp_port, ours.tcp_port, wake, ours),
            Side("peer", whisper.tcp_port, piper.tcp_port, wake, ours),
        )
        await warm_up_speech(sides)
        commands = corpus.pipeline["development"]
        return await end_to_end_rows(sides, {"development": commands}, progress, ONE_CORE)
    finally:
        for service in started:
            service.stop()


async def measure(
    args: argparse.Namespace,
    corpus: Corpus,
    sides: tuple[Side, Side],
    services: dict[str, Service],
) -> Results:
    """Warm up, then the workload; memory read before and after it."""
    say("Warming up (one request of each kind per side, not measured)")
    await warm_up(sides)
    warm = {name: s.rss_mb() for name, s in services.items()}
    say(f"Speech-to-text: {len(corpus.commands)} utterances, 20 ms chunks at real-time pace")
    await speech_to_text(sides, corpus.commands, progress)
    say("Text-to-speech")
    await text_to_speech(sides, args.quick, progress)
    chunk_sizes = wake_chunk_sizes(args.quick)
    say(
        f"Wake word: {len(corpus.wake)} wake phrases + {len(corpus.non_wake)} other utterances, "
        f"then a quiet room; both sides at once, in {' and '.join(map(str, chunk_sizes))} ms chunks"
    )
    await wake_word(sides, corpus, chunk_sizes, progress)
    after = {name: s.rss_mb() for name, s in services.items()}
    sets = ", ".join(f"{len(c)} {name}" for name, c in corpus.pipeline.items())
    say(f"End to end through Home Assistant's Assist pipeline: {sets} commands")
    extra_rows, end_to_end = await end_to_end_rows(sides, corpus.pipeline, progress)
    return Results(sides, warm, after, sides[1].wake_service.name, extra_rows, end_to_end)


def print_report(
    args: argparse.Namespace,
    corpus: Corpus,
    rows: list[Row],
    version_info: dict[str, str],
    results: Results,
    seconds: float,
) -> None:
    wake_label = {
        "wyoming-openwakeword": "wyoming-openwakeword (Wyoming server, tflite, Python 3.11)",
        "pyopen-wakeword": "pyopen-wakeword command line (no Wyoming server, tflite)",
    }[results.wake_peer]
    print()
    print(
        f"Indoor Voice benchmark — {datetime.date.today()}, {os.cpu_count()} CPUs, "
        f"load {_load()}, {'quick' if args.quick else 'full'} run, {seconds:.0f} s"
    )
    print("peer: STT = wyoming-faster-whisper, TTS = wyoming-piper, wake word = " + wake_label)
    print("versions: " + ", ".join(f"{k} {v}" for k, v in version_info.items()))
    accents = ", ".join(corpus_module.ESPEAK_VOICES)
    print(
        f"audio: {len(corpus.commands)} commands in espeak-ng ({accents}) and Piper voices, "
        "0.3 s before / 0.8 s after the speech, 20 ms chunks at real-time pace; "
        "same models both sides (tiny.en int8 beam 1, 2 threads; en_US-joe-medium; hey_jarvis)"
    )
    sets = "; ".join(
        f"{name} set {len(commands)} ({', '.join(corpus_module.PIPELINE_VOICES[name])})"
        for name, commands in corpus.pipeline.items()
    )
    print(
        f"quiet room: {corpus.quiet_room.seconds:.0f} s of white noise at "
        f"{corpus_module.QUIET_ROOM_DBFS:.0f} dBFS; end to end: {sets}; pauses inside of "
        f"{' / '.join(f'{p:.1f}' for p in corpus_module.INNER_PAUSES)} s) to Home Assistant's "
        "Assist pipeline from the speech-to-text stage, in a home with a Hallway Light, a Porch "
        "Light, a Front Door and a Kitchen Light, 10 ms chunks at real-time pace, end of speech "
        "→ first reply audio byte (WAV, no conversion); the sets differ in voices and sentences"
    )
    print()
    print(table(rows))
    print()
    warm, after = results.rss_warm, results.rss_after
    print(
        "memory by peer (MiB, warm-up → after): "
        + ", ".join(f"{k} {warm[k]:.0f} → {after[k]:.0f}" for k in warm if k != "ours")
    )
    for line in findings(rows):
        print(line)


def details(
    args: argparse.Namespace, version_info: dict[str, str], results: Results
) -> dict[str, object]:
    """Everything behind the table, for later comparison."""
    return {
        "date": datetime.datetime.now().isoformat(timespec="seconds"),
        "quick": args.quick,
        "cpus": os.cpu_count(),
        "wake_peer": results.wake_peer,
        "versions": version_info,
        "rss_mib": {"after_warm_up": results.rss_warm, "after_workload": results.rss_after},
        "sides": {side.name: _side_details(side) for side in results.sides},
        "end_to_end": results.end_to_end,
    }


def _side_details(side: Side) -> dict[str, object]:
    return {
        "stt": [
            {"voice": c.voice, "reference": c.text, "transcript": r.text, "latency_s": r.latency}
            for c, r in side.stt
        ],
        "tts": {k: [vars(r) for r in v] for k, v in side.tts.items()},
        "wake_hits": side.wake_hits,
        "false_hits": side.false_hits,
        "wake_cpu_seconds": side.wake_cpu,
        "wake_audio_seconds": side.wake_audio,
    }


def _load() -> str:
    with contextlib.suppress(OSError):
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    return "?"


def satellite_only(args: argparse.Namespace) -> int:
    """The satellite's end-to-end figures alone; the rest of the JSON file is kept."""
    say("End to end through a real satellite process (ours only)")
    return _measured_alone(args, satellite_path, "satellite")


def three_satellites_only(args: argparse.Namespace) -> int:
    """Three satellites at once alone; the rest of the JSON file is kept."""
    say("Three satellites hearing three people at the same moment (ours only)")
    return _measured_alone(args, three_satellites, "three_satellites")


def _measured_alone(args: argparse.Namespace, measurement: ModuleType, key: str) -> int:
    """Run one measurement module (`measure`, `report`), print it, keep it under `key`."""
    figures = asyncio.run(measurement.measure(args.quick, progress))
    print()
    print("\n".join(measurement.report(figures)))
    if not args.no_json:
        update_json(args.json, key, figures.to_json())
        print(f"\nresults: {args.json} (key '{key}')")
    return 0


def one_core_only(args: argparse.Namespace) -> int:
    """The one-core figures alone; the rest of the JSON file is kept."""
    ensure(WHISPER_AND_PIPER)
    say("Synthesizing the audio (espeak-ng and Piper, in memory)")
    corpus = corpus_module.build(args.quick)
    say("End to end, ours and the peers each pinned to one core with one thread")
    rows, details_ = asyncio.run(one_core(corpus, args.quick))
    print(f"\n{_load_line()}")
    print(table(rows))
    print("\n".join(end_to_end_findings(rows, ONE_CORE)))
    if not args.no_json:
        update_json(args.json, "one_core", {"rows": [vars(r) for r in rows], **details_})
        print(f"\nresults: {args.json} (key 'one_core')")
    return 0


def _load_line() -> str:
    return f"{datetime.datetime.now():%Y-%m-%d %H:%M}, {os.cpu_count()} CPUs, load {_load()}"


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    if args.stop_word_only:
        print("\n".join(stop_word.report(stop_word.measure(args.quick))))
        return 0
    if args.satellite_only:
        return satellite_only(args)
    if args.three_satellites_only:
        return three_satellites_only(args)
    if args.one_core_only:
        return one_core_only(args)
    if args.wake_only:
        print("\n".join(wake_only.measure(say, args.peer_minutes)))
        return 0
    if args.languages_only:
        return languages.languages_only(
            args.quick, None if args.no_json else args.json, _load, args.language, args.dev
        )
    say("Peers in .bench/ (installed once)")
    try:
        candidates = install_peers(args.wake_peer)
    except InstallError as err:
        print(f"cannot install the peers: {err}", file=sys.stderr)
        return 1
    say("Synthesizing the audio (espeak-ng and Piper, in memory)")
    corpus = corpus_module.build(args.quick)
    return asyncio.run(run(args, corpus, candidates))
