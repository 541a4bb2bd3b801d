"""The satellite's end of the link: serves the paired Home Assistant, and pairing to anyone
with the code (the protocol is `indoor_voice_link`'s docstring).

It lives in the satellite, not in the link library, because it is a server like the engine's
and shares its defences with it (`indoor_voice_net`), which Home Assistant does not need.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import ssl
import time
from collections.abc import Awaitable, Callable
from typing import Protocol

from wyoming.event import Event

from indoor_voice_link.connection import (
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
from indoor_voice_link.errors import LinkUnavailable, RejectReason
from indoor_voice_link.identity import Identity, certificate_der, certificate_fingerprint
from indoor_voice_link.local_network import is_local_address
from indoor_voice_link.pairing import (
    NONCE_BYTES,
    Pairing,
    Role,
    SessionBinding,
    proof,
    proofs_match,
)
from indoor_voice_link.tls import server_context
from indoor_voice_net.server import CappedServer

from .pairing_limiter import SourceLimiters

_LOGGER = logging.getLogger(__name__)

TLS_HANDSHAKE_TIMEOUT = 3.0  # a TLS 1.3 handshake on a LAN takes milliseconds, even on a Pi
PAIRING_TIMEOUT = 5.0  # for each answer of the pairing exchange
_REVOCATION_CHECK_SECONDS = 2.0
_MAX_CONNECTIONS = 8  # Home Assistant needs one; the rest is for reconnects and pairing
_MAX_PER_SOURCE = 6


class PairingStore(Protocol):
    """Where the satellite keeps its pairing; another process may change it (`--pair`)."""

    def load(self) -> Pairing: ...

    def pin(self, home_assistant_certificate: bytes) -> None: ...


class _Peer:
    """A connection's claim on a slot: strangers give way, the paired Home Assistant never."""

    def __init__(self, source: str, writer: asyncio.StreamWriter) -> None:
        self.source = source
        self.authenticated = False
        self._writer = writer
        self._since = time.monotonic()

    def evictable(self, now: float) -> bool:
        return not self.authenticated

    def quiet_for(self, now: float) -> float:
        return now - self._since

    def evict(self) -> None:
        self._writer.transport.abort()


class _Refused(Exception):
    """Pairing ends here; the peer is told why."""

    def __init__(self, reason: RejectReason, text: str, retry_after: float | None = None):
        super().__init__(text)
        self.reason = reason
        self.text = text
        self.retry_after = retry_after


class LinkServer(CappedServer[_Peer]):
    """Accepts TLS on one port: the paired Home Assistant gets a LinkConnection.

    A client without a certificate may only run the pairing exchange; one with another
    certificate fails the handshake. Nothing is ever written before TLS is established.
    """

    def __init__(
        self,
        identity: Identity,
        store: PairingStore,
        on_connection: Callable[[LinkConnection], Awaitable[None]],
        *,
        allow_peer: Callable[[str], bool] = is_local_address,
    ) -> None:
        super().__init__(
            _LOGGER,
            "a connection",
            total=_MAX_CONNECTIONS,
            per_source=_MAX_PER_SOURCE,
            allow_peer=allow_peer,
        )
        self._identity = identity
        self._store = store
        self._on_connection = on_connection
        self._limiters = SourceLimiters()
        self._pairing_lock = asyncio.Lock()  # held only while pinning, never while waiting
        self._context: tuple[bytes | None, ssl.SSLContext] | None = None
        self._connections: set[LinkConnection] = set()
        self._revocation_watch: asyncio.Task[None] | None = None

    async def start(self, host: str, port: int, **options: object) -> None:
        await self._refresh_context(self._store.load())
        await super().start(host, port, **options)
        self._revocation_watch = asyncio.create_task(self._watch_revocation())

    async def close(self) -> None:
        """Stop listening and close every connection."""
        if self._server is not None:
            self._server.close()  # first: no newcomer while the others close
        if self._revocation_watch is not None:
            self._revocation_watch.cancel()
        for connection in list(self._connections):
            await connection.close()
        await super().close()
        if self._revocation_watch is not None:
            await asyncio.gather(self._revocation_watch, return_exceptions=True)
        if self._server is not None:
            await self._server.wait_closed()
        self.refusals.close()

    async def _refresh_context(self, pairing: Pairing) -> None:
        """Keep a TLS context that trusts exactly the paired certificate, built ahead of time."""
        paired = pairing.home_assistant_certificate
        if self._context is None or self._context[0] != paired:
            context = await asyncio.to_thread(server_context, self._identity, paired)
            self._context = (paired, context)

    def occupant(
        self, source: str, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> _Peer:
        return _Peer(source, writer)

    async def serve(
        self, occupant: _Peer, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        try:
            await self._serve(reader, writer, occupant)
        finally:
            if writer.transport is not None:  # none left after a lost handshake on 3.11
                await close_writer(writer)

    async def _serve(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, slot: _Peer
    ) -> None:
        peer = slot.source
        pairing = self._store.load()
        assert self._context is not None
        try:
            # Nothing may be awaited before this: the client's hello would land in the
            # plaintext buffer instead of reaching TLS.
            await writer.start_tls(self._context[1], ssl_handshake_timeout=TLS_HANDSHAKE_TIMEOUT)
        except (OSError, TimeoutError):
            self.refusals.refused(peer, "no TLS handshake")
            return
        except AttributeError:
            if writer.transport is not None:
                raise
            # Python 3.11 (Raspberry Pi OS bookworm): when the peer hangs up during the
            # handshake, start_tls leaves the writer without a transport and fails on it.
            self.refusals.refused(peer, "no TLS handshake")
            return
        client_der = writer.get_extra_info("ssl_object").getpeercert(binary_form=True)
        if client_der is None:
            await self._pair(reader, writer, pairing, peer)
            return
        # OpenSSL checked the chain against the paired certificate; demand that very one.
        fingerprint = certificate_fingerprint(client_der)
        if fingerprint != pairing.home_assistant_fingerprint:
            self.refusals.refused(peer, "not the paired Home Assistant")
            return
        slot.authenticated = True
        connection = LinkConnection(reader, writer, fingerprint)
        self._connections.add(connection)
        try:
            await write_event(writer, Event(LINK_READY))
            _LOGGER.info("Home Assistant connected from %s", peer)
            await self._on_connection(connection)
        except LinkUnavailable:
            pass
        finally:
            self._connections.discard(connection)

    async def _pair(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        pairing: Pairing,
        peer: str,
    ) -> None:
        try:
            await self._pairing_exchange(reader, writer, pairing, peer)
        except _Refused as refusal:
            self.refusals.refused(peer, f"pairing: {refusal.reason.value}")
            data: dict[str, object] = {"text": refusal.text, "code": refusal.reason.value}
            if refusal.retry_after is not None:
                data["retry_after"] = round(refusal.retry_after, 1)
            with contextlib.suppress(LinkUnavailable):
                await write_event(writer, Event(ERROR, data))
        except (TimeoutError, LinkUnavailable):
            self.refusals.refused(peer, "pairing did not complete")
        else:
            _LOGGER.info("Paired with the Home Assistant at %s", peer)

    async def _pairing_exchange(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        pairing: Pairing,
        peer: str,
    ) -> None:
        async with asyncio.timeout(PAIRING_TIMEOUT):
            request = await read_handshake_event(reader)
        if request is None or request.type != PAIR_REQUEST:
            raise _Refused(
                RejectReason.PROTOCOL,
                "this satellite talks only to the Home Assistant it is paired with; "
                "send a pairing request with its pairing code to pair",
            )
        limiter = self._limiters[peer]
        if (wait := limiter.retry_after()) > 0:
            raise _Refused(
                RejectReason.RATE_LIMITED,
                f"too many wrong pairing codes; try again in {wait:.0f} seconds",
                wait,
            )
        home_assistant_nonce = _nonce(request.data.get("nonce"))
        satellite_nonce = secrets.token_bytes(NONCE_BYTES)
        await write_event(writer, Event(PAIR_CHALLENGE, {"nonce": satellite_nonce.hex()}))
        async with asyncio.timeout(PAIRING_TIMEOUT):
            answer = await read_handshake_event(reader)
        if answer is None or answer.type != PAIR_PROOF:
            raise _Refused(RejectReason.PROTOCOL, "expected a pairing proof")
        try:
            certificate = str(answer.data["certificate"]).encode("ascii")
            received = bytes.fromhex(str(answer.data["proof"]))
            binding = SessionBinding(
                home_assistant_nonce=home_assistant_nonce,
                satellite_nonce=satellite_nonce,
                satellite_certificate=certificate_der(self._identity.certificate_pem),
                home_assistant_certificate=certificate_der(certificate),
            )
        except (KeyError, ValueError) as err:
            raise _Refused(RejectReason.PROTOCOL, "malformed pairing proof") from err
        if not proofs_match(proof(pairing.code, Role.HOME_ASSISTANT, binding), received):
            limiter.failed()
            raise _Refused(RejectReason.WRONG_CODE, "wrong pairing code")
        limiter.succeeded()
        async with self._pairing_lock:  # one pin at a time; the peer has already answered
            self._admit(pairing, certificate)
            await self._refresh_context(self._store.load())
        answer_proof = proof(pairing.code, Role.SATELLITE, binding)
        await write_event(writer, Event(PAIR_ACCEPTED, {"proof": answer_proof.hex()}))

    def _admit(self, pairing: Pairing, certificate: bytes) -> None:
        """Pin the Home Assistant that proved the code, unless another one holds the pairing."""
        current = self._store.load()
        if current.code != pairing.code:
            raise _Refused(RejectReason.WRONG_CODE, "the pairing code changed; use the new one")
        pinned = current.home_assistant_fingerprint
        if pinned is not None and pinned != certificate_fingerprint(certificate):
            raise _Refused(
                RejectReason.ALREADY_PAIRED,
                "this satellite is paired with another Home Assistant; run "
                "`indoor-voice-satellite --pair` on it to make a new code (this unpairs the "
                "other one)",
            )
        self._store.pin(certificate)

    async def _watch_revocation(self) -> None:
        """Close links whose Home Assistant is no longer the paired one (after `--pair`)."""
        while True:
            await asyncio.sleep(_REVOCATION_CHECK_SECONDS)
            pairing = self._store.load()
            await self._refresh_context(pairing)
            paired = pairing.home_assistant_fingerprint
            for connection in list(self._connections):
                if connection.peer_fingerprint != paired:
                    _LOGGER.warning("Pairing revoked: closing the link")
                    await connection.close()


def _nonce(value: object) -> bytes:
    try:
        nonce = bytes.fromhex(str(value))
    except ValueError:
        nonce = b""
    if len(nonce) != NONCE_BYTES:
        raise _Refused(RejectReason.PROTOCOL, "malformed pairing request")
    return nonce
