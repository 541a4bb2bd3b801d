"""The Indoor Voice link: Wyoming events between Home Assistant and a satellite, over TLS,
with both ends authenticated by a pairing code the household types in once.

Pure Python on purpose (the standard library's `ssl`, `hmac`, `hashlib` and `secrets`,
`cryptography` for keys, `wyoming` for events): Home Assistant imports it as
`custom_components.indoor_voice.link`, the satellite as `indoor_voice_link` (each process
under one name only). A library: it imports no program.

Importing the package loads nothing: the names below come from their modules when first
used, so `protocol` (event names) never loads TLS or `cryptography`.

Design
------
Each end has a long-term EC P-256 key with a self-signed certificate (`generate_identity`).
Trust never comes from a certificate authority, only from pinned SHA-256 fingerprints.
Every connection is TLS 1.3; nothing, not one byte, is sent in plaintext.

Pairing (once). The satellite shows a code of 80 random bits (XXXX-XXXX-XXXX-XXXX). Home
Assistant connects without a client certificate (Python's `ssl` cannot accept an unknown
client certificate, so HA's certificate travels inside the proof instead) and:

1. HA -> `pair-request` {nonce_ha}; satellite -> `pair-challenge` {nonce_sat}
2. HA -> `pair-proof` {HA certificate, HMAC(K, "…home assistant proof" | nonce_ha |
   nonce_sat | SHA-256(satellite certificate as HA saw it in TLS) | SHA-256(HA certificate))}
   where K = HKDF-SHA256(code).
3. The satellite recomputes the proof with its own certificate. A wrong code gets an
   `error` and the connection closes; after three wrong codes in a row from one address,
   pairing from that address is refused for 30 s, doubling. A right code pins HA's
   certificate and the satellite answers `pair-accepted` {HMAC(K, "…satellite proof" |
   same fields)}; HA checks it and pins the satellite's fingerprint.

Binding both certificate hashes into the proofs is what tls-server-end-point channel binding
does: a machine in the middle has to show each end its own certificate, so the proofs it
relays never verify, and the one proof it can collect (HA's) is worth an offline search of
2^80 codes. The satellite speaks second, so a stranger learns nothing from it. A code pairs
one Home Assistant; the same one may pair again with it (a retried config flow), any other
is told the satellite is already paired.

Every later connection is mutual TLS: the satellite's only trust anchor is the paired
certificate (and it checks the exact fingerprint), HA checks the satellite's fingerprint
before sending anything, and then the satellite sends `link-ready`. No session tickets, so
each connection authenticates in full. `indoor-voice-satellite --pair` makes a new code and
forgets the paired certificate: the old Home Assistant is disconnected within seconds and
refused from then on (`NotPaired`).

After that both ends exchange plain Wyoming events through `LinkConnection`.

Home Assistant side: `generate_identity`, `pair`, `connect`, `LinkConnection` and the
exceptions. Satellite side: the satellite's `link_server` (it shares its defences against
strangers with the engine, so it lives with the programs), built on `connection`, `pairing`,
`identity` and `tls` from here.

Being the one library every program can read, the link also holds the few things all three
share: what counts as inside the house (`local_network`), the default wake word
(`protocol.DEFAULT_WAKE_WORD`), a file written whole and private (`files`), and asking a
Wyoming peer what it offers (`info.ask_info`).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .client import STEP_TIMEOUT, PairingResult, connect, normalize_fingerprint, pair
    from .connection import LinkConnection
    from .errors import (
        FingerprintMismatch,
        LinkError,
        LinkUnavailable,
        NotPaired,
        PairingRejected,
        RejectReason,
    )
    from .identity import Identity, certificate_fingerprint, generate_identity
    from .info import ask_info
    from .pairing import InvalidPairingCode, Pairing, new_pairing_code, normalize_pairing_code

_WHERE = {
    "STEP_TIMEOUT": "client",
    "PairingResult": "client",
    "connect": "client",
    "normalize_fingerprint": "client",
    "pair": "client",
    "LinkConnection": "connection",
    "FingerprintMismatch": "errors",
    "LinkError": "errors",
    "LinkUnavailable": "errors",
    "NotPaired": "errors",
    "PairingRejected": "errors",
    "RejectReason": "errors",
    "Identity": "identity",
    "certificate_fingerprint": "identity",
    "generate_identity": "identity",
    "ask_info": "info",
    "InvalidPairingCode": "pairing",
    "Pairing": "pairing",
    "new_pairing_code": "pairing",
    "normalize_pairing_code": "pairing",
}

__all__ = [
    "STEP_TIMEOUT",
    "FingerprintMismatch",
    "Identity",
    "InvalidPairingCode",
    "LinkConnection",
    "LinkError",
    "LinkUnavailable",
    "NotPaired",
    "Pairing",
    "PairingRejected",
    "PairingResult",
    "RejectReason",
    "ask_info",
    "certificate_fingerprint",
    "connect",
    "generate_identity",
    "new_pairing_code",
    "normalize_fingerprint",
    "normalize_pairing_code",
    "pair",
]


_MODULES = frozenset(
    (
        "client",
        "connection",
        "errors",
        "files",
        "identity",
        "info",
        "local_network",
        "pairing",
        "protocol",
        "tls",
    )
)


def __getattr__(name: str) -> Any:
    """Import a name's module on first use (PEP 562), so that importing one small module
    of the link does not load TLS and `cryptography`. `link.protocol` and the other modules
    work as attributes too, imported or not."""
    # By its absolute name: once loaded it is in sys.modules, and Home Assistant does not
    # take a lookup of a loaded module for a blocking import in its event loop.
    if name in _MODULES:
        return importlib.import_module(f"{__name__}.{name}")
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
