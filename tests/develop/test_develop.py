"""scripts/develop leaves the venv exactly as scripts/setup made it.

Home Assistant installs what its integrations ask for unless told not to; once, that replaced
about 40 of the venv's packages (pins among them) and broke its DNS lookups. The dev Home
Assistant is prepared the way scripts/develop prepares it, and the venv is compared with
`pip freeze` before and after.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from testbed.engine_process import EngineProcess, free_port
from testbed.processes import REPO


def _freeze() -> str:
    return subprocess.run(
        [sys.executable, "-m", "pip", "freeze", "--exclude-editable"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_preparing_the_dev_home_assistant_installs_nothing(
    tmp_path: Path, engine_process: EngineProcess, socket_enabled: None
) -> None:
    config = tmp_path / "config"
    config.mkdir()
    # The dev configuration, on a port of its own (a developer may be running theirs).
    yaml = (REPO / "config" / "configuration.yaml").read_text()
    yaml = re.sub(r"(http:\n)", rf"\1  server_port: {free_port()}\n", yaml, count=1)
    (config / "configuration.yaml").write_text(yaml)
    (config / "custom_components").mkdir()
    (config / "custom_components" / "indoor_voice").symlink_to(
        REPO / "custom_components" / "indoor_voice"
    )
    before = _freeze()

    seeded = subprocess.run(
        [
            sys.executable,
            str(REPO / "scripts" / "develop-seed"),
            str(config),
            str(engine_process.port),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert seeded.returncode == 0, seeded.stdout + seeded.stderr
    assert "added the engine" in seeded.stdout
    assert _freeze() == before
    assert "--skip-pip" in (REPO / "scripts" / "develop").read_text()
