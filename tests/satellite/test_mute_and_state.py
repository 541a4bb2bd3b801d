"""Mute, the wake word choice and the keys: what the satellite keeps, and how it keeps it."""

from __future__ import annotations

import asyncio
import stat
from pathlib import Path

import pytest
from wyoming.event import Event
from wyoming.info import Info
from wyoming.wake import Detect

from indoor_voice_link.protocol import SET_WAKE_SENSITIVITY, set_mute, set_wake_sensitivity
from testbed.satellite_process import SatelliteProcess, led_command, wait_for
from testbed.speech import espeak, silence

from .conftest import StartSatellite
from .home_assistant import HomeAssistant, Session

pytestmark = pytest.mark.models

WAKE = "hey jarvis, turn on the kitchen light"


async def _mute(session: Session, muted: bool) -> Info:
    await session.send(set_mute(muted))
    info_event = await session.next("info")
    assert info_event.data["satellite"]["muted"] is muted
    # Which words end a reply or a ringing timer, for Home Assistant to show the household.
    assert info_event.data["satellite"]["stop_words"] == ["Stop", "Stopp"]
    return Info.from_event(info_event)


async def test_mute_stops_streaming_and_the_microphone_even_after_a_restart(
    satellite: SatelliteProcess, paired: HomeAssistant
) -> None:
    microphone = satellite.microphone
    async with paired.session(satellite) as session:
        await session.run()
        microphone.say(espeak(WAKE) + silence(1.0))
        await session.next("audio-chunk")
        await _mute(session, True)
        stop = session.types().index("audio-stop")
        await session.sync()
        assert "audio-chunk" not in session.types(stop)
        await wait_for(lambda: not microphone.running, "the microphone to be stopped")

    microphone.say(espeak(WAKE))  # nobody hears this while muted
    unheard = microphone.pending
    await asyncio.to_thread(satellite.restart)
    async with paired.session(satellite) as session:
        await session.run()
        info = await session.info()
        assert session.received[-1].data["satellite"]["muted"] is True
        assert info.satellite is not None
        assert not microphone.running and microphone.pending == unheard
        assert "run-pipeline" not in session.types()

        await _mute(session, False)
        await session.next("run-pipeline")  # the microphone is back, and hears the queue


async def test_the_wake_word_home_assistant_chose_survives_a_restart(
    satellite: SatelliteProcess, paired: HomeAssistant
) -> None:
    async with paired.session(satellite) as session:
        await session.run()
        await session.send(Detect(names=["okay_nabu"]).event())
        error = await session.next("error")
        assert "okay_nabu" in error.data["text"]
        await session.send(Detect(names=["alexa"]).event())
        info = Info.from_event(await session.next("info"))
        assert info.satellite is not None and info.satellite.active_wake_words == ["alexa"]

    await asyncio.to_thread(satellite.restart)
    async with paired.session(satellite) as session:
        await session.run()
        info = await session.info()
        assert info.satellite is not None and info.satellite.active_wake_words == ["alexa"]
        await satellite.microphone.hear(espeak(WAKE))
        satellite.microphone.say(silence(0.5) + espeak("alexa, turn on the kitchen light"))
        run = await session.next("run-pipeline")
        assert run.data["wake_word_name"] == "alexa"
        assert session.types().count("run-pipeline") == 1


async def test_keys_pairing_and_preferences_are_readable_by_the_owner_only(
    satellite: SatelliteProcess, paired: HomeAssistant
) -> None:
    async with paired.session(satellite) as session:
        await session.run()
        await _mute(session, True)
    data = satellite.data_dir
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    files = {p.name: stat.S_IMODE(p.stat().st_mode) for p in data.iterdir() if p.is_file()}
    assert files == {
        "key.pem": 0o600,
        "certificate.pem": 0o600,
        "pairing.json": 0o600,
        "preferences.json": 0o600,
    }


async def test_led_commands_follow_what_the_satellite_does(
    start_satellite: StartSatellite, home_assistant: HomeAssistant, tmp_path: Path
) -> None:
    record = tmp_path / "leds.txt"
    looks = ("idle", "listening", "muted")
    satellite = await start_satellite(*(led_command(record, look) for look in looks))
    await home_assistant.pair(satellite)
    async with home_assistant.session(satellite) as session:
        await session.run()
        satellite.microphone.say(espeak(WAKE))
        await session.next("run-pipeline")
        await session.send(set_mute(True))
        await session.next("info")

    def shown() -> list[str]:
        return record.read_text().split() if record.exists() else []

    await wait_for(lambda: shown() == ["idle", "listening", "muted"], "the LED commands")


async def test_a_wrong_wake_sensitivity_is_refused_and_a_wake_is_reported(
    satellite: SatelliteProcess, paired: HomeAssistant
) -> None:
    async with paired.session(satellite) as session:
        await session.run()
        await session.info()
        assert session.received[-1].data["satellite"]["wake_sensitivity"] == "default"
        for wrong in ("loud", 3, None):
            await session.send(Event(SET_WAKE_SENSITIVITY, {"wake_sensitivity": wrong}))
            error = await session.next("error")
            assert error.data["code"] == "invalid"
        await session.send(set_wake_sensitivity("strict"))
        info_event = await session.next("info")
        assert info_event.data["satellite"]["wake_sensitivity"] == "strict"

        satellite.microphone.say(espeak(WAKE) + silence(1.0))
        decision = await session.next("wake-decision")
        assert decision.data["accepted"] is True and decision.data["threshold"] == 0.75
        assert decision.data["name"] == "hey_jarvis" and decision.data["score"] >= 0.75
        await session.next("run-pipeline")  # the command starts right after the report
        assert session.types(session.position(decision))[:2] == ["wake-decision", "run-pipeline"]
