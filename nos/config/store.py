"""The commit database on disk: the active configuration, rollbacks 1-49 and commit metadata.

Layout of `<state-dir>/config/`:
    commits.json        newest first: [{"file", "time", "user", "client", "comment"}, ...] (at most 50)
    c000042.conf        one file per kept commit, in the curly format
    rescue.conf         `request system configuration rescue save`

A commit writes its configuration file (temp file, fsync, rename), then
replaces commits.json the same way, then removes files no longer listed. A
process killed at any moment leaves commits.json naming either the old set of
files or the new one, all of them complete; files it does not name are
leftovers and are removed at the next start.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

MAX_ROLLBACKS = 50  # rollback 0 (active) .. 49


@dataclass
class CommitRecord:
    file: str
    time: float
    user: str
    client: str = "cli"
    comment: str | None = None
    confirmed_minutes: int | None = None


def atomic_write(path: Path, data: str) -> None:
    """Write `data` to `path` so a crash leaves either the old file or the new one."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix="." + path.name + ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    _fsync_dir(path.parent)


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _kept(memory: dict[str, str], records: list[CommitRecord]) -> dict[str, str]:
    """The in-memory files still needed: the listed commits, and the rescue configuration,
    which no commit may drop (as on disk, where only unlisted c*.conf files go)."""
    kept = {r.file: memory[r.file] for r in records}
    if "rescue.conf" in memory:
        kept["rescue.conf"] = memory["rescue.conf"]
    return kept


class ConfigStore:
    """Commits on disk. `None` as directory keeps everything in memory (tests, throwaway devices)."""

    def __init__(self, state_dir: Path | None):
        self.dir = state_dir / "config" if state_dir is not None else None
        self.records: list[CommitRecord] = []
        self._memory: dict[str, str] = {}
        self._next = 1
        if self.dir is not None:
            self.dir.mkdir(parents=True, exist_ok=True)
            self._load()

    # -- reading --------------------------------------------------------------------------------

    def _load(self) -> None:
        assert self.dir is not None
        index = self.dir / "commits.json"
        if index.exists():
            data = json.loads(index.read_text(encoding="utf-8"))
            self.records = [CommitRecord(**r) for r in data["commits"]]
            self._next = data.get("next", len(self.records) + 1)
        keep = {r.file for r in self.records} | {"commits.json", "rescue.conf"}
        for p in self.dir.iterdir():
            if p.name not in keep:
                p.unlink(missing_ok=True)  # leftovers of an interrupted commit

    def text(self, index: int) -> str | None:
        """The configuration of rollback `index` (0 = active), or None when there is none."""
        if index >= len(self.records):
            return None
        name = self.records[index].file
        if self.dir is None:
            return self._memory[name]
        return (self.dir / name).read_text(encoding="utf-8")

    # -- writing --------------------------------------------------------------------------------

    def commit(self, text: str, record: CommitRecord) -> None:
        """Make `text` the active configuration, pushing the others down one rollback index."""
        record.file = f"c{self._next:06d}.conf"
        self._next += 1
        records = [record] + self.records[: MAX_ROLLBACKS - 1]
        if self.dir is None:
            self._memory[record.file] = text
            self.records = records
            self._memory = _kept(self._memory, records)
            return
        atomic_write(self.dir / record.file, text)
        index = {"next": self._next, "commits": [asdict(r) for r in records]}
        atomic_write(self.dir / "commits.json", json.dumps(index, indent=1))
        dropped = {r.file for r in self.records} - {r.file for r in records}
        self.records = records
        for name in dropped:
            (self.dir / name).unlink(missing_ok=True)

    def save_rescue(self, text: str) -> None:
        if self.dir is None:
            self._memory["rescue.conf"] = text
        else:
            atomic_write(self.dir / "rescue.conf", text)

    def rescue(self) -> str | None:
        if self.dir is None:
            return self._memory.get("rescue.conf")
        p = self.dir / "rescue.conf"
        return p.read_text(encoding="utf-8") if p.exists() else None


__all__ = ["MAX_ROLLBACKS", "CommitRecord", "ConfigStore", "atomic_write"]
