"""Clips kept for review, only while the household shares: audio after the wake word and
its transcript, in the config dir (never a web-served folder), readable by the owner only.

A clip is two files named by a random id: `<id>.wav` (16 kHz mono) and `<id>.json`
(time, duration, transcript, correction, status). Nothing in them names a satellite,
device or user. Exports of approved clips are written to `exports/` inside the same folder,
so the retention limit and revocation reach them like the clips themselves.
"""

from __future__ import annotations

import io
import json
import logging
import secrets
import shutil
import tarfile
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Literal

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.util import dt as dt_util

from ..const import PIPELINE_FORMAT
from ..link.files import write_private
from ..wav import seconds_of, wav_file

_LOGGER = logging.getLogger(__name__)

REVIEW_FOLDER = ("indoor_voice", "review")
EXPORTS = "exports"
Status = Literal["pending", "approved"]


class ClipNotFound(HomeAssistantError):
    """No clip with that id."""


class ExportNotFound(HomeAssistantError):
    """No export bundle with that name."""


@dataclass
class Clip:
    id: str
    created: str
    seconds: float
    transcript: str
    corrected: str | None = None
    status: Status = "pending"

    @property
    def text(self) -> str:
        return self.corrected if self.corrected is not None else self.transcript


@dataclass
class Export:
    """A bundle of approved clips written by an administrator."""

    path: str
    created: str
    bytes: int
    name: str  # the file's name, by which an administrator downloads it


class ReviewStore:
    """The clips on disk. Blocking methods; call them in the executor."""

    def __init__(self, root: Path) -> None:
        self.root = root

    @classmethod
    def for_hass(cls, hass: HomeAssistant) -> ReviewStore:
        return cls(Path(hass.config.path(*REVIEW_FOLDER)))

    def _paths(self, clip_id: str) -> tuple[Path, Path]:
        if not clip_id.isalnum():
            raise ClipNotFound(clip_id)
        return self.root / f"{clip_id}.wav", self.root / f"{clip_id}.json"

    def add(self, pcm: bytes, transcript: str, now: datetime) -> Clip:
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.root.chmod(0o700)
        clip = Clip(
            id=secrets.token_hex(8),
            created=now.isoformat(),
            seconds=round(seconds_of(len(pcm), PIPELINE_FORMAT), 2),
            transcript=transcript,
        )
        audio_path, meta_path = self._paths(clip.id)
        write_private(audio_path, wav_file(pcm, PIPELINE_FORMAT))
        write_private(meta_path, json.dumps(asdict(clip)).encode())
        return clip

    def clips(self) -> list[Clip]:
        if not self.root.is_dir():
            return []
        found = []
        for meta in self.root.glob("*.json"):
            try:
                found.append(Clip(**json.loads(meta.read_text())))
            except (OSError, ValueError, TypeError):
                _LOGGER.warning("Ignoring an unreadable review clip record")
        return sorted(found, key=lambda c: c.created)

    def get(self, clip_id: str) -> Clip:
        _, meta = self._paths(clip_id)
        try:
            return Clip(**json.loads(meta.read_text()))
        except FileNotFoundError as err:
            raise ClipNotFound(clip_id) from err

    def audio(self, clip_id: str) -> bytes:
        audio_path, _ = self._paths(clip_id)
        try:
            return audio_path.read_bytes()
        except FileNotFoundError as err:
            raise ClipNotFound(clip_id) from err

    def update(
        self, clip_id: str, *, corrected: str | None = None, status: Status | None = None
    ) -> Clip:
        clip = self.get(clip_id)
        if corrected is not None:
            clip.corrected = corrected
        if status is not None:
            clip.status = status
        write_private(self._paths(clip_id)[1], json.dumps(asdict(clip)).encode())
        return clip

    def delete(self, clip_id: str) -> None:
        for path in self._paths(clip_id):
            path.unlink(missing_ok=True)

    def delete_all(self) -> tuple[int, int]:
        """Delete every clip, every export and the folder itself; return how many of each."""
        count, exports = len(self.clips()), len(self.exports())
        if self.root.is_dir():
            shutil.rmtree(self.root)
        parent = self.root.parent
        if parent.is_dir() and not any(parent.iterdir()):
            parent.rmdir()
        return count, exports

    def purge(self, now: datetime, retention_days: int, max_bytes: int) -> int:
        """Delete clips older than the retention limit, then the oldest beyond the size cap."""
        deleted = 0
        cutoff = now - timedelta(days=retention_days)
        clips = self.clips()
        for clip in list(clips):
            if dt_util.parse_datetime(clip.created) < cutoff:  # type: ignore[operator]
                self.delete(clip.id)
                clips.remove(clip)
                deleted += 1
        for export in self.exports():
            if dt_util.parse_datetime(export.created) < cutoff:  # type: ignore[operator]
                Path(export.path).unlink(missing_ok=True)
                deleted += 1
        sizes = {
            c.id: sum(p.stat().st_size for p in self._paths(c.id) if p.exists()) for c in clips
        }
        total = sum(sizes.values())
        for clip in clips:  # oldest first
            if total <= max_bytes:
                break
            self.delete(clip.id)
            total -= sizes[clip.id]
            deleted += 1
        return deleted

    def exports(self) -> list[Export]:
        """The bundles written so far, oldest first."""
        folder = self.root / EXPORTS
        if not folder.is_dir():
            return []
        found = []
        for bundle in folder.glob("*.tar.gz"):
            stat = bundle.stat()
            created = datetime.fromtimestamp(stat.st_mtime, dt_util.UTC).isoformat()
            found.append(Export(str(bundle), created, stat.st_size, bundle.name))
        return sorted(found, key=lambda e: e.created)

    def export_path(self, name: str) -> Path:
        """An existing bundle, by the name `exports()` gives it (never a path of its own)."""
        for bundle in self.exports():
            if bundle.name == name:
                return Path(bundle.path)
        raise ExportNotFound(name)

    def export(self, now: datetime) -> tuple[Path, int]:
        """Write approved clips (audio, corrected transcript, manifest) as a .tar.gz bundle in
        `exports/`; return where, and how many clips it holds."""
        folder = self.root / EXPORTS
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        destination = folder / f"review-export-{now.strftime('%Y%m%d-%H%M%S-%f')}.tar.gz"
        approved = [c for c in self.clips() if c.status == "approved"]
        manifest = [
            {"audio": f"{c.id}.wav", "text": c.text, "seconds": c.seconds} for c in approved
        ]
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w:gz") as bundle:
            for name, data in (
                *((f"{c.id}.wav", self.audio(c.id)) for c in approved),
                *((f"{c.id}.txt", (c.text + "\n").encode()) for c in approved),
                ("manifest.json", json.dumps(manifest, indent=2).encode()),
            ):
                info = tarfile.TarInfo(name)
                info.size = len(data)
                info.mode = 0o600
                bundle.addfile(info, io.BytesIO(data))
        write_private(destination, buffer.getvalue())
        return destination, len(approved)
