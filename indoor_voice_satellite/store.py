"""What the satellite keeps in its data dir, readable by its owner only.

key.pem, certificate.pem   its identity on the link
pairing.json               the current pairing code and the paired Home Assistant
preferences.json           mute, the chosen wake words, the wake sensitivity and the volume (they
                           survive a reboot)
wake/                      openWakeWord models (unless --wake-model-dir says otherwise)
"""

from __future__ import annotations

import json
import socket
from dataclasses import asdict, dataclass, field
from pathlib import Path

from indoor_voice_link import Identity, Pairing, generate_identity, new_pairing_code
from indoor_voice_link.files import write_private
from indoor_voice_link.protocol import WAKE_SENSITIVITIES
from indoor_voice_models.wake_words import DEFAULT_SENSITIVITY


@dataclass(frozen=True)
class Preferences:
    muted: bool = False
    wake_words: list[str] = field(default_factory=list)  # empty: the command line's choice
    volume: float = 1.0  # of everything the speaker plays, 0 to 1
    wake_sensitivity: str = DEFAULT_SENSITIVITY  # a level of WAKE_SENSITIVITIES


class DataDir:
    """The satellite's folder (mode 0700) and the files in it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        path.chmod(0o700)

    @property
    def wake_models(self) -> Path:
        return self.path / "wake"

    def identity(self) -> Identity:
        """The satellite's key and certificate, made on first use."""
        key, certificate = self.path / "key.pem", self.path / "certificate.pem"
        if key.is_file() and certificate.is_file():
            return Identity(key.read_bytes(), certificate.read_bytes())
        identity = generate_identity(f"indoor-voice-satellite {socket.gethostname()}")
        write_private(key, identity.key_pem)
        write_private(certificate, identity.certificate_pem)
        return identity

    # -- pairing (the link server's PairingStore) -------------------------------------------

    @property
    def _pairing_file(self) -> Path:
        return self.path / "pairing.json"

    def load(self) -> Pairing:
        """The current pairing; a first code is made if there is none."""
        try:
            saved = json.loads(self._pairing_file.read_text())
            certificate = saved.get("home_assistant_certificate")
            return Pairing(saved["code"], certificate.encode("ascii") if certificate else None)
        except (OSError, ValueError, KeyError, AttributeError):
            return self.new_pairing()

    def pin(self, home_assistant_certificate: bytes) -> None:
        self._save(Pairing(self.load().code, home_assistant_certificate))

    def new_pairing(self) -> Pairing:
        """A new code, and no paired Home Assistant: the previous one is revoked."""
        pairing = Pairing(new_pairing_code())
        self._save(pairing)
        return pairing

    def _save(self, pairing: Pairing) -> None:
        certificate = pairing.home_assistant_certificate
        content = {
            "code": pairing.code,
            "home_assistant_certificate": certificate.decode("ascii") if certificate else None,
        }
        write_private(self._pairing_file, json.dumps(content, indent=2).encode())

    # -- preferences ------------------------------------------------------------------------

    @property
    def _preferences_file(self) -> Path:
        return self.path / "preferences.json"

    def preferences(self) -> Preferences:
        try:
            saved = json.loads(self._preferences_file.read_text())
            return Preferences(
                muted=saved.get("muted") is True,
                wake_words=[str(name) for name in saved.get("wake_words", [])],
                volume=min(1.0, max(0.0, float(saved.get("volume", 1.0)))),
                wake_sensitivity=_sensitivity(saved.get("wake_sensitivity")),
            )
        except (OSError, ValueError, AttributeError, TypeError):
            return Preferences()

    def save_preferences(self, preferences: Preferences) -> None:
        write_private(self._preferences_file, json.dumps(asdict(preferences)).encode())


def _sensitivity(saved: object) -> str:
    return saved if isinstance(saved, str) and saved in WAKE_SENSITIVITIES else DEFAULT_SENSITIVITY
