"""A satellite config entry at run time: the state its entities share (connection.py
keeps it connected)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from homeassistant.components.assist_satellite.entity import AssistSatelliteWakeWord
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import callback
from homeassistant.util import dt as dt_util
from wyoming.event import Event
from wyoming.info import Info

from ..link import protocol

type SatelliteConfigEntry = ConfigEntry[SatelliteDevice]


@dataclass(frozen=True)
class WakeDecision:
    """The satellite's last wake word decision: it woke (accepted), or nearly did."""

    time: datetime  # when Home Assistant heard of it
    wake_word: str
    score: float
    accepted: bool
    threshold: float

    @classmethod
    def from_event(cls, event: Event) -> WakeDecision | None:
        """None for a malformed event (a satellite's report is never trusted to be right)."""
        data = event.data or {}
        score, threshold = data.get(protocol.SCORE), data.get(protocol.THRESHOLD)
        accepted = data.get(protocol.ACCEPTED)
        if not (
            isinstance(score, int | float)
            and isinstance(threshold, int | float)
            and isinstance(accepted, bool)
        ):
            return None
        return cls(dt_util.utcnow(), str(data.get(protocol.NAME, "")), score, accepted, threshold)


@dataclass
class SatelliteDevice:
    """What the satellite's entities share: connection state, what it reported, commands."""

    entry_id: str
    connected: bool = False
    info: Info | None = None
    muted: bool = False
    volume: float | None = None  # 0..1, None until an Indoor Voice satellite reports it
    # The words that end a ringing timer or a reply ([] switched off; None: not reported)
    stop_words: list[str] | None = None
    wake_sensitivity: str | None = None  # None until an Indoor Voice satellite reports it
    last_wake: WakeDecision | None = None
    # Read from the event, not from `info`: wyoming before 1.6 (Home Assistant 2025.4's pin)
    # drops these fields of `satellite` when it parses an info event.
    active_wake_words: list[str] = field(default_factory=list)
    max_active_wake_words: int | None = None
    audio_chunks_before_wake: int = 0
    request_mute: Callable[[bool], None] | None = None
    request_volume: Callable[[float], None] | None = None
    request_wake_sensitivity: Callable[[str], None] | None = None
    _listeners: list[Callable[[], None]] = field(default_factory=list)

    @callback
    def async_listen(self, listener: Callable[[], None]) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    @callback
    def async_update(
        self,
        *,
        connected: bool | None = None,
        info_event: Event | None = None,
        wake: WakeDecision | None = None,
    ) -> None:
        if wake is not None:
            self.last_wake = wake
        if connected is not None:
            self.connected = connected
        if info_event is not None:
            self.info = Info.from_event(info_event)
            satellite = info_event.data.get("satellite") or {}
            # `muted` is ours: wyoming's Info drops fields it does not know.
            self.muted = bool(satellite.get(protocol.MUTED, False))
            if isinstance(volume := satellite.get(protocol.VOLUME), int | float):
                self.volume = float(volume)
            words = satellite.get(protocol.STOP_WORDS)
            self.stop_words = [str(w) for w in words] if isinstance(words, list) else None
            if (level := satellite.get(protocol.WAKE_SENSITIVITY)) in protocol.WAKE_SENSITIVITIES:
                self.wake_sensitivity = str(level)
            self.active_wake_words = [str(w) for w in satellite.get("active_wake_words") or []]
            maximum = satellite.get("max_active_wake_words")
            self.max_active_wake_words = int(maximum) if maximum else None
        for listener in list(self._listeners):
            listener()

    def wake_words(self) -> list[AssistSatelliteWakeWord]:
        """The wake words the satellite has installed, as it described them."""
        return [
            AssistSatelliteWakeWord(
                id=m.name, wake_word=m.phrase or m.name, trained_languages=list(m.languages)
            )
            for program in (self.info.wake if self.info else [])
            for m in program.models
            if m.installed
        ]

    def phrase(self, wake_word_name: str | None) -> str:
        """What is said to wake the satellite with the model `wake_word_name`."""
        for program in self.info.wake if self.info else []:
            for model in program.models:
                if model.name == wake_word_name:
                    return model.phrase or model.name
        return wake_word_name or "wake word"
