"""Freed memory handed back to the system after each command.

glibc's allocator keeps what a decode freed for the next one: after a long command (the
30 s window's buffers, about 50 MiB with tiny.en) the engine's resident memory stayed at the
largest request it had seen, and rose by steps through a soak without anything leaking.
`malloc_trim(0)` gives it back. Where the C library has no `malloc_trim` (musl, as in
Alpine images) this does nothing.
"""

from __future__ import annotations

import ctypes
import functools
from collections.abc import Callable


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    try:
        trim: Callable[[int], int] = ctypes.CDLL(None).malloc_trim  # the process's own libc
    except (OSError, AttributeError):
        return None
    return trim


def give_back_freed_memory() -> None:
    """Blocking (it walks the heap, a few milliseconds): run it in an executor."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
