"""A store that never loses an acknowledged commit (issue 9, point 5).

One process per state directory; an index rebuilt from self-describing commit
files; damaged or missing files reported and skipped, never a reason to delete
history; a full disk that fails the commit with Junos-style text and keeps the
session, the active configuration and a pending `commit confirmed`; and kill -9
at random moments (stress_store.py runs the full counts).
"""

from __future__ import annotations

import errno
import json
import os
import select
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from clidriver import Cli

from nos.config.database import ConfigDatabase
from nos.config.statelock import StateDirInUse
from nos.config.store import COMMIT_HEADER, CommitRecord, ConfigStore
from nos.runtime.clock import ManualScheduler
from nos.runtime.device import Device

sys.path.insert(0, str(Path(__file__).resolve().parent))

import stress_store

REPO = Path(__file__).resolve().parents[2]
NOS = [sys.executable, "-m", "nos"]
ENV = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
SEED = 20260101
ENOSPC_LINES = ["error: could not write /config/juniper.conf+.gz: No space left on device", "error: commit failed"]


@pytest.fixture
def fast_dir(tmp_path: Path) -> Iterator[Path]:
    """A directory on tmpfs when there is one. kill -9 leaves the page cache intact, so what the
    crash runs check does not depend on fsync (that is for power loss, which no test can cause),
    and on tmpfs a commit's four fsyncs cost nothing: the runs take a second instead of several."""
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        with tempfile.TemporaryDirectory(dir=shm, prefix="nos-store-") as tmp:
            yield Path(tmp)
    else:
        yield tmp_path


def _cli(device: Device) -> Cli:
    return Cli(device)


def _log(device: Device) -> list[str]:
    """`show log messages` as the device log holds it, from the process name on (no time, no host)."""
    return [event.syslog(device.hostname).split(f" {device.hostname} ", 1)[1] for event in device.log.events]


def _commit(cli: Cli, *lines: str) -> str:
    return cli.run("configure", *lines, "commit", "exit")


# -- kill -9 and a full disk, in child processes --------------------------------------------------------


def test_kill_9_at_random_moments_loses_no_acknowledged_commit(fast_dir):
    summary = stress_store.Summary()
    stress_store.kill_runs(30, SEED, fast_dir, summary)
    assert (summary.kills_timed, summary.kills_at_step) == (15, 15)
    assert summary.commits_acknowledged > 30
    assert summary.lock_refusals == 15  # a second store on a committer's directory, every time it was tried


def test_a_full_disk_keeps_the_process_the_configuration_and_the_pending_rollback(fast_dir):
    summary = stress_store.Summary()
    stress_store.disk_full_runs(10, SEED, fast_dir, summary)
    assert summary.disk_full_runs == 10
    assert summary.commits_refused > 0 and summary.commits_accepted_under_limit > 0
    assert summary.rollbacks_waited > 0  # the seed reaches the case where the rollback waits for space


# -- one process per state directory ------------------------------------------------------------------


def test_a_second_store_on_a_directory_is_refused_until_the_first_closes(tmp_path):
    first = ConfigStore(tmp_path, program="nos cli")
    with pytest.raises(StateDirInUse) as refused:
        ConfigStore(tmp_path)
    assert str(refused.value) == f"error: state directory {tmp_path} is in use by nos cli (pid {os.getpid()})"
    first.close()
    ConfigStore(tmp_path).close()


def test_a_second_device_on_a_state_directory_is_refused(schema, tmp_path):
    device = Device(schema, ManualScheduler(), hostname="r1", state_dir=tmp_path)
    with pytest.raises(StateDirInUse):
        Device(schema, ManualScheduler(), hostname="r1", state_dir=tmp_path)
    device.close()
    again = Device(schema, ManualScheduler(), hostname="r1", state_dir=tmp_path)
    assert len(again.db.store.records) == 1  # the first device's initial commit, not a second one
    again.close()


class _Running:
    """A `nos cli` on a pipe, read as it goes."""

    def __init__(self, state: Path):
        self.proc = subprocess.Popen(
            [*NOS, "cli", "--state-dir", str(state), "--clock", "virtual"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=ENV,
        )
        self.out = b""

    def until(self, text: str) -> str:
        assert self.proc.stdout is not None
        deadline = time.monotonic() + 60
        while text.encode() not in self.out:
            ready, _, _ = select.select([self.proc.stdout], [], [], max(0.0, deadline - time.monotonic()))
            assert ready, f"no {text!r} from nos cli: {self.out.decode()}"
            chunk = os.read(self.proc.stdout.fileno(), 65536)
            assert chunk, f"nos cli ended: {self.out.decode()}"
            self.out += chunk
        return self.out.decode()


def test_a_second_nos_cli_on_a_state_directory_exits_and_names_the_first(tmp_path):
    state = tmp_path / "state"
    first = _Running(state)
    try:
        first.until("lab@nos> ")  # it holds the directory
        second = subprocess.run(
            [*NOS, "cli", "--state-dir", str(state), "--clock", "virtual"],
            input="show version\n",
            capture_output=True,
            text=True,
            env=ENV,
            timeout=60,
        )
        assert second.returncode == 1
        assert second.stderr == f"error: state directory {state} is in use by nos cli (pid {first.proc.pid})\n"
        assert second.stdout == ""
        # The first goes on as if nothing happened.
        out, err = first.proc.communicate(b"configure\nset system host-name still\ncommit\nexit\n", timeout=60)
    finally:
        if first.proc.poll() is None:
            first.proc.kill()
            first.proc.wait()
    assert first.proc.returncode == 0, err
    assert "commit complete" in out.decode()
    assert "lab@still> " in out.decode()


def test_a_lab_on_a_state_directory_in_use_exits_and_names_the_holder(tmp_path):
    (tmp_path / "lab.toml").write_text(
        '[lab]\nname = "t"\nclock = "virtual"\n\n[nodes.R1]\nkind = "device"\nplatform = "router"\n'
    )
    state = tmp_path / "state"
    holder = ConfigStore(state / "R1", program="nos cli")  # R1's own state directory, under the lab's
    try:
        done = subprocess.run(
            [*NOS, "lab", str(tmp_path / "lab.toml"), "--state-dir", str(state), "--clock", "virtual"],
            input="quit\n",
            capture_output=True,
            text=True,
            env=ENV,
            timeout=60,
        )
    finally:
        holder.close()
    assert done.returncode == 1
    assert done.stderr == f"error: state directory {state / 'R1'} is in use by nos cli (pid {os.getpid()})\n"


# -- rebuilding the index; damaged and missing files ----------------------------------------------------


def _labels(store: ConfigStore) -> list[tuple[str, str, str | None]]:
    return [(r.file, r.user, r.comment) for r in store.records]


def _reopen(schema, state: Path) -> Device:  # type: ignore[no-untyped-def]
    return Device(schema, ManualScheduler(), hostname="r1", state_dir=state)


def _files(state: Path) -> set[str]:
    return {p.name for p in (state / "config").iterdir()}


@pytest.mark.parametrize(
    ("damage", "why"),
    [
        (lambda index: index.unlink(), "missing"),
        (lambda index: index.write_bytes(index.read_bytes()[: len(index.read_bytes()) // 2]), "unreadable"),
        (
            lambda index: index.write_text(
                '{"next": 2, "commits": [{"file": "../../etc/passwd", "time": 0, "user": "x"}]}'
            ),
            "unreadable",
        ),
        (lambda index: index.write_text('{"next": 3, "commits": []}'), "out of date"),
    ],
    ids=["deleted", "truncated", "foreign-names", "emptied"],
)
def test_a_lost_or_broken_index_is_rebuilt_from_the_commit_files_and_reported_once(schema, tmp_path, damage, why):
    state = tmp_path / "state"
    before = _reopen(schema, state)
    cli = _cli(before)
    for n in (1, 2, 3):
        _commit(cli, f"set system host-name h{n}")
    labels, files = _labels(before.db.store), _files(state)
    before.close()
    damage(state / "config" / "commits.json")
    after = _reopen(schema, state)
    assert _labels(after.db.store) == labels
    assert _files(state) == files  # nothing deleted
    assert after.hostname == "h3"
    assert _log(after) == [f"mgd: commit index {why}: rebuilt from 4 commit files"]
    assert [after.db.store.text(i).count("host-name h") for i in range(3)] == [1, 1, 1]  # type: ignore[union-attr]
    after.close()
    assert _log(_reopen(schema, state)) == []  # the rebuilt index is written: reported once


def test_a_truncated_commit_file_is_reported_and_skipped_and_nothing_is_deleted(schema, tmp_path):
    state = tmp_path / "state"
    device = _reopen(schema, state)
    cli = _cli(device)
    for n in (1, 2, 3):
        _commit(cli, f"set system host-name h{n}")
    rollback2 = state / "config" / device.db.store.records[2].file
    files = _files(state)
    device.close()
    rollback2.write_bytes(rollback2.read_bytes()[:-20])
    device = _reopen(schema, state)
    cli = _cli(device)
    assert _files(state) == files
    assert device.hostname == "h3"
    assert _log(device) == [
        f"mgd: rollback 2 is not available: /config/juniper.conf.2.gz is truncated (commit file {rollback2.name})"
    ]
    out = cli.run("configure", "rollback 2", "rollback 1", "show system host-name", "rollback 3", "exit")
    assert "error: rollback 2 is not available: /config/juniper.conf.2.gz is truncated\n" in out
    assert "host-name h2;" in out  # rollback 1 still loads
    assert out.count("load complete") == 2  # rollback 1 and rollback 3 (the initial configuration)
    # The numbering does not shift: `show system commit` keeps the damaged commit in its place.
    assert [line[:2] for line in cli.output("show system commit").splitlines()] == ["0 ", "1 ", "2 ", "3 ", "  "]
    device.close()


def test_a_commit_file_with_a_changed_byte_is_found_by_its_checksum(schema, tmp_path):
    state = tmp_path / "state"
    device = _reopen(schema, state)
    cli = _cli(device)
    _commit(cli, "set system host-name h1")
    _commit(cli, "set system host-name h2")
    path = state / "config" / device.db.store.records[1].file
    device.close()
    path.write_bytes(path.read_bytes().replace(b"host-name h1", b"host-name h9"))  # same size
    device = _reopen(schema, state)
    assert _log(device) == []  # opening reads headers only
    out = _cli(device).run("configure", "rollback 1", "exit")
    assert "error: rollback 1 is not available: /config/juniper.conf.1.gz is damaged\n" in out
    assert _log(device)[-1].endswith(f"is damaged (commit file {path.name})")
    device.close()


def test_a_missing_commit_file_keeps_its_place(schema, tmp_path):
    state = tmp_path / "state"
    device = _reopen(schema, state)
    _commit(_cli(device), "set system host-name h1")
    _commit(_cli(device), "set system host-name h2")
    lost = device.db.store.records[1].file
    device.close()
    (state / "config" / lost).unlink()
    device = _reopen(schema, state)
    assert [r.problem for r in device.db.store.records] == [None, "missing", None]
    assert device.db.rollback(1) is None
    assert device.db.rollback_error(1) == "rollback 1 is not available: /config/juniper.conf.1.gz is missing"
    assert device.db.rollback(2) is not None
    device.close()


def test_when_rollback_0_is_unreadable_the_device_starts_from_the_newest_readable_one(schema, tmp_path):
    state = tmp_path / "state"
    device = _reopen(schema, state)
    _commit(_cli(device), "set system host-name h1")
    _commit(_cli(device), "set system host-name h2")
    newest = state / "config" / device.db.store.records[0].file
    device.close()
    newest.write_bytes(b"")
    device = _reopen(schema, state)
    assert device.hostname == "h1"
    records = device.db.store.records
    assert (records[0].user, records[0].comment) == ("root", "recovered from rollback 1")
    assert records[1].problem == "truncated"  # the unreadable one, one place down, still there
    assert newest.exists()
    assert _log(device)[-1] == "mgd: rollback 0 is not readable: starting from rollback 1"
    device.close()


def test_the_header_never_shows(schema, tmp_path):
    state = tmp_path / "state"
    device = _reopen(schema, state)
    cli = _cli(device)
    _commit(cli, "set system host-name h1")
    assert (state / "config" / device.db.store.records[0].file).read_text().startswith(COMMIT_HEADER)
    shown = cli.run("show configuration", "configure", "rollback 1", "show | compare", "exit")
    assert "nos-commit" not in shown


def test_a_store_from_before_headers_opens_with_its_history(tmp_path):
    directory = tmp_path / "config"
    directory.mkdir()
    (directory / "c000001.conf").write_text("system {\n    host-name old1;\n}\n")
    (directory / "c000002.conf").write_text("system {\n    host-name old2;\n}\n")
    records = [CommitRecord("c000002.conf", 2.0, "bob", comment="two"), CommitRecord("c000001.conf", 1.0, "ann")]
    index = {"next": 3, "commits": [r.index_entry() for r in records]}
    (directory / "commits.json").write_text(json.dumps(index))
    store = ConfigStore(tmp_path)
    assert store.notices == []
    assert [(r.user, r.comment) for r in store.records] == [("bob", "two"), ("ann", None)]
    assert store.text(1) == "system {\n    host-name old1;\n}\n"
    store.commit("system {\n    host-name new;\n}\n", CommitRecord("", 3.0, "lab"))
    assert store.records[0].file == "c000003.conf"
    store.close()


# -- a full disk -----------------------------------------------------------------------------------------


@pytest.fixture
def disk_full(monkeypatch):  # type: ignore[no-untyped-def]
    """`full[0] = True` makes every store write fail with ENOSPC, as on a full /config."""
    import nos.config.store as store_module

    full = [False]
    real = store_module.atomic_write

    def write(path: Path, data: str) -> None:
        if full[0]:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real(path, data)

    monkeypatch.setattr(store_module, "atomic_write", write)
    return full


def test_a_commit_on_a_full_disk_fails_and_keeps_the_session_and_the_configuration(device, disk_full):
    cli = _cli(device)
    applied: list[object] = []
    device.features.apply = lambda old, new: applied.append(new)  # type: ignore[method-assign]
    records = list(device.db.store.records)
    cli.run("configure", "set system host-name full")
    disk_full[0] = True
    out = cli.run("commit")
    assert "\n".join(ENOSPC_LINES) in out and "commit complete" not in out
    assert device.hostname == "r1" and device.db.store.records == records and applied == []
    # The session goes on, its candidate intact; once there is space the same commit goes through.
    assert "+   host-name full;" in cli.output("show | compare")
    disk_full[0] = False
    assert "commit complete" in cli.run("commit")
    assert device.hostname == "full" and len(applied) == 1


def test_nos_cli_on_a_disk_that_refuses_a_big_commit_keeps_running(tmp_path):
    """A real process and a real limit: files past 4 kB cannot be written (EFBIG; Python ignores SIGXFSZ)."""
    routes = "".join(f"set routing-options static route 10.1.{i}.0/24 next-hop 192.0.2.1\n" for i in range(80))
    script = f"configure\n{routes}commit\nexit\nyes\nshow system commit\nshow configuration routing-options\n"

    def limit() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))

    done = subprocess.run(
        [*NOS, "cli", "--state-dir", str(tmp_path / "state"), "--clock", "virtual"],
        input=script,
        capture_output=True,
        text=True,
        env=ENV,
        timeout=60,
        preexec_fn=limit,
    )
    assert done.returncode == 0 and done.stderr == ""
    out = done.stdout
    assert "error: could not write /config/juniper.conf+.gz: File too large\nerror: commit failed\n" in out
    assert "lab@nos> show system commit\n0   2026-01-01 00:00:00 UTC by root via other\n" in out
    assert "lab@nos> show configuration routing-options\n\nlab@nos> " in out  # nothing committed
    assert "Traceback" not in out


def test_rescue_save_on_a_full_disk_says_so(device, disk_full):
    cli = _cli(device)
    disk_full[0] = True
    assert cli.output("request system configuration rescue save") == (
        "error: could not write /config/rescue.conf.gz: No space left on device\n"
    )
    disk_full[0] = False
    assert cli.output("request system configuration rescue save") == ""
    assert device.db.rescue() is not None


def test_a_pending_rollback_waits_for_the_disk_then_fires(device, clock, disk_full):
    cli = _cli(device)
    broadcasts: list[str] = []
    device.listeners.append(broadcasts.append)
    out = cli.run("configure", "set system host-name risky", "commit confirmed 1")
    assert "commit complete" in out
    disk_full[0] = True
    clock.advance(61)
    # The disk refused the rollback: the unconfirmed configuration runs on, the rollback is still due.
    assert device.hostname == "risky" and broadcasts == []
    assert device.db.confirm_deadline is not None
    assert _log(device) == [
        "mgd: UI_COMMIT_ROLLBACK_FAILED: Automatic rollback failed:"
        " error: could not write /config/juniper.conf+.gz: No space left on device"
    ]
    # It can no longer be confirmed: a commit tries the rollback first, and fails with it.
    out = cli.run("set system domain-name late.net", "commit")
    assert "\n".join(ENOSPC_LINES) in out and "commit complete" not in out
    clock.advance(30)
    assert device.hostname == "risky" and len(_log(device)) == 1  # retried, logged once
    disk_full[0] = False
    clock.advance(10)
    assert device.hostname == "r1"
    assert broadcasts == ["Commit was not confirmed; automatic rollback complete."]
    assert device.db.confirm_deadline is None
    assert device.db.store.records[0].comment == "automatic rollback"


def test_a_new_device_on_a_full_disk_runs_its_initial_configuration_from_memory(schema, tmp_path, disk_full):
    disk_full[0] = True
    logged: list[str] = []
    store = ConfigStore(tmp_path)
    db = ConfigDatabase(
        schema, store, ManualScheduler(), initial="system { host-name r9; }", log=lambda t, m: logged.append(m)
    )
    assert db.store.records == [] and db.active.children["system"].children["host-name"].value == "r9"
    assert logged == [f"{ENOSPC_LINES[0]}: initial configuration not saved"]
    store.close()
