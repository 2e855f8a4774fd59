"""What a lab's start costs per device: one commit (the device's own configuration, never a factory
configuration it replaces), no fsync for the throwaway state of a temporary folder (but for a
`--state-dir`), the factory password hashed once per process, and a lab file read in one pass."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from nos.lab.labfile import LabFileError, load_lab_file
from nos.lab.topology import build_lab
from nos.runtime import device as device_module
from nos.runtime.clock import ManualScheduler
from nos.runtime.passwords import verify

LAB = """\
[lab]
name = "start"

[nodes.R1]
kind = "device"
platform = "router"
config = "r1.conf"

[nodes.R2]
kind = "device"
platform = "router"

[[links]]
a = "R1:ge-0/0/0"
b = "R2:ge-0/0/0"
"""
R1 = (
    "set system host-name R1\n"
    'set system root-authentication encrypted-password "$6$x"\n'
    "set interfaces ge-0/0/0 unit 0 family inet address 10.0.0.1/30\n"
)


def _build(write_lab, state_dir: Path | None = None, config: str = R1):  # type: ignore[no-untyped-def]
    return build_lab(
        load_lab_file(write_lab(LAB, {"r1.conf": config})), scheduler=ManualScheduler(), state_dir=state_dir
    )


def test_a_device_with_a_configuration_has_one_commit_by_root(write_lab):
    lab = _build(write_lab)
    try:
        r1, r2 = lab.devices["R1"], lab.devices["R2"]
        (record,) = r1.db.store.records
        assert (record.user, record.client, record.comment) == ("root", "other", "loaded from r1.conf")
        assert "login" not in r1.db.active.children["system"].children  # no factory configuration under it
        (factory,) = r2.db.store.records  # a device without one starts from the factory configuration
        assert (factory.user, factory.comment) == ("root", "initial configuration")
    finally:
        lab.close()


def test_a_configuration_that_fails_its_commit_stops_the_lab_and_commits_nothing(write_lab, tmp_path: Path):
    bad = R1 + "set routing-instances VR routing-options instance-import NOPE\n"
    with pytest.raises(LabFileError) as info:
        _build(write_lab, tmp_path / "state", bad)
    assert "    Referenced policy 'NOPE' is not defined" in info.value.errors
    assert info.value.errors[-1].endswith("r1.conf: commit failed")
    assert not list((tmp_path / "state" / "R1" / "config").glob("c*.conf"))


@pytest.fixture
def fsyncs(monkeypatch):  # type: ignore[no-untyped-def]
    count = [0]
    real = os.fsync

    def counting(fd: int) -> None:
        count[0] += 1
        real(fd)

    monkeypatch.setattr(os, "fsync", counting)
    return count


def test_a_lab_in_a_temporary_folder_does_not_fsync(write_lab, fsyncs):
    lab = _build(write_lab)
    try:
        assert lab._tmp is not None and fsyncs[0] == 0
        store = lab.devices["R1"].db.store
        assert len(store.records) == 1 and store.text(0) is not None  # written all the same
        # No index either: it only spares the next opening of the store, and there is none.
        assert sorted(p.name for p in store.dir.iterdir()) == ["c000001.conf"]
    finally:
        lab.close()


def test_a_lab_with_a_state_directory_does(write_lab, tmp_path: Path, fsyncs):
    lab = _build(write_lab, tmp_path / "state")
    try:
        # Each device's commit: its file and the index, each fsynced with its directory.
        assert fsyncs[0] == 2 * 4
    finally:
        lab.close()


def test_the_factory_password_is_hashed_once_per_process(write_lab, monkeypatch):
    calls: list[str] = []
    real = device_module.sha512_crypt

    def counting(password: str, salt: str | None = None, rounds: int = 5000) -> str:
        calls.append(password)
        return real(password, salt, rounds)

    monkeypatch.setattr(device_module, "sha512_crypt", counting)
    device_module.factory_hash.cache_clear()
    texts = [device_module.factory_config(f"R{i}") for i in range(5)]
    assert len(calls) == 2  # root's and the lab user's, for every device
    assert all(f'encrypted-password "{device_module.factory_hash("lab", "lab123")}"' in t for t in texts)
    assert verify("lab123", device_module.factory_hash("root", "lab123"))
    assert verify("lab123", device_module.factory_hash("lab", "lab123"))


def test_every_node_of_a_big_lab_file_is_found_at_its_line(write_lab):
    hosts = "".join(f'[nodes.H{i}]\nkind = "host"\naddress = "10.{i // 250}.{i % 250}.1/8"\n\n' for i in range(400))
    text = hosts + '[nodes."Odd"]\nkind = "host"\nadress = "10.200.0.1/8"\n'
    with pytest.raises(LabFileError) as info:
        load_lab_file(write_lab(text))
    line = text[: text.index("adress")].count("\n") + 1
    assert any(f":{line}: unknown key 'adress'" in e for e in info.value.errors), info.value.errors
    bad = text.replace('address = "10.1.130.1/8"', 'address = "10.1.130.1/99"')
    with pytest.raises(LabFileError) as info:
        load_lab_file(write_lab(bad))
    line = bad[: bad.index("/99")].count("\n") + 1
    assert any(f":{line}: bad address" in e for e in info.value.errors), info.value.errors


def test_the_ssh_table_of_factory_devices_checks_the_lab_password_once(write_lab, tmp_path: Path, monkeypatch):
    from nos.net.ssh import access_table, lab_service
    from nos.runtime import passwords

    lab = build_lab(load_lab_file(write_lab(LAB.replace('config = "r1.conf"\n', ""))), scheduler=ManualScheduler())
    try:
        crypts: list[str] = []
        real = passwords.sha512_crypt
        monkeypatch.setattr(passwords, "sha512_crypt", lambda *a: crypts.append(a[0]) or real(*a))
        table = access_table(lab_service(list(lab.devices.items()), 0, tmp_path))
        assert len(crypts) == 1  # both devices hold the same factory hash
        assert all(row.endswith("(password lab123)") for row in table[1:])
    finally:
        lab.close()
