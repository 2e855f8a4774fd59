"""scrapli's Junos driver, unchanged, against a nos device over SSH.

The scrapli installed here (2026.x, "scrapli 2") is the libscrapli rewrite: the
1.x `scrapli.driver.core.JunosDriver` is gone, and its place is taken by
`scrapli.Cli` loaded with the `juniper_junos` platform definition (the same
prompts, modes, on-open commands and failure strings, in YAML). The 1.x calls
map as: `send_command` -> `send_input`, `send_configs` -> `send_inputs(...,
requested_mode="configuration")`, `acquire_priv` -> `enter_mode`,
`stop_on_failed` -> `stop_on_indicated_failure`. scrapli 2 has no paramiko or
asyncssh transport: its transports are `bin` (the system OpenSSH,
/usr/bin/ssh, scrapli's default) and `ssh2` (libssh2, built in); every test
runs over both.

scrapli is driven as a non-root user (`lab`): a root configuration prompt
`root@host# ` also matches scrapli's root_shell mode.
"""

from __future__ import annotations

import shutil

import pytest

scrapli = pytest.importorskip("scrapli")

try:
    from scrapli import AuthOptions, Cli, SessionOptions, TransportBinOptions, TransportSsh2Options
except ImportError:  # scrapli 1.x: JunosDriver, a different API
    pytest.skip("these tests drive scrapli 2 (scrapli.Cli)", allow_module_level=True)

TRANSPORTS = [
    pytest.param(
        "bin",
        marks=pytest.mark.skipif(shutil.which("ssh") is None, reason="no OpenSSH client"),
        id="system",
    ),
    pytest.param("ssh2", id="ssh2"),
]


def new_cli(port: int, transport: str) -> Cli:
    """A scrapli Junos connection as the factory user `lab`, not yet opened."""
    options = TransportBinOptions(enable_strict_key=False) if transport == "bin" else TransportSsh2Options()
    return Cli(
        "127.0.0.1",
        port=port,
        definition_file_or_name="juniper_junos",
        auth_options=AuthOptions(username="lab", password="lab123"),
        transport_options=options,
        session_options=SessionOptions(operation_timeout_s=15),
    )


@pytest.fixture(params=TRANSPORTS)
def transport(request) -> str:  # type: ignore[no-untyped-def]
    return request.param


@pytest.fixture
def connect(ssh_device, transport):  # type: ignore[no-untyped-def]
    """Open scrapli connections to the device; all are closed at the end."""
    opened: list[Cli] = []

    def make() -> Cli:
        cli = new_cli(ssh_device.port, transport)
        cli.open()
        opened.append(cli)
        return cli

    yield make
    for cli in opened:
        cli.close()


@pytest.fixture
def conn(connect) -> Cli:  # type: ignore[no-untyped-def]
    return connect()


def sessions(ssh_device) -> list[tuple]:  # type: ignore[no-untyped-def]
    """(user, client, screen length, screen width, complete-on-space) of each session on the device."""

    def read() -> list[tuple]:
        return [
            (s.user, s.client, s.screen_length, s.screen_width, s.complete_on_space)
            for s in ssh_device.device.sessions.values()
        ]

    return ssh_device.call(read)


def commits(ssh_device) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return ssh_device.call(lambda: [(r.user, r.client) for r in ssh_device.device.db.store.records])


def test_open_runs_the_on_open_commands(ssh_device, transport):
    cli = new_cli(ssh_device.port, transport)
    opened = cli.open()
    try:
        assert not opened.failed
        text = opened.result
        for command, reply in [
            ("set cli screen-width 511", "Screen width set to 511"),
            ("set cli screen-length 0", "Screen length set to 0"),
            ("set cli complete-on-space off", "Disabling complete-on-space"),
        ]:
            assert f"lab@sim1> {command}\n{reply}\n" in text
        assert "---(more)---" not in text and "\x1b" not in text
        assert cli.get_prompt().result == "lab@sim1>"
        # The session on the device took them: no pager, the wide screen, Space is a plain character.
        assert sessions(ssh_device) == [("lab", "ssh", 0, 511, False)]
    finally:
        cli.close()


def test_send_command_show_version(conn):
    response = conn.send_input("show version")
    assert not response.failed
    assert response.result.splitlines()[:2] == ["Hostname: sim1", "Model: vsrx"]
    assert "JUNOS Software Release [" in response.result
    assert "lab@sim1" not in response.result  # neither the echo nor the prompt is part of the result
    config = conn.send_input("show configuration | display set")
    assert "set system host-name sim1" in config.result.splitlines()
    assert "set system login user lab class super-user" in config.result.splitlines()
    route = conn.send_input("show route")
    assert not route.failed and route.result.startswith("inet.0:")
    assert conn.get_prompt().result == "lab@sim1>"


def test_send_configs_and_commit(conn, ssh_device):
    response = conn.send_inputs(
        ["set system host-name r1", "set interfaces ge-0/0/0 description uplink", "commit"],
        requested_mode="configuration",
    )
    assert not response.failed
    assert "commit complete" in response.result
    assert ssh_device.call(lambda: ssh_device.device.hostname) == "r1"
    assert commits(ssh_device)[0] == ("lab", "ssh")
    assert len(commits(ssh_device)) == 2  # the factory configuration, then this commit
    conn.enter_mode("exec")
    assert conn.get_prompt().result == "lab@r1>"  # the prompt follows the new host name
    shown = conn.send_input("show configuration interfaces ge-0/0/0")
    assert "description uplink;" in shown.result
    history = conn.send_input("show system commit").result.splitlines()
    assert history[0].startswith("0   ") and history[0].endswith("by lab via ssh")


def test_configuration_exclusive_locks_out_other_sessions(connect, ssh_device):
    holder, other = connect(), connect()
    entered = holder.enter_mode("configuration_exclusive")
    assert "lab@sim1> configure exclusive\nEntering configuration mode\n" in entered.result
    assert holder.get_prompt().result == "lab@sim1#"
    assert not holder.send_input("set system host-name ex1", requested_mode="configuration_exclusive").failed

    refused = other.send_input("set interfaces ge-0/0/3 description other", requested_mode="configuration")
    terminal, pid = ssh_device.call(
        lambda: next((s.terminal, s.id) for s in ssh_device.device.sessions.values() if s.config_kind == "exclusive")
    )
    lines = refused.result.splitlines()
    assert lines[0] == "error: configuration database locked by:"
    assert lines[1].startswith(f"  lab terminal {terminal} (pid {pid})")
    # The refused change went nowhere: only the holder's change is pending.
    response = holder.send_inputs(["show | compare", "commit"], requested_mode="configuration_exclusive")
    assert "+   host-name ex1;" in response.result.splitlines()
    assert "ge-0/0/3" not in response.result
    assert "commit complete" in response.result
    holder.enter_mode("exec")
    assert holder.get_prompt().result == "lab@ex1>"
    assert ssh_device.call(lambda: ssh_device.device.hostname) == "ex1"

    # The lock went with the holder: the other session may edit (and commit) now.
    allowed = other.send_inputs(["set interfaces ge-0/0/3 description other", "commit"], requested_mode="configuration")
    assert not allowed.failed
    assert "locked" not in allowed.result and "commit complete" in allowed.result
    other.enter_mode("exec")
    assert "description other;" in other.send_input("show configuration interfaces ge-0/0/3").result


def test_the_lock_error_says_since_when(connect):
    holder, other = connect(), connect()
    holder.enter_mode("configuration_exclusive")
    refused = other.send_input("set system host-name x", requested_mode="configuration")
    assert " on since 20" in refused.result.splitlines()[1]
    assert "exclusive" in refused.result


def test_configuration_private(connect, ssh_device):
    private, shared = connect(), connect()
    entered = private.enter_mode("configuration_private")
    assert "lab@sim1> configure private\n" in entered.result
    assert "Entering configuration mode" in entered.result
    assert not private.send_input(
        "set system domain-name private.example", requested_mode="configuration_private"
    ).failed
    # A private candidate: a session editing the shared one does not see the change.
    assert shared.send_input("show | compare", requested_mode="configuration").result.strip() == "[edit]"
    shared.enter_mode("exec")
    response = private.send_input("commit", requested_mode="configuration_private")
    assert "commit complete" in response.result
    private.enter_mode("exec")
    assert private.get_prompt().result == "lab@sim1>"
    assert "set system domain-name private.example" in shared.send_input("show configuration | display set").result
    assert commits(ssh_device)[0] == ("lab", "ssh")


def test_failed_commands_are_detected(conn):
    unknown = conn.send_input("bogus")
    assert unknown.failed and unknown.result.splitlines() == [" " * 10 + "^", "unknown command."]
    # Junos: a bad word after a known command is a syntax error, not an unknown command.
    bad_show = conn.send_input("show bogus")
    assert bad_show.failed and bad_show.result.splitlines() == [" " * 15 + "^", "syntax error, expecting <command>."]
    ambiguous = conn.send_input("s")
    assert ambiguous.failed
    assert "'s' is ambiguous." in ambiguous.result.splitlines()
    assert "Possible completions:" in ambiguous.result.splitlines()
    missing = conn.send_input("show route table")
    assert missing.failed and "syntax error, expecting <value>." in missing.result
    bad_set = conn.send_input("set bogus thing", requested_mode="configuration")
    assert bad_set.failed and "syntax error." in bad_set.result
    assert not conn.send_input("show version").failed  # back to exec, and a good command is not failed
    assert conn.get_prompt().result == "lab@sim1>"


def test_stop_on_failed_rolls_back_and_exits(conn, ssh_device):
    before = commits(ssh_device)
    response = conn.send_inputs(
        ["set system host-name never", "set bogus line", "set system domain-name never.example", "commit"],
        requested_mode="configuration",
        stop_on_indicated_failure=True,
    )
    assert response.failed
    assert len(response.results_raw) == 2  # it stopped at the bad line: nothing after it was sent
    assert "syntax error." in response.result
    # scrapli 1.x's JunosDriver then aborts the configuration session: `rollback 0`, then a bare `exit`.
    assert "load complete" in conn.send_input("rollback 0", requested_mode="configuration").result
    assert "Exiting configuration mode" in conn.send_input("exit", requested_mode="configuration").result
    assert conn.get_prompt().result == "lab@sim1>"
    assert commits(ssh_device) == before
    assert ssh_device.call(lambda: ssh_device.device.hostname) == "sim1"
    assert ssh_device.call(lambda: ssh_device.device.db.changed(ssh_device.device.db.shared)) is False
    assert "never" not in conn.send_input("show configuration | display set").result
