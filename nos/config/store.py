"""The commit database on disk: the active configuration, rollbacks 1-49 and commit metadata.

Layout of `<state-dir>/config/`:
    c000042.conf    one file per kept commit: a header line `## nos-commit {...}` (the commit's
                    record, and the size and SHA-256 of what follows), then the configuration
                    in the curly format
    commits.json    the index: the records, newest first, and the next sequence number
    rescue.conf     `request system configuration rescue save` (header `## nos-rescue {...}`)
    pending.conf    a `commit at reboot` waiting for the next start (header `## nos-pending {...}`,
                    the commit's user, client and comment)
and `<state-dir>/nos.lock`, held while one process uses the directory (statelock.py).

The commit files are the truth and the index a summary of them. A commit
writes its file (temp file, fsync, rename, fsync of the directory): that
rename is the commit point. Then it replaces the index the same way and
removes the file that fell off the end of the 50. A process killed at any
moment leaves only complete files; the temp files of an interrupted write are
the only leftovers, and the only files ever removed as such.

A store opened with `durable=False` (a lab's temporary folder, deleted when
the lab ends) writes its commit files the same way but skips the fsyncs, and
keeps no index (which only spares the next opening a look at every file):
nothing in it is read once the process is gone, and these were most of what a
lab device's start cost.

Opening the store reads each commit file's header (not its body) and checks
the index against them. An index that is missing, unreadable or out of date
is rebuilt from the headers, ordered by sequence number, and the rebuild is
reported. A commit file whose header is cut or whose size is wrong, or one the
index names that is gone, keeps its place (rollback numbers do not shift) and
is reported as unavailable; a body's checksum is checked when it is read.
Files older than the 50 newest are the end of a retention step a killed commit
had not finished, and are removed.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from nos.config.statelock import StateDirLock

MAX_ROLLBACKS = 50  # rollback 0 (active) .. 49

COMMIT_HEADER = "## nos-commit "  # a comment to the curly parser, and stripped before it anyway
RESCUE_HEADER = "## nos-rescue "
PENDING_HEADER = "## nos-pending "
_COMMIT_NAME = re.compile(r"c(\d{6,})\.conf")
_TEMP_NAME = re.compile(r"\.(commits\.json|rescue\.conf|pending\.conf|c\d{6,}\.conf)\.[A-Za-z0-9_]+")  # atomic_write's


@dataclass
class CommitRecord:
    file: str
    time: float
    user: str
    client: str = "cli"
    comment: str | None = None
    confirmed_minutes: int | None = None
    # Why the file cannot be read (missing, truncated, damaged); never written to disk.
    problem: str | None = field(default=None, compare=False)

    def index_entry(self) -> dict[str, object]:
        """The record as commits.json and the commit file's header hold it (asdict() is 20 times slower)."""
        return {
            "file": self.file,
            "time": self.time,
            "user": self.user,
            "client": self.client,
            "comment": self.comment,
            "confirmed_minutes": self.confirmed_minutes,
        }


class CommitUnavailable(Exception):
    """The commit at a rollback index exists but its file is missing or damaged."""

    def __init__(self, index: int, problem: str):
        self.index = index
        self.problem = problem
        # [G] Junos wording; the path is where Junos keeps that rollback, never the host's.
        super().__init__(f"rollback {index} is not available: {device_path(index)} is {problem}")


class Damaged(Exception):
    """A sealed file that does not match its header (the reason is the message)."""


def device_path(index: int) -> str:
    """Where Junos keeps rollback `index`: /config for 0-3, /var/db/config beyond."""
    if index == 0:
        return "/config/juniper.conf.gz"
    return f"{'/config' if index <= 3 else '/var/db/config'}/juniper.conf.{index}.gz"


def atomic_write(path: Path, data: str | bytes, *, durable: bool = True) -> None:
    """Write `data` (text: UTF-8) to `path` so a crash leaves either the old file or the new one
    (`durable=False`: a crash of this process, not of the machine)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix="." + path.name + ".")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data.encode("utf-8") if isinstance(data, str) else data)
            if durable:
                f.flush()
                os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    if durable:
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


# -- sealed files: a header line that describes the body ------------------------------------------


def seal(header: str, fields: dict[str, object], text: str) -> bytes:
    """`text` behind a header line holding `fields`, its size in bytes and its SHA-256 (encoded once)."""
    body = text.encode("utf-8")
    meta = {**fields, "size": len(body), "sha256": hashlib.sha256(body).hexdigest()}
    return (header + json.dumps(meta, separators=(",", ":")) + "\n").encode("utf-8") + body


def unseal(data: bytes, header: str) -> tuple[dict[str, object] | None, str]:
    """(header fields, body) of a sealed file; (None, text) for a file from before headers."""
    meta, start = _header(data, header, len(data))
    body = data[start:]
    if meta is not None and hashlib.sha256(body).hexdigest() != meta.get("sha256"):
        raise Damaged("damaged")
    try:
        return meta, body.decode("utf-8")
    except UnicodeDecodeError:
        raise Damaged("damaged") from None


def peek(path: Path, header: str) -> dict[str, object] | None:
    """The header fields of a sealed file, checked against its size but not its checksum."""
    with path.open("rb") as f:
        first = f.readline()
        size = os.fstat(f.fileno()).st_size
    return _header(first, header, size)[0]


def _header(data: bytes, header: str, size: int) -> tuple[dict[str, object] | None, int]:
    """Parse the header line at the start of `data` (a file of `size` bytes): (fields, body offset)."""
    mark = header.encode("ascii")
    if not data.startswith(mark):
        if size == 0 or mark.startswith(data[: len(mark)]):
            raise Damaged("truncated")  # empty, or cut inside the mark: no complete file looks like this
        return None, 0
    end = data.find(b"\n")
    if end < 0:
        raise Damaged("truncated")
    try:
        meta = json.loads(data[len(mark) : end])
    except ValueError:
        raise Damaged("damaged") from None
    if not isinstance(meta, dict) or not isinstance(meta.get("size"), int):
        raise Damaged("damaged")
    expected = end + 1 + meta["size"]
    if size != expected:
        raise Damaged("truncated" if size < expected else "damaged")
    return meta, end + 1


def _record(meta: dict[str, object], name: str) -> CommitRecord:
    """The record a commit file's header describes; Damaged when it is not one."""
    try:
        record = CommitRecord(
            name,
            float(meta["time"]),  # type: ignore[arg-type]
            str(meta["user"]),
            str(meta.get("client", "cli")),
            meta.get("comment"),  # type: ignore[arg-type]
            meta.get("confirmed_minutes"),  # type: ignore[arg-type]
        )
    except (KeyError, TypeError, ValueError):
        raise Damaged("damaged") from None
    if meta.get("seq") != _seq(name):  # renamed or copied over another: it would be mislabelled
        raise Damaged("damaged")
    return record


def _seq(name: str) -> int:
    m = _COMMIT_NAME.fullmatch(name)
    return int(m.group(1)) if m else -1


def _remove(path: Path) -> None:
    """Remove a file the store no longer needs; one that stays is harmless (the next start sees it)."""
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass


def _kept(memory: dict[str, str], records: list[CommitRecord]) -> dict[str, str]:
    """The in-memory files still needed: the listed commits, and the rescue configuration,
    which no commit may drop (as on disk, where only unlisted c*.conf files go)."""
    kept = {r.file: memory[r.file] for r in records if r.file in memory}
    if "rescue.conf" in memory:
        kept["rescue.conf"] = memory["rescue.conf"]
    return kept


class ConfigStore:
    """Commits on disk. `None` as directory keeps everything in memory (tests, throwaway devices);
    `durable=False` writes the files without fsync (a lab's temporary state directory).

    On disk the store holds the state directory's lock until `close()`; a second
    store on the same directory raises StateDirInUse. What opening the store
    found and repaired is in `notices`; later findings go to `report`, which
    the configuration database points at the device log.
    """

    def __init__(self, state_dir: Path | None, *, program: str | None = None, durable: bool = True):
        self.dir = state_dir / "config" if state_dir is not None else None
        self.durable = durable
        self.records: list[CommitRecord] = []
        self.notices: list[str] = []
        self.report: Callable[[str], None] = self.notices.append
        self._memory: dict[str, str] = {}
        self._pending: tuple[dict[str, object], str] | None = None  # in memory: the `commit at reboot`
        self._next = 1
        self._lock: StateDirLock | None = None
        if state_dir is not None and self.dir is not None:
            self._lock = StateDirLock(state_dir, program)
            try:
                self.dir.mkdir(parents=True, exist_ok=True)
                self._load()
            except BaseException:
                self._lock.close()
                raise

    def close(self) -> None:
        """Let another store (or process) open the directory."""
        if self._lock is not None:
            self._lock.close()

    # -- opening --------------------------------------------------------------------------------

    def _load(self) -> None:
        assert self.dir is not None
        listed, listed_next, index_problem = self._read_index()
        by_name = {r.file: r for r in listed}
        found: dict[str, CommitRecord] = {}
        for path in self.dir.iterdir():
            name = path.name
            if _TEMP_NAME.fullmatch(name):
                _remove(path)  # an interrupted atomic_write
            elif _COMMIT_NAME.fullmatch(name):
                found[name] = self._inspect(path, by_name.get(name))
        for r in listed:
            if r.file not in found:
                found[r.file] = replace(r, problem="missing")
        ordered = sorted(found.values(), key=lambda r: _seq(r.file), reverse=True)
        self.records = ordered[:MAX_ROLLBACKS]
        for r in ordered[MAX_ROLLBACKS:]:
            _remove(self.dir / r.file)  # retention a killed commit had not finished
        self._next = max([listed_next, *(_seq(r.file) + 1 for r in ordered)])
        for i, r in enumerate(self.records):
            if r.problem is not None:
                self.report(f"{CommitUnavailable(i, r.problem)} (commit file {r.file})")
        if index_problem == "missing" and not found:
            return  # a new store
        entries = [r.index_entry() for r in self.records]
        if index_problem is not None or entries != [r.index_entry() for r in listed]:
            why = index_problem or "out of date"
            self.report(f"commit index {why}: rebuilt from {len(self.records)} commit files")
            try:
                self._write_index()
            except OSError as exc:
                self.report(f"could not update the commit index: {exc.strerror or exc}")

    def _read_index(self) -> tuple[list[CommitRecord], int, str | None]:
        """The index's records and next number, and what is wrong with it (None: nothing)."""
        assert self.dir is not None
        path = self.dir / "commits.json"
        try:
            data = json.loads(path.read_bytes())
            records = [CommitRecord(**r) for r in data["commits"]]
            if not all(isinstance(r.file, str) and _COMMIT_NAME.fullmatch(r.file) for r in records):
                raise ValueError("not a commit file name")
            return records, int(data.get("next", 1)), None
        except FileNotFoundError:
            return [], 1, "missing"
        except (OSError, ValueError, KeyError, TypeError):
            return [], 1, "unreadable"

    def _inspect(self, path: Path, listed: CommitRecord | None) -> CommitRecord:
        """A commit file's record from its header (the index's record for a file from before headers)."""
        try:
            meta = peek(path, COMMIT_HEADER)
            if meta is not None:
                return _record(meta, path.name)
        except Damaged as exc:
            base = listed or CommitRecord(path.name, 0.0, "unknown", "other")
            return replace(base, problem=str(exc))
        except OSError:
            return replace(listed or CommitRecord(path.name, 0.0, "unknown", "other"), problem="unreadable")
        if listed is not None:
            return listed
        return CommitRecord(path.name, path.stat().st_mtime, "unknown", "other")

    # -- reading --------------------------------------------------------------------------------

    def unavailable(self, index: int) -> str | None:
        """Why rollback `index` cannot be read (missing, truncated, damaged), or None."""
        if index >= len(self.records):
            return None
        return self.records[index].problem

    def text(self, index: int) -> str | None:
        """The configuration of rollback `index` (0 = active), or None when there is none.
        Raises CommitUnavailable when it exists but its file is missing or damaged."""
        if index >= len(self.records):
            return None
        record = self.records[index]
        if record.problem is not None:
            raise CommitUnavailable(index, record.problem)
        if self.dir is None:
            return self._memory[record.file]
        try:
            meta, text = unseal((self.dir / record.file).read_bytes(), COMMIT_HEADER)
            if meta is not None:
                _record(meta, record.file)
        except FileNotFoundError:
            record.problem = "missing"
        except OSError:
            record.problem = "unreadable"
        except Damaged as exc:
            record.problem = str(exc)
        else:
            return text
        error = CommitUnavailable(index, record.problem)
        self.report(f"{error} (commit file {record.file})")
        raise error

    # -- writing --------------------------------------------------------------------------------

    def commit(self, text: str, record: CommitRecord) -> None:
        """Make `text` the active configuration, pushing the others down one rollback index.

        Raises OSError (a full disk) with the store as it was: the commit file is
        removed again, the number not used up. Once the file is in place the
        commit stands; an index that cannot be replaced is reported and rebuilt
        at the next start."""
        seq = self._next
        record.file = f"c{seq:06d}.conf"
        records = [record] + self.records[: MAX_ROLLBACKS - 1]
        dropped = self.records[MAX_ROLLBACKS - 1 :]
        if self.dir is None:
            self._memory[record.file] = text
            self._next = seq + 1
            self.records = records
            self._memory = _kept(self._memory, records)
            return
        fields = {"seq": seq, **record.index_entry()}
        del fields["file"]
        path = self.dir / record.file
        try:
            self._write(path, seal(COMMIT_HEADER, fields, text))
        except BaseException:
            _remove(path)  # in place only when the directory's fsync failed
            raise
        self._next = seq + 1
        self.records = records
        try:
            self._write_index()
        except OSError as exc:
            self.report(f"could not update the commit index: {exc.strerror or exc}")
        for r in dropped:
            _remove(self.dir / r.file)

    def _write_index(self) -> None:
        assert self.dir is not None
        if not self.durable:
            return
        index = {"next": self._next, "commits": [r.index_entry() for r in self.records]}
        self._write(self.dir / "commits.json", json.dumps(index, indent=1))

    def _write(self, path: Path, data: str | bytes) -> None:
        """atomic_write (looked up at each call), without its fsyncs when the store is not durable."""
        if self.durable:
            atomic_write(path, data)
        else:
            atomic_write(path, data, durable=False)

    def save_rescue(self, text: str) -> None:
        """Raises OSError (a full disk), leaving the previous rescue configuration in place."""
        if self.dir is None:
            self._memory["rescue.conf"] = text
        else:
            self._write(self.dir / "rescue.conf", seal(RESCUE_HEADER, {}, text))

    def rescue(self) -> str | None:
        """The rescue configuration, or None when there is none (or it is damaged: reported)."""
        if self.dir is None:
            return self._memory.get("rescue.conf")
        try:
            return unseal((self.dir / "rescue.conf").read_bytes(), RESCUE_HEADER)[1]
        except FileNotFoundError:
            return None
        except (OSError, Damaged) as exc:
            self.report(f"rescue configuration /config/rescue.conf.gz is not usable: {exc}")
            return None

    def delete_rescue(self) -> None:
        if self.dir is None:
            self._memory.pop("rescue.conf", None)
        else:
            (self.dir / "rescue.conf").unlink(missing_ok=True)

    def save_pending(self, text: str, fields: dict[str, object]) -> None:
        """Keep a `commit at reboot` for the next start. Raises OSError (a full disk)."""
        if self.dir is None:
            self._pending = (dict(fields), text)
        else:
            self._write(self.dir / "pending.conf", seal(PENDING_HEADER, fields, text))

    def pending(self) -> tuple[dict[str, object], str] | None:
        """The `commit at reboot` waiting (its fields and configuration); None when there is none
        or it is damaged (reported: like a commit lost to a crash, it is not made)."""
        if self.dir is None:
            return self._pending
        try:
            meta, text = unseal((self.dir / "pending.conf").read_bytes(), PENDING_HEADER)
        except FileNotFoundError:
            return None
        except (OSError, Damaged) as exc:
            self.report(f"pending commit /config/juniper.conf+.gz is not usable: {exc}")
            return None
        if meta is None:
            self.report("pending commit /config/juniper.conf+.gz is not usable: damaged")
            return None
        return {k: v for k, v in meta.items() if k not in ("size", "sha256")}, text

    def delete_pending(self) -> None:
        """Raises OSError when the file stays (it would be committed again at the next start)."""
        if self.dir is None:
            self._pending = None
        else:
            (self.dir / "pending.conf").unlink(missing_ok=True)


__all__ = [
    "COMMIT_HEADER",
    "MAX_ROLLBACKS",
    "CommitRecord",
    "CommitUnavailable",
    "ConfigStore",
    "atomic_write",
    "device_path",
]
