"""One process per state directory: an exclusive lock on `<state-dir>/nos.lock`.

Two processes committing into one commit store would interleave their commits
and number them from stale counters; the lock makes the second one stop at
start with the holder's name instead. The lock is `flock` on an open file
description, so it is held exactly as long as the descriptor is open: a crash
or kill -9 releases it, nothing stale is left behind to clean up. A second
store on the same directory in the same process is refused too (each open
makes a new description), which keeps two Devices from sharing a store.
"""

from __future__ import annotations

import fcntl
import json
import os
import sys
import weakref
from pathlib import Path

LOCK_NAME = "nos.lock"


class StateDirInUse(Exception):
    """Another process (or another store in this one) holds the state directory."""

    def __init__(self, state_dir: Path, holder: dict[str, object] | None):
        self.state_dir = state_dir
        self.holder = holder or {}
        program, pid = self.holder.get("program"), self.holder.get("pid")
        who = f"{program or 'nos'} (pid {pid})" if pid is not None else "another process"
        super().__init__(f"error: state directory {state_dir} is in use by {who}")


def program_name() -> str:
    """What this process is, as the holder is named to others: `nos cli`, `nos lab`, or the script."""
    argv = sys.argv
    name = Path(argv[0]).name if argv and argv[0] else "python"
    if name in ("nos", "__main__.py"):  # the `nos` executable, `python -m nos`
        return " ".join(["nos", *argv[1:2]])
    return name


class StateDirLock:
    """Held from construction until `close()` (or until the object is collected, or the process ends)."""

    def __init__(self, state_dir: Path, program: str | None = None):
        self.path = state_dir / LOCK_NAME
        state_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_holder(fd)
            os.close(fd)
            raise StateDirInUse(state_dir, holder) from None
        except BaseException:
            os.close(fd)
            raise
        self._close = weakref.finalize(self, os.close, fd)
        _write_holder(fd, {"pid": os.getpid(), "program": program or program_name()})

    def close(self) -> None:
        self._close()

    @property
    def held(self) -> bool:
        return self._close.alive


def _read_holder(fd: int) -> dict[str, object] | None:
    """The holder's note; None while it is being written or when unreadable."""
    try:
        data = json.loads(os.pread(fd, 4096, 0).decode("utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _write_holder(fd: int, holder: dict[str, object]) -> None:
    """Name the holder in the lock file. Best effort: on a full disk the lock still holds, unnamed."""
    data = json.dumps(holder).encode("utf-8")
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, data, 0)
    except OSError:
        pass


__all__ = ["LOCK_NAME", "StateDirInUse", "StateDirLock", "program_name"]
