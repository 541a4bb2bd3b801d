"""The order of waiting decodes: a stream that ended is answered before another stream's
guess, and a guess nobody will read is never decoded. The workers here are a real thread
pool whose jobs wait for the test to let them go, so the order is seen, never timed."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from indoor_voice_engine.decode_order import DecodeOrder


class Workers:
    """One worker thread; each job records its name when it starts and waits for a gate."""

    def __init__(self) -> None:
        self.pool = ThreadPoolExecutor(1, thread_name_prefix="test-decode")
        self.started: list[str] = []

    def job(self, name: str, gate: threading.Event | None = None) -> Callable[[], str]:
        def run() -> str:
            self.started.append(name)
            if gate is not None:
                gate.wait(60)
            return name

        return run


@pytest.fixture
def workers() -> Iterator[Workers]:
    made = Workers()
    yield made
    made.pool.shutdown(wait=True, cancel_futures=True)


async def test_a_final_decode_goes_ahead_of_waiting_guesses(workers: Workers) -> None:
    order = DecodeOrder(workers.pool, 1)
    gate = threading.Event()
    busy = order.submit(workers.job("busy", gate), final=True)
    guess_a = order.submit(workers.job("guess a"), final=False)
    guess_b = order.submit(workers.job("guess b"), final=False)
    final_c = order.submit(workers.job("final c"), final=True)
    assert order.waiting == 3
    gate.set()
    assert await asyncio.gather(busy, guess_a, guess_b, final_c) == [
        "busy",
        "guess a",
        "guess b",
        "final c",
    ]
    assert workers.started == ["busy", "final c", "guess a", "guess b"]


async def test_finals_and_guesses_keep_their_arrival_order_among_themselves(
    workers: Workers,
) -> None:
    order = DecodeOrder(workers.pool, 1)
    gate = threading.Event()
    jobs = [order.submit(workers.job("busy", gate), final=False)]
    for name, final in (("g1", False), ("f1", True), ("g2", False), ("f2", True)):
        jobs.append(order.submit(workers.job(name), final=final))
    gate.set()
    await asyncio.gather(*jobs)
    assert workers.started == ["busy", "f1", "f2", "g1", "g2"]


async def test_a_guess_whose_stream_moved_on_is_dropped_before_it_starts(
    workers: Workers,
) -> None:
    order = DecodeOrder(workers.pool, 1)
    gate = threading.Event()
    moved_on = False
    busy = order.submit(workers.job("busy", gate), final=True)
    stale = order.submit(workers.job("stale guess"), final=False, wanted=lambda: not moved_on)
    fresh = order.submit(workers.job("fresh guess"), final=False)
    moved_on = True  # the speaker went on talking while the guess waited
    gate.set()
    assert await fresh == "fresh guess"
    assert stale.cancelled()
    await busy
    assert workers.started == ["busy", "fresh guess"]
    assert order.dropped == 1


async def test_a_final_decode_is_never_dropped(workers: Workers) -> None:
    order = DecodeOrder(workers.pool, 1)
    gate = threading.Event()
    busy = order.submit(workers.job("busy", gate), final=True)
    final = order.submit(workers.job("final"), final=True, wanted=lambda: False)
    gate.set()
    assert await asyncio.gather(busy, final) == ["busy", "final"]
    assert order.dropped == 0


async def test_a_guess_that_became_the_answer_waits_like_a_final(workers: Workers) -> None:
    order = DecodeOrder(workers.pool, 1)
    gate = threading.Event()
    busy = order.submit(workers.job("busy", gate), final=True)
    other_guess = order.submit(workers.job("other stream's guess"), final=False)
    answer = order.submit(workers.job("this stream's guess"), final=False)
    order.promote(answer)  # this stream ended in silence: its guess is its transcript
    gate.set()
    await asyncio.gather(busy, other_guess, answer)
    assert workers.started == ["busy", "this stream's guess", "other stream's guess"]


async def test_a_failing_decode_reports_its_error_and_the_next_one_still_runs(
    workers: Workers,
) -> None:
    order = DecodeOrder(workers.pool, 1)

    def broken() -> str:
        raise ValueError("bad audio")

    failing = order.submit(broken, final=True)
    after = order.submit(workers.job("after"), final=True)
    with pytest.raises(ValueError, match="bad audio"):
        await failing
    assert await after == "after"


async def test_a_caller_that_gave_up_frees_its_place(workers: Workers) -> None:
    order = DecodeOrder(workers.pool, 1)
    gate = threading.Event()
    busy = order.submit(workers.job("busy", gate), final=True)
    abandoned = order.submit(workers.job("abandoned"), final=True)
    kept = order.submit(workers.job("kept"), final=True)
    abandoned.cancel()
    gate.set()
    assert await asyncio.gather(busy, kept) == ["busy", "kept"]
    assert workers.started == ["busy", "kept"]


async def test_two_workers_run_two_decodes_at_once(workers: Workers) -> None:
    pool = ThreadPoolExecutor(2, thread_name_prefix="test-decode-2")
    try:
        order = DecodeOrder(pool, 2)
        gate = threading.Event()
        first = order.submit(workers.job("first", gate), final=True)
        second = order.submit(workers.job("second", gate), final=False)
        third = order.submit(workers.job("third"), final=True)
        assert order.waiting == 1  # two run, one waits
        gate.set()
        await asyncio.gather(first, second, third)
    finally:
        pool.shutdown(wait=True)
