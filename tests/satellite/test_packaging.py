"""One link, two homes: Home Assistant imports it from the integration, the Pi as
`indoor_voice_link`. Neither may pull in Home Assistant, and the Pi has no speech engines."""

from __future__ import annotations

import ast
import json
import subprocess
import sys

from testbed.engine_process import REPO


def test_the_satellite_and_its_link_load_without_home_assistant(tmp_path: object) -> None:
    probe = (
        "import json, sys, indoor_voice_link, indoor_voice_satellite.__main__;"
        "print(json.dumps({'link': indoor_voice_link.__file__, 'modules': sorted(sys.modules)}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        cwd=str(tmp_path),  # the installed package, not the checkout on sys.path
    )
    loaded = json.loads(result.stdout)
    assert loaded["link"] == str(REPO / "custom_components/indoor_voice/link/__init__.py")
    assert not [
        name
        for name in loaded["modules"]
        if name.split(".")[0]
        in ("homeassistant", "custom_components", "faster_whisper", "ctranslate2", "piper")
    ]


def test_the_pi_code_is_python_3_11() -> None:
    """Raspberry Pi OS has Python 3.11 (satellite, and an engine on a Pi); ruff lints
    custom_components/ as 3.13 for HA."""
    sources = [
        *(REPO / "custom_components/indoor_voice/link").glob("*.py"),
        *(REPO / "indoor_voice_satellite").glob("*.py"),
        *(REPO / "indoor_voice_engine").glob("*.py"),
        *(REPO / "indoor_voice_models").glob("*.py"),
        *(REPO / "indoor_voice_net").glob("*.py"),
    ]
    for source in sources:
        ast.parse(source.read_text(), str(source), feature_version=(3, 11))


def test_a_small_piece_of_the_link_loads_no_tls() -> None:
    """The link's package loads its modules when a name is first used: its event names
    (`protocol`) or errors come without `cryptography` and TLS contexts."""
    probe = (
        "import json, sys, indoor_voice_link as link;"
        "from indoor_voice_link import protocol, LinkError;"
        "assert link.protocol is protocol and link.LinkError is LinkError;"
        "print(json.dumps(sorted(m for m in sys.modules"
        " if m.startswith(('cryptography', 'indoor_voice_link')))))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(result.stdout) == [
        "indoor_voice_link",
        "indoor_voice_link.errors",
        "indoor_voice_link.protocol",
    ]
