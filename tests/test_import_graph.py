"""Three programs and the libraries they share, each library under one name.

No program imports another: the engine and the satellite share `indoor_voice_models` (the
model catalog, downloads, the openWakeWord runtime) and `indoor_voice_net` (what a server on
the home network does with strangers); the integration and the satellite share the link,
which lives in the integration's folder (Home Assistant installs only that) and which the
programs import as `indoor_voice_link`, the integration as `.link`. The few things all three
share live in it too: what counts as inside the house, the default wake word, a file written
whole. Read from the source with `ast`, so an import inside a function or behind
TYPE_CHECKING counts too.

Inside the integration, Home Assistant's platform files stand on top of four rooms (README,
"Layout"): satellites use engines, sentences and privacy, engines use sentences and privacy,
sentences use privacy (nothing of it today), privacy uses none of them;
rooms use the shared ground (constants, compat, entries, wav, the link), never a platform file.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
INTEGRATION = "custom_components/indoor_voice"
LINK = f"{INTEGRATION}/link"

# Where each part lives, and the name others import it by.
PARTS = {
    "engine": ("indoor_voice_engine", "indoor_voice_engine"),
    "satellite": ("indoor_voice_satellite", "indoor_voice_satellite"),
    "models": ("indoor_voice_models", "indoor_voice_models"),
    "net": ("indoor_voice_net", "indoor_voice_net"),
}

# What each part may import (besides itself, the standard library and third parties).
ALLOWED = {
    "engine": {"models", "net", "link as indoor_voice_link"},  # its default wake word
    "satellite": {"models", "net", "link as indoor_voice_link"},
    "models": {"link as indoor_voice_link"},  # files written whole, as every program writes them
    "net": {"link as indoor_voice_link"},  # the one rule of what is inside the house
    "link": set(),  # relative imports only: it has a different name in each program
    "integration": {"link as .link", "link as custom_components.indoor_voice.link"},
}


def part_of(path: Path) -> str:
    relative = path.relative_to(REPO).as_posix()
    if relative.startswith(f"{LINK}/"):
        return "link"
    if relative.startswith(f"{INTEGRATION}/"):
        return "integration"
    return next(part for part, (folder, _) in PARTS.items() if relative.startswith(f"{folder}/"))


def imports(path: Path, source: str | None = None) -> Iterator[tuple[int, str]]:
    """(line, what) for each import of a first-party module: 'engine', 'link as .link', …"""
    tree = ast.parse(path.read_text() if source is None else source, str(path))
    package = path.relative_to(REPO).with_suffix("").parts[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level:
            base = package[: len(package) - node.level + 1]
            name = ".".join((*base, *([node.module] if node.module else [])))
            if name.startswith(LINK.replace("/", ".")):
                if part_of(path) != "link":
                    yield node.lineno, "link as .link"
                continue
            names = [name]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        else:
            continue
        for name in names:
            if target := _target(name):
                yield node.lineno, target


def _target(name: str) -> str | None:
    top = name.split(".")[0]
    if top == "indoor_voice_link":
        return "link as indoor_voice_link"
    if name == "custom_components" or name.startswith("custom_components."):
        if name.startswith(LINK.replace("/", ".")):
            return "link as custom_components.indoor_voice.link"
        return "integration"
    return next((part for part, (_, module) in PARTS.items() if top == module), None)


# The integration's rooms, each above the ones after it; and what every room may use.
ROOMS = ("satellites", "engines", "sentences", "privacy")
GROUND = frozenset({"const", "compat", "entries", "wav", "link"})
MOST_TOP_MODULES = 30
MOST_LINES = 350


def integration_imports(path: Path, source: str | None = None) -> Iterator[tuple[int, str]]:
    """(line, module inside the integration, relative to it) for each import of its own."""
    tree = ast.parse(path.read_text() if source is None else source, str(path))
    package = path.relative_to(REPO).with_suffix("").parts[:-1]
    top = INTEGRATION.replace("/", ".")
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = ".".join(package[: len(package) - node.level + 1]) if node.level else ""
            module = ".".join(part for part in (base, node.module) if part)
            # `from package import name`: the name may be a module of that package.
            if (REPO / module.replace(".", "/")).is_dir():
                names = [f"{module}.{alias.name}" for alias in node.names]
            else:
                names = [module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        for name in names:
            if name.startswith(f"{top}."):
                yield node.lineno, name.removeprefix(f"{top}.")


def room_of(module: str) -> str:
    """The room of a module inside the integration: satellites, engines, privacy, or the
    module's own name for one on top (const, stt, …)."""
    return module.split(".")[0]


def room_violations(paths: list[Path], source: str | None = None) -> list[str]:
    found = []
    for path in paths:
        room = room_of(".".join(path.relative_to(REPO / INTEGRATION).with_suffix("").parts))
        if room not in ROOMS:
            continue
        below = ROOMS[ROOMS.index(room) :]
        for line, target in integration_imports(path, source):
            if room_of(target) not in (*below, *GROUND):
                found.append(f"{path.relative_to(REPO)}:{line}: {room} imports {target}")
    return found


def modules() -> list[Path]:
    folders = [REPO / folder for folder, _ in PARTS.values()] + [REPO / INTEGRATION]
    return sorted(path for folder in folders for path in folder.rglob("*.py"))


def violations(paths: list[Path], source: str | None = None) -> list[str]:
    found = []
    for path in paths:
        part = part_of(path)
        for line, target in imports(path, source):
            if target != part and target not in ALLOWED[part]:
                found.append(f"{path.relative_to(REPO)}:{line}: {part} imports {target}")
    return found


def test_no_program_imports_another_and_each_library_has_one_name() -> None:
    assert len(modules()) > 50
    assert violations(modules()) == []


def test_each_test_session_imports_the_link_under_its_own_name() -> None:
    """The integration's tests run in Home Assistant's session, the programs' tests in
    theirs: one name for the link in each process, and none in the testbed they share."""
    programs_tests = [
        *(REPO / "tests/engine").rglob("*.py"),
        *(REPO / "tests/satellite").rglob("*.py"),
        *(REPO / "tests").glob("test_*.py"),
    ]
    integration_tests = [
        path
        for folder in ("integration", "browser", "develop")
        for path in (REPO / "tests" / folder).rglob("*.py")
    ]
    found = (
        [
            f"{path.relative_to(REPO)}:{line}: imports {target}"
            for path in programs_tests
            for line, target in imports(path)
            if target in ("integration", "link as custom_components.indoor_voice.link")
        ]
        + [
            f"{path.relative_to(REPO)}:{line}: imports {target}"
            for path in integration_tests
            for line, target in imports(path)
            if target in (*PARTS, "link as indoor_voice_link")
        ]
        + [
            f"{path.relative_to(REPO)}:{line}: imports {target}"  # the testbed serves both sessions
            for path in (REPO / "testbed").rglob("*.py")
            for line, target in imports(path)
            if target.startswith("link")
        ]
    )
    assert found == []


def test_the_integrations_rooms_use_only_the_rooms_below_them_and_the_ground() -> None:
    rooms = [path for path in (REPO / INTEGRATION).rglob("*.py") if path.parent.name in ROOMS]
    assert {path.parent.name for path in rooms} == set(ROOMS)
    assert room_violations(rooms) == []


def test_the_integrations_top_floor_stays_small_and_no_module_is_long() -> None:
    """Home Assistant's platform files and the shared ground on top, the rest in rooms."""
    assert len(list((REPO / INTEGRATION).glob("*.py"))) <= MOST_TOP_MODULES
    long = {
        str(path.relative_to(REPO)): lines
        for path in (REPO / INTEGRATION).rglob("*.py")
        if (lines := len(path.read_text().splitlines())) > MOST_LINES
    }
    assert long == {}


@pytest.mark.parametrize(
    ("where", "source"),
    [
        (f"{INTEGRATION}/privacy/household.py", "from ..engines.coordinator import X"),
        (f"{INTEGRATION}/privacy/household.py", "from ..satellites import device"),
        (f"{INTEGRATION}/engines/pipeline.py", "from ..satellites.device import X"),
        (f"{INTEGRATION}/engines/pipeline.py", "from .. import stt"),
        (f"{INTEGRATION}/satellites/speaker.py", "from ..assist_satellite import X"),
        (f"{INTEGRATION}/satellites/speaker.py", "from custom_components.indoor_voice import tts"),
    ],
)
def test_a_room_using_a_room_above_it_or_a_platform_file_is_caught(where: str, source: str) -> None:
    assert room_violations([REPO / where], source)


@pytest.mark.parametrize(
    ("where", "source"),
    [
        (f"{INTEGRATION}/satellites/speaker.py", "from ..engines.pipeline import our_entity"),
        (f"{INTEGRATION}/satellites/speaker.py", "from .. import link"),
        (f"{INTEGRATION}/engines/client.py", "from ..privacy.local_hosts import X"),
        (f"{INTEGRATION}/privacy/review_store.py", "from ..wav import wav_file"),
        (f"{INTEGRATION}/privacy/household.py", "from .consent import X"),
    ],
)
def test_a_room_using_a_room_below_it_or_the_ground_passes(where: str, source: str) -> None:
    assert room_violations([REPO / where], source) == []


@pytest.mark.parametrize(
    ("where", "source"),
    [
        ("indoor_voice_satellite/wake.py", "from indoor_voice_engine.stt import Request"),
        (
            "indoor_voice_engine/loading.py",
            "from custom_components.indoor_voice.link import protocol",
        ),
        ("indoor_voice_engine/server.py", "from custom_components.indoor_voice import const"),
        ("indoor_voice_satellite/cli.py", "from custom_components.indoor_voice.link import pair"),
        (f"{INTEGRATION}/satellites/device.py", "from indoor_voice_link import pair"),
        (f"{INTEGRATION}/satellites/device.py", "from indoor_voice_net import server"),
        (f"{LINK}/client.py", "from ..const import DOMAIN"),
        (f"{LINK}/client.py", "from indoor_voice_link import pair"),
        ("indoor_voice_models/wake.py", "from indoor_voice_satellite import wake"),
        ("indoor_voice_net/server.py", "def f():\n    import indoor_voice_engine"),
    ],
)
def test_a_forbidden_import_is_caught(where: str, source: str) -> None:
    assert violations([REPO / where], source)


@pytest.mark.parametrize(
    ("where", "source"),
    [
        ("indoor_voice_satellite/wake.py", "from indoor_voice_link.protocol import LISTEN"),
        ("indoor_voice_satellite/wake.py", "from indoor_voice_models.wake import WakeHit"),
        ("indoor_voice_engine/server.py", "from indoor_voice_net.server import CappedServer"),
        (
            "indoor_voice_engine/loading.py",
            "from indoor_voice_link.protocol import DEFAULT_WAKE_WORD",
        ),
        ("indoor_voice_models/download.py", "from indoor_voice_link.files import atomic_file"),
        (f"{INTEGRATION}/satellites/device.py", "from ..link import protocol"),
        (f"{LINK}/client.py", "from .tls import client_context"),
    ],
)
def test_an_allowed_import_passes(where: str, source: str) -> None:
    assert violations([REPO / where], source) == []


def _python_files(folder: Path) -> list[Path]:
    """Python modules and scripts (an executable without a suffix, with a python shebang)."""
    return sorted(
        path
        for path in folder.rglob("*")
        if path.is_file()
        and (
            path.suffix == ".py"
            or (not path.suffix and path.read_bytes().startswith(b"#!/usr/bin/env python"))
        )
    )


def _top_level_imports(path: Path) -> Iterator[tuple[int, str]]:
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name.split(".")[0]) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            yield node.lineno, node.module.split(".")[0]


def test_the_scripts_and_the_testbed_stand_on_their_own() -> None:
    """The bench, the soak and the fuzzing share the testbed with the tests: they never import
    the tests, and neither does the testbed; the programs import neither."""
    found = [
        f"{path.relative_to(REPO)}:{line}: imports {name}"
        for folder, forbidden in (
            ("scripts", {"tests"}),
            ("testbed", {"tests"}),
            *((folder, {"tests", "testbed"}) for folder, _ in PARTS.values()),
            (INTEGRATION, {"tests", "testbed"}),
        )
        for path in _python_files(REPO / folder)
        for line, name in _top_level_imports(path)
        if name in forbidden
    ]
    assert len(_python_files(REPO / "scripts")) > 20
    assert found == []
