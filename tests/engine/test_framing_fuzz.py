"""Whatever bytes arrive, the frame parser returns an event or refuses with a BadRequest.

Property-based: hypothesis builds frames from nesting, announced and real lengths, and text
encodings, and mutates them; nothing else may come out of the parser.
"""

from __future__ import annotations

import asyncio
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indoor_voice_engine.framing import read_event
from indoor_voice_engine.limits import Limits
from indoor_voice_engine.requests import BadRequest

LIMITS = Limits(max_header_bytes=4096, max_data_bytes=8192, max_payload_bytes=8192)
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner),
    max_leaves=20,
)


def _parse(raw: bytes, limits: Limits = LIMITS) -> object:
    """What read_event makes of these bytes followed by the end of the stream."""

    async def read() -> object:
        reader = asyncio.StreamReader(limit=limits.max_header_bytes)
        reader.feed_data(raw)
        reader.feed_eof()
        try:
            return await read_event(reader, limits)
        except BadRequest as err:
            return err

    return asyncio.run(read())


@st.composite
def _nested(draw: st.DrawFn) -> bytes:
    """A JSON value nested from a few to thousands of levels, closed or not."""
    depth = draw(st.integers(min_value=1, max_value=6_000))
    opener, closer = draw(st.sampled_from([(b"[", b"]"), (b'{"a":', b"}")]))
    closed = draw(st.booleans())
    return opener * depth + b"1" + (closer * depth if closed else b"")


@st.composite
def _frame(draw: st.DrawFn) -> bytes:
    """A frame whose header, data block and payload may each be valid or not."""
    data = draw(st.one_of(st.dictionaries(st.text(max_size=6), _json, max_size=4), _json))
    encoding = draw(st.sampled_from(["utf-8", "utf-16", "latin-1", "utf-32"]))
    data_block = draw(
        st.one_of(
            st.just(json.dumps(data, ensure_ascii=False).encode(encoding, "replace")),
            _nested(),
            st.binary(max_size=64),
        )
    )
    payload = draw(st.binary(max_size=256))
    header: dict[str, object] = {"type": draw(st.one_of(st.text(max_size=12), _json))}
    for key, real in (("data_length", len(data_block)), ("payload_length", len(payload))):
        header[key] = draw(
            st.one_of(
                st.just(real),
                st.integers(min_value=-2, max_value=20_000),
                _json,
            )
        )
    if draw(st.booleans()):
        header["data"] = draw(_json)
    line = json.dumps(header).encode() + b"\n"
    return line + data_block + payload


@FUZZ
@given(_frame())
def test_any_frame_is_an_event_or_a_refusal(raw: bytes) -> None:
    result = _parse(raw)
    assert result is None or isinstance(result, BadRequest) or result.type  # type: ignore[attr-defined]


@FUZZ
@given(_frame(), st.data())
def test_mutated_frames_are_events_or_refusals(raw: bytes, data: st.DataObject) -> None:
    mutated = bytearray(raw)
    for _ in range(data.draw(st.integers(min_value=1, max_value=8))):
        if not mutated:
            break
        at = data.draw(st.integers(min_value=0, max_value=len(mutated) - 1))
        mutated[at] = data.draw(st.integers(min_value=0, max_value=255))
    result = _parse(bytes(mutated))
    assert result is None or isinstance(result, BadRequest) or result.type  # type: ignore[attr-defined]


@FUZZ
@given(_nested())
def test_nesting_is_parsed_or_refused_as_too_deep(value: bytes) -> None:
    block = b'{"v": ' + value + b"}"
    for raw in (
        b'{"type": "x", "data": ' + block + b"}\n",
        json.dumps({"type": "x", "data_length": len(block)}).encode() + b"\n" + block,
    ):
        result = _parse(raw)
        if isinstance(result, BadRequest):
            assert result.code in ("too-deep", "too-large", "bad-frame")
        depth = value.count(b"[") + value.count(b"{")
        if depth > 64 and value.endswith((b"]", b"}")):
            assert isinstance(result, BadRequest) and result.code in ("too-deep", "too-large")


def test_ten_thousand_brackets_are_refused_as_too_deep() -> None:
    """The frame that used to escape as a RecursionError (unclosed: Python 3.14's parser
    finds the missing end before the depth, 3.13's the depth first)."""
    result = _parse(b'{"type": "describe", "data": ' + b"[" * 10_000 + b"\n", Limits())
    assert isinstance(result, BadRequest) and result.code in ("too-deep", "bad-frame")
