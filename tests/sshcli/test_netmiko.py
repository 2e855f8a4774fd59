"""netmiko's juniper_junos driver, unchanged, against a nos device over SSH."""

from __future__ import annotations

import pytest

netmiko = pytest.importorskip("netmiko")


@pytest.fixture
def conn(ssh_device):
    handle = netmiko.ConnectHandler(
        device_type="juniper_junos", host="127.0.0.1", port=ssh_device.port, username="lab", password="lab123"
    )
    yield handle
    handle.disconnect()


def test_connect_finds_the_base_prompt(conn):
    assert conn.base_prompt == "lab@sim1"
    assert conn.find_prompt() == "lab@sim1>"


def test_send_command(conn):
    version = conn.send_command("show version")
    assert "Hostname: sim1" in version
    assert "JUNOS Software Release [" in version
    route = conn.send_command("show route")
    assert "inet.0:" in route or route.strip() == ""
    config = conn.send_command("show configuration | display set")
    assert "set system host-name sim1" in config.splitlines()
    assert "lab@sim1" not in config  # the prompt is not part of the output


def test_config_set_and_commits(conn, ssh_device):
    out = conn.send_config_set(["set system host-name r1", "set interfaces ge-0/0/0 description uplink"])
    assert "syntax error" not in out and "unknown command" not in out
    assert "commit complete" in conn.commit()
    assert conn.find_prompt() == "lab@r1#"
    conn.send_config_set(["set interfaces ge-0/0/1 description second"], exit_config_mode=False)
    assert "commit complete" in conn.commit(comment="from netmiko")
    conn.exit_config_mode()
    history = conn.send_command("show system commit")
    assert history.splitlines()[0].endswith("by lab via cli")
    assert history.splitlines()[1].strip() == "from netmiko"
    conn.send_config_set(["set interfaces ge-0/0/2 description third"], exit_config_mode=False)
    out = conn.commit(and_quit=True)
    assert "commit complete" in out and "Exiting configuration mode" in out
    assert conn.check_config_mode() is False
    assert "description third;" in conn.send_command("show configuration interfaces ge-0/0/2")


def test_commit_confirmed_rolls_back_on_the_lab_clock(conn, ssh_device):
    conn.send_config_set(["set system host-name temporary"], exit_config_mode=False)
    out = conn.commit(confirm=True, confirm_delay=1)
    assert "commit confirmed will be automatically rolled back in 1 minutes unless confirmed" in out
    conn.exit_config_mode()
    conn.set_base_prompt()
    assert conn.base_prompt == "lab@temporary"
    conn.send_command("request lab wait 59", expect_string=r"Lab time")
    assert ssh_device.call(lambda: ssh_device.device.hostname) == "temporary"
    out = conn.send_command("request lab wait 1", expect_string=r"Lab time")
    assert "Commit was not confirmed; automatic rollback complete." in out
    assert ssh_device.call(lambda: ssh_device.device.hostname) == "sim1"
    assert ssh_device.call(lambda: ssh_device.scheduler.now()) == 60.0


def test_exit_config_mode_with_uncommitted_changes(conn, ssh_device):
    conn.config_mode()
    conn.send_command("set system host-name never", expect_string=r"#")
    out = conn.exit_config_mode()
    assert "Exit with uncommitted changes? [yes,no] (yes)" in out
    assert conn.check_config_mode() is False
    assert ssh_device.call(lambda: ssh_device.device.hostname) == "sim1"


def test_the_cli_command_after_login_is_unknown(ssh_device):
    """netmiko sends `cli` when it thinks it landed in a shell (root logins): it must get an error and a prompt."""
    handle = netmiko.ConnectHandler(
        device_type="juniper_junos", host="127.0.0.1", port=ssh_device.port, username="lab", password="lab123"
    )
    try:
        out = handle.send_command("cli", expect_string=r">")
        assert "unknown command." in out
    finally:
        handle.disconnect()
