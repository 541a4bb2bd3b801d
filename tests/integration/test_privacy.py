"""The household's privacy promises, tested like features.

Nothing is kept without consent; with consent only the command after the wake word and its
transcript, owner-readable, without identifiers; revocation deletes everything at once.
"""

from __future__ import annotations

import errno
import hashlib
import io
import json
import logging
import os
import tarfile
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any
from unittest.mock import patch

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components import assist_pipeline, stt
from homeassistant.components.assist_pipeline import PipelineEvent, PipelineEventType, PipelineStage
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import Context, HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import async_fire_time_changed
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator, WebSocketGenerator

from custom_components.indoor_voice.const import CONF_KIND, DOMAIN, PIPELINE_NAME, EntryKind
from custom_components.indoor_voice.diagnostics import async_get_config_entry_diagnostics
from custom_components.indoor_voice.privacy import household as household_module
from custom_components.indoor_voice.privacy.household import (
    DATA_HOUSEHOLD,
    DISCLOSURE_VERSION,
    Household,
)
from testbed.assist import METADATA, async_reply, async_voice_command, microphone
from testbed.engine_process import EngineProcess
from testbed.speech import espeak, read_wav, silence
from testbed.wyoming_client import detect, transcribe

SWITCH = "switch.household_share_recordings_for_review"
SENSOR = "sensor.household_clips_waiting_for_review"
STT_ENTITY = "stt.indoor_voice_engine_127_0_0_1_speech_to_text"
COMMAND = "turn on the kitchen light"
TWO_COMMANDS = ("lock the front door", "turn off the living room lamp")

# The disclosure's text, by version. A changed text needs a new DISCLOSURE_VERSION (which
# suspends sharing until the household agrees again): add it here in the same change.
DISCLOSURE_SHA256 = {
    1: "7188e60f4a372ba5bbd68b40c6d1c172b052dd4f9b0fe0f6e28c8765ead58791",
    # 2: says what an export is and where it goes
    2: "a5d915f5b1dfd7c79ce451ada0f97f6b62bb3a6f4d67911e54afa7ebeaf0b315",
    # 3: says that administrators can download exports, and that stopping withdraws consent
    3: "8b21c053577ebf7f28b709cbafb7e8f2cf2a3a74cf7c74c6026325c205e8dd52",
}


def _household(hass: HomeAssistant) -> Household:
    return hass.data[DATA_HOUSEHOLD]


def _household_entry(hass: HomeAssistant) -> ConfigEntry:
    return next(
        e
        for e in hass.config_entries.async_entries(DOMAIN)
        if e.data[CONF_KIND] == EntryKind.HOUSEHOLD
    )


async def _voice_command(hass: HomeAssistant) -> list[PipelineEvent]:
    """ "Hey jarvis ... turn on the kitchen light" through our pipeline, reply audio read."""
    audio = silence(1.0) + espeak("hey jarvis") + silence(0.6) + espeak(COMMAND) + silence(2.5)
    pipeline = next(p for p in assist_pipeline.async_get_pipelines(hass) if p.name == PIPELINE_NAME)
    events = await async_voice_command(
        hass,
        pipeline.id,
        audio,
        PipelineStage.WAKE_WORD,
        tts_audio_output="wav",  # what satellites ask for: HA converts with ffmpeg
    )
    by_type = {e.type: e.data for e in events}
    assert PipelineEventType.ERROR not in by_type, by_type.get(PipelineEventType.ERROR)
    assert await async_reply(hass, by_type[PipelineEventType.TTS_END]["tts_output"]["token"])
    await hass.async_block_till_done()
    return events


def _files(folder: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in folder.rglob("*")
    }


async def _consent(
    hass: HomeAssistant, client: ClientSessionGenerator, acknowledge: bool = True
) -> None:
    """The household entry's options flow, through the same HTTP API the UI uses."""
    http = await client()
    started = await http.post(
        "/api/config/config_entries/options/flow", json={"handler": _household_entry(hass).entry_id}
    )
    form = await started.json()
    assert form["step_id"] == "consent"
    done = await http.post(
        f"/api/config/config_entries/options/flow/{form['flow_id']}",
        json={"acknowledge": acknowledge, "retention_days": 30, "max_size_mb": 200},
    )
    answer = await done.json()
    assert answer["type"] == "abort", answer  # the dialog ends by saying what was recorded
    assert answer["reason"] == ("consent_recorded" if acknowledge else "consent_declined")


async def _turn_switch(hass: HomeAssistant, on: bool, user_id: str | None = None) -> None:
    """The review-sharing switch, turned by `user_id` as in the UI."""
    await hass.services.async_call(
        "switch",
        "turn_on" if on else "turn_off",
        {"entity_id": SWITCH},
        blocking=True,
        context=Context(user_id=user_id),
    )


async def _share(hass: HomeAssistant, client: ClientSessionGenerator, user_id: str) -> None:
    await _consent(hass, client)
    await _turn_switch(hass, on=True, user_id=user_id)
    assert hass.states.get(SWITCH).state == "on"


async def _share_and_speak(
    hass: HomeAssistant, client: ClientSessionGenerator, user_id: str, *commands: str
) -> None:
    """The household shares; then each command is spoken to the speech-to-text entity."""
    await _share(hass, client, user_id)
    for command in commands:
        await _speak_to_stt(hass, command)


async def _speak_to_stt(hass: HomeAssistant, text: str) -> stt.SpeechResult:
    entity = stt.async_get_speech_to_text_entity(hass, STT_ENTITY)
    assert entity is not None
    pcm = silence(0.3) + (espeak(text) if text else b"") + silence(1.0)
    return await entity.internal_async_process_audio_stream(METADATA, microphone(pcm))


async def test_a_fresh_install_shares_nothing(home: HomeAssistant) -> None:
    assert home.states.get(SWITCH).state == "off"
    assert home.states.get(SENSOR).state == "0"
    assert not _household(home).consent_is_current


async def test_a_household_without_consent_keeps_nothing(
    home: HomeAssistant,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A whole voice command with sharing off: no new file under the config dir or the temp
    dir, and the transcript in none of our log lines (even at debug level) nor in any
    Home Assistant log line at info level or above."""
    private_tmp = tmp_path / "tmp"
    private_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(private_tmp))
    monkeypatch.setenv("TMPDIR", str(private_tmp))
    caplog.set_level(logging.DEBUG, logger="custom_components.indoor_voice")
    config_dir = Path(home.config.config_dir)
    before = _files(config_dir)

    events = await _voice_command(home)

    assert home.states.get("light.kitchen_light").state == "on"
    stt_end = next(e for e in events if e.type is PipelineEventType.STT_END)
    assert stt_end.data["stt_output"]["text"].lower().startswith(COMMAND)
    assert _files(config_dir) == before
    assert list(private_tmp.iterdir()) == []
    ours = [r for r in caplog.records if r.name.startswith("custom_components.indoor_voice")]
    assert ours, "expected some debug logging from the integration"
    shown = [r for r in caplog.records if r in ours or r.levelno >= logging.INFO]
    assert not [r.getMessage() for r in shown if COMMAND in r.getMessage().lower()]


async def test_turning_sharing_on_without_consent_explains_what_to_do(
    home: HomeAssistant, hass_admin_user: Any
) -> None:
    with pytest.raises(ServiceValidationError) as raised:
        await _turn_switch(home, on=True, user_id=hass_admin_user.id)
    assert raised.value.translation_key == "consent_required"
    assert "Household → Configure" in str(raised.value)
    assert home.states.get(SWITCH).state == "off"


async def test_with_consent_a_command_keeps_one_clip_after_the_wake_word(
    home: HomeAssistant,
    hass_client: ClientSessionGenerator,
    hass_admin_user: Any,
    engine_process: EngineProcess,
) -> None:
    await _share(home, hass_client, hass_admin_user.id)
    log = _household(home).consent_log
    assert [(e["action"], e["user_id"], e["disclosure_version"]) for e in log] == [
        ("granted", hass_admin_user.id, DISCLOSURE_VERSION),
        ("sharing_on", hass_admin_user.id, DISCLOSURE_VERSION),
    ]

    await _voice_command(home)

    review = _household(home).review
    clips = review.clips()
    assert len(clips) == 1
    clip = clips[0]
    assert clip.transcript.lower().startswith(COMMAND) and clip.status == "pending"
    assert home.states.get(SENSOR).state == "1"

    pcm, rate, width, channels = read_wav(review.audio(clip.id))
    assert (rate, width, channels) == (16000, 2, 1)
    heard = await transcribe(engine_process.host, engine_process.port, pcm + silence(1))
    assert "kitchen light" in heard.lower() and "jarvis" not in heard.lower()
    wake = await detect(
        engine_process.host, engine_process.port, silence(1) + pcm + silence(1), ["hey_jarvis"]
    )
    assert [e.type for e in wake] == ["not-detected"]  # the wake word itself is not in the clip

    files = sorted(review.root.iterdir())
    assert [f.name for f in files] == sorted([f"{clip.id}.json", f"{clip.id}.wav"])
    assert review.root.stat().st_mode & 0o777 == 0o700
    assert all(f.stat().st_mode & 0o777 == 0o600 for f in files)
    metadata = json.loads((review.root / f"{clip.id}.json").read_text())
    assert set(metadata) == {"id", "created", "seconds", "transcript", "corrected", "status"}
    identifiers = [hass_admin_user.id, "127.0.0.1", "indoor_voice_engine", "satellite", "device"]
    for file in files:
        assert not any(i in file.name for i in identifiers)
    assert not any(i in json.dumps(metadata) for i in identifiers)
    assert "www" not in review.root.parts


async def test_false_triggers_are_not_kept(
    home: HomeAssistant, hass_client: ClientSessionGenerator, hass_admin_user: Any
) -> None:
    await _share(home, hass_client, hass_admin_user.id)
    result = await _speak_to_stt(home, "")
    assert result.text == ""
    assert _household(home).review.clips() == []


async def test_switching_off_revokes_and_deletes_every_clip_at_once(
    home: HomeAssistant, hass_client: ClientSessionGenerator, hass_admin_user: Any
) -> None:
    await _share_and_speak(home, hass_client, hass_admin_user.id, *TWO_COMMANDS)
    review = _household(home).review
    assert len(review.clips()) == 2

    await _turn_switch(home, on=False, user_id=hass_admin_user.id)
    assert home.states.get(SWITCH).state == "off"
    assert not review.root.exists()
    last = _household(home).consent_log[-1]
    assert (last["action"], last["deleted_clips"], last["user_id"]) == (
        "revoked",
        2,
        hass_admin_user.id,
    )
    assert not _household(home).consent_is_current  # on again needs a new acknowledgement
    with pytest.raises(ServiceValidationError):
        await _turn_switch(home, on=True)


async def test_revocation_is_also_one_service_call(
    home: HomeAssistant, hass_client: ClientSessionGenerator, hass_admin_user: Any
) -> None:
    await _share_and_speak(home, hass_client, hass_admin_user.id, "lock the front door")
    await home.services.async_call(
        DOMAIN, "revoke_consent", {}, blocking=True, context=Context(user_id=hass_admin_user.id)
    )
    assert home.states.get(SWITCH).state == "off"
    assert _household(home).review.clips() == []
    assert _household(home).consent_log[-1]["deleted_clips"] == 1


async def test_declining_is_one_click(
    home: HomeAssistant, hass_client: ClientSessionGenerator
) -> None:
    await _consent(home, hass_client, acknowledge=False)
    assert [e["action"] for e in _household(home).consent_log] == ["declined"]
    assert home.states.get(SWITCH).state == "off"


async def test_retention_purges_an_expired_clip(
    home: HomeAssistant,
    hass_client: ClientSessionGenerator,
    hass_admin_user: Any,
    freezer: FrozenDateTimeFactory,
) -> None:
    await _share_and_speak(home, hass_client, hass_admin_user.id, "lock the front door")
    review = _household(home).review
    assert len(review.clips()) == 1

    freezer.tick(timedelta(days=29))
    async_fire_time_changed(home)
    await home.async_block_till_done(wait_background_tasks=True)
    assert len(review.clips()) == 1  # within the 30 days

    freezer.tick(timedelta(days=2))
    async_fire_time_changed(home)
    await home.async_block_till_done(wait_background_tasks=True)
    assert review.clips() == []
    assert home.states.get(SENSOR).state == "0"


async def test_sharing_survives_a_restart_but_not_a_reinstall(
    home: HomeAssistant, hass_client: ClientSessionGenerator, hass_admin_user: Any
) -> None:
    await _share_and_speak(home, hass_client, hass_admin_user.id, "lock the front door")
    entry = _household_entry(home)
    assert await home.config_entries.async_reload(entry.entry_id)
    await home.async_block_till_done()
    assert home.states.get(SWITCH).state == "on"

    await home.config_entries.async_remove(entry.entry_id)
    await home.async_block_till_done()
    assert not _household(home).sharing
    assert _household(home).review.clips() == []


async def test_a_new_disclosure_pauses_sharing_until_agreed_again(
    home: HomeAssistant,
    hass_client: ClientSessionGenerator,
    hass_admin_user: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert await async_setup_component(home, "repairs", {})
    await _share(home, hass_client, hass_admin_user.id)
    monkeypatch.setattr(
        household_module, "DISCLOSURE_VERSION", DISCLOSURE_VERSION + 1
    )  # an update ships
    assert await home.config_entries.async_reload(_household_entry(home).entry_id)
    await home.async_block_till_done()
    assert home.states.get(SWITCH).state == "off"
    assert _household(home).consent_log[-1]["action"] == "suspended"
    assert ir.async_get(home).async_get_issue(DOMAIN, "disclosure_changed") is not None
    with pytest.raises(ServiceValidationError):
        await _turn_switch(home, on=True)

    # Agree to the new text where the repair asks: the Repairs dashboard's calls.
    http = await hass_client()
    started = await http.post(
        "/api/repairs/issues/fix", json={"handler": DOMAIN, "issue_id": "disclosure_changed"}
    )
    form = await started.json()
    assert (form["type"], form["step_id"]) == ("form", "consent"), form
    done = await http.post(
        f"/api/repairs/issues/fix/{form['flow_id']}",
        json={"acknowledge": True, "retention_days": 30, "max_size_mb": 200},
    )
    assert (await done.json())["type"] == "create_entry"
    await home.async_block_till_done()
    assert ir.async_get(home).async_get_issue(DOMAIN, "disclosure_changed") is None
    assert _household(home).consent_log[-1]["action"] == "granted"
    await _turn_switch(home, on=True)
    assert home.states.get(SWITCH).state == "on"


def test_the_disclosure_text_and_its_version_move_together() -> None:
    strings = json.loads(
        (Path(__file__).parents[2] / "custom_components/indoor_voice/strings.json").read_text()
    )
    text = strings["options"]["step"]["consent"]["description"]
    digest = hashlib.sha256(text.encode()).hexdigest()
    assert digest == DISCLOSURE_SHA256.get(DISCLOSURE_VERSION), (
        f"The disclosure changed (sha256 {digest}): bump DISCLOSURE_VERSION, record the hash here"
    )


async def test_only_administrators_can_see_clips(
    home: HomeAssistant,
    hass_client: ClientSessionGenerator,
    hass_admin_user: Any,
    hass_ws_client: WebSocketGenerator,
    hass_read_only_access_token: str,
) -> None:
    await _share_and_speak(home, hass_client, hass_admin_user.id, "lock the front door")
    clip_id = _household(home).review.clips()[0].id

    visitor = await hass_ws_client(home, access_token=hass_read_only_access_token)
    for command in (
        {"type": "indoor_voice/review/list"},
        {"type": "indoor_voice/review/get", "clip_id": clip_id},
    ):
        await visitor.send_json_auto_id(command)
        answer = await visitor.receive_json()
        assert not answer["success"] and answer["error"]["code"] == "unauthorized"

    admin = await hass_ws_client(home)
    await admin.send_json_auto_id({"type": "indoor_voice/review/list"})
    listed = (await admin.receive_json())["result"]
    assert [c["id"] for c in listed["clips"]] == [clip_id] and listed["sharing"]
    await admin.send_json_auto_id({"type": "indoor_voice/review/get", "clip_id": clip_id})
    fetched = (await admin.receive_json())["result"]
    assert fetched["clip"]["transcript"].lower().startswith("lock the front door")
    assert fetched["audio_wav_base64"].startswith("UklGR")  # "RIFF"


async def test_export_contains_approved_clips_only(
    home: HomeAssistant,
    hass_client: ClientSessionGenerator,
    hass_admin_user: Any,
    hass_ws_client: WebSocketGenerator,
) -> None:
    await _share_and_speak(home, hass_client, hass_admin_user.id, *TWO_COMMANDS)
    first, _second = _household(home).review.clips()

    admin = await hass_ws_client(home)
    await admin.send_json_auto_id(
        {
            "type": "indoor_voice/review/update",
            "clip_id": first.id,
            "corrected": "Lock the front door.",
            "status": "approved",
        }
    )
    assert (await admin.receive_json())["success"]
    assert home.states.get(SENSOR).state == "1"  # one still waiting

    await admin.send_json_auto_id({"type": "indoor_voice/review/export"})
    result = (await admin.receive_json())["result"]
    bundle = Path(result["path"])
    review = _household(home).review
    assert result["clips"] == 1 and bundle.parent == review.root / "exports"
    assert bundle.name.startswith("review-export-") and bundle.name.endswith(".tar.gz")
    assert bundle.stat().st_mode & 0o777 == 0o600
    assert bundle.parent.stat().st_mode & 0o777 == 0o700
    with tarfile.open(bundle) as archive:
        names = sorted(archive.getnames())
        assert names == sorted([f"{first.id}.wav", f"{first.id}.txt", "manifest.json"])
        assert archive.extractfile(f"{first.id}.txt").read() == b"Lock the front door.\n"
        manifest = json.load(io.TextIOWrapper(archive.extractfile("manifest.json")))
    assert manifest == [
        {"audio": f"{first.id}.wav", "text": "Lock the front door.", "seconds": first.seconds}
    ]
    await admin.send_json_auto_id({"type": "indoor_voice/review/list"})
    listed = (await admin.receive_json())["result"]
    assert [e["path"] for e in listed["exports"]] == [str(bundle)]


async def test_diagnostics_show_the_consent_record(
    home: HomeAssistant, hass_client: ClientSessionGenerator, hass_admin_user: Any
) -> None:
    await _share(home, hass_client, hass_admin_user.id)
    diagnostics = await async_get_config_entry_diagnostics(home, _household_entry(home))
    record = diagnostics["household"]["consent_log"]
    assert [e["action"] for e in record] == ["granted", "sharing_on"]
    assert diagnostics["household"]["sharing"] is True


async def test_a_full_disk_keeps_nothing_half_written_says_so_and_commands_work(
    home: HomeAssistant, hass_client: ClientSessionGenerator, hass_admin_user: Any
) -> None:
    """The disk where clips are kept fills up (ENOSPC at the OS, when the clip's record is
    written, after its audio was): nothing of the clip stays, the household gets a repair,
    the command is still transcribed. With space again, the next clip is kept."""
    await _share(home, hass_client, hass_admin_user.id)
    review = _household(home).review
    fsync = os.fsync

    def full_disk(fd: int) -> None:
        name = os.readlink(f"/proc/self/fd/{fd}")
        if name.startswith(str(review.root)) and ".json." in name:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        fsync(fd)

    with patch("os.fsync", full_disk):
        result = await _speak_to_stt(home, COMMAND)
    assert result.result is stt.SpeechResultState.SUCCESS
    assert COMMAND in (result.text or "").lower()
    assert list(review.root.iterdir()) == [], "a clip was half-kept"
    assert home.states.get(SENSOR).state == "0"
    issue = ir.async_get(home).async_get_issue(DOMAIN, "clips_not_kept")
    assert issue is not None and issue.translation_key == "clips_not_kept"
    assert issue.translation_placeholders == {
        "folder": str(review.root),
        "reason": os.strerror(errno.ENOSPC),
    }

    await _speak_to_stt(home, COMMAND)
    assert len(review.clips()) == 1
    assert ir.async_get(home).async_get_issue(DOMAIN, "clips_not_kept") is None
