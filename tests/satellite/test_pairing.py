"""Pairing: the code the satellite shows, typed into Home Assistant once, pins both ends."""

from __future__ import annotations

import asyncio

import pytest

from indoor_voice_link import (
    FingerprintMismatch,
    NotPaired,
    PairingRejected,
    RejectReason,
    connect,
    pair,
)
from indoor_voice_satellite.pairing_limiter import FailureLimiter
from testbed.satellite_process import SatelliteProcess

from .home_assistant import HomeAssistant

WRONG_CODE = "ABCD-EFGH-IJKL-MNOP"


async def test_the_right_code_pairs_and_pins_both_ends(
    satellite: SatelliteProcess, home_assistant: HomeAssistant
) -> None:
    result = await home_assistant.pair(satellite)

    assert result.satellite_fingerprint == satellite.fingerprint
    assert satellite.pinned_home_assistant == home_assistant.identity.fingerprint
    assert result.info.satellite is not None
    assert result.info.satellite.name == "Test satellite"
    assert result.info.satellite.area == "Kitchen"
    async with home_assistant.session(satellite) as session:
        info = await session.info()
    assert info.satellite is not None and info.satellite.active_wake_words == ["hey_jarvis"]


async def test_a_typed_code_may_differ_in_case_and_dashes(
    satellite: SatelliteProcess, home_assistant: HomeAssistant
) -> None:
    code = await asyncio.to_thread(satellite.pairing_code)
    await home_assistant.pair(satellite, " " + code.replace("-", " ").lower())
    assert satellite.pinned_home_assistant == home_assistant.identity.fingerprint


async def test_a_wrong_pairing_code_hears_nothing(
    satellite: SatelliteProcess, home_assistant: HomeAssistant
) -> None:
    with pytest.raises(PairingRejected) as rejected:
        await home_assistant.pair(satellite, WRONG_CODE)
    assert rejected.value.reason is RejectReason.WRONG_CODE
    assert "wrong pairing code" in str(rejected.value)
    assert satellite.pinned_home_assistant is None
    with pytest.raises(NotPaired):
        await connect(
            satellite.host, satellite.port, home_assistant.identity, satellite.fingerprint
        )


async def test_something_that_is_not_a_code_is_refused_before_connecting(
    home_assistant: HomeAssistant,
) -> None:
    with pytest.raises(PairingRejected) as rejected:
        await pair("127.0.0.1", 9, "1234", home_assistant.identity)
    assert rejected.value.reason is RejectReason.INVALID_CODE_FORMAT


async def test_repeated_wrong_codes_are_refused_for_a_while(
    satellite: SatelliteProcess, home_assistant: HomeAssistant
) -> None:
    for _ in range(3):
        with pytest.raises(PairingRejected) as rejected:
            await home_assistant.pair(satellite, WRONG_CODE)
        assert rejected.value.reason is RejectReason.WRONG_CODE

    with pytest.raises(PairingRejected) as rejected:
        await home_assistant.pair(satellite)  # even the right code, for now
    assert rejected.value.reason is RejectReason.RATE_LIMITED
    assert rejected.value.retry_after is not None and rejected.value.retry_after > 0
    assert satellite.pinned_home_assistant is None


async def test_a_used_code_pairs_no_other_home_assistant(
    satellite: SatelliteProcess, paired: HomeAssistant
) -> None:
    stranger = await HomeAssistant.create()
    with pytest.raises(PairingRejected) as rejected:
        await stranger.pair(satellite)
    assert rejected.value.reason is RejectReason.ALREADY_PAIRED
    assert "--pair" in str(rejected.value)

    await paired.pair(satellite)  # the paired one may run its config flow again
    assert satellite.pinned_home_assistant == paired.identity.fingerprint


async def test_home_assistant_refuses_a_satellite_with_another_key(
    satellite: SatelliteProcess, paired: HomeAssistant
) -> None:
    impostor = "0" * 64
    with pytest.raises(FingerprintMismatch):
        await connect(satellite.host, satellite.port, paired.identity, impostor)
    with pytest.raises(FingerprintMismatch):
        await pair(
            satellite.host,
            satellite.port,
            await asyncio.to_thread(satellite.pairing_code),
            paired.identity,
            expected_fingerprint=impostor,
        )


async def test_pairing_again_revokes_the_old_home_assistant(
    satellite: SatelliteProcess, paired: HomeAssistant
) -> None:
    old_code = await asyncio.to_thread(satellite.pairing_code)
    async with paired.session(satellite) as session:
        await session.run()
        new_code = (await asyncio.to_thread(satellite.command, "--pair")).stdout.strip()
        await session.closed()  # the running satellite notices and hangs up
    assert new_code != old_code
    with pytest.raises(NotPaired):
        await connect(satellite.host, satellite.port, paired.identity, satellite.fingerprint)

    newcomer = await HomeAssistant.create()
    with pytest.raises(PairingRejected) as rejected:
        await newcomer.pair(satellite, old_code)
    assert rejected.value.reason is RejectReason.WRONG_CODE
    await newcomer.pair(satellite, new_code)
    async with newcomer.session(satellite) as session:
        await session.run()


def test_the_wait_after_wrong_codes_doubles_and_a_right_code_clears_it() -> None:
    now = [0.0]
    limiter = FailureLimiter(clock=lambda: now[0])
    for _ in range(2):
        limiter.failed()
    assert limiter.retry_after() == 0  # typos are free
    waits = []
    for _ in range(3):
        limiter.failed()
        waits.append(limiter.retry_after())
    assert waits == [30.0, 60.0, 120.0]
    now[0] += 120.0
    assert limiter.retry_after() == 0
    limiter.failed()
    limiter.succeeded()
    assert limiter.retry_after() == 0
