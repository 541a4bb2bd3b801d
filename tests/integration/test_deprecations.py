"""Nothing our integration does is on its way out of Home Assistant.

Every integration test fails when Home Assistant reports a deprecated use by our integration
(the autouse `no_deprecated_use` fixture); this one shows that such a report is caught.
"""

from __future__ import annotations

from pathlib import Path

from homeassistant.core import HomeAssistant
from homeassistant.helpers import frame

from tests.support.deprecations import DeprecationWatch, is_deprecated_use_by_us

INTEGRATION = Path(__file__).resolve().parents[2] / "custom_components" / "indoor_voice"


async def test_a_deprecated_call_from_our_code_is_caught(
    hass: HomeAssistant, no_deprecated_use: DeprecationWatch
) -> None:
    # Home Assistant finds the caller by the file name of the calling frame.
    call = compile(
        "report_usage('calls a deprecated helper', breaks_in_ha_version='2099.1')",
        str(INTEGRATION / "tts.py"),
        "exec",
    )
    exec(call, {"report_usage": frame.report_usage})  # noqa: S102 - a fixed line

    assert any("will stop working" in report for report in no_deprecated_use.reports)
    no_deprecated_use.reports.clear()  # shown; not a failure of this test


def test_reports_about_other_code_are_not_ours() -> None:
    assert is_deprecated_use_by_us(
        "Detected that custom integration 'indoor_voice' uses X. This will stop working in"
        " Home Assistant 2026.12"
    )
    assert not is_deprecated_use_by_us(
        "Detected that custom integration 'other' uses X. This will stop working in 2026.12"
    )
    assert not is_deprecated_use_by_us("Set up indoor_voice in 0.2 s")
