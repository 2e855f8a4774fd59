"""kill -9 and full disks against the commit store: the runs, their checks, and the full-count script.

    .venv/bin/python tests/security/stress_store.py --kills 1000 --disk-full 100

Kill runs share one state directory, so history piles up and wraps the 50
kept commits. Each run forks a committer (store_child.py) that commits until
it is killed: half of the runs kill it from here once it has acknowledged a
seeded number of commits (wherever it then is), the other half have it
SIGKILL itself just before a seeded store file operation (temp file, fsync,
rename, directory fsync, index, removal), so every step of a commit and of
the recovery at start is hit. After each kill the store must open; hold every
acknowledged commit of the last 50 with its content (SHA-256), label
(comment, user, time) and place; hold at most one more, the commit in flight,
complete; and keep no file but its own. While a committer runs, a second
store on its directory must be refused with the committer's pid.

Disk-full runs each take a fresh directory and a seeded file size limit
(store_child.run_disk_full says what happens); the child must end normally,
and the store must hold exactly the commits the child was told succeeded,
then the automatic rollback, which must equal the configuration before the
`commit confirmed`.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from store_child import VIRTUAL_EPOCH, number_of, sha

REPO = Path(__file__).resolve().parents[2]
CHILD = Path(__file__).with_name("store_child.py")
KEPT = 50  # nos.config.store.MAX_ROLLBACKS
TEMP = re.compile(r"\.(commits\.json|rescue\.conf|c\d{6,}\.conf)\.[A-Za-z0-9_]+")
TIMEOUT = 60.0  # seconds for any one line from a child: a hang fails the run instead of the suite


class StoreBroken(AssertionError):
    pass


def expect(condition: bool, message: str) -> None:
    if not condition:
        raise StoreBroken(message)


class ForkServer:
    """store_child.py running as a fork server; its children's lines, read with a timeout."""

    def __init__(self) -> None:
        env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
        self.proc = subprocess.Popen(
            [sys.executable, str(CHILD)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, bufsize=0
        )
        self._buffer = b""
        expect(self.read() == "ready", "the fork server did not start")

    def send(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write((line + "\n").encode())
        self.proc.stdin.flush()

    def read(self) -> str:
        assert self.proc.stdout is not None
        deadline = time.monotonic() + TIMEOUT
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([self.proc.stdout], [], [], max(left, 0))
            expect(bool(ready), "no answer from the store child")
            chunk = os.read(self.proc.stdout.fileno(), 65536)
            expect(bool(chunk), "the fork server ended")
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        return line.decode()

    def start(self, *words: object) -> int:
        self.send(" ".join(str(w) for w in words))
        line = self.read()
        expect(line.startswith("start "), f"child did not start: {line}")
        return int(line.split()[1])

    def reap(self, pid: int, late: list[str] | None = None) -> int:
        """Wait for a child; its exit status. Lines it wrote before it died and that were not
        read yet come first in the pipe: they go to `late` (a killed committer's last acks)."""
        self.send(f"reap {pid}")
        while not (line := self.read()).startswith(f"exit {pid} "):
            expect(late is not None, f"unexpected line while reaping: {line}")
            late.append(line)  # type: ignore[union-attr]
        return int(line.split()[2])

    def close(self) -> None:
        try:
            self.send("quit")
            self.proc.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait()


@dataclass
class Summary:
    kills_timed: int = 0
    kills_at_step: int = 0
    commits_acknowledged: int = 0
    in_flight_kept: int = 0  # the killed commit was complete on disk, and is rollback 0
    index_rebuilt: int = 0
    temp_files_removed: int = 0
    lock_refusals: int = 0
    disk_full_runs: int = 0
    commits_refused: int = 0
    commits_accepted_under_limit: int = 0
    rescue_refused: int = 0
    rollbacks_waited: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        kills = self.kills_timed + self.kills_at_step
        return [
            f"kill -9 runs: {kills} ({self.kills_timed} killed by the parent, {self.kills_at_step} at a store step)",
            f"  commits acknowledged: {self.commits_acknowledged}; all found with content and label after every kill",
            f"  in-flight commit found complete and kept: {self.in_flight_kept}",
            f"  index rebuilt at open: {self.index_rebuilt}; temp files removed: {self.temp_files_removed}",
            f"  second store refused while the committer ran: {self.lock_refusals}",
            f"disk-full runs: {self.disk_full_runs}; child ended normally in all",
            f"  commits refused: {self.commits_refused}; accepted under the limit: {self.commits_accepted_under_limit}",
            f"  rescue save refused: {self.rescue_refused}",
            f"  automatic rollbacks that waited for the disk, then fired: {self.rollbacks_waited}",
            f"time: {self.seconds:.1f} s",
        ]


# -- kill -9 ------------------------------------------------------------------------------------------


def kill_runs(count: int, seed: int, workdir: Path, summary: Summary) -> None:
    from nos.config.statelock import StateDirInUse
    from nos.config.store import ConfigStore

    rng = random.Random(seed)
    state = workdir / "kills"
    # Commit number -> SHA-256 of its configuration: the acknowledged commits, and the in-flight ones
    # a check found complete (a kill after the commit point, before "commit complete"), which stay.
    acked: dict[int, str] = {}
    server = ForkServer()
    try:
        for run in range(count):
            child_seed = rng.randrange(1 << 30)
            timed = run % 2 == 0
            step = 0 if timed else rng.randint(1, 40)
            wanted = rng.randint(1, 8)
            pid = server.start("kill", state, child_seed, step)
            got = 0
            while True:
                line = server.read()
                if line.startswith("ack "):
                    _, n, _, digest = line.split()
                    acked[int(n)] = digest
                    got += 1
                    if got == 1 and timed:
                        try:
                            ConfigStore(state).close()
                            expect(False, "a second store opened the directory of a running committer")
                        except StateDirInUse as exc:
                            expect(f"(pid {pid})" in str(exc), f"holder not named: {exc}")
                            summary.lock_refusals += 1
                    if timed and got == wanted:
                        os.kill(pid, signal.SIGKILL)
                        break
                elif line.startswith("kill "):
                    break
                else:
                    expect(False, f"run {run}: {line}")
            late: list[str] = []
            expect(server.reap(pid, late) == -signal.SIGKILL, f"run {run}: the committer was not killed")
            for line in late:  # acknowledged between our reading and the kill: acknowledged all the same
                expect(line.startswith("ack "), f"run {run}: {line}")
                _, n, _, digest = line.split()
                acked[int(n)] = digest
                got += 1
            summary.kills_timed += timed
            summary.kills_at_step += not timed
            summary.commits_acknowledged += got
            try:
                check_after_kill(state, acked, summary)
            except StoreBroken as exc:
                raise StoreBroken(f"kill run {run} (seed {seed}, step {step}): {exc}") from None
    finally:
        server.close()


def check_after_kill(state: Path, known: dict[int, str], summary: Summary) -> None:
    """The store a killed committer left (see the module docstring); adds a kept in-flight commit to `known`."""
    from nos.config.store import ConfigStore

    directory = state / "config"
    summary.temp_files_removed += sum(1 for p in directory.iterdir() if TEMP.fullmatch(p.name))
    store = ConfigStore(state)
    try:
        records = store.records
        summary.index_rebuilt += any("rebuilt" in n for n in store.notices)
        expect(not any("not available" in n for n in store.notices), f"unavailable commits: {store.notices}")
        last = max(known, default=0)
        texts = [store.text(i) or "" for i in range(len(records))]
        numbers = [number_of(t) for t in texts]
        top = numbers[0] if numbers else 0
        expect(top in (last, last + 1), f"rollback 0 is commit {top}, the last known {last}")
        expect(numbers == list(range(top, top - len(numbers), -1)), f"rollbacks out of order: {numbers[:8]}...")
        expect(len(records) == min(KEPT, top), f"{len(records)} commits kept of {top}")
        for record, text, n in zip(records, texts, numbers, strict=True):
            label = (record.comment, record.user, record.time)
            expect(label == (f"commit {n}", "lab", VIRTUAL_EPOCH + n), f"commit {n} mislabelled: {label}")
            if n <= last:
                expect(sha(text) == known[n], f"commit {n} differs from what was acknowledged")
        if top == last + 1:
            summary.in_flight_kept += 1
            known[top] = sha(texts[0])
        files = {p.name for p in directory.iterdir()}
        expect(files == {r.file for r in records} | {"commits.json"}, f"files left: {sorted(files)[:8]}...")
    finally:
        store.close()


# -- disk full ------------------------------------------------------------------------------------------


def disk_full_runs(count: int, seed: int, workdir: Path, summary: Summary) -> None:
    rng = random.Random(seed)
    server = ForkServer()
    try:
        for run in range(count):
            state = workdir / f"disk{run}"
            child_seed = rng.randrange(1 << 30)
            try:
                disk_full_run(server, state, child_seed, summary)
            except StoreBroken as exc:
                raise StoreBroken(f"disk-full run {run} (child seed {child_seed}): {exc}") from None
            shutil.rmtree(state)
    finally:
        server.close()


def disk_full_run(server: ForkServer, state: Path, child_seed: int, summary: Summary) -> None:
    from nos.config.store import ConfigStore

    pid = server.start("diskfull", state, child_seed)
    history: list[tuple[str, str]] = []  # (comment, SHA-256) of each commit the child was told succeeded
    acks: dict[int, str] = {}
    refused: list[int] = []
    rollback = None
    while True:
        line = server.read()
        words = line.split()
        if words[0] == "ack":
            acks[int(words[1])] = words[3]
            history.append((f"commit {words[1]}", words[3]))
            summary.commits_accepted_under_limit += int(words[1]) > 4 and rollback is None
        elif words[0] == "fail":
            refused.append(int(words[1]))
        elif words[0] == "rollback":
            rollback = words[1]
            history.append(("automatic rollback", words[1]))
        elif words[0] == "pending":
            summary.rollbacks_waited += 1
        elif words[0] == "rescue":
            summary.rescue_refused += words[1] == "fail"
        elif words[0] == "done":
            break
        elif words[0] != "logged":
            expect(False, line)
    expect(server.reap(pid) == 0, "the child did not end normally")
    summary.disk_full_runs += 1
    summary.commits_refused += len(refused)
    expect(rollback == acks[3], "the automatic rollback is not the configuration before `commit confirmed`")
    store = ConfigStore(state)
    try:
        expect(not any("not available" in n for n in store.notices), f"unavailable commits: {store.notices}")
        found = [(r.comment or "", sha(store.text(i) or "")) for i, r in enumerate(store.records)]
        expect(found == history[::-1], f"store holds {[c for c, _ in found]}, expected {[c for c, _ in history[::-1]]}")
        for record in store.records:
            expect(record.user == ("root" if record.comment == "automatic rollback" else "lab"), "wrong user")
    finally:
        store.close()


def run(kills: int, disk_full: int, seed: int, workdir: Path | None = None) -> Summary:
    summary = Summary()
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="nos-stress-store-") as tmp:
        base = workdir or Path(tmp)
        if kills:
            kill_runs(kills, seed, base, summary)
        if disk_full:
            disk_full_runs(disk_full, seed + 1, base, summary)
    summary.seconds = time.monotonic() - started
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=1000)
    parser.add_argument("--disk-full", type=int, default=100)
    parser.add_argument("--seed", type=int, default=20260101)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(REPO))
    try:
        summary = run(args.kills, args.disk_full, args.seed)
    except StoreBroken as exc:
        print(f"FAILED: {exc}", file=sys.stderr)
        return 1
    print("\n".join(summary.lines()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
