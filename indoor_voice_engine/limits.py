"""Bounds on what one client may send, so no client can exhaust the engine."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """Upper bounds enforced per connection and per server."""

    max_header_bytes: int = 16 * 1024
    """One JSON header line."""

    max_data_bytes: int = 256 * 1024
    """The JSON data block of one event (entity names for STT biasing can be long)."""

    max_payload_bytes: int = 1024 * 1024
    """The binary payload of one event (one audio chunk)."""

    max_utterance_seconds: float = 30.0
    """Audio accepted for one transcription; Whisper sees 30 s windows."""

    max_text_chars: int = 5_000
    """Text accepted for one synthesis."""

    max_nesting: int = 32
    """Levels of JSON arrays and objects in a header or data block."""

    max_connections: int = 32
    """Clients served at once; when all slots are held, idle or stalled clients make room
    before a newcomer is told the engine is busy."""

    max_connections_per_source: int = 24
    """Clients served at once from one address (Home Assistant's host runs several)."""

    idle_timeout: float = 300.0
    """Seconds a connection may stay silent between requests before it is closed."""

    request_idle_timeout: float = 30.0
    """Seconds a connection may stay silent in the middle of a request (an audio stream)."""

    header_timeout: float = 10.0
    """Seconds an event header may take to arrive, from its first byte (slowloris gets
    dropped after this; a real client sends a header in one packet)."""

    min_bytes_per_second: int = 32 * 1024
    """Pace a data block and payload must keep, on top of `header_timeout`."""

    newcomer_grace: float = 0.5
    """Seconds a new connection keeps its slot before its first byte (it may be on its way)."""

    admission_wait: float = 1.0
    """Seconds a newcomer may wait for a slot to become free before it is told busy."""

    stalled_after: float = 2.0
    """Seconds a client in the middle of a request (an audio stream, a synthesis) may stay
    silent before its slot may go to a newcomer."""

    write_timeout: float = 30.0
    """Seconds a client may take to accept what we send before it is dropped."""

    min_rate: int = 4_000
    max_rate: int = 192_000
    max_channels: int = 8
    widths: tuple[int, ...] = (1, 2, 3, 4)
