"""Timers ring on the satellite and "stop" ends them, or a long reply, on the device; Home
Assistant can ask the satellite to listen without a wake word; volume and chime."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from wyoming.audio import AudioChunk, AudioStart, AudioStop
from wyoming.error import Error
from wyoming.timer import TimerCancelled, TimerStarted

from indoor_voice_link.protocol import chime, listen, set_volume
from testbed.satellite_process import FileSpeaker, SatelliteProcess, led_command, wait_for
from testbed.speech import espeak, silence
from tests.support.sound_checks import CHIME_HZ, rings, rms, sounds_an_error, tone_windows

from .conftest import StartSatellite
from .home_assistant import HomeAssistant, Session

pytestmark = pytest.mark.models

RATE = 22_050


def _tone(seconds: float) -> bytes:
    import numpy as np  # noqa: PLC0415

    t = np.arange(int(seconds * RATE)) / RATE
    return (np.sin(2 * np.pi * 300 * t) * 8000).astype(np.int16).tobytes()


async def _play_reply(session: Session, pcm: bytes) -> None:
    await session.send(AudioStart(rate=RATE, width=2, channels=1).event())
    for start in range(0, len(pcm), 4096):
        await session.send(AudioChunk(RATE, 2, 1, pcm[start : start + 4096]).event())
    await session.send(AudioStop().event())


async def test_a_timer_rings_at_its_end_until_stop(
    start_satellite: StartSatellite, home_assistant: HomeAssistant, tmp_path: Path
) -> None:
    record = tmp_path / "leds.txt"
    looks = ("idle", "ringing")
    satellite = await start_satellite(*(led_command(record, look) for look in looks))
    await home_assistant.pair(satellite)
    speaker = satellite.speaker
    async with home_assistant.session(satellite) as session:
        await session.run()
        await session.send(TimerStarted(id="tea", total_seconds=3).event())
        await session.sync()
        await asyncio.sleep(1.0)
        assert speaker.audio == b"", "it rang before its time"

        await wait_for(lambda: rings(speaker.audio, RATE), "the timer to ring")
        first = len(speaker.audio)
        await wait_for(lambda: len(speaker.audio) > 2 * first, "the ringing to repeat")

        await satellite.microphone.hear(espeak("stop") + silence(1.0))
        await wait_for(lambda: not speaker.playing.exists(), "the ringing to stop")
        rung = len(speaker.audio)
        await asyncio.sleep(2.0)  # longer than one round of beeps
        assert len(speaker.audio) == rung, "it rang on after 'stop'"
        assert "Heard the stop word" in satellite.log_text()
    shown = record.read_text().split()
    assert shown == ["idle", "ringing", "idle"], shown


async def test_a_cancelled_timer_never_rings(
    satellite: SatelliteProcess, paired: HomeAssistant
) -> None:
    async with paired.session(satellite) as session:
        await session.run()
        await session.send(TimerStarted(id="eggs", total_seconds=2).event())
        await session.send(TimerCancelled(id="eggs").event())
        await session.sync()
        await asyncio.sleep(3.5)
        assert satellite.speaker.audio == b""


async def test_stop_ends_a_long_reply_but_other_speech_does_not(
    start_satellite: StartSatellite, home_assistant: HomeAssistant
) -> None:
    satellite = await start_satellite(hold_speaker=True)  # the reply "plays" until released
    await home_assistant.pair(satellite)
    speaker = satellite.speaker
    async with home_assistant.session(satellite) as session:
        await session.run()
        await _play_reply(session, _tone(2.0))
        await wait_for(lambda: speaker.playing.exists(), "the reply to play")

        await satellite.microphone.hear(espeak("don't stop the music") + silence(1.0))
        await session.sync()
        assert "played" not in session.types(), "other speech stopped the reply"
        assert speaker.playing.exists()

        satellite.microphone.say(silence(0.5) + espeak("stop") + silence(1.0))
        played = await session.next("played")
        assert played.data.get("stopped") is True
        await wait_for(lambda: not speaker.playing.exists(), "the speaker to stop")
        assert "run-pipeline" not in session.types(), "'stop' is not a wake word"


async def test_listen_streams_a_command_without_a_wake_word(
    satellite: SatelliteProcess, paired: HomeAssistant
) -> None:
    async with paired.session(satellite) as session:
        await session.run()
        await session.send(listen())
        run = await session.next("run-pipeline")
        assert run.data.get("follow_up") is True and run.data.get("wake_word_name") is None
        started = session.position(run)
        await session.next("audio-chunk")
        assert session.types(started)[:2] == ["run-pipeline", "audio-start"]  # no detection


async def _chime(session: Session, speaker: FileSpeaker) -> bytes:
    """Have the satellite play its chime; what the speaker played."""
    before = len(speaker.audio)
    await session.send(chime())
    await wait_for(
        lambda: tone_windows(speaker.audio[before:], RATE, CHIME_HZ) > 0
        and not speaker.playing.exists(),
        "the chime",
    )
    return speaker.audio[before:]


async def test_the_volume_scales_everything_played_and_is_kept(
    satellite: SatelliteProcess, paired: HomeAssistant
) -> None:
    async with paired.session(satellite) as session:
        await session.run()
        loud = await _chime(session, satellite.speaker)
        await session.send(set_volume(0.5))
        info = await session.next("info")
        assert info.data["satellite"]["volume"] == 0.5
        quiet = await _chime(session, satellite.speaker)
        assert rms(quiet) == pytest.approx(rms(loud) * 0.5, rel=0.05)

    await asyncio.to_thread(satellite.restart)
    async with paired.session(satellite) as session:
        await session.run()
        info_event = session.received[0]
        assert info_event.data["satellite"]["volume"] == 0.5


async def test_its_sounds_are_ducked_while_it_listens(
    satellite: SatelliteProcess, paired: HomeAssistant
) -> None:
    async with paired.session(satellite) as session:
        await session.run()
        normal = await _chime(session, satellite.speaker)
        await session.send(listen())
        await session.next("audio-chunk")  # streaming a command
        ducked = await _chime(session, satellite.speaker)
        assert rms(ducked) == pytest.approx(rms(normal) * 0.25, rel=0.05)


async def test_the_wake_word_also_ends_the_ringing_and_starts_nothing(
    satellite: SatelliteProcess, paired: HomeAssistant
) -> None:
    speaker = satellite.speaker
    async with paired.session(satellite) as session:
        await session.run()
        await session.send(TimerStarted(id="pasta", total_seconds=0).event())
        await wait_for(lambda: rings(speaker.audio, RATE), "the timer to ring")
        await satellite.microphone.hear(espeak("hey jarvis") + silence(1.0))
        rung = len(speaker.audio)
        await asyncio.sleep(2.0)  # longer than one round of beeps
        assert len(speaker.audio) == rung, "it rang on after the wake word"
        await session.sync()
        assert "run-pipeline" not in session.types()


async def test_a_failed_command_sounds_the_error_tone_and_only_then(
    satellite: SatelliteProcess, paired: HomeAssistant
) -> None:
    """Home Assistant's error for the command in flight (its engine died, say) is heard; an
    error with no command of the satellite's in flight is not."""
    speaker = satellite.speaker
    async with paired.session(satellite) as session:
        await session.run()
        await session.send(Error(text="engine gone", code="stt-stream-failed").event())
        await session.sync()
        await asyncio.sleep(1.0)
        assert speaker.audio == b"", "an error with no command made a sound"

        await session.send(listen())
        await session.next("audio-chunk")
        await session.send(Error(text="engine gone", code="stt-stream-failed").event())
        await session.next("audio-stop")
        await wait_for(lambda: sounds_an_error(speaker.audio, RATE), "the error tone")
        assert not rings(speaker.audio, RATE)
