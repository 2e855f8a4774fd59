"""scrapli's JunosDriver, unchanged, against a nos device over SSH.

This is the scrapli 1 API (`scrapli.driver.core.JunosDriver`: `open`,
`send_command`, `send_configs`, `acquire_priv`, `response.failed`) that
automation scripts written against SRXs use; scrapli 2 (2026.x, the libscrapli
rewrite) removed it, so pyproject.toml pins scrapli below 2026.

Every test runs over each of scrapli 1's SSH transports:
- `system`: the system OpenSSH client (/usr/bin/ssh), scrapli's default;
  skipped where there is no `ssh`;
- `paramiko`;
- `ssh2`: libssh2 through ssh2-python (the `scrapli[ssh2]` extra); skipped
  where ssh2-python is not installed;
- `asyncssh`: an asyncio transport, so it is driven by scrapli's
  `AsyncJunosDriver` (the same privilege levels, on-open commands, failure
  strings and abort) on a private event loop; scrapli 1 has it built in, no
  plugin package is needed.
Not covered: scrapli's telnet transports (nos serves SSH only).

scrapli is driven as a non-root user (`lab`): a root configuration prompt
`root@host# ` also matches scrapli's root_shell privilege level.
"""

from __future__ import annotations

import asyncio
import importlib.util
import inspect
import io
import re
import shutil
from typing import Any

import pytest

pytest.importorskip("scrapli")

# scrapli 1; scrapli 2 has no JunosDriver, and this import failing says the pin in pyproject.toml was not honoured.
from scrapli.driver.core import AsyncJunosDriver, JunosDriver

TRANSPORTS = [
    pytest.param(
        "system",
        marks=pytest.mark.skipif(shutil.which("ssh") is None, reason="no OpenSSH client"),
        id="system",
    ),
    pytest.param("paramiko", id="paramiko"),
    pytest.param(
        "ssh2",
        marks=pytest.mark.skipif(importlib.util.find_spec("ssh2") is None, reason="ssh2-python is not installed"),
        id="ssh2",
    ),
    pytest.param("asyncssh", id="asyncssh"),
]


class AsyncAsSync:
    """An AsyncJunosDriver used like a JunosDriver: each of its coroutine methods runs to completion on a private loop."""

    def __init__(self, driver: AsyncJunosDriver) -> None:
        self._driver = driver
        self._loop = asyncio.new_event_loop()

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._driver, name)
        if inspect.iscoroutinefunction(value):
            return lambda *args, **kwargs: self._loop.run_until_complete(value(*args, **kwargs))
        return value

    def close(self) -> None:
        try:
            self._loop.run_until_complete(self._driver.close())
        finally:
            self._loop.close()


class Connection:
    """A scrapli Junos connection as the factory user `lab`, with scrapli's channel log (what it read) kept."""

    def __init__(self, port: int, transport: str) -> None:
        self.log = io.BytesIO()
        options = dict(
            host="127.0.0.1",
            port=port,
            auth_username="lab",
            auth_password="lab123",
            auth_strict_key=False,
            transport=transport,
            timeout_ops=15,
            channel_log=self.log,
        )
        self.driver: Any = (
            AsyncAsSync(AsyncJunosDriver(**options)) if transport == "asyncssh" else JunosDriver(**options)
        )

    def __getattr__(self, name: str) -> Any:
        return getattr(self.driver, name)

    def transcript(self) -> str:
        """Everything the device sent so far, as scrapli read it (it drops carriage returns)."""
        return self.log.getvalue().decode()


@pytest.fixture(params=TRANSPORTS)
def transport(request) -> str:  # type: ignore[no-untyped-def]
    return request.param


@pytest.fixture
def connect(ssh_device, transport):  # type: ignore[no-untyped-def]
    """Open scrapli connections to the device; all are closed at the end."""
    opened: list[Connection] = []

    def make() -> Connection:
        conn = Connection(ssh_device.port, transport)
        conn.open()
        opened.append(conn)
        return conn

    yield make
    for conn in opened:
        conn.close()


@pytest.fixture
def conn(connect) -> Connection:  # type: ignore[no-untyped-def]
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


def shared_candidate_changed(ssh_device) -> bool:  # type: ignore[no-untyped-def]
    return ssh_device.call(lambda: ssh_device.device.db.changed(ssh_device.device.db.shared))


def test_open_runs_the_on_open_commands(conn, ssh_device):
    text = conn.transcript()
    # scrapli 1's junos_on_open, in its order, each answered by the device.
    replies = [
        "lab@sim1> set cli screen-length 0\nScreen length set to 0\n",
        "lab@sim1> set cli screen-width 511\nScreen width set to 511\n",
        "lab@sim1> set cli complete-on-space off\nDisabling complete-on-space\n",
    ]
    positions = [text.find(reply) for reply in replies]
    assert -1 not in positions, text
    assert positions == sorted(positions)
    assert text.endswith("\nlab@sim1> ")
    assert "---(more)---" not in text and "\x1b" not in text
    assert conn.get_prompt() == "lab@sim1>"
    # The session on the device took them: no pager, the wide screen, Space is a plain character.
    assert sessions(ssh_device) == [("lab", "ssh", 0, 511, False)]


def test_send_command_show_version(conn):
    response = conn.send_command("show version")
    assert not response.failed
    assert response.result.splitlines()[:2] == ["Hostname: sim1", "Model: vSRX"]
    assert "JUNOS Software Release [" in response.result
    assert "lab@sim1" not in response.result  # neither the echo nor the prompt is part of the result
    assert "show version" not in response.result
    config = conn.send_command("show configuration | display set")
    assert not config.failed
    assert "set system host-name sim1" in config.result.splitlines()
    assert "set system login user lab class super-user" in config.result.splitlines()
    assert "lab@sim1" not in config.result
    route = conn.send_command("show route")
    assert not route.failed and route.result.startswith("inet.0:")
    assert conn.get_prompt() == "lab@sim1>"


def test_send_configs_and_commit(conn, ssh_device):
    response = conn.send_configs(["set system host-name r1", "set interfaces ge-0/0/0 description uplink", "commit"])
    assert not response.failed
    assert [r.channel_input for r in response] == [
        "set system host-name r1",
        "set interfaces ge-0/0/0 description uplink",
        "commit",
    ]
    assert response[-1].result.splitlines()[0] == "commit complete"
    assert ssh_device.call(lambda: ssh_device.device.hostname) == "r1"
    assert commits(ssh_device)[0] == ("lab", "cli")
    assert len(commits(ssh_device)) == 2  # the factory configuration, then this commit
    assert conn.get_prompt() == "lab@r1#"  # the prompt follows the new host name at once
    conn.acquire_priv("exec")
    assert "lab@r1# exit configuration-mode\nExiting configuration mode\n" in conn.transcript()
    assert conn.get_prompt() == "lab@r1>"
    shown = conn.send_command("show configuration interfaces ge-0/0/0")
    assert "description uplink;" in shown.result
    history = conn.send_command("show system commit").result.splitlines()
    assert history[0].startswith("0   ") and history[0].endswith("by lab via cli")


def test_configuration_exclusive_locks_out_other_sessions(connect, ssh_device):
    holder, other = connect(), connect()
    holder.acquire_priv("configuration_exclusive")
    assert "lab@sim1> configure exclusive\nEntering configuration mode\n" in holder.transcript()
    assert holder.get_prompt() == "lab@sim1#"
    assert not holder.send_config("set system host-name ex1", privilege_level="configuration_exclusive").failed

    refused = other.send_configs(["set interfaces ge-0/0/3 description other"])
    terminal, pid = ssh_device.call(
        lambda: next((s.terminal, s.id) for s in ssh_device.device.sessions.values() if s.config_kind == "exclusive")
    )
    assert re.fullmatch(r"pts/\d+", terminal) and isinstance(pid, int)
    lines = refused[0].result.splitlines()
    assert lines[0] == "error: configuration database locked by:"
    # The lab's virtual clock has not moved: the holder is on since the lab's start, idle for no time.
    assert re.fullmatch(
        rf"  lab terminal {terminal} \(pid {pid}\) on since 2026-01-01 00:00:00 UTC, idle \d\d:\d\d:\d\d", lines[1]
    ), lines[1]
    assert lines[2] == "      exclusive [edit]"
    # As on Junos, scrapli's failure strings do not include the lock error: the response is not failed.
    assert not refused.failed

    # The refused change went nowhere: only the holder's change is pending.
    response = holder.send_configs(["show | compare", "commit"], privilege_level="configuration_exclusive")
    assert "+   host-name ex1;" in response[0].result.splitlines()
    assert "ge-0/0/3" not in response[0].result
    assert response[1].result.splitlines()[0] == "commit complete"
    holder.acquire_priv("exec")
    assert holder.get_prompt() == "lab@ex1>"
    assert ssh_device.call(lambda: ssh_device.device.hostname) == "ex1"

    # The lock went with the holder: the other session may edit (and commit) now.
    allowed = other.send_configs(["set interfaces ge-0/0/3 description other", "commit"])
    assert not allowed.failed
    assert "locked" not in allowed.result and "commit complete" in allowed[1].result
    other.acquire_priv("exec")
    assert "description other;" in other.send_command("show configuration interfaces ge-0/0/3").result


def test_configuration_private(connect, ssh_device):
    private, shared = connect(), connect()
    private.acquire_priv("configuration_private")
    assert "lab@sim1> configure private\n" in private.transcript()
    assert "Entering configuration mode" in private.transcript()
    assert private.get_prompt() == "lab@sim1#"
    assert not private.send_configs(
        ["set system domain-name private.example"], privilege_level="configuration_private"
    ).failed
    # A private candidate: the shared one is untouched, and a session editing it does not see the change.
    assert shared_candidate_changed(ssh_device) is False
    assert shared.send_configs(["show | compare"])[0].result.strip() == "[edit]"
    shared.acquire_priv("exec")
    response = private.send_configs(["commit"], privilege_level="configuration_private")
    assert not response.failed
    assert response[0].result.splitlines()[0] == "commit complete"
    private.acquire_priv("exec")
    assert private.get_prompt() == "lab@sim1>"
    assert "set system domain-name private.example" in shared.send_command("show configuration | display set").result
    assert commits(ssh_device)[0] == ("lab", "cli")


def test_failed_commands_are_detected(conn):
    unknown = conn.send_command("bogus")
    assert unknown.failed and unknown.result.splitlines() == [" " * 10 + "^", "unknown command."]
    # Junos: a bad word after a known command is a syntax error, not an unknown command.
    bad_show = conn.send_command("show bogus")
    assert bad_show.failed and bad_show.result.splitlines() == [" " * 15 + "^", "syntax error, expecting <command>."]
    ambiguous = conn.send_command("s")
    assert ambiguous.failed
    assert "'s' is ambiguous." in ambiguous.result.splitlines()
    assert "Possible completions:" in ambiguous.result.splitlines()
    missing = conn.send_command("show route table")
    assert missing.failed and "syntax error, expecting <value>." in missing.result
    bad_set = conn.send_config("set bogus thing")
    assert bad_set.failed and "syntax error." in bad_set.result
    bad_sets = conn.send_configs(["set bogus thing", "show | compare"])
    assert bad_sets.failed and [r.failed for r in bad_sets] == [True, False]  # the batch fails on any failed line
    assert not conn.send_command("show version").failed  # back to exec, and a good command is not failed
    assert conn.get_prompt() == "lab@sim1>"


def test_stop_on_failed_rolls_back_and_exits(conn, ssh_device):
    before = commits(ssh_device)
    response = conn.send_configs(
        ["set system host-name never", "set bogus line", "set system domain-name never.example", "commit"],
        stop_on_failed=True,
    )
    assert response.failed
    # It stopped at the bad line: nothing after it was sent.
    assert [r.channel_input for r in response] == ["set system host-name never", "set bogus line"]
    assert "syntax error." in response[1].result
    # JunosDriver then aborts the configuration session: `rollback 0`, then a bare `exit` at [edit],
    # which leaves configuration mode (nothing is left to commit, so Junos asks nothing).
    assert (
        "lab@sim1# rollback 0\nload complete\n\n[edit]\nlab@sim1# exit\nExiting configuration mode\n\nlab@sim1> "
        in conn.transcript()
    )
    assert "never.example" not in conn.transcript()
    assert conn.get_prompt() == "lab@sim1>"
    assert commits(ssh_device) == before
    assert ssh_device.call(lambda: ssh_device.device.hostname) == "sim1"
    assert shared_candidate_changed(ssh_device) is False
    shown = conn.send_command("show configuration | display set")
    assert not shown.failed and "never" not in shown.result
