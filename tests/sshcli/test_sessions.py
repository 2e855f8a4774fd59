"""Several people on one device at once, each over their own SSH session."""

from __future__ import annotations

import pytest
from sshclient import Shell


@pytest.fixture
def two(ssh_device):
    first, second = Shell(ssh_device.port, "lab", "lab123"), Shell(ssh_device.port, "lab", "lab123")
    yield first, second
    first.close()
    second.close()


def test_configure_warns_about_the_other_editors(two):
    first, second = two
    first.run("configure")
    first.run("edit interfaces")
    out = second.run("configure")
    assert "Entering configuration mode\r\nUsers currently editing the configuration:\r\n" in out
    assert "  lab terminal pts/0 (pid 1) on since 2026-01-01 00:00:00 UTC\r\n      [edit interfaces]\r\n" in out


def test_configure_exclusive_locks_out_the_shared_editors(two):
    first, second = two
    first.run("configure exclusive")
    second.run("configure")
    out = second.run("set system host-name other")
    assert "error: configuration database locked by:\r\n  lab terminal pts/0 (pid 1)" in out
    assert "error: configuration database locked by" in second.run("commit")
    assert "Exiting configuration mode" in first.run("exit")
    assert "error" not in second.run("set system host-name other")


def test_a_shared_commit_takes_everyones_changes(two, ssh_device):
    first, second = two
    first.run("configure")
    second.run("configure")
    second.run("set interfaces ge-0/0/5 description from-second")
    first.run("set system host-name shared")
    assert "commit complete" in first.run("commit")
    assert "description from-second;" in second.run("run show configuration interfaces ge-0/0/5")


def test_private_candidates_merge_at_commit(two, ssh_device):
    first, second = two
    first.run("configure private")
    second.run("configure private")
    first.run("set interfaces ge-0/0/1 description one")
    second.run("set interfaces ge-0/0/2 description two")
    assert "commit complete" in first.run("commit")
    assert "commit complete" in second.run("commit")
    out = second.run("run show configuration interfaces")
    assert "description one;" in out and "description two;" in out


def test_show_system_users_and_logout(two, ssh_device):
    first, second = two
    out = first.run("show system users")
    rows = [line for line in out.splitlines() if line.startswith("lab ")]
    assert [row.split()[1] for row in rows] == ["pts/0", "pts/1"]
    assert all("127.0.0.1" in row for row in rows)
    first.run("request system logout pid 2")
    assert second.read_to_end() == "\r\nSession terminated by request.\r\n"
    assert second.chan.recv_exit_status() == 0
    assert ssh_device.call(lambda: len(ssh_device.device.sessions)) == 1
