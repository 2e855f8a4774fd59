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

The login limits of the configuration are enforced here (limits.py): password
tries, backoff and lockouts (`system login retry-options`), root's logins and
the connection limits (`system services ssh`). A refusal reaches the client as
a disconnect with a reason or a refused channel, and the device log as one line
per event. Channel input that is not UTF-8 is replaced (U+FFFD), never fatal.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
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
from nos.net.netconf import NetconfSession, is_netconf_command
from nos.net.ssh.hostkeys import load_or_create
from nos.net.ssh.limits import (
    MAX_PASSWORD_BYTES,
    MAX_USERNAME_CHARS,
    Admission,
    RetryOptions,
    SshOptions,
    root_login,
)
from nos.net.ssh.realtime import RealTime, RealTimer
from nos.runtime.accounts import BadClass, accounts, authenticate, rights_for
from nos.runtime.device import Device
from nos.runtime.lockouts import lockouts

MAX_HELD_CHARS = 1 << 20  # input held while virtual time moves, before the channel stops reading


@dataclass
class Endpoint:
    """One device served on one port (0: any free port; the bound one is written back)."""

    device: Device
    port: int
    host: str = "127.0.0.1"
    name: str = ""
    logins: dict[str, tuple[float, str]] = field(default_factory=dict)  # user -> (time, host) of the last login
    admission: Admission = field(default_factory=Admission)  # connection-limit and rate-limit counts


class SshService:
    """The listeners of a set of endpoints, and the wall clock their logins are timed on.

    `realtime` times logins and connection rates in real seconds (tests pass one they move by
    hand); `hold` is how a failed login is held back (by default, a real-time sleep)."""

    def __init__(
        self,
        endpoints: list[Endpoint],
        key_dir: Any,
        *,
        hold: Callable[[float], Awaitable[None]] | None = None,
        realtime: RealTime | None = None,
    ):
        self.endpoints = endpoints
        self.key_dir = key_dir
        self.realtime = realtime or RealTime()
        self.hold = hold or self.realtime.sleep  # failed logins wait in real time, whatever the lab clock does

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
                        errors="replace",  # a byte that is not UTF-8 becomes U+FFFD, not a dropped connection
                        line_editor=False,
                        keepalive_interval=0,
                        login_timeout=0,  # `retry-options maximum-time`, in real seconds (_Connection)
                    )
                    endpoint.port = server.sockets[0].getsockname()[1]
                    servers.append(server)
                task_status.started(self.endpoints)
                await trio.sleep_forever()
            finally:
                for server in servers:
                    server.close()
                self.realtime.close()


class _VanishedClients(logging.Filter):
    """asyncio warns each time it writes to a socket whose peer has gone; for an SSH server whose
    clients may drop mid-output (scripts, Ctrl-C), that is not news."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != "socket.send() raised exception."


logging.getLogger("asyncio").addFilter(_VanishedClients())


def _shown(username: str) -> str:
    """A user name as the log shows it: printable, and no longer than any real one."""
    clipped = username[:MAX_USERNAME_CHARS]
    text = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in clipped)
    return text + ("..." if len(username) > MAX_USERNAME_CHARS else "")


def _readable(password: str) -> bool:
    """Is the password short enough to check? A longer one than sshd accepts is wrong unread:
    hashing megabytes (sha512-crypt's work grows with the square of the length) stalls every session."""
    return len(password) <= MAX_PASSWORD_BYTES and len(password.encode()) <= MAX_PASSWORD_BYTES


class _Connection(asyncssh.SSHServer):
    """One client connection: admission, authentication, then the sessions it opens."""

    def __init__(self, service: SshService, endpoint: Endpoint):
        self.service = service
        self.endpoint = endpoint
        self.device = endpoint.device
        self.failures = 0  # failed passwords on this connection (backoff, tries-before-disconnect)
        self.peer = ("", 0)
        self.family = "inet"
        self.conn: asyncssh.SSHServerConnection | None = None
        self.refused: str | None = None  # the limit that keeps this connection out, told at its first login request
        self.admitted = False
        self.authenticated = False
        self.started = 0.0  # real seconds
        self.sessions: set[_Session] = set()
        self._login_timer: RealTimer | None = None
        self._key_rights: dict[str, asyncssh.SSHAuthorizedKeys | None] = {}  # user -> keys allowed, checked once
        self._no_more_sessions_logged = False

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self.conn = conn
        self.peer = conn.get_extra_info("peername")[:2]
        self.family = "inet6" if ":" in self.peer[0] else "inet"
        root = self.device.db.active_expanded
        options = SshOptions.of(root)
        realtime = self.service.realtime
        self.started = realtime.now()
        refusal = self.endpoint.admission.admit(self.family, self.started, options)
        if refusal is None:
            self.admitted = True
        else:
            self.refused = refusal.limit
            if refusal.first:
                self._log_refusal(options)
        self._login_timer = realtime.call_later(RetryOptions.of(root).maximum_time, self._login_timed_out)

    def _log_refusal(self, options: SshOptions) -> None:
        host = self.peer[0]
        if self.refused == "rate-limit":  # inetd's line (Junos starts sshd from inetd)
            self.device.event("inetd", "", f"ssh from {host} exceeded counts/min (limit {options.rate_limit}/min)")
        else:  # [G] inetd's line for too many at once; Junos's own wording is not confirmed
            self.device.event("inetd", "", f"ssh from {host} exceeded counts (limit {options.connection_limit})")

    def connection_lost(self, exc: Exception | None) -> None:
        if self._login_timer is not None:
            self._login_timer.cancel()
        if self.admitted:
            self.admitted = False
            self.endpoint.admission.release(self.family)

    def _login_timed_out(self) -> None:
        """`retry-options maximum-time` passed (real seconds) without a login: hang up."""
        if self.authenticated or self.conn is None:
            return
        if self.refused is None:
            host, port = self.peer
            self.device.event("sshd", "", f"fatal: Timeout before authentication for {host} port {port}")  # OpenSSH
        self.conn.disconnect(asyncssh.DISC_BY_APPLICATION, "Login timeout expired")

    def begin_auth(self, username: str) -> bool:
        if self.refused is not None and self.conn is not None:
            # [G] Junos closes such a connection without a word; nos says which limit refused it.
            options = SshOptions.of(self.device.db.active_expanded)
            reason = (
                f"Too many new connections (rate-limit {options.rate_limit} per minute)"
                if self.refused == "rate-limit"
                else f"Too many connections (connection-limit {options.connection_limit})"
            )
            self.conn.disconnect(asyncssh.DISC_TOO_MANY_CONNECTIONS, reason)
        return True

    def auth_completed(self) -> None:
        self.authenticated = True
        if self._login_timer is not None:
            self._login_timer.cancel()
        if self.conn is not None:
            lockouts(self.device).succeeded(self.conn.get_extra_info("username"))

    def password_auth_supported(self) -> bool:
        return True

    def public_key_auth_supported(self) -> bool:
        return True

    def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        """A key of the user's `authentication`, if root-login, the class and no lockout allow it."""
        if self.refused is not None or lockouts(self.device).locked(username) is not None:
            return False
        account = accounts(self.device.db.active_expanded).get(username)
        if account is None or not account.public_keys:
            return False
        if username not in self._key_rights:  # asked twice per key (offer, then signature): checked once
            keys = "".join(line + "\n" for line in account.public_keys)
            allowed = self._may_log_in(username, False)
            self._key_rights[username] = asyncssh.import_authorized_keys(keys) if allowed else None
        authorized = self._key_rights[username]
        return authorized is not None and authorized.validate(key, self.peer[0], self.peer[0]) is not None

    async def validate_password(self, username: str, password: str) -> bool:
        if self.refused is not None:
            return False
        root = self.device.db.active_expanded
        retry = RetryOptions.of(root)
        table = lockouts(self.device)
        if table.locked(username) is None:  # a locked-out user is refused unheard (logged when the lockout began)
            if _readable(password) and authenticate(root, username, password) and self._may_log_in(username, True):
                return True
            host, port = self.peer
            shown = _shown(username)
            self.device.event("sshd", "SSHD_LOGIN_FAILED", f"Login failed for user '{shown}' from host '{host}'")
            self.device.event("sshd", "", f"Failed password for {shown} from {host} port {port} ssh2")
            if username in accounts(root):  # strangers' names are not kept
                table.failed(username, retry.tries_before_disconnect, retry.lockout_period)
        self.failures += 1
        delay = retry.delay(self.failures)
        if delay:
            await self.service.hold(delay)
        if self.failures >= retry.tries_before_disconnect and self.conn is not None:
            self.device.event(
                "sshd",
                "SSHD_LOGIN_ATTEMPTS_THRESHOLD",
                f"Threshold for unsuccessful authentication attempts ({retry.tries_before_disconnect}) "
                f"reached by user '{_shown(username)}'",
            )
            if retry.minimum_time:  # the connection stays up at least this long after it began
                remaining = self.started + retry.minimum_time - self.service.realtime.now()
                if remaining > 0:
                    await self.service.hold(remaining)
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
        """A new channel, while the connection has fewer than `max-sessions-per-connection`."""
        limit = SshOptions.of(self.device.db.active_expanded).max_sessions_per_connection
        if len(self.sessions) >= limit:
            if not self._no_more_sessions_logged:  # once per connection, however often it asks
                self._no_more_sessions_logged = True
                self.device.event("sshd", "", "error: no more sessions")  # OpenSSH's line at MaxSessions
            # What OpenSSH answers at MaxSessions ("open failed: administratively prohibited: open failed").
            raise asyncssh.ChannelOpenError(asyncssh.OPEN_ADMINISTRATIVELY_PROHIBITED, "open failed")
        session = _Session(self)
        self.sessions.add(session)
        return session


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
        self._held: list[str] = []  # input that came while virtual time was moving
        self._held_chars = 0

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
        self.io.pause_input = self._pause_input
        asyncio.get_event_loop().run_trio_task(self._run)  # type: ignore[attr-defined]

    # -- flow control: a client that sends faster than the session handles, or reads slower than it
    # writes, is held back; the process never grows to hold what it sent or what it has not read.

    def _pause_input(self, paused: bool) -> None:
        if self.chan is not None and not self.chan.is_closing():
            (self.chan.pause_reading if paused else self.chan.resume_reading)()

    def pause_writing(self) -> None:
        if self.io is not None:
            self.io.set_writable(False)
        if self.netconf is not None:  # its requests wait in the client (no Ctrl-C to watch for there)
            self.netconf.set_writable(False)
            self._pause_input(True)

    def resume_writing(self) -> None:
        if self.io is not None:
            self.io.set_writable(True)
        if self.netconf is not None:
            self.netconf.set_writable(True)
            self._pause_input(False)

    def data_received(self, data: str, datatype: Any) -> None:
        scheduler = self.connection.device.scheduler
        if getattr(scheduler, "advancing", False):  # virtual time is moving: the input waits (clock.py)
            if CTRL_C in data and self.io is not None:  # except Ctrl-C, which stops what moves it
                self._held, self._held_chars = [], 0  # (and drops what was typed before)
                data = data.rsplit(CTRL_C, 1)[1]
                self.io.feed(CTRL_C)
            if not self._held and data:
                scheduler.after_advance(self._release)
            if data:
                self._held.append(data)
                self._held_chars += len(data)
                if self._held_chars > MAX_HELD_CHARS:  # the client waits for the clock, not our memory
                    self._pause_input(True)
            return
        self._feed(data)

    def _feed(self, data: str) -> None:
        if self.netconf is not None:
            self.netconf.feed(data)
        elif self.io is not None:
            self.io.feed(data)

    def _release(self) -> None:
        held, paused = "".join(self._held), self._held_chars > MAX_HELD_CHARS
        self._held, self._held_chars = [], 0
        if held:
            self._feed(held)
        if paused:
            self._pause_input(False)

    def eof_received(self) -> bool:
        if self.io is not None:
            self.io.close()
        if self.netconf is not None:
            self.netconf.end()
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self._end()
        if self.io is not None:
            self.io.close()
        if self.netconf is not None:
            self.netconf.end()

    def _end(self) -> None:
        """The session is over: its place under `max-sessions-per-connection` is free (as soon as the
        server ends it, before the client's close comes back, so a client may open the next at once)."""
        self.connection.sessions.discard(self)

    def _exit(self, status: int) -> None:
        self._end()
        if self.chan is not None and not self.chan.is_closing():
            self.chan.exit(status)

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
            if self.command is not None:  # `ssh host COMMAND`: its exit status says whether it failed
                session.screen_length = 0
                await session.execute(self.command)
                status = 1 if session.last_failed else 0
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
            self._exit(status)

    def _start_netconf(self) -> None:
        """A NETCONF session on this channel, acting as the logged-in user, instead of the CLI."""
        assert self.chan is not None
        device = self.connection.device
        user = self.chan.get_extra_info("username")
        try:
            rights = rights_for(device.db.active_expanded, user)
        except BadClass:
            self._exit(1)
            return
        self.netconf = NetconfSession(
            device,
            user,
            send=self._send,
            hang_up=lambda: self._exit(0),
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


__all__ = ["Endpoint", "RetryOptions", "SshOptions", "SshService", "root_login"]
