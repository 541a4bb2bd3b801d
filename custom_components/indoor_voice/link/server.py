"""The satellite end: serves the paired Home Assistant, and pairing to anyone with the code."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import ssl
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from wyoming.event import Event

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
from .errors import LinkUnavailable, RejectReason
from .identity import Identity, certificate_der, certificate_fingerprint
from .pairing import NONCE_BYTES, Role, SessionBinding, proof, proofs_match
from .tls import server_context

_LOGGER = logging.getLogger(__name__)

HANDSHAKE_TIMEOUT = 10.0
_REVOCATION_CHECK_SECONDS = 2.0
_MAX_CONNECTIONS = 8  # Home Assistant needs one; the rest is for reconnects and pairing


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


class PairingStore(Protocol):
    """Where the satellite keeps its pairing; another process may change it (`--pair`)."""

    def load(self) -> Pairing: ...

    def pin(self, home_assistant_certificate: bytes) -> None: ...


class FailureLimiter:
    """After `free` wrong codes in a row, pairing waits `delay` seconds, doubling each time.

    The code has 80 bits, so this is not what keeps guessing out; it keeps a stranger from
    making the satellite work, and makes repeated attempts visible as refusals.
    """

    def __init__(
        self,
        free: int = 3,
        delay: float = 30.0,
        max_delay: float = 900.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._free = free
        self._delay = delay
        self._max_delay = max_delay
        self._clock = clock
        self._failures = 0
        self._locked_until = 0.0

    def retry_after(self) -> float:
        return max(0.0, self._locked_until - self._clock())

    def failed(self) -> None:
        self._failures += 1
        if self._failures >= self._free:
            doublings = self._failures - self._free
            delay = min(self._max_delay, self._delay * 2 ** min(doublings, 32))
            self._locked_until = self._clock() + delay

    def succeeded(self) -> None:
        self._failures = 0
        self._locked_until = 0.0


class _Refused(Exception):
    """Pairing ends here; the peer is told why."""

    def __init__(self, reason: RejectReason, text: str, retry_after: float | None = None):
        super().__init__(text)
        self.reason = reason
        self.text = text
        self.retry_after = retry_after


class LinkServer:
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
        allow_peer: Callable[[str], bool] = lambda address: True,
    ) -> None:
        self._identity = identity
        self._store = store
        self._on_connection = on_connection
        self._allow_peer = allow_peer
        self._limiter = FailureLimiter()
        self._pairing_lock = asyncio.Lock()
        self._server: asyncio.Server | None = None
        self._context: tuple[bytes | None, ssl.SSLContext] | None = None
        self._clients: set[asyncio.Task[None]] = set()
        self._connections: set[LinkConnection] = set()
        self._revocation_watch: asyncio.Task[None] | None = None

    @property
    def port(self) -> int:
        assert self._server is not None
        return int(self._server.sockets[0].getsockname()[1])

    async def start(self, host: str, port: int) -> None:
        await self._refresh_context(self._store.load())
        self._server = await asyncio.start_server(self._accept, host, port)
        self._revocation_watch = asyncio.create_task(self._watch_revocation())

    async def close(self) -> None:
        """Stop listening and close every connection."""
        if self._server is not None:
            self._server.close()
        if self._revocation_watch is not None:
            self._revocation_watch.cancel()
        for connection in list(self._connections):
            await connection.close()
        for task in list(self._clients):
            task.cancel()
        await asyncio.gather(
            *self._clients,
            *([self._revocation_watch] if self._revocation_watch else []),
            return_exceptions=True,
        )
        if self._server is not None:
            await self._server.wait_closed()

    async def _refresh_context(self, pairing: Pairing) -> None:
        """Keep a TLS context that trusts exactly the paired certificate, built ahead of time."""
        paired = pairing.home_assistant_certificate
        if self._context is None or self._context[0] != paired:
            context = await asyncio.to_thread(server_context, self._identity, paired)
            self._context = (paired, context)

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        peer = writer.get_extra_info("peername")
        if not peer or not self._allow_peer(str(peer[0])):
            _LOGGER.warning("Refusing a connection from %s", peer)
            writer.transport.abort()
            return
        if len(self._clients) >= _MAX_CONNECTIONS:
            _LOGGER.warning("Refusing a connection: %d open already", len(self._clients))
            writer.transport.abort()
            return
        task = asyncio.current_task()
        assert task is not None
        self._clients.add(task)  # type: ignore[arg-type]
        try:
            await self._serve(reader, writer)
        finally:
            self._clients.discard(task)  # type: ignore[arg-type]
            await close_writer(writer)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        peer = writer.get_extra_info("peername")[0]
        pairing = self._store.load()
        assert self._context is not None
        try:
            # Nothing may be awaited before this: the client's hello would land in the
            # plaintext buffer instead of reaching TLS.
            await writer.start_tls(self._context[1], ssl_handshake_timeout=HANDSHAKE_TIMEOUT)
        except (OSError, TimeoutError) as err:
            _LOGGER.info("TLS handshake with %s failed: %s", peer, getattr(err, "reason", err))
            return
        client_der = writer.get_extra_info("ssl_object").getpeercert(binary_form=True)
        if client_der is None:
            await self._pair(reader, writer, pairing, peer)
            return
        # OpenSSL checked the chain against the paired certificate; demand that very one.
        fingerprint = certificate_fingerprint(client_der)
        if fingerprint != pairing.home_assistant_fingerprint:
            _LOGGER.warning("Refusing %s: not the paired Home Assistant", peer)
            return
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
        peer: object,
    ) -> None:
        try:
            async with asyncio.timeout(HANDSHAKE_TIMEOUT):
                await self._pairing_exchange(reader, writer, pairing)
        except _Refused as refusal:
            _LOGGER.warning("Pairing refused for %s: %s", peer, refusal.reason.value)
            data: dict[str, object] = {"text": refusal.text, "code": refusal.reason.value}
            if refusal.retry_after is not None:
                data["retry_after"] = round(refusal.retry_after, 1)
            with contextlib.suppress(LinkUnavailable):
                await write_event(writer, Event(ERROR, data))
        except (TimeoutError, LinkUnavailable):
            _LOGGER.info("Pairing with %s did not complete", peer)
        else:
            _LOGGER.info("Paired with the Home Assistant at %s", peer)

    async def _pairing_exchange(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, pairing: Pairing
    ) -> None:
        request = await read_handshake_event(reader)
        if request is None or request.type != PAIR_REQUEST:
            raise _Refused(
                RejectReason.PROTOCOL,
                "this satellite talks only to the Home Assistant it is paired with; "
                "send a pairing request with its pairing code to pair",
            )
        if self._pairing_lock.locked():
            raise _Refused(RejectReason.BUSY, "another pairing attempt is in progress")
        async with self._pairing_lock:
            if (wait := self._limiter.retry_after()) > 0:
                raise _Refused(
                    RejectReason.RATE_LIMITED,
                    f"too many wrong pairing codes; try again in {wait:.0f} seconds",
                    wait,
                )
            home_assistant_nonce = _nonce(request.data.get("nonce"))
            satellite_nonce = secrets.token_bytes(NONCE_BYTES)
            await write_event(writer, Event(PAIR_CHALLENGE, {"nonce": satellite_nonce.hex()}))
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
                self._limiter.failed()
                raise _Refused(RejectReason.WRONG_CODE, "wrong pairing code")
            self._limiter.succeeded()
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
