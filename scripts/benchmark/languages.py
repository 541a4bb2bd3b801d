"""Per language: Home Assistant's own commands, spoken by espeak-ng, through Home Assistant's
pipeline in that language, ours against HA + wyoming-faster-whisper on the same model.

For each language (de, fr, es, nl, it, and en for reference) one Home Assistant runs in this
process (the test harness's `async_test_home_assistant`) in that language, with three
dimmable lights, each in an area named in the language. The commands are what a household
says to them (language_commands.py: a development set the engine was tuned on, and the test
set the bench reports, other sentences in other voices); what each one must do is found by
giving its text to Home Assistant's own conversation agent first (the one light it changed,
and how). Each is said by espeak-ng's voice of the language two ways and goes to two
pipelines:
  ours  our integration (its pipeline made in Home Assistant's language) on our engine;
  peer  HA's built-in `wyoming` integration on wyoming-faster-whisper and wyoming-piper.
Both transcribe with the same multilingual Whisper base (int8, beam 1). No Piper voice but
en_US-joe-medium installs here: our engine speaks its replies with the voices of a loopback
mirror (testbed/voice_mirror.py: Joe's model under each language's voice name), the peer's
pipeline with Joe; both voices are the same model, so the reply's first audio compares.
"""

from __future__ import annotations

import asyncio
import logging
import math
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from homeassistant import loader
from homeassistant.components import conversation
from homeassistant.components.assist_pipeline import (
    async_create_default_pipeline,
    async_update_pipeline,
)
from homeassistant.core import Context, HomeAssistant
from homeassistant.helpers import area_registry as ar
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import async_test_home_assistant

from custom_components.indoor_voice.const import DOMAIN, PIPELINE_NAME
from custom_components.indoor_voice.sentences.words import Words
from testbed.assist import async_add_service, entity_of, pipeline_named
from testbed.engine_process import free_port
from testbed.peers import THREADS, WHISPER_AND_PIPER, ensure, whisper_args
from testbed.speech import espeak, silence
from testbed.voice_mirror import VOICES, voice_mirror

from .corpus import Clip
from .language_commands import DEV, DEV_DELIVERIES, TEST, TEST_DELIVERIES, Delivery
from .paths import MODELS, OUR_ENGINE, REPO, VOICE
from .pipeline import Run, run_command
from .processes import HOST, Service, clean_env
from .report import update_json
from .scoring import edit_distance, percentile
from .servers import piper
from .workload import in_turn, settle

LANGUAGES = ("de", "fr", "es", "nl", "it", "en")
MULTILINGUAL = MODELS / "stt" / "base"  # Whisper base, the model both sides use
GOALS = {"de": 0.9, "es": 0.9}  # commands carried out (issue 22); every language: ≥ the peer
QUICK_COMMANDS = 3  # per language in a quick run; a full run says every command of the set

# A small home per language: (area, the light in it), in the language's words.
HOMES: dict[str, tuple[tuple[str, str], ...]] = {
    "de": (("Küche", "Küchenlampe"), ("Wohnzimmer", "Stehlampe"), ("Büro", "Schreibtischlampe")),
    "fr": (("Cuisine", "Plafonnier"), ("Salon", "Lampadaire"), ("Bureau", "Lampe de bureau")),
    "es": (("Cocina", "Plafón"), ("Salón", "Lámpara de pie"), ("Oficina", "Flexo")),
    "nl": (("Keuken", "Plafondlamp"), ("Woonkamer", "Staande lamp"), ("Kantoor", "Bureaulamp")),
    "it": (("Cucina", "Plafoniera"), ("Soggiorno", "Piantana"), ("Studio", "Lampada da tavolo")),
    "en": (("Kitchen", "Ceiling Light"), ("Living Room", "Floor Lamp"), ("Office", "Desk Lamp")),
}
ESPEAK_VOICES = {"de": "de", "fr": "fr-fr", "es": "es", "nl": "nl", "it": "it", "en": "en-us"}
_BEFORE, _AFTER = 0.5, 4.0  # seconds of silence around a command; each side takes what it needs
# A run whose speech-to-text failed may never open its reply stream: such a run is given up
# after this long and counted as not carried out.
_RUN_TIMEOUT = 90.0


@dataclass(frozen=True)
class Expected:
    """What a command does to the home, as Home Assistant's own agent carries out its text."""

    text: str
    intent: str
    before: str  # every light "on" or "off" before it
    entity: str  # the one light it changes
    state: str
    brightness_pct: int | None  # when it sets the brightness


@dataclass
class Said:
    """One command said once, through both pipelines."""

    command: Expected
    delivery: Delivery
    runs: dict[str, Run] = field(default_factory=dict)
    done: dict[str, bool] = field(default_factory=dict)


@dataclass
class LanguageResult:
    language: str
    commands: list[Expected]
    said: list[Said]
    error: str | None = None  # why the language could not be measured

    def carried_out(self, side: str) -> tuple[int, int]:
        return sum(s.done.get(side, False) for s in self.said), len(self.said)

    def word_error_rate(self, side: str) -> float:
        words = Words(self.language)
        edits = total = 0
        for said in self.said:
            reference = words.split(said.command.text)
            edits += edit_distance(reference, words.split(said.runs[side].text))
            total += len(reference)
        return edits / total if total else math.nan

    def p50(self, side: str) -> float:
        latencies = [s.runs[side].latency for s in self.said]
        return percentile([x for x in latencies if not math.isnan(x)], 50)

    def goals(self) -> list[tuple[str, bool]]:
        ours, total = self.carried_out("ours")
        peer, _ = self.carried_out("peer")
        goals = [("≥ the peer", ours >= peer)]
        if (share := GOALS.get(self.language)) is not None:
            goals.insert(0, (f"≥ {share:.0%} carried out", total > 0 and ours / total >= share))
        return goals

    def to_json(self) -> dict[str, Any]:
        return {
            "error": self.error,
            "commands": [vars(c) for c in self.commands],
            "runs": [
                {
                    "reference": s.command.text,
                    "voice": s.delivery[0],
                    **{
                        side: {
                            "transcript": r.text,
                            "latency_s": r.latency,
                            "done": s.done[side],
                            "cut_off": r.cut_off,
                        }
                        for side, r in s.runs.items()
                    },
                }
                for s in self.said
            ],
        }


# -- servers -----------------------------------------------------------------------------------


def our_engine(voices: Path, data_dir: Path) -> Service:
    """Our engine with Whisper base for every language (English too, as the peer), its voices
    from the loopback mirror (downloaded and verified on first use), online only to it."""
    port = free_port()
    return Service(
        name="ours-languages",
        argv=[
            OUR_ENGINE,
            "--uri",
            f"tcp://{HOST}:{port}",
            "--data-dir",
            str(data_dir),
            "--data-dir",
            str(MODELS),
            "--stt-model",
            str(MULTILINGUAL),
            f"--piper-voices={voices}",
            "--threads",
            str(THREADS),
        ],
        env=clean_env("ours-languages"),
        cwd=REPO,
        port=port,
    )


def peer_whisper(data_dir: Path) -> Service:
    """wyoming-faster-whisper on the same Whisper base (int8, beam 1), offline."""
    port = free_port()
    options = whisper_args(data_dir)
    options[options.index("--model") + 1] = str(MULTILINGUAL)
    return Service(
        name="wyoming-faster-whisper-base",
        argv=[
            str(WHISPER_AND_PIPER.bin / "wyoming-faster-whisper"),
            "--uri",
            f"tcp://{HOST}:{port}",
            *options,
        ],
        env=clean_env("faster-whisper-base"),
        cwd=data_dir,
        port=port,
    )


# -- the home and its commands -------------------------------------------------------------


def _light(name: str, key: str) -> dict[str, object]:
    """A dimmable template light over input_boolean.<key>_power and input_number.<key>_level."""
    power, level = f"input_boolean.{key}_power", f"input_number.{key}_level"
    return {
        "name": name,
        "unique_id": f"{key}_light",
        "state": f"{{{{ is_state('{power}', 'on') }}}}",
        "turn_on": {"action": "input_boolean.turn_on", "target": {"entity_id": power}},
        "turn_off": {"action": "input_boolean.turn_off", "target": {"entity_id": power}},
        "level": f"{{{{ states('{level}') | int }}}}",
        "set_level": [
            {
                "action": "input_number.set_value",
                "target": {"entity_id": level},
                "data": {"value": "{{ brightness }}"},
            },
            {"action": "input_boolean.turn_on", "target": {"entity_id": power}},
        ],
    }


async def async_setup_home(hass: HomeAssistant, language: str) -> list[str]:
    """The language's three lights, each in its area; their entity ids."""
    keys = [f"light{index}" for index in range(len(HOMES[language]))]
    booleans = {f"{key}_power": {} for key in keys}
    assert await async_setup_component(hass, "input_boolean", {"input_boolean": booleans})
    numbers = {f"{key}_level": {"min": 0, "max": 255, "step": 1} for key in keys}
    assert await async_setup_component(hass, "input_number", {"input_number": numbers})
    lights = [_light(name, key) for (_area, name), key in zip(HOMES[language], keys, strict=True)]
    assert await async_setup_component(hass, "template", {"template": [{"light": lights}]})
    await hass.async_block_till_done()
    entities, areas = er.async_get(hass), ar.async_get(hass)
    found = []
    for (area_name, _name), key in zip(HOMES[language], keys, strict=True):
        entity_id = entities.async_get_entity_id("light", "template", f"{key}_light")
        assert entity_id is not None, key
        area = areas.async_create(area_name)
        entities.async_update_entity(entity_id, area_id=area.id)
        found.append(entity_id)
    return found


async def async_set_all(hass: HomeAssistant, lights: list[str], state: str) -> None:
    """Every light off, or on at full brightness."""
    if state == "on":
        data: dict[str, object] = {"entity_id": lights, "brightness": 255}
        await hass.services.async_call("light", "turn_on", data, blocking=True)
    else:
        await hass.services.async_call("light", "turn_off", {"entity_id": lights}, blocking=True)
    await hass.async_block_till_done()


def _looks(hass: HomeAssistant, lights: list[str]) -> dict[str, tuple[str, int]]:
    looks = {}
    for light in lights:
        state = hass.states.get(light)
        assert state is not None, light
        looks[light] = (state.state, state.attributes.get("brightness") or 0)
    return looks


async def async_expected(
    hass: HomeAssistant, language: str, lights: list[str], text: str
) -> Expected | None:
    """What Home Assistant's own agent does with the text: the one light it changes (from
    all off, else from all on), and with which intent; None when it changes none or
    several."""
    for before in ("off", "on"):
        await async_set_all(hass, lights, before)
        looks = _looks(hass, lights)
        result = await conversation.async_converse(hass, text, None, Context(), language)
        await hass.async_block_till_done()
        after = _looks(hass, lights)
        changed = [light for light in lights if after[light] != looks[light]]
        if len(changed) > 1:
            return None
        if changed and (intent := result.response.intent) is not None:
            state, brightness = after[changed[0]]
            # The intent, not a number word in the text: German "ein" is "on" as often as "one".
            setting = intent.intent_type == "HassLightSet"
            percent = round(brightness / 255 * 100) if setting else None
            return Expected(text, intent.intent_type, before, changed[0], state, percent)
    return None


async def async_commands(
    hass: HomeAssistant, language: str, lights: list[str], texts: tuple[str, ...], count: int
) -> list[Expected]:
    """The first `count` of the set's commands that Home Assistant's own agent carries out
    (each on one light), with what each does."""
    commands = []
    for text in texts:
        if (expected := await async_expected(hass, language, lights, text)) is not None:
            commands.append(expected)
        if len(commands) >= count:
            break
    return commands


def carried_out(hass: HomeAssistant, command: Expected, run: Run) -> bool:
    """The pipeline answered without an error and the light is as the text would leave it."""
    state = hass.states.get(command.entity)
    if not run.done or state is None or state.state != command.state:
        return False
    if command.brightness_pct is None:
        return True
    brightness = state.attributes.get("brightness") or 0
    return abs(brightness / 255 * 100 - command.brightness_pct) <= 2


# -- measuring -----------------------------------------------------------------------------


async def _pipelines(hass: HomeAssistant, ours_port: int, stt_port: int, tts_port: int) -> dict:
    """Our integration and HA's wyoming integration added as a household adds them, after
    Home Assistant's language was set; the two pipelines' ids."""
    await async_add_service(hass, DOMAIN, HOST, ours_port)
    stt = await async_add_service(hass, "wyoming", HOST, stt_port)
    tts = await async_add_service(hass, "wyoming", HOST, tts_port)
    peer = await async_create_default_pipeline(
        hass, entity_of(hass, stt, "stt"), entity_of(hass, tts, "tts"), "Wyoming peers"
    )
    assert peer is not None
    # wyoming-piper has Joe only: the peer answers in the language's words with Joe's voice.
    await async_update_pipeline(
        hass, peer, tts_engine=entity_of(hass, tts, "tts"), tts_language="en_US", tts_voice=VOICE
    )
    return {"ours": pipeline_named(hass, PIPELINE_NAME).id, "peer": peer.id}


async def measure_language(
    language: str,
    ports: dict[str, int],
    quick: bool,
    progress: Callable[[str], None],
    dev: bool = False,
) -> LanguageResult:
    """One Home Assistant in the language; the set's commands through both pipelines, who
    goes first alternating, after one unmeasured run each."""
    texts, deliveries = (DEV, DEV_DELIVERIES) if dev else (TEST, TEST_DELIVERIES)
    sides = ("ours", "peer")
    with tempfile.TemporaryDirectory(prefix="indoor-voice-bench-lang-") as config_dir:
        async with async_test_home_assistant(config_dir=config_dir) as hass:
            try:
                hass.config.language = language
                hass.data.pop(loader.DATA_CUSTOM_COMPONENTS)  # this repo's custom_components/
                assert await async_setup_component(hass, "homeassistant", {})
                assert await async_setup_component(hass, "conversation", {})
                lights = await async_setup_home(hass, language)
                count = QUICK_COMMANDS if quick else len(texts[language])
                commands = await async_commands(hass, language, lights, texts[language], count)
                if not commands:
                    return LanguageResult(language, [], [], "no command of the home found")
                try:
                    pipelines = await _pipelines(hass, ports["ours"], ports["stt"], ports["tts"])
                except (AssertionError, StopIteration) as err:
                    return LanguageResult(language, commands, [], f"no pipeline: {err!r}")
                # The test set: each command once, the voices in turn; the development set
                # (fewer commands): each in both ways.
                said = [
                    Said(command, delivery)
                    for index, command in enumerate(commands)
                    for delivery in (
                        [deliveries[index % 2]] if quick or not dev else list(deliveries)
                    )
                ]
                clips = [_clip(language, s) for s in said]
                for side in sides:  # the engine loads base, downloads the voice; HA its intents
                    await _run(hass, pipelines[side], clips[0])
                for index, (one, clip) in enumerate(zip(said, clips, strict=True)):
                    for side in in_turn(index, sides):  # type: ignore[arg-type]
                        run = await _measured(hass, lights, one.command, pipelines[side], clip)
                        one.runs[side] = run
                        one.done[side] = carried_out(hass, one.command, run)
                    progress(f"{language} {index + 1}/{len(said)}: {_heard(one)}")
                return LanguageResult(language, commands, said)
            finally:
                await hass.async_stop(force=True)


async def _measured(
    hass: HomeAssistant, lights: list[str], command: Expected, pipeline_id: str, clip: Clip
) -> Run:
    """The home set as the command finds it, then the command through one pipeline; a run
    whose pipeline leaves the home hanging past the run's own limit is a failed one too."""
    try:
        async with asyncio.timeout(_RUN_TIMEOUT + 30):
            await settle()
            await async_set_all(hass, lights, command.before)
            return await _run(hass, pipeline_id, clip)
    except TimeoutError:
        return Run(failed=True, text="(no answer)")


async def _run(hass: HomeAssistant, pipeline_id: str, clip: Clip) -> Run:
    """One command through one pipeline; a run that never ends is a failed one."""
    try:
        async with asyncio.timeout(_RUN_TIMEOUT):
            return await run_command(hass, pipeline_id, clip)
    except TimeoutError:
        return Run(failed=True, text="(no answer)")


def _clip(language: str, said: Said) -> Clip:
    label, variant, speed, pitch = said.delivery
    voice = ESPEAK_VOICES[language] + variant
    speech = espeak(said.command.text, voice=voice, speed=speed, pitch=pitch)
    return Clip(said.command.text, label, silence(_BEFORE) + speech + silence(_AFTER))


async def measure(
    ports: dict[str, int],
    quick: bool,
    progress: Callable[[str], None],
    only: Sequence[str] | None = None,
    dev: bool = False,
) -> list[LanguageResult]:
    """Every language (of `only`) in turn."""
    results = []
    logging.disable(logging.WARNING)  # HA's notes on custom integrations
    try:
        for language in only or LANGUAGES:
            results.append(await measure_language(language, ports, quick, progress, dev))
            progress(row(results[-1]))
    finally:
        logging.disable(logging.NOTSET)
    return results


async def run(
    quick: bool,
    progress: Callable[[str], None],
    only: Sequence[str] | None = None,
    dev: bool = False,
) -> list[LanguageResult]:
    """Start our engine (with the voice mirror) and the peers, measure, stop them."""
    # Started and checked as the other figures' servers are (cli imports this module).
    from .cli import start  # noqa: PLC0415

    with tempfile.TemporaryDirectory(prefix="indoor-voice-bench-langs-") as work:
        workdir = Path(work)
        (workdir / "data").mkdir()
        (workdir / "whisper").mkdir()
        with voice_mirror(workdir, sorted(VOICES)) as voices:
            services = [our_engine(voices, workdir / "data"), peer_whisper(workdir / "whisper")]
            services.append(piper())
            try:
                await start(services)
                ours, whisper, tts = services
                ports = {"ours": ours.tcp_port, "stt": whisper.tcp_port, "tts": tts.tcp_port}
                return await measure(ports, quick, progress, only, dev)
            finally:
                for service in services:
                    service.stop()


# -- report --------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def row(result: LanguageResult) -> str:
    """The language's line of the table."""
    if result.error:
        return f"| {result.language} | - | - | - | - | not measured: {result.error} |"
    ours, total = result.carried_out("ours")
    peer, _ = result.carried_out("peer")
    p50 = {side: result.p50(side) for side in ("ours", "peer")}
    ratio = p50["ours"] / p50["peer"] if p50["peer"] else math.nan
    goals = ", ".join(f"{name} {verdict(ok)}" for name, ok in result.goals())
    return (
        f"| {result.language} | {result.word_error_rate('ours'):.1%} / "
        f"{result.word_error_rate('peer'):.1%} | {ours}/{total} / {peer}/{total} | "
        f"{p50['ours'] * 1000:.0f} / {p50['peer'] * 1000:.0f} ms | {ratio:.2f} | {goals} |"
    )


def _heard(said: Said) -> str:
    """What each side heard, and whether the command was carried out."""
    return "; ".join(
        f"{side} {'✓' if said.done[side] else '✗'} {run.text!r}"
        + (" (cut off)" if run.cut_off else "")
        for side, run in said.runs.items()
    )


def report(results: list[LanguageResult], load: str, dev: bool = False) -> list[str]:
    """The per-language table, then the goals with PASS/MISS."""
    deliveries = DEV_DELIVERIES if dev else TEST_DELIVERIES
    lines = [
        f"Per language (load {load}), the {'development' if dev else 'test'} set: commands "
        "for three lights in three areas that Home Assistant's own sentences carry out, "
        "espeak-ng's voice of the language, "
        + " and ".join(d[0] for d in deliveries)
        + "; both sides Whisper base int8, beam 1; replies in Joe's voice (no other Piper voice "
        "installs here)",
        "",
        "| language | word error rate ours / peer | carried out ours / peer "
        "| end of speech → first reply audio p50 ours / peer | ratio | goals |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
    ]
    lines.extend(row(result) for result in results)
    lines.append("")
    for result in results:
        for said in result.said:
            if not all(said.done.values()):
                lines.append(
                    f"{result.language} {said.command.text!r} ({said.delivery[0]}): {_heard(said)}"
                )
    return lines


def to_json(results: list[LanguageResult]) -> dict[str, Any]:
    return {result.language: result.to_json() for result in results}


def languages_only(
    quick: bool,
    json_path: Path | None,
    load: Callable[[], str],
    only: Sequence[str] | None = None,
    dev: bool = False,
) -> int:
    """`scripts/bench --languages-only`: the per-language table alone; the rest of the JSON
    file is kept."""
    ensure(WHISPER_AND_PIPER)
    print("==> Per language through Home Assistant's pipeline, ours and the peer", flush=True)
    results = asyncio.run(run(quick, lambda text: print(f"    {text}", flush=True), only, dev))
    print()
    print("\n".join(report(results, load(), dev)))
    if json_path is not None:
        update_json(json_path, "languages_dev" if dev else "languages", to_json(results))
        print(f"\nresults: {json_path} (key 'languages')")
    return 0
