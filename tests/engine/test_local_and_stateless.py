"""The engine's promises: it describes what is installed, stays on loopback offline, and
leaves nothing behind but its data dirs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from indoor_voice_engine.cli import parse_args
from testbed.engine_process import MODELS, running_engine
from testbed.speech import convert, espeak, silence
from testbed.wyoming_client import describe, detect, synthesize, transcribe


def _snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in folder.rglob("*")
    }


def _subset(tmp_path: Path) -> Path:
    """A data dir holding only hey_jarvis, the wake features, tiny.en and the Joe voice."""
    data = tmp_path / "data"
    for relative in ("stt/tiny.en", "tts/en_US-joe-medium"):
        (data / relative).parent.mkdir(parents=True, exist_ok=True)
        (data / relative).symlink_to(MODELS / relative, target_is_directory=True)
    (data / "wake").mkdir()
    for name in ("melspectrogram.onnx", "embedding_model.onnx", "hey_jarvis_v0.1.onnx"):
        (data / "wake" / name).symlink_to(MODELS / "wake" / name)
    return data


async def test_describe_lists_exactly_what_is_installed(tmp_path: Path) -> None:
    data = _subset(tmp_path)
    with running_engine(tmp_path, data_dirs=(data,)) as engine:
        info = await describe(engine.host, engine.port)
    assert [m.name for m in info.wake[0].models] == ["hey_jarvis"]
    assert info.wake[0].models[0].phrase == "Hey Jarvis"
    assert [m.name for m in info.asr[0].models] == ["tiny.en"]
    assert info.asr[0].models[0].languages == ["en"]
    assert [v.name for v in info.tts[0].voices] == ["en_US-joe-medium"]
    assert info.tts[0].supports_synthesize_streaming
    assert all(a.installed for a in (*info.asr, *info.tts, *info.wake, *info.wake[0].models))


async def test_offline_engine_touches_only_loopback_and_keeps_nothing(tmp_path: Path) -> None:
    """A session of every service: no socket leaves loopback (strace watches native code
    too), and no file appears in HOME, TMPDIR, the working dir or the data dir."""
    data = _subset(tmp_path)
    before = _snapshot(data)
    with running_engine(tmp_path, data_dirs=(data,)) as engine:
        host, port = engine.host, engine.port
        await describe(host, port)
        speech = await synthesize(host, port, "Turn on the kitchen light. Then lock the door.")
        pcm = convert(speech.audio, speech.rate, 2, 1) + silence(1)
        text = await transcribe(host, port, pcm, transcript_names=["Kitchen Light"])
        assert "kitchen light" in text.lower()
        events = await detect(host, port, silence(1) + espeak("hey jarvis") + silence(1))
        assert [e.type for e in events] == ["detection"]
    assert engine.process is not None and engine.process.returncode == 0
    assert engine.non_loopback_attempts() == []
    assert engine.sandbox_files() == []
    assert _snapshot(data) == before
    log = engine.log_text().lower()
    assert "kitchen" not in log and "lock the door" not in log  # counts and timings only


def test_offline_with_a_missing_model_says_so_and_exits(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "indoor_voice_engine",
            "--data-dir",
            str(empty),
            "--offline",
            "--uri",
            "tcp://127.0.0.1:0",
        ],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert result.returncode == 2
    assert "--offline forbids downloading" in result.stderr
    assert list(empty.iterdir()) == []


def test_by_default_the_engine_listens_on_loopback_only() -> None:
    assert parse_args([]).uri == "tcp://127.0.0.1:10400"
