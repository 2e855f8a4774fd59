"""Crash safety of the commit store: SIGKILL a process that commits in a loop, then reopen the store.

The child (crash_child.py) commits configuration N, prints N, and goes on; the
parent reads a seeded-random number of lines and kills it, so the kill lands
somewhere inside one of the next commits. Whatever the moment, the store must
read back whole: an index that parses, every file it names present and
parseable, rollback 0 one of the configurations the child wrote (at least the
last one it reported), rollbacks in commit order, and no leftover files once
the store is opened again. No sleeps: time is measured in commits.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
from pathlib import Path

import nos
from nos.config.database import ConfigDatabase
from nos.config.load import parse_curly
from nos.config.render import set_lines
from nos.config.store import ConfigStore
from nos.config.tree import ConfigTree
from nos.runtime.clock import ManualScheduler

from .crash_child import config_text, number_of

CHILD = Path(__file__).with_name("crash_child.py")
REPO = Path(nos.__file__).resolve().parents[1]
ROUNDS = 5
SEED = 20260101


def _run_and_kill(state: Path, lines_before_kill: int, stderr_path: Path) -> int:
    """Start a child on `state`, read `lines_before_kill` commit numbers, SIGKILL it. Returns the last number."""
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    with stderr_path.open("w") as err:
        proc = subprocess.Popen(
            [sys.executable, str(CHILD), str(state)], stdout=subprocess.PIPE, stderr=err, text=True, env=env
        )
        last = -1
        try:
            assert proc.stdout is not None
            for _ in range(lines_before_kill):
                line = proc.stdout.readline()
                assert line, f"child stopped early: {stderr_path.read_text()}"
                last = int(line)
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=10)
            proc.stdout.close()  # type: ignore[union-attr]
    assert proc.returncode == -signal.SIGKILL
    return last


def _set_lines(schema, text: str) -> list[str]:
    tree = ConfigTree(schema.root)
    report = parse_curly(tree, text, source="config")
    assert report.messages == [], report.messages
    return [line for line in set_lines(tree.root) if not line.startswith("set version ")]


def _check_store(schema, state: Path, last_reported: int) -> int:
    """Every invariant of a store after a crash; returns rollback 0's configuration number."""
    directory = state / "config"
    index = json.loads((directory / "commits.json").read_text(encoding="utf-8"))
    names = [c["file"] for c in index["commits"]]
    assert 0 < len(names) <= 50
    for name in names:
        assert (directory / name).is_file(), name
    texts = [(directory / name).read_text(encoding="utf-8") for name in names]
    numbers = [number_of(t) for t in texts]
    top = numbers[0]
    # Rollback 0 is a configuration the child wrote, at least the last it reported.
    assert top >= last_reported
    # Rollback i is the commit before rollback i-1, and each file holds exactly what was committed.
    assert numbers == list(range(top, top - len(numbers), -1))
    for n, text in zip(numbers, texts, strict=True):
        assert _set_lines(schema, text) == _set_lines(schema, config_text(n))
    # Opening the store removes what an interrupted commit left behind, and nothing else.
    store = ConfigStore(state)
    assert {p.name for p in directory.iterdir()} == set(names) | {"commits.json"}
    assert [r.file for r in store.records] == names
    assert store.text(0) == texts[0]
    return top


def test_killed_committer_leaves_a_consistent_store(schema, tmp_path):
    rng = random.Random(SEED)
    state = tmp_path / "state"
    last = 0
    for round_ in range(ROUNDS):
        # Short runs at first, then one that wraps the 50 kept rollbacks.
        count = rng.randint(1, 12) if round_ < ROUNDS - 1 else rng.randint(55, 70)
        reported = _run_and_kill(state, count, tmp_path / f"stderr{round_}.txt")
        assert reported >= last + count
        last = _check_store(schema, state, reported)
    # The store still takes commits, and a database opened on it starts from rollback 0.
    db = ConfigDatabase(schema, ConfigStore(state), ManualScheduler())
    assert db.active.children["system"].children["host-name"].value == f"crash-{last}"
    tree = ConfigTree(schema.root)
    parse_curly(tree, config_text(last + 1))
    assert db.commit(tree, "lab").ok
    assert _check_store(schema, state, last + 1) == last + 1
