"""Fixtures shared by the engine, integration and satellite tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.engine_process import MODELS, EngineProcess, start_engine


def pytest_sessionstart(session: pytest.Session) -> None:
    if not (MODELS / "stt" / "tiny.en" / "model.bin").is_file():
        raise pytest.UsageError(
            "No models in .models/: run scripts/setup (scripts/test does it for you)"
        )


@pytest.fixture(scope="session")
def engine_process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EngineProcess]:
    """One real engine for the whole session: real models, offline, on 127.0.0.1."""
    engine = start_engine(tmp_path_factory.mktemp("shared-engine"))
    yield engine
    engine.stop()
    assert not engine.non_loopback_attempts(), engine.non_loopback_attempts()
    assert not engine.sandbox_files(), f"engine wrote files: {engine.sandbox_files()}"
