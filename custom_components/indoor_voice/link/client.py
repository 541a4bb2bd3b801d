"""The Home Assistant end: pairing once with a code, then connecting with pinned keys."""

from __future__ import annotations

import asyncio
import hashlib
import secrets
import ssl
from dataclasses import dataclass

from wyoming.event import Event
from wyoming.info import Info

from .connection import (
    ERROR,
    LINK_READY,
    PAIR_ACCEPTED,
    PAIR_CHALLENGE,
    PAIR_PROOF,
    PAIR_REQUEST,
    LinkConnection,
    close_writer,
    read_handshake_event,
    write_event,
)
from .errors import (
    FingerprintMismatch,
    LinkUnavailable,
    NotPaired,
    PairingRejected,
    RejectReason,
)
from .identity import Identity, certificate_der
from .info import ask_info
from .pairing import (
    NONCE_BYTES,
    InvalidPairingCode,
    Role,
    SessionBinding,
    normalize_pairing_code,
    proof,
    proofs_match,
)
from .tls import client_context

# Each step (connect, handshake, one answer) gets this long; wrap a call to bound it all.
STEP_TIMEOUT = 10.0


@dataclass(frozen=True)
class PairingResult:
    """What Home Assistant keeps after pairing: the fingerprint to pin, and what it paired."""

    satellite_fingerprint: str
    info: Info


def normalize_fingerprint(fingerprint: str) -> str:
    """Fingerprints compare as 64 lowercase hex digits (colons, as some tools print, ignored)."""
    return fingerprint.replace(":", "").strip().lower()


async def pair(
    host: str,
    port: int,
    code: str,
    identity: Identity,
    *,
    expected_fingerprint: str | None = None,
) -> PairingResult:
    """Pair with the satellite showing `code`, then connect once with the new pins.

    `expected_fingerprint` (from zeroconf, say) is checked before anything is sent.
    Raises PairingRejected, FingerprintMismatch, NotPaired or LinkUnavailable.
    """
    try:
        code = normalize_pairing_code(code)
    except InvalidPairingCode as err:
        raise PairingRejected(RejectReason.INVALID_CODE_FORMAT, str(err)) from err
    context = await asyncio.to_thread(client_context, None)
    reader, writer, satellite_der = await _open(host, port, context)
    fingerprint = hashlib.sha256(satellite_der).hexdigest()
    try:
        if expected_fingerprint is not None:
            _check_fingerprint(normalize_fingerprint(expected_fingerprint), fingerprint)
        async with asyncio.timeout(STEP_TIMEOUT):
            await _prove(reader, writer, code, identity, satellite_der)
    except TimeoutError as err:
        raise LinkUnavailable(f"the satellite at {host}:{port} stopped answering") from err
    finally:
        await close_writer(writer)

    async with await connect(host, port, identity, fingerprint) as connection:
        try:
            async with asyncio.timeout(STEP_TIMEOUT):
                info = await ask_info(connection)
        except TimeoutError:
            info = None
    if info is None:
        raise LinkUnavailable(f"the satellite at {host}:{port} paired but did not describe itself")
    return PairingResult(fingerprint, info)


async def _prove(
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    code: str,
    identity: Identity,
    satellite_der: bytes,
) -> None:
    home_assistant_nonce = secrets.token_bytes(NONCE_BYTES)
    await write_event(writer, Event(PAIR_REQUEST, {"nonce": home_assistant_nonce.hex()}))
    challenge = await _expect(reader, PAIR_CHALLENGE)
    try:
        satellite_nonce = bytes.fromhex(challenge.data["nonce"])
        binding = SessionBinding(
            home_assistant_nonce=home_assistant_nonce,
            satellite_nonce=satellite_nonce,
            satellite_certificate=satellite_der,
            home_assistant_certificate=certificate_der(identity.certificate_pem),
        )
    except (KeyError, TypeError, ValueError) as err:
        raise PairingRejected(RejectReason.PROTOCOL, f"malformed pairing challenge: {err}") from err
    ours = proof(code, Role.HOME_ASSISTANT, binding)
    await write_event(
        writer,
        Event(
            PAIR_PROOF,
            {"certificate": identity.certificate_pem.decode("ascii"), "proof": ours.hex()},
        ),
    )
    accepted = await _expect(reader, PAIR_ACCEPTED)
    try:
        theirs = bytes.fromhex(accepted.data["proof"])
    except (KeyError, TypeError, ValueError) as err:
        raise PairingRejected(RejectReason.PROTOCOL, f"malformed pairing answer: {err}") from err
    if not proofs_match(proof(code, Role.SATELLITE, binding), theirs):
        raise PairingRejected(
            RejectReason.SATELLITE_UNVERIFIED,
            "the device that answered could not prove it knows the pairing code: it is not "
            "the satellite showing this code",
        )


async def connect(
    host: str,
    port: int,
    identity: Identity,
    satellite_fingerprint: str,
) -> LinkConnection:
    """An authenticated link to a paired satellite.

    Raises FingerprintMismatch (before sending anything), NotPaired or LinkUnavailable.
    """
    context = await asyncio.to_thread(client_context, identity)
    reader, writer, satellite_der = await _open(host, port, context)
    fingerprint = hashlib.sha256(satellite_der).hexdigest()
    try:
        _check_fingerprint(normalize_fingerprint(satellite_fingerprint), fingerprint)
        async with asyncio.timeout(STEP_TIMEOUT):
            ready = await read_handshake_event(reader)
    except TimeoutError as err:
        await close_writer(writer)
        raise LinkUnavailable(f"the satellite at {host}:{port} did not answer") from err
    except BaseException:
        await close_writer(writer)
        raise
    if ready is None or ready.type != LINK_READY:
        await close_writer(writer)
        # In TLS 1.3 a refused client certificate shows only as a closed connection
        # right after a handshake that looked fine.
        raise NotPaired(
            f"the satellite at {host}:{port} refused this Home Assistant's key: it was "
            "paired again since; enter its current pairing code"
        )
    return LinkConnection(reader, writer, fingerprint)


async def _open(
    host: str, port: int, context: ssl.SSLContext
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter, bytes]:
    try:
        async with asyncio.timeout(STEP_TIMEOUT):
            reader, writer = await asyncio.open_connection(host, port, ssl=context)
    except (OSError, TimeoutError) as err:
        reason = str(err) or "timed out"
        raise LinkUnavailable(f"cannot reach the satellite at {host}:{port}: {reason}") from err
    satellite_der = writer.get_extra_info("ssl_object").getpeercert(binary_form=True)
    return reader, writer, satellite_der


def _check_fingerprint(expected: str, received: str) -> None:
    if expected != received:
        raise FingerprintMismatch(expected, received)


async def _expect(reader: asyncio.StreamReader, event_type: str) -> Event:
    event = await read_handshake_event(reader)
    if event is None:
        raise LinkUnavailable("the satellite closed the connection during pairing")
    if event.type == ERROR:
        try:
            reason = RejectReason(event.data.get("code"))
        except ValueError:
            reason = RejectReason.PROTOCOL
        retry_after = event.data.get("retry_after")
        raise PairingRejected(
            reason,
            str(event.data.get("text") or reason.value),
            float(retry_after) if isinstance(retry_after, int | float) else None,
        )
    if event.type != event_type:
        raise PairingRejected(
            RejectReason.PROTOCOL, f"expected {event_type!r} from the satellite, got {event.type!r}"
        )
    return event
