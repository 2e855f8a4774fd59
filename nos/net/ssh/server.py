"""SSH access to devices: asyncssh, run on Trio through trio-asyncio.

Each device listens on its own port of 127.0.0.1. Users log in with the
accounts of the device's active configuration (passwords or public keys);
each shell channel gets a CLI session whose input goes through the plain-text
line editor (nos/cli/stream.py), so automation clients see exactly what they
would see on a Junos device. A command given on the ssh command line (`ssh
host show version`) runs alone and the channel closes. A channel asking for
the `netconf` subsystem, or running `xml-mode netconf need-trailer`, gets a
NETCONF session (nos/net/netconf) instead of the CLI.

asyncssh calls back on the asyncio loop that trio-asyncio runs inside Trio, in
the same thread as the devices: a session's Trio task is started with
`run_trio_task`, and channel callbacks hand input straight to it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import asyncssh
import trio
import trio_asyncio

from nos import JUNOS_RELEASE
from nos.cli.editor import CTRL_C
from nos.cli.session import CliSession
from nos.cli.stream import StreamIO, run_stream
from nos.config.query import child, value
from nos.config.tree import Node
from nos.net.netconf import NetconfSession, is_netconf_command
from nos.net.ssh.hostkeys import load_or_create
from nos.runtime.accounts import Account, BadClass, accounts, authenticate, rights_for
from nos.runtime.device import Device


@dataclass(frozen=True)
class RetryOptions:
    """`[edit system login retry-options]`, with Junos's defaults."""

    tries_before_disconnect: int = 10
    backoff_threshold: int = 2
    backoff_factor: float = 5.0

    @classmethod
    def of(cls, root: Node) -> RetryOptions:
        node = child(child(child(root, "system"), "login"), "retry-options")
        return cls(
            int(value(node, "tries-before-disconnect") or cls.tries_before_disconnect),
            int(value(node, "backoff-threshold") or cls.backoff_threshold),
            float(value(node, "backoff-factor") or cls.backoff_factor),
        )

    def delay(self, failures: int) -> float:
        """Seconds to hold the answer to a failed login: nothing below the threshold, then
        `backoff-factor` more for each failure from it on."""
        return (
            (failures - self.backoff_threshold + 1) * self.backoff_factor if failures >= self.backoff_threshold else 0.0
        )


def root_login(root: Node) -> str:
    """`system services ssh root-login`: allow (the default here), deny, or deny-password (keys only)."""
    return value(child(child(child(root, "system"), "services"), "ssh"), "root-login") or "allow"


@dataclass
class Endpoint:
    """One device served on one port (0: any free port; the bound one is written back)."""

    device: Device
    port: int
    host: str = "127.0.0.1"
    name: str = ""
    logins: dict[str, tuple[float, str]] = field(default_factory=dict)  # user -> (time, host) of the last login


class SshService:
    """The listeners of a set of endpoints, and how long failed logins are held (real seconds)."""

    def __init__(self, endpoints: list[Endpoint], key_dir: Any, *, hold: Callable[[float], Any] | None = None):
        self.endpoints = endpoints
        self.key_dir = key_dir
        self.hold = hold or _hold_real  # failed logins wait in real time, whatever the lab clock does

    async def serve(self, task_status: Any = trio.TASK_STATUS_IGNORED) -> None:
        """Listen until cancelled; `started` reports once every endpoint's port is bound."""
        key = load_or_create(self.key_dir)
        async with trio_asyncio.open_loop():
            servers = []
            try:
                for endpoint in self.endpoints:
                    server = await trio_asyncio.aio_as_trio(asyncssh.create_server)(
                        lambda e=endpoint: _Connection(self, e),
                        endpoint.host,
                        endpoint.port,
                        server_host_keys=[key],
                        encoding="utf-8",
                        line_editor=False,
                        keepalive_interval=0,
                    )
                    endpoint.port = server.sockets[0].getsockname()[1]
                    servers.append(server)
                task_status.started(self.endpoints)
                await trio.sleep_forever()
            finally:
                for server in servers:
                    server.close()


class _VanishedClients(logging.Filter):
    """asyncio warns each time it writes to a socket whose peer has gone; for an SSH server whose
    clients may drop mid-output (scripts, Ctrl-C), that is not news."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != "socket.send() raised exception."


logging.getLogger("asyncio").addFilter(_VanishedClients())


async def _hold_real(seconds: float) -> None:
    await asyncio.get_running_loop().run_in_executor(None, time.sleep, seconds)


class _Connection(asyncssh.SSHServer):
    """One client connection: authentication, then the sessions it opens."""

    def __init__(self, service: SshService, endpoint: Endpoint):
        self.service = service
        self.endpoint = endpoint
        self.device = endpoint.device
        self.failures = 0
        self.peer = ("", 0)
        self.conn: asyncssh.SSHServerConnection | None = None

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self.conn = conn
        self.peer = conn.get_extra_info("peername")[:2]

    def _account(self, user: str) -> Account | None:
        return accounts(self.device.db.active_expanded).get(user)

    def begin_auth(self, username: str) -> bool:
        account = self._account(username)
        if account is not None and account.public_keys and self.conn is not None and self._may_log_in(username, False):
            self.conn.set_authorized_keys(asyncssh.import_authorized_keys("\n".join(account.public_keys) + "\n"))
        return True

    def password_auth_supported(self) -> bool:
        return True

    def public_key_auth_supported(self) -> bool:
        return True

    async def validate_password(self, username: str, password: str) -> bool:
        root = self.device.db.active_expanded
        if authenticate(root, username, password) is not None and self._may_log_in(username, True):
            return True
        self.failures += 1
        host, port = self.peer
        self.device.event("sshd", "SSHD_LOGIN_FAILED", f"Login failed for user '{username}' from host '{host}'")
        self.device.event("sshd", "", f"Failed password for {username} from {host} port {port} ssh2")
        retry = RetryOptions.of(root)
        delay = retry.delay(self.failures)
        if delay:
            await self.service.hold(delay)
        if self.failures >= retry.tries_before_disconnect and self.conn is not None:
            self.conn.disconnect(asyncssh.DISC_NO_MORE_AUTH_METHODS_AVAILABLE, "Too many authentication failures")
        return False

    def _may_log_in(self, username: str, by_password: bool) -> bool:
        """root-login and a usable login class, whichever way the user proves who they are."""
        if username == "root":
            mode = root_login(self.device.db.active_expanded)
            if mode == "deny" or (mode == "deny-password" and by_password):
                return False
        try:
            rights_for(self.device.db.active_expanded, username)
        except BadClass as exc:
            self.device.event("sshd", "SSHD_LOGIN_FAILED", f"Login class of user '{username}' is unusable: {exc}")
            return False
        return True

    def session_requested(self) -> asyncssh.SSHServerSession[str]:
        return _Session(self)


class _Session(asyncssh.SSHServerSession[str]):
    """One channel: a shell (the CLI) or a single command."""

    def __init__(self, connection: _Connection):
        self.connection = connection
        self.chan: asyncssh.SSHServerChannel[str] | None = None
        self.io: StreamIO | None = None
        self.terminal_type = "vt100"
        self.size = (80, 24)
        self.command: str | None = None
        self.cli: CliSession | None = None
        self.netconf: NetconfSession | None = None
        self.wants_netconf = False  # the `netconf` subsystem, or `xml-mode netconf need-trailer`
        self._held = ""  # input that came while virtual time was moving

    def connection_made(self, chan: asyncssh.SSHServerChannel[str]) -> None:
        self.chan = chan

    def pty_requested(self, term_type: str, term_size: tuple[int, int, int, int], term_modes: Any) -> bool:
        self.terminal_type = term_type or "vt100"
        self.size = (term_size[0] or 80, term_size[1] or 24)
        return True

    def shell_requested(self) -> bool:
        return True

    def exec_requested(self, command: str) -> bool:
        self.command = command
        self.wants_netconf = is_netconf_command(command)
        return True

    def subsystem_requested(self, subsystem: str) -> bool:
        self.wants_netconf = subsystem == "netconf"
        return self.wants_netconf

    def session_started(self) -> None:
        if self.wants_netconf:
            self._start_netconf()
            return
        self.io = StreamIO(self._send, self.terminal_type)
        asyncio.get_event_loop().run_trio_task(self._run)  # type: ignore[attr-defined]

    def data_received(self, data: str, datatype: Any) -> None:
        scheduler = self.connection.device.scheduler
        if getattr(scheduler, "advancing", False):  # virtual time is moving: the input waits (clock.py)
            if CTRL_C in data and self.io is not None:  # except Ctrl-C, which stops what moves it
                self._held, data = "", data.rsplit(CTRL_C, 1)[1]  # (and drops what was typed before)
                self.io.feed(CTRL_C)
            if not self._held and data:
                scheduler.after_advance(self._release)
            self._held += data
            return
        self._feed(data)

    def _feed(self, data: str) -> None:
        if self.netconf is not None:
            self.netconf.feed(data)
        elif self.io is not None:
            self.io.feed(data)

    def _release(self) -> None:
        held, self._held = self._held, ""
        if held:
            self._feed(held)

    def eof_received(self) -> bool:
        if self.io is not None:
            self.io.close()
        if self.netconf is not None:
            self.netconf.end()
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        if self.io is not None:
            self.io.close()
        if self.netconf is not None:
            self.netconf.end()

    def terminal_size_changed(self, width: int, height: int, pixwidth: int, pixheight: int) -> None:
        if self.cli is not None and width:  # the terminal was resized: page to its new size
            self.cli.screen_width = width
            if height and not self.cli.screen_length_fixed:
                self.cli.screen_length = height

    def _send(self, text: str) -> None:
        chan = self.chan
        if chan is not None and not chan.is_closing():
            chan.write(text)

    async def _run(self) -> None:
        """The CLI session of this channel, from banner to logout; never lets an error reach the loop."""
        assert self.io is not None and self.chan is not None
        conn = self.connection
        device = conn.device
        user = self.chan.get_extra_info("username")
        host, port = conn.peer
        status = 0
        try:
            session = CliSession(
                device,
                user,
                self.io,
                client="ssh",
                terminal=_free_terminal(device),
                origin=host,
                rights=rights_for(device.db.active_expanded, user),
            )
            self.cli = session
            session.screen_width = self.size[0]
            session.screen_length = self.size[1]
            device.event("mgd", "UI_LOGIN_EVENT", f"User '{user}' login, class '{session.rights.class_name}'")
            if self.command is not None:
                session.screen_length = 0
                await session.execute(self.command)
                session.close()
            else:
                self.io.write(self._banner(user, host))
                await run_stream(session, self.io)
            device.event("mgd", "UI_LOGOUT_EVENT", f"User '{user}' logout")
        except Exception as exc:  # a bug must end this session only, with a word to the user
            status = 1
            self._send(f"\r\nerror: internal error: {type(exc).__name__}: {exc}\r\n")
            device.event("mgd", "UI_INTERNAL_ERROR", f"session of '{user}' from {host} port {port} ended: {exc!r}")
        finally:
            if not self.chan.is_closing():
                self.chan.exit(status)

    def _start_netconf(self) -> None:
        """A NETCONF session on this channel, acting as the logged-in user, instead of the CLI."""
        assert self.chan is not None
        device = self.connection.device
        user = self.chan.get_extra_info("username")
        try:
            rights = rights_for(device.db.active_expanded, user)
        except BadClass:
            self.chan.exit(1)
            return
        self.netconf = NetconfSession(
            device,
            user,
            send=self._send,
            hang_up=lambda: None if self.chan is None or self.chan.is_closing() else self.chan.exit(0),
            rights=rights,
            terminal=_free_terminal(device),
            origin=self.connection.peer[0],
        )
        self.netconf.start()
        asyncio.get_event_loop().run_trio_task(self.netconf.run)  # type: ignore[attr-defined]

    def _banner(self, user: str, host: str) -> str:
        """What Junos prints after login: the login message, the last login, the release line."""
        endpoint = self.connection.endpoint
        device = endpoint.device
        lines = []
        message = value(child(child(device.db.active_expanded, "system"), "login"), "message")
        if message:
            lines.append(message)
        last = endpoint.logins.get(user)
        if last is not None:
            stamp = time.strftime("%a %b %d %H:%M:%S %Y", time.gmtime(last[0]))
            lines.append(f"Last login: {stamp} from {last[1]}")
        endpoint.logins[user] = (device.scheduler.epoch(), host)
        lines.append(f"--- JUNOS {JUNOS_RELEASE} built 2024-12-12 12:00:00 UTC")
        return "".join(line + "\n" for line in lines)


def _free_terminal(device: Device) -> str:
    """The lowest `pts/N` no session of the device holds."""
    taken = {getattr(s, "terminal", "") for s in device.sessions.values()}
    n = 0
    while f"pts/{n}" in taken:
        n += 1
    return f"pts/{n}"


__all__ = ["Endpoint", "RetryOptions", "SshService", "root_login"]
