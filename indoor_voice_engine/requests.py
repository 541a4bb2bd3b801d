"""What a client sends and asks for, checked: what the engine refuses gets a clear error."""

from __future__ import annotations

from typing import Any


class BadRequest(Exception):
    """What the client sent or asked for is refused, with Wyoming's `error` event (code, text).

    Raised while a frame is read (framing.py), it ends the connection: the byte stream cannot
    be trusted any further. Raised while an event is handled, the connection stays usable.
    """

    def __init__(self, code: str, text: str) -> None:
        super().__init__(text)
        self.code = code
        self.text = text


def optional_str(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise BadRequest("bad-request", f"{key} must be a string")
    return value


def optional_int(data: dict[str, Any], key: str) -> int | None:
    value = data.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def optional_bool(data: dict[str, Any], key: str) -> bool:
    """A flag the client may leave out (False then); anything but true or false is refused."""
    value = data.get(key, False)
    if not isinstance(value, bool):
        raise BadRequest("bad-request", f"{key} must be true or false")
    return value


def str_list(data: dict[str, Any], key: str) -> list[str]:
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise BadRequest("bad-request", f"{key} must be a list of strings")
    return value
