"""What Home Assistant sets on the satellite: mute, volume, the active wake words and how
readily they wake. Each is checked (a wrong value gets an error event back, never a crash),
applied at once and kept in the data folder for the next start; a disk that refuses (full,
say) leaves the satellite running on what it has until it restarts."""

from __future__ import annotations

import logging
from collections.abc import Callable

from wyoming.error import Error
from wyoming.event import Event

from indoor_voice_link.protocol import WAKE_SENSITIVITIES
from indoor_voice_models.wake_words import sensitivity_threshold

from .audio import Speaker
from .store import DataDir, Preferences
from .wake import WakeListener

_LOGGER = logging.getLogger(__name__)


class HouseholdChoices:
    """The choices, and the pieces they act on."""

    def __init__(
        self,
        data: DataDir,
        preferences: Preferences,
        wake: WakeListener,
        speaker: Speaker,
        send: Callable[[Event], None],
        default_threshold: float,
    ) -> None:
        self._data = data
        self._wake = wake
        self._speaker = speaker
        self._send = send
        self._default_threshold = default_threshold
        self.muted = preferences.muted
        self.wake_sensitivity = preferences.wake_sensitivity

    def choose_wake_words(self, names: list[str] | None, phrases: dict[str, str]) -> bool:
        """True when the wake words changed."""
        if not names:
            return False
        if unknown := [name for name in names if name not in phrases]:
            self._refuse(f"unknown wake words {unknown}; this satellite has {list(phrases)}")
            return False
        self._wake.set_active(list(names))
        self._keep()
        return True

    def set_muted(self, muted: object) -> bool:
        """True when muting changed."""
        if not isinstance(muted, bool):
            self._refuse("set-mute needs a boolean 'muted'", code="invalid")
            return False
        if muted == self.muted:
            return False
        self.muted = muted
        self._keep()
        _LOGGER.info("Muted" if muted else "Unmuted")
        return True

    def set_volume(self, volume: object) -> bool:
        if not isinstance(volume, int | float) or not 0 <= volume <= 1:
            self._refuse("set-volume needs a 'volume' from 0 to 1", code="invalid")
            return False
        self._speaker.volume = float(volume)
        self._keep()
        return True

    def set_wake_sensitivity(self, level: object) -> bool:
        if not isinstance(level, str) or level not in WAKE_SENSITIVITIES:
            self._refuse(f"set-wake-sensitivity needs one of {list(WAKE_SENSITIVITIES)}", "invalid")
            return False
        self.wake_sensitivity = level
        self._wake.set_threshold(sensitivity_threshold(level, self._default_threshold))
        self._keep()
        _LOGGER.info("Wake sensitivity %s (threshold %.2f)", level, self._wake.threshold)
        return True

    def _refuse(self, text: str, code: str = "unknown-wake-word") -> None:
        self._send(Error(text=text, code=code).event())

    def _keep(self) -> None:
        chosen = Preferences(
            self.muted, list(self._wake.active), self._speaker.volume, self.wake_sensitivity
        )
        try:
            self._data.save_preferences(chosen)
        except OSError as err:
            _LOGGER.warning(
                "Cannot save the preferences in %s (%s): they hold until the satellite restarts",
                self._data.path,
                err.strerror or type(err).__name__,
            )
