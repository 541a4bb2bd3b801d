"""Pairing codes and the proofs that both ends know the same code.

A code is 80 random bits in RFC 4648 base32, shown as XXXX-XXXX-XXXX-XXXX. The key is
HKDF-SHA256 of the code; a proof is HMAC-SHA256 under that key over a role label, both
nonces and the SHA-256 of both certificates, so a proof is only good for one session
between exactly these two keys.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from enum import Enum

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from .identity import certificate_fingerprint

NONCE_BYTES = 32
_CODE_BYTES = 10  # 80 bits: 16 base32 characters
_CODE_GROUP = 4
_CODE_CHARACTERS = re.compile(r"[A-Z2-7]{16}")
_SEPARATORS = re.compile(r"[\s\-_.]")


class Role(Enum):
    """Who makes a proof; each role has its own label, so one proof never passes as the other."""

    HOME_ASSISTANT = b"indoor-voice pairing v1: home assistant proof"
    SATELLITE = b"indoor-voice pairing v1: satellite proof"


class InvalidPairingCode(ValueError):
    """The text cannot be a pairing code."""


def new_pairing_code() -> str:
    """A fresh code, grouped for reading aloud: XXXX-XXXX-XXXX-XXXX."""
    raw = base64.b32encode(secrets.token_bytes(_CODE_BYTES)).decode("ascii")
    return "-".join(raw[i : i + _CODE_GROUP] for i in range(0, len(raw), _CODE_GROUP))


def normalize_pairing_code(text: str) -> str:
    """The 16 characters of a code as typed (any case, with or without separators)."""
    code = _SEPARATORS.sub("", text).upper()
    if not _CODE_CHARACTERS.fullmatch(code):
        raise InvalidPairingCode(
            "a pairing code has 16 letters A-Z and digits 2-7, like ABCD-EFGH-JKLM-NPQ2"
        )
    return code


def _pairing_key(code: str) -> bytes:
    # 80 random bits need no password stretching; HKDF turns them into an HMAC key.
    return HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=b"indoor-voice pairing v1",
        info=b"pairing key",
    ).derive(normalize_pairing_code(code).encode("ascii"))


@dataclass(frozen=True)
class SessionBinding:
    """What a proof is bound to: this session's nonces and the two certificates (DER)."""

    home_assistant_nonce: bytes
    satellite_nonce: bytes
    satellite_certificate: bytes
    home_assistant_certificate: bytes

    def __post_init__(self) -> None:
        if (
            len(self.home_assistant_nonce) != NONCE_BYTES
            or len(self.satellite_nonce) != NONCE_BYTES
        ):
            raise ValueError(f"pairing nonces are {NONCE_BYTES} bytes")


def proof(code: str, role: Role, binding: SessionBinding) -> bytes:
    """HMAC-SHA256 binding the code to this session and these two certificates."""
    message = b"".join(
        (
            role.value,
            binding.home_assistant_nonce,
            binding.satellite_nonce,
            hashlib.sha256(binding.satellite_certificate).digest(),
            hashlib.sha256(binding.home_assistant_certificate).digest(),
        )
    )
    return hmac.new(_pairing_key(code), message, hashlib.sha256).digest()


def proofs_match(expected: bytes, received: bytes) -> bool:
    return hmac.compare_digest(expected, received)


@dataclass(frozen=True)
class Pairing:
    """The current pairing code, and the Home Assistant certificate (PEM) it was used by."""

    code: str
    home_assistant_certificate: bytes | None = None

    @property
    def home_assistant_fingerprint(self) -> str | None:
        if self.home_assistant_certificate is None:
            return None
        return certificate_fingerprint(self.home_assistant_certificate)
