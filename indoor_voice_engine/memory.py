"""Freed memory handed back to the system: the engine's resident memory stays where a
short command leaves it, however long a command came before.

glibc's allocator keeps what a decode freed for the next one, in a heap per thread that
allocated (an "arena"): after a long command (the 30 s window's buffers, about 50 MiB with
tiny.en) the engine's RSS stayed at the longest decode's high-water mark, rising by steps
through a soak with nothing leaking. `malloc_trim` alone gave back little of a worker
thread's arena (14 of 54 MiB, measured); with one arena for the whole process it gives back
all of it. Setting the large-allocation threshold instead (buffers of 256 KiB or more
mapped and unmapped each time) kept the RSS flat too, but cost a short decode 60 % more CPU.
Where the C library has neither call (musl, as in Alpine images) this does nothing.
"""

from __future__ import annotations

import ctypes
import functools
from typing import Any

_M_ARENA_MAX = -8  # glibc's malloc.h


@functools.cache
def _libc() -> Any:
    try:
        return ctypes.CDLL(None)  # the process's own C library
    except OSError:
        return None


def use_one_arena() -> None:
    """At start, before any thread allocates: every thread's memory in one heap, which
    `give_back_freed_memory` can trim (two or three threads decode here, rarely at once)."""
    if (mallopt := getattr(_libc(), "mallopt", None)) is not None:
        mallopt(_M_ARENA_MAX, 1)


def give_back_freed_memory() -> None:
    """After a command (blocking: it walks the heap, up to a few tens of milliseconds on a
    busy machine; run it in an executor, after the reply)."""
    if (trim := getattr(_libc(), "malloc_trim", None)) is not None:
        trim(0)
