"""The satellite's promise: not a byte of audio leaves before the wake word; after it, the
command streams until Home Assistant says stop, and the reply plays on the speaker."""

from __future__ import annotations

from pathlib import Path

import pytest
from wyoming.asr import Transcript
from wyoming.audio import AudioChunk, AudioStart, AudioStop
from wyoming.tts import Synthesize
from wyoming.vad import VoiceStopped

from indoor_voice_link.protocol import stand_down
from indoor_voice_link.wake_print import WakePrint
from testbed.engine_process import EngineProcess
from testbed.satellite_process import SatelliteProcess, wait_for
from testbed.speech import espeak, silence, wav_bytes
from testbed.wyoming_client import transcribe

from .conftest import StartSatellite
from .home_assistant import HomeAssistant, Session

pytestmark = pytest.mark.models

COMMAND = "hey jarvis, turn on the kitchen light"


async def _woken(session: Session, satellite: SatelliteProcess, text: str = COMMAND) -> int:
    """Say a wake phrase; return the index of the run-pipeline it caused."""
    satellite.microphone.say(espeak(text) + silence(1.0))
    return session.position(await session.next("run-pipeline"))


async def test_no_audio_reaches_home_assistant_before_the_wake_word(
    satellite: SatelliteProcess, paired: HomeAssistant, engine_process: EngineProcess
) -> None:
    async with paired.session(satellite) as session:
        await session.run()
        await satellite.microphone.hear(
            silence(2.0) + espeak("turn on the kitchen light, and what time is it") + silence(1.0)
        )
        await session.sync()
        # Nothing but its state, and how near the speech came to waking it (no audio).
        unasked = set(session.types()) - {"info", "pong", "wake-decision"}
        assert not unasked, "the satellite sent something unasked"

        started = await _woken(session, satellite)
        run = session.received[started]
        assert run.data["start_stage"] == "asr" and run.data["end_stage"] == "tts"
        assert run.data["wake_word_name"] == "hey_jarvis"
        assert 0.5 <= run.data["wake_word_score"] <= 1.0
        assert -96.0 < run.data["speech_level"] < 0.0
        assert WakePrint.from_data(run.data["wake_print"]) is not None
        assert run.data["snd_format"] == {"rate": 22050, "width": 2, "channels": 1}
        await session.next("audio-start")
        assert session.types(started)[:3] == ["run-pipeline", "detection", "audio-start"]
        assert "audio-chunk" not in session.types()[:started]

        # Home Assistant's VAD hears the end of speech once it has the command.
        await wait_for(lambda: len(session.audio(started)) >= 3 * 32_000, "3 s of command audio")
        await session.send(VoiceStopped().event())
        stop = session.position(await session.next("audio-stop"))
        await session.sync()
        assert "audio-chunk" not in session.types(stop)
        command = session.audio(started)
        transcript = await transcribe(engine_process.host, engine_process.port, command)
        assert "kitchen light" in transcript.lower()


async def test_the_reply_plays_on_the_speaker_and_no_words_reach_the_log(
    satellite: SatelliteProcess, paired: HomeAssistant
) -> None:
    reply = espeak("The kitchen light is on.", rate=22_050)
    async with paired.session(satellite) as session:
        await session.run()
        await _woken(session, satellite)
        await session.send(VoiceStopped().event())
        await session.next("audio-stop")
        await session.send(
            Transcript(text="turn on the kitchen light").event(),
            Synthesize(text="The kitchen light is on.").event(),
            AudioStart(rate=22_050, width=2, channels=1).event(),
            *(
                AudioChunk(rate=22_050, width=2, channels=1, audio=reply[i : i + 2048]).event()
                for i in range(0, len(reply), 2048)
            ),
            AudioStop().event(),
        )
        await session.next("played")
    assert satellite.speaker.audio == reply
    assert "light" not in satellite.log_text()


async def test_the_awake_and_done_sounds_frame_the_command(
    start_satellite: StartSatellite, home_assistant: HomeAssistant, tmp_path: Path
) -> None:
    awake, done = espeak("ding"), espeak("dong")
    (tmp_path / "awake.wav").write_bytes(wav_bytes(awake, 16_000))
    (tmp_path / "done.wav").write_bytes(wav_bytes(done, 16_000))
    satellite = await start_satellite(
        f"--awake-sound={tmp_path / 'awake.wav'}",
        f"--done-sound={tmp_path / 'done.wav'}",
        "--snd-rate=16000",
    )
    await home_assistant.pair(satellite)
    async with home_assistant.session(satellite) as session:
        await session.run()
        await _woken(session, satellite)
        await wait_for(lambda: satellite.speaker.audio == awake, "the awake sound")
        await session.send(VoiceStopped().event())
        await wait_for(lambda: satellite.speaker.audio == awake + done, "the done sound")


async def test_stand_down_stops_the_stream_and_the_satellite_listens_again(
    satellite: SatelliteProcess, paired: HomeAssistant
) -> None:
    async with paired.session(satellite) as session:
        await session.run()
        await _woken(session, satellite)
        await session.next("audio-chunk")
        await session.send(stand_down())
        stop = session.position(await session.next("audio-stop"))
        await session.sync()
        assert "audio-chunk" not in session.types(stop)

        assert await _woken(session, satellite, "hey jarvis, what time is it") > stop


async def test_a_command_that_never_ends_stops_at_the_local_limit(
    start_satellite: StartSatellite, home_assistant: HomeAssistant
) -> None:
    satellite = await start_satellite("--max-command-seconds=1.5")
    await home_assistant.pair(satellite)
    async with home_assistant.session(satellite) as session:
        await session.run()
        started = await _woken(session, satellite)
        await session.next("audio-stop")
        seconds = len(session.audio(started)) / 32_000
        assert 1.5 <= seconds < 1.5 + 0.08  # whole 80 ms chunks


async def test_wake_words_are_ignored_while_the_satellite_speaks(
    start_satellite: StartSatellite, home_assistant: HomeAssistant
) -> None:
    satellite = await start_satellite(hold_speaker=True)
    speaker = satellite.speaker
    await home_assistant.pair(satellite)
    async with home_assistant.session(satellite) as session:
        await session.run()
        announcement = silence(0.5, rate=22_050)
        await session.send(
            AudioStart(rate=22_050, width=2, channels=1).event(),
            AudioChunk(rate=22_050, width=2, channels=1, audio=announcement).event(),
            AudioStop().event(),
        )
        await wait_for(speaker.playing.exists, "the speaker to play")
        await satellite.microphone.hear(espeak(COMMAND))  # heard while the speaker plays
        assert speaker.hold is not None
        speaker.hold.touch()
        await session.next("played")
        await session.sync()
        assert "run-pipeline" not in session.types()

        satellite.microphone.say(silence(1.0))
        await _woken(session, satellite)  # after the speaker, the wake word works again
