"""The order in which waiting decodes run on the speech-to-text workers.

Streams compete for few cores. A final decode (the stream ended: a client waits for its
transcript) goes ahead of every speculative one (a guess made at a pause, while the client
still talks). A speculative decode whose stream has moved on (speech resumed, or the stream
went away) is dropped before it starts: nobody would read it. Within each kind, first come,
first served. This module is the one place that decides the order; it runs on the event
loop, and the workers only ever get the decode that goes next.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any

FINAL = 0
SPECULATIVE = 1


@dataclass(order=True)
class _Waiting:
    kind: int
    seq: int
    work: Callable[[], Any] = field(compare=False)
    wanted: Callable[[], bool] = field(compare=False)
    future: asyncio.Future[Any] = field(compare=False)


class DecodeOrder:
    """Runs decodes on `executor`, at most `workers` at a time, finals first."""

    def __init__(self, executor: Executor, workers: int) -> None:
        self._executor = executor
        self._workers = max(1, workers)
        self._running = 0
        self._waiting: list[_Waiting] = []
        self._seq = itertools.count()
        self.dropped = 0  # speculative decodes dropped before they started

    def submit(
        self,
        work: Callable[[], Any],
        *,
        final: bool,
        wanted: Callable[[], bool] = lambda: True,
    ) -> asyncio.Future[Any]:
        """Queue `work`; the future has its result. A speculative decode that is no longer
        `wanted()` when its turn comes is cancelled instead of run."""
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        kind = FINAL if final else SPECULATIVE
        self._waiting.append(_Waiting(kind, next(self._seq), work, wanted, future))
        self._next()
        return future

    def promote(self, future: asyncio.Future[Any]) -> None:
        """A speculative decode became a stream's answer: it now waits like a final one."""
        for waiting in self._waiting:
            if waiting.future is future:
                waiting.kind = FINAL
                return

    def tidy_up(self, work: Callable[[], None]) -> None:
        """Housekeeping on the decoders' threads (memory.give_back_freed_memory), queued
        after what runs there now and not awaited."""
        self._executor.submit(work)

    @property
    def waiting(self) -> int:
        return len(self._waiting)

    def _next(self) -> None:
        while self._running < self._workers and self._waiting:
            chosen = min(self._waiting)
            self._waiting.remove(chosen)
            if chosen.future.done():
                continue  # cancelled by its caller while it waited
            if chosen.kind == SPECULATIVE and not chosen.wanted():
                self.dropped += 1
                chosen.future.cancel()
                continue
            self._start(chosen)

    def _start(self, chosen: _Waiting) -> None:
        loop = asyncio.get_running_loop()
        try:
            running = loop.run_in_executor(self._executor, chosen.work)
        except RuntimeError:  # the engine is closing: its workers take nothing new
            chosen.future.cancel()
            return
        self._running += 1

        def done(finished: asyncio.Future[Any]) -> None:
            self._running -= 1
            if not chosen.future.done():
                if finished.cancelled():
                    chosen.future.cancel()
                elif (error := finished.exception()) is not None:
                    chosen.future.set_exception(error)
                else:
                    chosen.future.set_result(finished.result())
            elif not finished.cancelled():
                finished.exception()  # retrieved: the caller gave up on it
            self._next()

        running.add_done_callback(done)
