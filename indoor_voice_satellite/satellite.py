"""The satellite: listens for the wake word, streams the command, plays the reply; keeps
timers and rings them; hears "stop". What each event from Home Assistant does is here, the one
place that holds the satellite's state together (link, microphone, command, reply, timers,
mute, volume); the pieces it moves are in their own modules (command.py, wake.py, reply.py,
stop_word.py, timers.py, audio.py, leds.py, home_assistant.py, choices.py).

Not a byte of audio leaves before a wake word, or before Home Assistant asks for an answer
(`listen`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

from wyoming.audio import AudioFormat
from wyoming.error import Error
from wyoming.event import Event
from wyoming.ping import Ping, Pong
from wyoming.wake import Detect

from indoor_voice_link import LinkConnection
from indoor_voice_link.protocol import (
    CHIME,
    LISTEN,
    MUTED,
    SET_MUTE,
    SET_VOLUME,
    SET_WAKE_SENSITIVITY,
    STAND_DOWN,
    VOLUME,
    WAKE_SENSITIVITY,
    wake_decision,
)
from indoor_voice_models.wake import STEP_SAMPLES, WakeHit
from indoor_voice_models.wake_words import WakeWords, sensitivity_threshold

from .audio import MIC_FORMAT, Listening, Microphone, Speaker, load_sound
from .choices import HouseholdChoices
from .command import CommandStream
from .home_assistant import HomeAssistantLink
from .info import satellite_info
from .leds import Leds, Look
from .reply import Reply
from .settings import SatelliteSettings
from .sounds import alarm, chime, error_tone
from .stop_word import StopListener
from .store import DataDir
from .timers import Timers
from .wake import WakeListener

_LOGGER = logging.getLogger(__name__)


class Satellite:
    """One satellite, serving whichever paired Home Assistant connection is newest."""

    def __init__(self, settings: SatelliteSettings, wake_words: WakeWords, data: DataDir) -> None:
        self._settings = settings
        self._data = data
        self._phrases = wake_words.phrases
        preferences = data.preferences()
        active = [n for n in preferences.wake_words if n in self._phrases] or settings.wake_words
        self._wake = WakeListener(
            wake_words,
            active,
            sensitivity_threshold(preferences.wake_sensitivity, settings.wake_threshold),
            settings.wake_refractory,
        )
        microphone = Microphone(settings.mic_command, STEP_SAMPLES * MIC_FORMAT.width)
        self._listening = Listening(microphone, self._hear)
        self._snd_format = AudioFormat(settings.snd_rate, 2, settings.snd_channels)
        self._speaker = Speaker(settings.snd_command, self._snd_format, self._speaker_idle)
        self._speaker.volume = preferences.volume
        self._chime = chime(self._snd_format)
        self._error_tone = error_tone(self._snd_format)
        self._awaiting_reply = False  # a command was sent; its reply or error has not come
        self._timers = Timers(
            self._speaker, alarm(self._snd_format), settings.ring_seconds, self._update_leds
        )
        self._stop_word = StopListener() if settings.stop_word else None
        self._awake_sound = _sound(settings.awake_sound, self._snd_format)
        self._done_sound = _sound(settings.done_sound, self._snd_format)
        self._leds = Leds(settings.led_commands)

        self._home_assistant = HomeAssistantLink(self._handle, self._link_forgotten)
        self._send = self._home_assistant.send
        self._running = False  # Home Assistant sent run-satellite on this link
        self._command = CommandStream(self._send, settings.max_command_seconds)
        self._tasks: set[asyncio.Task[Any]] = set()
        self._reply = Reply(self._speaker, self._home_assistant, self._spawn)
        self._choices = HouseholdChoices(
            data, preferences, self._wake, self._speaker, self._send, settings.wake_threshold
        )
        self._handlers = self._event_handlers()

    # -- life cycle ---------------------------------------------------------------------------

    def start(self) -> None:
        self._speaker.start()
        self._leds.start()
        if not self.muted:
            self._listening.start()
        self._update_leds()

    async def close(self) -> None:
        await self._listening.close()
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
        await self._home_assistant.serve(connection)

    def _link_forgotten(self) -> None:
        self._running = False
        self._awaiting_reply = False
        self._command.forget()
        self._reply.finish()
        self._update_leds()

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
            "error": self._command_failed,
            STAND_DOWN: self._stand_down,
            "audio-start": lambda _: self._start_reply(),
            "audio-chunk": self._reply.feed,
            "audio-stop": lambda _: self._reply.finish(),
            SET_VOLUME: lambda event: self._changed(
                self._choices.set_volume(event.data.get(VOLUME))
            ),
            SET_WAKE_SENSITIVITY: lambda event: self._changed(
                self._choices.set_wake_sensitivity(event.data.get(WAKE_SENSITIVITY))
            ),
            LISTEN: lambda _: self._listen_now(),
            CHIME: lambda _: self._play_chime(),
            **self._timers.handlers(),
        }

    def _command_failed(self, event: Event) -> None:
        """Home Assistant says the command failed (its engine gone, say): end it, audibly."""
        self._end_command(f"pipeline error {event.data.get('code')!r}")
        if self._awaiting_reply:
            self._awaiting_reply = False
            self._speaker.play(self._error_tone, ducks=False)
            self._update_leds()

    def _stand_down(self, _: Event) -> None:
        self._awaiting_reply = False
        self._end_command("another satellite answers")

    def _set_running(self, running: bool) -> None:
        self._running = running
        if not running:
            self._end_command("Home Assistant paused the satellite")

    def _info(self) -> Event:
        return satellite_info(
            self._settings,
            self._phrases,
            self._wake.active,
            self._snd_format,
            muted=self.muted,
            volume=self._speaker.volume,
            wake_sensitivity=self._choices.wake_sensitivity,
        )

    def _changed(self, changed: bool) -> None:
        if changed:
            self._send(self._info())

    def _choose_wake_words(self, names: list[str] | None) -> None:
        if self._choices.choose_wake_words(names, self._phrases):
            self._send(self._info())

    def _set_muted(self, muted: object) -> None:
        if self._choices.set_muted(muted):
            if self.muted:
                self._end_command("muted")
                self._listening.stop()
            else:
                self._listening.start()
            self._update_leds()
        if isinstance(muted, bool):
            self._send(self._info())

    def _play_chime(self) -> None:
        self._speaker.play(self._chime)

    @property
    def muted(self) -> bool:
        return self._choices.muted

    # -- microphone and wake word -------------------------------------------------------------

    async def _hear(self, audio: bytes) -> None:
        if self._command.heard(audio):
            self._update_leds()  # the command was too long
        self._listen_for_stop(audio)
        hits, near_misses = await self._wake.process(audio)
        for miss in near_misses:
            _LOGGER.debug("Wake word %s nearly heard (score %.2f)", miss.name, miss.score)
            self._report_wake(miss)
        if hits:
            hit = max(hits, key=lambda hit: hit.score)
            self._report_wake(hit)
            self._woken(hit)

    def _report_wake(self, hit: WakeHit) -> None:
        """Tell Home Assistant, so the household can tell a false wake from a missed one."""
        self._send(wake_decision(hit.name, hit.score, hit.accepted, self._wake.threshold))

    def _why_not_wake(self) -> str | None:
        if not self._home_assistant.connected:
            return "Home Assistant is not connected"
        if not self._running:
            return "Home Assistant has not started the satellite"
        if self._command.streaming:
            return "a command is streaming already"
        if self._speaker.busy:
            return "the satellite is playing audio"
        return None

    def _woken(self, hit: WakeHit) -> None:
        if self._timers.stop_ringing():
            _LOGGER.info("Wake word %s ended the ringing", hit.name)
            return
        if reason := self._why_not_wake():
            _LOGGER.info("Wake word %s ignored: %s", hit.name, reason)
            return
        _LOGGER.info("Wake word %s (score %.2f)", hit.name, hit.score)
        self._start_command(hit)

    def _listen_now(self) -> None:
        """Home Assistant expects an answer: stream the command without a wake word."""
        reason = self._why_not_wake()
        if reason and self._speaker.busy and not self._command.streaming:
            reason = None  # a sound still ending is no reason not to listen
        if self.muted:
            reason = "the satellite is muted"
        if reason:
            _LOGGER.info("Not listening for an answer: %s", reason)
            self._send(Error(text=reason, code="cannot-listen").event())
            return
        _LOGGER.info("Listening for an answer")
        self._start_command(None)

    def _start_command(self, hit: WakeHit | None) -> None:
        fingerprint = self._wake.fingerprint() if hit else None  # a follow-up has no wake word
        self._command.start(hit, self._snd_format, self._wake.speech_level(), fingerprint)
        self._awaiting_reply = True
        if self._awake_sound:
            self._speaker.play(self._awake_sound, ducks=False)
        self._update_leds()

    def _end_command(self, reason: str, *, done_sound: bool = False) -> None:
        if not self._command.end(reason):
            return
        if done_sound and self._done_sound:
            self._speaker.play(self._done_sound, ducks=False)
        self._update_leds()

    def _listen_for_stop(self, audio: bytes) -> None:
        """While a timer rings or a reply plays (and no command streams), hear "stop"."""
        active = (self._timers.ringing or self._reply.playing or self._speaker.busy) and (
            not self._command.streaming
        )
        if self._stop_word is not None and self._stop_word.heard(audio, active):
            _LOGGER.info("Heard the stop word")
            self._timers.stop_ringing()
            self._reply.stop()
            self._speaker.stop()

    # -- speaker ------------------------------------------------------------------------------

    def _start_reply(self) -> None:
        self._awaiting_reply = False
        self._reply.finish()
        self._end_command("the reply is starting")
        self._reply.start()
        self._update_leds()

    def _speaker_idle(self) -> None:
        # The microphone heard the speaker: start wake word detection afresh, so nothing it
        # heard can complete a wake word afterwards. Not between the rounds of a ringing timer
        # (beeps make no words): the wake word ends the ringing.
        if not self._timers.ringing:
            self._wake.restart()
        self._update_leds()

    def _update_leds(self) -> None:
        # Called on every change of state: sounds are ducked while it listens to a command.
        self._speaker.ducked = self._command.streaming
        if self.muted:
            look = Look.MUTED
        elif self._command.streaming:
            look = Look.LISTENING
        elif self._timers.ringing:
            look = Look.RINGING
        elif self._speaker.busy:
            look = Look.SPEAKING
        else:
            look = Look.IDLE
        self._leds.show(look)


def _sound(path: Path | None, output: AudioFormat) -> bytes | None:
    return None if path is None else load_sound(path, output)
