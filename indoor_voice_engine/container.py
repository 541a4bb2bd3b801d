"""The container image's entry point (Dockerfile): the engine on port 10400 with its models
in the /data volume, as the unprivileged user indoor-voice.

Started as root (Docker's and the Supervisor's default), it makes /data/models the engine
user's own, reads the add-on options while it still may, and drops its privileges before
anything is loaded. Arguments are passed on to the engine after the container's defaults, so
`podman run IMAGE --offline --voice NAME` works as the command line would.
"""

from __future__ import annotations

import functools
import os
import pwd
import sys
from collections.abc import Callable
from pathlib import Path

from . import addon
from .healthcheck import listen_uri

DATA = Path("/data")
MODELS = DATA / "models"
USER = "indoor-voice"


def _own_models(uid: int, gid: int) -> None:
    """Give the engine user a models folder it can download into (a fresh volume, or the
    Supervisor's root-owned /data); a read-only mount is left as it is."""
    MODELS.mkdir(parents=True, exist_ok=True)
    if MODELS.stat().st_uid == uid or not os.access(MODELS, os.W_OK):
        return
    for folder, dirs, files in os.walk(MODELS):
        for name in (folder, *(os.path.join(folder, n) for n in (*dirs, *files))):
            os.chown(name, uid, gid, follow_symlinks=False)


def _drop_privileges() -> None:
    user = pwd.getpwnam(USER)
    _own_models(user.pw_uid, user.pw_gid)
    os.setgroups([])
    os.setgid(user.pw_gid)
    os.setuid(user.pw_uid)
    os.environ["HOME"] = str(DATA)


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    defaults = ["--uri", listen_uri(), "--data-dir", str(MODELS)]
    on_ready: Callable[[int], None] | None = None
    token = addon.supervisor_token()
    if token is not None and addon.OPTIONS.is_file():
        defaults += addon.engine_args(addon.read_options())
        on_ready = functools.partial(addon.announce, token)
    if os.getuid() == 0:
        _drop_privileges()
    from .__main__ import main as engine_main  # noqa: PLC0415 - after dropping privileges

    engine_main([*defaults, *args], on_ready=on_ready)


if __name__ == "__main__":
    main()
