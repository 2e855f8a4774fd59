"""Login limits over real SSH clients (issue 9, point 4): retry-options with lockouts on the lab
clock, connection-limit, rate-limit, max-sessions-per-connection, root-login, bounded
pre-authentication input, and the one log line each refusal writes.

The device runs on the virtual clock (tests/served.py): a lockout ends at an exact lab
instant, moved with `request lab wait`. What concerns real clients is timed in real
seconds by the server's `RealTime` (nos/net/ssh/realtime.py); the tests give it a
`ManualRealTime` they move by hand, and failed logins are held by a recording stub.
"""

from __future__ import annotations

import asyncio
import socket
import time

import asyncssh
import paramiko
import pytest
from sshclient import Shell

from nos.config.tree import Node
from nos.net.ssh import server as ssh_server
from nos.net.ssh.limits import RetryOptions, SshOptions
from nos.net.ssh.realtime import RealTime, RealTimer
from nos.runtime.lockouts import lockouts
from nos.runtime.passwords import sha512_crypt

ADMIN_HASH = sha512_crypt("admin-pw", "saltsaltsaltsalt")
VIEWER_HASH = sha512_crypt("viewer-pw", "pepperpepperpepp")
ROOT_KEY = asyncssh.generate_private_key("ssh-ed25519")


def config(login: str = "", ssh: str = "", root_key: bool = False) -> str:
    """Two users and root, with `login` added to `system login` and `ssh` to `system services ssh`."""
    key = f'ssh-ed25519 "{ROOT_KEY.export_public_key().decode().strip()}";' if root_key else ""
    return f"""
system {{
    host-name sim1;
    root-authentication {{ encrypted-password "{ADMIN_HASH}"; {key} }}
    services {{ ssh {{ {ssh} }} }}
    login {{
        {login}
        user admin {{ uid 2001; class super-user; authentication {{ encrypted-password "{ADMIN_HASH}"; }} }}
        user viewer {{ uid 2002; class read-only; authentication {{ encrypted-password "{VIEWER_HASH}"; }} }}
    }}
}}
"""


class ManualRealTime:
    """The SSH server's wall clock, moved by the test (`advance` runs on the server's thread)."""

    def __init__(self) -> None:
        self.t = 0.0
        self.timers: list[tuple[float, RealTimer]] = []

    def now(self) -> float:
        return self.t

    def call_later(self, seconds: float, callback) -> RealTimer:  # type: ignore[no-untyped-def]
        timer = RealTimer(callback, asyncio.get_running_loop())
        self.timers.append((self.t + seconds, timer))
        return timer

    async def sleep(self, seconds: float) -> None:
        raise AssertionError("failed logins are held by the test's stub")

    def close(self) -> None:
        pass

    def advance(self, seconds: float) -> None:
        self.t += seconds
        due = [timer for deadline, timer in self.timers if deadline <= self.t]
        self.timers = [(deadline, timer) for deadline, timer in self.timers if deadline > self.t]
        for timer in due:
            if not timer.cancelled and timer.loop is not None:
                timer.loop.call_soon_threadsafe(timer.callback)


def served(serve, text: str):  # type: ignore[no-untyped-def]
    """A device with `text` as its configuration, a manual wall clock and failed logins held by a stub."""
    held: list[float] = []

    async def hold(seconds: float) -> None:
        held.append(seconds)

    device = serve(text, hold=hold)
    device.held = held
    device.realtime = ManualRealTime()
    device.service.realtime = device.realtime
    return device


def log(device) -> list[str]:  # type: ignore[no-untyped-def]
    return device.call(
        lambda: [f"{e.process}: {e.tag + ': ' if e.tag else ''}{e.message}" for e in device.device.log.events]
    )


def refused(port: int, user: str, password: str) -> None:
    with pytest.raises(paramiko.AuthenticationException):
        Shell(port, user, password)


async def connect(port: int, user: str = "admin", password: str = "admin-pw") -> asyncssh.SSHClientConnection:
    return await asyncssh.connect(
        "127.0.0.1", port, username=user, password=password, known_hosts=None, client_keys=None,
        preferred_auth="password",
    )  # fmt: skip


def until(check, what: str, seconds: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    """Wait for the server's thread to catch up with a client that has hung up (no fixed sleep)."""
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, what
        time.sleep(0.01)


# -- retry-options: lockout-period across connections, on the lab clock ---------------------------------


def test_a_user_is_locked_out_across_connections_until_the_exact_lab_instant(serve):
    device = served(serve, config("retry-options { tries-before-disconnect 3; lockout-period 2; }"))
    for _ in range(3):  # three connections, one wrong password each: the count is the user's, not the connection's
        refused(device.port, "viewer", "wrong")
    refused(device.port, "viewer", "viewer-pw")  # locked out: the right password is refused too
    admin = Shell(device.port, "admin", "admin-pw")  # other users are not
    out = admin.run("show system login lockout")
    assert "viewer               2026-01-01 00:00:00 UTC    2026-01-01 00:02:00 UTC" in out
    admin.run("request lab wait 119")
    refused(device.port, "viewer", "viewer-pw")  # 00:01:59: still locked
    admin.run("request lab wait 1")
    Shell(device.port, "viewer", "viewer-pw").close()  # 00:02:00: the lockout is over
    assert "viewer " not in admin.run("show system login lockout")
    admin.close()
    lines = log(device)
    assert lines.count("sshd: LIBJNX_LOGIN_ACCOUNT_LOCKED: Account for user 'viewer' has been locked out") == 1
    # One line per failure, none per attempt refused while locked (the lockout's line says it all).
    assert sum("Login failed for user 'viewer'" in line for line in lines) == 3


def test_a_locked_out_user_is_refused_with_a_key_too(serve):
    device = served(serve, config("retry-options { tries-before-disconnect 2; lockout-period 5; }", root_key=True))
    for _ in range(2):
        refused(device.port, "root", "wrong")

    async def with_key() -> None:
        with pytest.raises(asyncssh.PermissionDenied):
            await asyncssh.connect(
                "127.0.0.1", device.port, username="root", client_keys=[ROOT_KEY], known_hosts=None,
                preferred_auth="publickey",
            )  # fmt: skip

    asyncio.run(with_key())


def test_a_successful_login_starts_the_count_again(serve):
    device = served(serve, config("retry-options { tries-before-disconnect 3; lockout-period 2; }"))
    refused(device.port, "viewer", "wrong")
    refused(device.port, "viewer", "wrong")
    Shell(device.port, "viewer", "viewer-pw").close()
    refused(device.port, "viewer", "wrong")
    refused(device.port, "viewer", "wrong")
    Shell(device.port, "viewer", "viewer-pw").close()  # two in a row since the last success: not locked


def test_without_a_lockout_period_nobody_is_locked_out(serve):
    device = served(serve, config("retry-options { tries-before-disconnect 2; }"))
    for _ in range(4):
        refused(device.port, "viewer", "wrong")
    Shell(device.port, "viewer", "viewer-pw").close()


def test_clear_system_login_lockout(serve):
    device = served(serve, config("retry-options { tries-before-disconnect 2; lockout-period 30; }"))
    for user in ("viewer", "viewer", "root", "root"):
        refused(device.port, user, "wrong")
    admin = Shell(device.port, "admin", "admin-pw")
    out = admin.run("show system login lockout")
    assert out.splitlines()[1:4] == [
        "User                 Lockout start              Lockout end",
        "root                 2026-01-01 00:00:00 UTC    2026-01-01 00:30:00 UTC",
        "viewer               2026-01-01 00:00:00 UTC    2026-01-01 00:30:00 UTC",
    ]
    assert "root " not in admin.run("show system login lockout user viewer")
    assert "syntax error, expecting <user> or all." in admin.run("clear system login lockout")
    admin.run("clear system login lockout user viewer")
    Shell(device.port, "viewer", "viewer-pw").close()
    refused(device.port, "root", "admin-pw")
    admin.run("clear system login lockout all")
    Shell(device.port, "root", "admin-pw").close()
    admin.close()


def test_strangers_names_are_not_kept(serve):
    device = served(serve, config("retry-options { tries-before-disconnect 2; lockout-period 30; }"))
    for n in range(5):
        refused(device.port, f"nobody{n}", "wrong")
        refused(device.port, f"nobody{n}", "wrong")
    table = device.call(lambda: lockouts(device.device))
    assert device.call(table.current) == [] and device.call(lambda: table._failures) == {}


# -- retry-options on one connection: backoff, tries-before-disconnect, minimum-time, maximum-time --------


class Guesser(asyncssh.SSHClient):
    """Keeps guessing on one connection, as a password-guessing script would."""

    tried: list[str]

    def password_auth_requested(self) -> str:
        self.tried.append(f"guess{len(self.tried)}")
        return self.tried[-1]


def guess_until_disconnected(port: int, user: str = "viewer") -> list[str]:
    tried: list[str] = []

    class Client(Guesser):
        pass

    Client.tried = tried

    async def attack() -> None:
        with pytest.raises(asyncssh.DisconnectError) as raised:
            await asyncssh.connect(
                "127.0.0.1", port, username=user, client_factory=Client, known_hosts=None, client_keys=None,
                preferred_auth="password",
            )  # fmt: skip
        assert raised.value.code == asyncssh.DISC_NO_MORE_AUTH_METHODS_AVAILABLE

    asyncio.run(attack())
    return tried


def test_the_last_try_logs_the_threshold_once_and_minimum_time_holds_the_connection(serve):
    device = served(serve, config("retry-options { tries-before-disconnect 2; minimum-time 20; }"))
    assert guess_until_disconnected(device.port) == ["guess0", "guess1"]
    # The 2nd failure is held 5 s (backoff-threshold 2, factor 5), then the connection is kept until
    # 20 s after it began (the test's wall clock stands still at 0).
    assert device.held == [5.0, 20.0]
    threshold = "sshd: SSHD_LOGIN_ATTEMPTS_THRESHOLD: Threshold for unsuccessful authentication attempts (2) reached by user 'viewer'"
    assert log(device).count(threshold) == 1


def test_maximum_time_hangs_up_on_a_silent_client_in_real_seconds_not_lab_time(serve):
    device = served(serve, config("retry-options { maximum-time 30; }"))
    admission = device.service.endpoints[0].admission
    idle = socket.create_connection(("127.0.0.1", device.port), timeout=10)
    assert idle.recv(256).startswith(b"SSH-2.0-")  # the server's banner; the client says nothing back
    until(lambda: device.call(admission.open_connections, "inet") == 1, "the connection was not counted")
    admin = Shell(device.port, "admin", "admin-pw")
    admin.run("request lab wait 600")  # lab time is not the client's time
    device.call(device.realtime.advance, 29)
    assert device.call(admission.open_connections, "inet") == 2
    device.call(device.realtime.advance, 1)
    while idle.recv(65536):  # the server hangs up (a hang would time out: the socket waits 10 s at most)
        pass
    until(lambda: device.call(admission.open_connections, "inet") == 1, "the silent client was not hung up on")
    port = idle.getsockname()[1]
    assert f"sshd: fatal: Timeout before authentication for 127.0.0.1 port {port}" in log(device)
    idle.close()
    admin.close()


# -- pre-authentication input is bounded -----------------------------------------------------------------


def test_a_long_password_is_refused_unread_and_counted(serve, monkeypatch):
    device = served(serve, config("retry-options { tries-before-disconnect 2; lockout-period 1; }"))
    checked: list[int] = []
    real = ssh_server.authenticate

    def spy(root, user, password):  # type: ignore[no-untyped-def]
        checked.append(len(password))  # (a long one is not passed on: its hash would not end)
        return real(root, user, password) if len(password) <= 1024 else None

    monkeypatch.setattr(ssh_server, "authenticate", spy)

    async def attempt(password: str) -> float:
        start = time.monotonic()
        with pytest.raises((asyncssh.PermissionDenied, asyncssh.ProtocolError)):
            await asyncio.wait_for(connect(device.port, "viewer", password), 30)
        return time.monotonic() - start

    # 200 kB reaches the password check: refused without hashing (sha512-crypt's work grows with the
    # square of the length: this one would not end). 1 MB is over SSH's packet size: the connection ends.
    took = [asyncio.run(attempt("x" * 200_000)), asyncio.run(attempt("é" * 600)), asyncio.run(attempt("x" * 1_000_000))]
    assert max(took) < 10, took
    assert checked == []  # neither the 200 kB one nor 1200 bytes of é reached the hash
    refused(device.port, "viewer", "viewer-pw")  # the two long ones counted: viewer is locked out
    assert sum("Failed password for viewer" in line for line in log(device)) == 2


def test_user_names_are_bounded_before_they_reach_the_log(serve):
    device = served(serve, config())
    refused(device.port, "evil" + "x" * 900, "wrong")  # a name no account can have: clipped in the log
    line = next(line for line in log(device) if line.startswith("sshd: Failed password for evil"))
    assert line.startswith("sshd: Failed password for evil" + "x" * 60 + "... from 127.0.0.1 port ")
    # Longer than 1 kB, or with control characters (a forged log line): the SSH layer refuses them unread.
    for name in ("x" * 100_000, "evil\nJan  1 00:00:00 sim1 mgd: UI_COMMIT: forged"):
        refused(device.port, name, "wrong")
    assert len(log(device)) == 2 and not any("forged" in line for line in log(device))


# -- services ssh: connection-limit, rate-limit, max-sessions-per-connection -----------------------------


def test_connection_limit_refuses_with_a_reason_and_logs_once(serve):
    device = served(serve, config(ssh="connection-limit 2;"))
    admission = device.service.endpoints[0].admission
    first, second = Shell(device.port, "admin", "admin-pw"), Shell(device.port, "viewer", "viewer-pw")

    async def third() -> asyncssh.DisconnectError:
        with pytest.raises(asyncssh.DisconnectError) as raised:
            await connect(device.port)
        return raised.value

    for _ in range(3):
        error = asyncio.run(third())
        assert error.code == asyncssh.DISC_TOO_MANY_CONNECTIONS  # asyncssh adds " (error 12)" to the reason
        assert error.reason.startswith("Too many connections (connection-limit 2)")
    assert log(device).count("inetd: ssh from 127.0.0.1 exceeded counts (limit 2)") == 1
    second.close()
    until(lambda: device.call(admission.open_connections, "inet") == 1, "the closed connection was not released")
    Shell(device.port, "viewer", "viewer-pw").close()  # a place came free
    first.close()


def test_rate_limit_counts_new_connections_per_real_minute(serve):
    device = served(serve, config(ssh="rate-limit 3;"))

    async def attempt() -> None:
        async with await connect(device.port):
            pass

    for _ in range(3):
        asyncio.run(attempt())
    device.call(device.realtime.advance, 59)
    for _ in range(2):
        with pytest.raises(asyncssh.DisconnectError) as raised:
            asyncio.run(attempt())
        assert raised.value.code == asyncssh.DISC_TOO_MANY_CONNECTIONS
        assert raised.value.reason.startswith("Too many new connections (rate-limit 3 per minute)")
    device.call(device.realtime.advance, 1)  # a minute after the first three
    asyncio.run(attempt())
    assert log(device).count("inetd: ssh from 127.0.0.1 exceeded counts/min (limit 3/min)") == 1


def test_max_sessions_per_connection_refuses_the_extra_channel(serve):
    device = served(serve, config(ssh="max-sessions-per-connection 2;"))

    async def main() -> None:
        async with await connect(device.port) as conn:
            shells = [await conn.create_process(term_type="vt100") for _ in range(2)]
            for _ in range(2):
                with pytest.raises(asyncssh.ChannelOpenError) as raised:
                    await conn.create_process(term_type="vt100")
                assert (raised.value.code, raised.value.reason) == (
                    asyncssh.OPEN_ADMINISTRATIVELY_PROHIBITED,
                    "open failed",
                )
            shells[0].stdin.write("exit\n")
            await shells[0].wait_closed()
            result = await conn.run("show version")  # the freed place takes a new session
            assert "Hostname: sim1" in result.stdout and result.exit_status == 0

    asyncio.run(main())
    assert log(device).count("sshd: error: no more sessions") == 1


# -- root-login ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mode", "password_in", "key_in"),
    [("allow", True, True), ("deny-password", False, True), ("deny", False, False)],
)
def test_root_login_for_passwords_and_keys(serve, mode, password_in, key_in):
    device = served(serve, config(ssh=f"root-login {mode};", root_key=True))

    async def login(**how) -> bool:  # type: ignore[no-untyped-def]
        try:
            conn = await asyncssh.connect("127.0.0.1", device.port, username="root", known_hosts=None, **how)
        except asyncssh.PermissionDenied:
            return False
        conn.close()
        return True

    assert asyncio.run(login(password="admin-pw", client_keys=None, preferred_auth="password")) is password_in
    assert asyncio.run(login(client_keys=[ROOT_KEY], preferred_auth="publickey")) is key_in


# -- the defaults and the wall clock -----------------------------------------------------------------------


def test_junos_defaults(schema):
    empty = Node(schema.root)
    retry, ssh = RetryOptions.of(empty), SshOptions.of(empty)
    assert (retry.tries_before_disconnect, retry.backoff_threshold, retry.backoff_factor) == (10, 2, 5.0)
    assert (retry.maximum_time, retry.minimum_time, retry.lockout_period) == (120, None, None)
    assert (ssh.root_login, ssh.connection_limit, ssh.rate_limit, ssh.max_sessions_per_connection) == (
        "allow", 75, 150, 10,
    )  # fmt: skip


def test_real_time_calls_back_on_the_loop_that_armed_it():
    clock = RealTime()

    async def main() -> list[str]:
        fired: list[str] = []
        loop = asyncio.get_running_loop()
        clock.call_later(0.02, lambda: fired.append("late" if asyncio.get_running_loop() is loop else "elsewhere"))
        clock.call_later(0.01, lambda: fired.append("early")).cancel()
        start = clock.now()
        await clock.sleep(0.05)
        assert clock.now() - start >= 0.05
        return fired

    try:
        assert asyncio.run(main()) == ["late"]
    finally:
        clock.close()
