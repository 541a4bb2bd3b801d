"""The satellite: listens for the wake word, streams the command, plays the reply; keeps
timers and rings them; hears "stop".

Not a byte of audio leaves before a wake word, or before Home Assistant asks for an answer
(`listen`). Every event to Home Assistant goes through
one outbox per connection, so state changes and the events that announce them stay in order.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

from wyoming.audio import AudioChunk, AudioFormat, AudioStart, AudioStop
from wyoming.error import Error
from wyoming.event import Event
from wyoming.info import Attribution, Info, MicProgram, SndProgram, WakeModel, WakeProgram
from wyoming.info import Satellite as SatelliteInfo
from wyoming.ping import Ping, Pong
from wyoming.pipeline import PipelineStage, RunPipeline
from wyoming.snd import Played
from wyoming.wake import Detect, Detection

from indoor_voice_engine import wake as engine_wake
from indoor_voice_engine.wake import STEP_SAMPLES
from indoor_voice_link import LinkConnection, LinkUnavailable
from indoor_voice_link.protocol import (
    CHIME,
    FOLLOW_UP,
    LISTEN,
    MUTED,
    SET_MUTE,
    SET_VOLUME,
    SND_FORMAT,
    SPEECH_LEVEL,
    STAND_DOWN,
    STOPPED,
    VOLUME,
    WAKE_WORD_SCORE,
)

from . import __version__
from .audio import MIC_FORMAT, Microphone, Playback, Speaker, load_sound
from .leds import Leds, Look
from .settings import Settings
from .sounds import alarm, chime
from .stop_word import StopWord
from .store import DataDir, Preferences
from .timers import Timers
from .wake import WakeListener, WakeWords

_LOGGER = logging.getLogger(__name__)

_ATTRIBUTION = Attribution(name="Indoor Voice", url="https://github.com/indoor-voice/indoor-voice")
_MIC_RESTART_SECONDS = 2.0


class Satellite:
    """One satellite, serving whichever paired Home Assistant connection is newest."""

    def __init__(self, settings: Settings, wake_words: WakeWords, data: DataDir) -> None:
        self._settings = settings
        self._data = data
        self._phrases = wake_words.phrases
        preferences = data.preferences()
        self._muted = preferences.muted
        active = [n for n in preferences.wake_words if n in self._phrases] or settings.wake_words
        self._wake = WakeListener(
            wake_words, active, settings.wake_threshold, settings.wake_refractory
        )
        self._microphone = Microphone(settings.mic_command, STEP_SAMPLES * MIC_FORMAT.width)
        self._snd_format = AudioFormat(settings.snd_rate, 2, settings.snd_channels)
        self._speaker = Speaker(settings.snd_command, self._snd_format, self._speaker_idle)
        self._speaker.volume = preferences.volume
        self._chime = chime(self._snd_format)
        self._timers = Timers(
            self._speaker, alarm(self._snd_format), settings.ring_seconds, self._update_leds
        )
        self._stop_word = StopWord() if settings.stop_word else None
        self._hearing_stop = False
        self._awake_sound = _sound(settings.awake_sound, self._snd_format)
        self._done_sound = _sound(settings.done_sound, self._snd_format)
        self._leds = Leds(settings.led_commands)
        self._max_command_samples = int(settings.max_command_seconds * MIC_FORMAT.rate)

        self._listening: asyncio.Task[None] | None = None
        self._link: LinkConnection | None = None
        self._outbox: asyncio.Queue[Event] | None = None
        self._running = False  # Home Assistant sent run-satellite on this link
        self._command_samples: int | None = None  # streaming a command, this much so far
        self._reply: Playback | None = None
        self._heard_samples = 0
        self._tasks: set[asyncio.Task[Any]] = set()
        self._handlers = self._event_handlers()

    # -- life cycle ---------------------------------------------------------------------------

    def start(self) -> None:
        self._speaker.start()
        self._leds.start()
        if not self._muted:
            self._start_listening()
        self._update_leds()

    async def close(self) -> None:
        self._stop_listening()
        if self._listening is not None:
            await asyncio.wait([self._listening])
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._timers.close()
        await self._speaker.close()
        await self._leds.close()
        self._wake.close()

    def _spawn(self, coroutine: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # -- Home Assistant -----------------------------------------------------------------------

    async def serve(self, connection: LinkConnection) -> None:
        """Talk to a newly connected Home Assistant; a newer connection replaces this one."""
        previous = self._link
        self._forget_link()
        if previous is not None:
            await previous.close()
        outbox: asyncio.Queue[Event] = asyncio.Queue()
        self._link, self._outbox = connection, outbox
        writer = asyncio.create_task(_deliver(connection, outbox))
        try:
            while (event := await connection.read_event()) is not None:
                if self._link is not connection:
                    break
                self._handle(event)
        finally:
            writer.cancel()
            await asyncio.wait([writer])
            if self._link is connection:
                self._forget_link()
            _LOGGER.info("Home Assistant disconnected")

    def _forget_link(self) -> None:
        self._link, self._outbox, self._running = None, None, False
        self._command_samples = None
        self._finish_reply()
        self._update_leds()

    def _send(self, event: Event) -> None:
        if self._outbox is not None:
            self._outbox.put_nowait(event)

    def _handle(self, event: Event) -> None:
        handler = self._handlers.get(event.type)
        if handler is None:  # synthesize, transcribe, voice-started: nothing to do
            _LOGGER.debug("Ignoring %s", event.type)
        else:
            handler(event)

    def _event_handlers(self) -> dict[str, Callable[[Event], None]]:
        """What each event from Home Assistant does (PROTOCOL.md has the whole conversation)."""

        def end_of_speech(_: Event) -> None:
            self._end_command("end of speech", done_sound=True)

        return {
            "describe": lambda _: self._send(self._info()),
            "run-satellite": lambda _: self._set_running(True),
            "pause-satellite": lambda _: self._set_running(False),
            "ping": lambda event: self._send(Pong(text=Ping.from_event(event).text).event()),
            "detect": lambda event: self._choose_wake_words(Detect.from_event(event).names),
            SET_MUTE: lambda event: self._set_muted(event.data.get(MUTED)),
            "voice-stopped": end_of_speech,
            "transcript": end_of_speech,
            "error": lambda event: self._end_command(f"pipeline error {event.data.get('code')!r}"),
            STAND_DOWN: lambda _: self._end_command("another satellite answers"),
            "audio-start": lambda _: self._start_reply(),
            "audio-chunk": self._feed_reply,
            "audio-stop": lambda _: self._finish_reply(),
            SET_VOLUME: lambda event: self._set_volume(event.data.get(VOLUME)),
            LISTEN: lambda _: self._listen_now(),
            CHIME: lambda _: self._play_chime(),
            **self._timers.handlers(),
        }

    def _set_running(self, running: bool) -> None:
        self._running = running
        if not running:
            self._end_command("Home Assistant paused the satellite")

    def _info(self) -> Event:
        def artifact(name: str, description: str) -> dict[str, Any]:
            return {
                "name": name,
                "attribution": _ATTRIBUTION,
                "installed": True,
                "description": description,
                "version": __version__,
            }

        info = Info(
            wake=[
                WakeProgram(
                    **artifact("indoor-voice-satellite", "openWakeWord on the satellite"),
                    models=[
                        WakeModel(**artifact(name, phrase), languages=["en"], phrase=phrase)
                        for name, phrase in self._phrases.items()
                    ],
                )
            ],
            mic=[MicProgram(**artifact("microphone", "microphone"), mic_format=MIC_FORMAT)],
            snd=[SndProgram(**artifact("speaker", "speaker"), snd_format=self._snd_format)],
            satellite=SatelliteInfo(
                **artifact(self._settings.name, "Indoor Voice satellite"),
                area=self._settings.area,
                has_vad=False,
                active_wake_words=list(self._wake.active),
                max_active_wake_words=len(self._phrases),
                supports_trigger=False,
            ),
        )
        event = info.event()
        event.data["satellite"][MUTED] = self._muted
        event.data["satellite"][VOLUME] = self._speaker.volume
        return event

    def _choose_wake_words(self, names: list[str] | None) -> None:
        if not names:
            return
        if unknown := [name for name in names if name not in self._phrases]:
            self._send(
                Error(
                    text=f"unknown wake words {unknown}; this satellite has {list(self._phrases)}",
                    code="unknown-wake-word",
                ).event()
            )
            return
        self._wake.set_active(list(names))
        self._save_preferences()
        self._send(self._info())

    def _set_muted(self, muted: object) -> None:
        if not isinstance(muted, bool):
            self._send(Error(text="set-mute needs a boolean 'muted'", code="invalid").event())
            return
        if muted != self._muted:
            self._muted = muted
            self._save_preferences()
            _LOGGER.info("Muted" if muted else "Unmuted")
            if muted:
                self._end_command("muted")
                self._stop_listening()
            else:
                self._start_listening()
            self._update_leds()
        self._send(self._info())

    def _play_chime(self) -> None:
        self._speaker.play(self._chime)

    def _set_volume(self, volume: object) -> None:
        if not isinstance(volume, int | float) or not 0 <= volume <= 1:
            self._send(
                Error(text="set-volume needs a 'volume' from 0 to 1", code="invalid").event()
            )
            return
        self._speaker.volume = float(volume)
        self._save_preferences()
        self._send(self._info())

    def _save_preferences(self) -> None:
        self._data.save_preferences(
            Preferences(self._muted, list(self._wake.active), self._speaker.volume)
        )

    # -- microphone and wake word -------------------------------------------------------------

    def _start_listening(self) -> None:
        self._listening = asyncio.create_task(self._listen(after=self._listening))

    def _stop_listening(self) -> None:
        if self._listening is not None:
            self._listening.cancel()

    async def _listen(self, after: asyncio.Task[None] | None) -> None:
        """Run the microphone until muted (then it is stopped, not just ignored)."""
        if after is not None:
            await asyncio.wait([after])  # the previous microphone process has exited
        while True:
            try:
                async with contextlib.aclosing(self._microphone.chunks()) as chunks:
                    async for audio in chunks:
                        await self._hear(audio)
            except OSError as err:
                _LOGGER.error("Cannot run the microphone command: %s", err)
            await asyncio.sleep(_MIC_RESTART_SECONDS)

    async def _hear(self, audio: bytes) -> None:
        self._heard_samples += len(audio) // MIC_FORMAT.width
        if self._command_samples is not None:
            self._stream_command(audio)
        self._listen_for_stop(audio)
        detections = await self._wake.process(audio)
        if detections:
            self._woken(max(detections, key=lambda detection: detection.score))

    def _why_not_wake(self) -> str | None:
        if self._link is None:
            return "Home Assistant is not connected"
        if not self._running:
            return "Home Assistant has not started the satellite"
        if self._command_samples is not None:
            return "a command is streaming already"
        if self._speaker.busy:
            return "the satellite is playing audio"
        return None

    def _woken(self, detection: engine_wake.Detection) -> None:
        if self._timers.stop_ringing():
            _LOGGER.info("Wake word %s ended the ringing", detection.name)
            return
        if reason := self._why_not_wake():
            _LOGGER.info("Wake word %s ignored: %s", detection.name, reason)
            return
        _LOGGER.info("Wake word %s (score %.2f)", detection.name, detection.score)
        self._start_command(detection)

    def _listen_now(self) -> None:
        """Home Assistant expects an answer: stream the command without a wake word."""
        reason = self._why_not_wake()
        if reason and self._speaker.busy and self._command_samples is None:
            reason = None  # a sound still ending is no reason not to listen
        if self._muted:
            reason = "the satellite is muted"
        if reason:
            _LOGGER.info("Not listening for an answer: %s", reason)
            self._send(Error(text=reason, code="cannot-listen").event())
            return
        _LOGGER.info("Listening for an answer")
        self._start_command(None)

    def _start_command(self, detection: engine_wake.Detection | None) -> None:
        run = RunPipeline(
            start_stage=PipelineStage.ASR,
            end_stage=PipelineStage.TTS,
            wake_word_name=detection.name if detection else None,
            restart_on_end=False,
        ).event()
        run.data[SND_FORMAT] = self._snd_format.to_dict()
        timestamp = self._timestamp_ms()
        if detection is None:
            run.data[FOLLOW_UP] = True
            self._send(run)
        else:
            run.data[WAKE_WORD_SCORE] = round(detection.score, 4)
            run.data[SPEECH_LEVEL] = self._wake.speech_level()
            self._send(run)
            self._send(Detection(name=detection.name, timestamp=timestamp).event())
        self._send(AudioStart(**MIC_FORMAT.to_dict(), timestamp=timestamp).event())
        self._command_samples = 0
        if self._awake_sound:
            self._speaker.play(self._awake_sound, ducks=False)
        self._update_leds()

    def _stream_command(self, audio: bytes) -> None:
        assert self._command_samples is not None
        self._send(
            AudioChunk(**MIC_FORMAT.to_dict(), audio=audio, timestamp=self._timestamp_ms()).event()
        )
        self._command_samples += len(audio) // MIC_FORMAT.width
        if self._command_samples >= self._max_command_samples:
            self._end_command("the command was too long")

    def _end_command(self, reason: str, *, done_sound: bool = False) -> None:
        if self._command_samples is None:
            return
        self._command_samples = None
        self._send(AudioStop(timestamp=self._timestamp_ms()).event())
        _LOGGER.info("Stopped streaming: %s", reason)
        if done_sound and self._done_sound:
            self._speaker.play(self._done_sound, ducks=False)
        self._update_leds()

    def _listen_for_stop(self, audio: bytes) -> None:
        """While a timer rings or a reply plays (and no command streams), hear "stop"."""
        active = (self._timers.ringing or self._reply is not None or self._speaker.busy) and (
            self._command_samples is None
        )
        if self._stop_word is None or not active:
            self._hearing_stop = False
            return
        if not self._hearing_stop:
            self._stop_word.reset()
            self._hearing_stop = True
        if self._stop_word.feed(audio):
            _LOGGER.info("Heard the stop word")
            self._timers.stop_ringing()
            if self._reply is not None:
                self._reply.stop()
                self._reply = None
            self._speaker.stop()

    def _timestamp_ms(self) -> int:
        return self._heard_samples * 1000 // MIC_FORMAT.rate

    # -- speaker ------------------------------------------------------------------------------

    def _start_reply(self) -> None:
        self._finish_reply()
        self._end_command("the reply is starting")
        playback = self._speaker.stream()
        self._reply = playback
        self._spawn(self._report_played(playback, self._outbox))
        self._update_leds()

    def _feed_reply(self, event: Event) -> None:
        if self._reply is not None:
            self._reply.feed(AudioChunk.from_event(event))

    def _finish_reply(self) -> None:
        if self._reply is not None:
            self._reply.end()
            self._reply = None

    async def _report_played(self, playback: Playback, outbox: asyncio.Queue[Event] | None) -> None:
        await playback.played.wait()
        if outbox is not None and outbox is self._outbox:
            played = Played().event()
            if playback.cut:
                played.data[STOPPED] = True
            outbox.put_nowait(played)

    def _speaker_idle(self) -> None:
        # The microphone heard the speaker: start wake word detection afresh, so nothing it
        # heard can complete a wake word afterwards. Not between the rounds of a ringing timer
        # (beeps make no words): the wake word ends the ringing.
        if not self._timers.ringing:
            self._wake.restart()
        self._update_leds()

    def _update_leds(self) -> None:
        # Called on every change of state: sounds are ducked while it listens to a command.
        self._speaker.ducked = self._command_samples is not None
        if self._muted:
            look = Look.MUTED
        elif self._command_samples is not None:
            look = Look.LISTENING
        elif self._timers.ringing:
            look = Look.RINGING
        elif self._speaker.busy:
            look = Look.SPEAKING
        else:
            look = Look.IDLE
        self._leds.show(look)


async def _deliver(connection: LinkConnection, outbox: asyncio.Queue[Event]) -> None:
    try:
        while True:
            await connection.write_event(await outbox.get())
    except LinkUnavailable:
        await connection.close()


def _sound(path: Path | None, output: AudioFormat) -> bytes | None:
    return None if path is None else load_sound(path, output)
