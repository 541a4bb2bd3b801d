"""The voices the tests and the benchmark speak in are the voices they name."""

from __future__ import annotations

import pytest

from testbed.speech import espeak


@pytest.mark.parametrize("voice", ["en-gb", "en-us", "en-029"])
def test_a_variant_changes_the_voice(voice: str) -> None:
    """espeak-ng drops a variant given to "en-gb" (its file is "en"): "en-gb+f4" would be
    plain en-gb, and a bench's female British voice a male one."""
    assert espeak("hey jarvis", f"{voice}+f4") != espeak("hey jarvis", voice)
