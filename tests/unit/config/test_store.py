"""The commit store on disk: persistence, 50 kept commits, leftovers, atomic writes.

Recovery from a damaged store, the state directory lock and crash tests: tests/security/test_store.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nos.config.store import COMMIT_HEADER, MAX_ROLLBACKS, CommitRecord, ConfigStore, atomic_write


def _config(n: int) -> str:
    return f"system {{\n    host-name r{n};\n}}\n"


def _commit(store: ConfigStore, n: int, **kw: object) -> CommitRecord:
    record = CommitRecord("", 1_767_225_600.0 + n, kw.pop("user", "lab"), **kw)  # type: ignore[arg-type]
    store.commit(_config(n), record)
    return record


def _files(directory: Path) -> set[str]:
    return {p.name for p in directory.iterdir()}


@pytest.fixture(params=["disk", "memory"])
def store(request, tmp_path) -> ConfigStore:
    return ConfigStore(tmp_path if request.param == "disk" else None)


def test_empty_store(store):
    assert store.records == []
    assert store.text(0) is None
    assert store.rescue() is None


def test_newest_first(store):
    for n in range(1, 4):
        _commit(store, n, comment=f"c{n}")
    assert [store.text(i) for i in range(4)] == [_config(3), _config(2), _config(1), None]
    assert [r.comment for r in store.records] == ["c3", "c2", "c1"]


def test_rollback_1_to_49_kept_and_the_51st_commit_drops_the_oldest(store):
    for n in range(1, MAX_ROLLBACKS + 1):
        _commit(store, n)
    assert len(store.records) == 50
    assert store.text(49) == _config(1)
    first_file = store.records[49].file
    _commit(store, 51)
    assert len(store.records) == 50
    assert store.text(0) == _config(51)
    assert store.text(49) == _config(2)
    assert store.text(50) is None
    assert first_file not in {r.file for r in store.records}
    if store.dir is not None:
        assert first_file not in _files(store.dir)
        assert _files(store.dir) == {r.file for r in store.records} | {"commits.json"}


def test_commits_survive_a_new_store_on_the_same_directory(tmp_path):
    store = ConfigStore(tmp_path)
    _commit(store, 1, user="alice", client="netconf", comment="first")
    _commit(store, 2, user="bob", client="cli", comment=None, confirmed_minutes=5)
    store.close()
    again = ConfigStore(tmp_path)
    assert again.records == store.records
    assert [again.text(i) for i in range(2)] == [_config(2), _config(1)]
    r = again.records[0]
    assert (r.user, r.client, r.comment, r.confirmed_minutes, r.time) == ("bob", "cli", None, 5, 1_767_225_602.0)
    assert (again.records[1].user, again.records[1].client, again.records[1].comment) == ("alice", "netconf", "first")
    # File names keep counting up after a restart.
    _commit(again, 3)
    assert again.records[0].file not in {r.file for r in store.records}
    again.close()
    assert ConfigStore(tmp_path).text(0) == _config(3)


def test_layout_on_disk(tmp_path):
    store = ConfigStore(tmp_path)
    _commit(store, 1)
    _commit(store, 2)
    directory = tmp_path / "config"
    assert _files(directory) == {"commits.json", "c000001.conf", "c000002.conf"}
    assert _files(tmp_path) == {"config", "nos.lock"}
    index = json.loads((directory / "commits.json").read_text())
    assert index["next"] == 3
    assert [c["file"] for c in index["commits"]] == ["c000002.conf", "c000001.conf"]
    # Each commit file describes itself in a comment line, then holds the configuration as committed.
    header, body = (directory / "c000002.conf").read_text().split("\n", 1)
    assert header.startswith(COMMIT_HEADER)
    meta = json.loads(header[len(COMMIT_HEADER) :])
    assert (meta["seq"], meta["user"], meta["time"], meta["size"]) == (2, "lab", 1_767_225_602.0, len(_config(2)))
    assert body == _config(2)


def test_only_temp_files_are_removed_at_load(tmp_path):
    store = ConfigStore(tmp_path)
    _commit(store, 1)
    store.save_rescue(_config(99))
    store.close()
    directory = tmp_path / "config"
    (directory / ".commits.json.abc123").write_text("{")  # temp files of interrupted atomic writes
    (directory / ".c000002.conf.xyz").write_text("half")
    (directory / ".rescue.conf.k2_9").write_text("")
    (directory / "notes.txt").write_text("mine")  # not the store's: left alone
    ConfigStore(tmp_path)
    assert _files(directory) == {"commits.json", "c000001.conf", "rescue.conf", "notes.txt"}


def test_rescue(store):
    _commit(store, 1)
    store.save_rescue(_config(42))
    assert store.rescue() == _config(42)
    # A later commit does not lose the rescue configuration (in memory either).
    _commit(store, 2)
    assert store.rescue() == _config(42)
    store.save_rescue(_config(43))
    assert store.rescue() == _config(43)


def test_rescue_survives_restart(tmp_path):
    store = ConfigStore(tmp_path)
    store.save_rescue(_config(5))
    store.close()
    assert ConfigStore(tmp_path).rescue() == _config(5)


def test_atomic_write_replaces_and_leaves_no_temp(tmp_path):
    target = tmp_path / "f.conf"
    atomic_write(target, "one\n")
    atomic_write(target, "two\n")
    assert target.read_text() == "two\n"
    assert _files(tmp_path) == {"f.conf"}


def test_atomic_write_failure_keeps_the_old_file(tmp_path):
    target = tmp_path / "f.conf"
    atomic_write(target, "old\n")
    with pytest.raises(TypeError):
        atomic_write(target, 42)  # type: ignore[arg-type]  # fails inside the write
    assert target.read_text() == "old\n"
    assert _files(tmp_path) == {"f.conf"}


def _failing(monkeypatch, name: str) -> None:
    """atomic_write of `name` fails as on a full disk (the others go through)."""
    import nos.config.store as store_module

    real = store_module.atomic_write

    def flaky(path: Path, data: str) -> None:
        if path.name == name:
            raise OSError(28, "No space left on device")
        real(path, data)

    monkeypatch.setattr(store_module, "atomic_write", flaky)


def test_failed_commit_file_write_leaves_the_store_as_it_was(tmp_path, monkeypatch):
    store = ConfigStore(tmp_path)
    _commit(store, 1)
    _failing(monkeypatch, "c000002.conf")
    with pytest.raises(OSError):
        _commit(store, 2)
    monkeypatch.undo()
    assert [store.text(i) for i in range(len(store.records))] == [_config(1)]
    # The number was not used up, and a restart finds the store as it was.
    _commit(store, 3)
    assert store.records[0].file == "c000002.conf"
    store.close()
    again = ConfigStore(tmp_path)
    assert [again.text(i) for i in range(len(again.records))] == [_config(3), _config(1)]
    assert again.notices == []


def test_a_commit_stands_once_its_file_is_written_even_when_the_index_is_not(tmp_path, monkeypatch):
    store = ConfigStore(tmp_path)
    _commit(store, 1)
    _failing(monkeypatch, "commits.json")
    _commit(store, 2, comment="second")
    monkeypatch.undo()
    assert store.text(0) == _config(2)
    assert store.notices == ["could not update the commit index: No space left on device"]
    store.close()
    # The index on disk names only the first; the next start rebuilds it from the commit files.
    again = ConfigStore(tmp_path)
    assert [again.text(i) for i in range(len(again.records))] == [_config(2), _config(1)]
    assert again.records[0].comment == "second"
    assert again.notices == ["commit index out of date: rebuilt from 2 commit files"]
    again.close()
    assert ConfigStore(tmp_path).notices == []  # reported once
