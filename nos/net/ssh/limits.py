"""The login limits an SSH server reads from the configuration, with Junos's defaults.

`[edit system login retry-options]` governs password tries (backoff, disconnect,
lockout); `[edit system services ssh]` governs connections (how many at once, how
many new ones a minute, how many sessions in one) and root's logins. Each is read
from the active configuration when it is needed, so a commit applies at the next
connection or login attempt, as on Junos.

`Admission` keeps the connection counts of one device: open connections and
recent admissions per IP family (Junos counts IPv4 and IPv6 separately).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from nos.config.query import child, value
from nos.config.tree import Node

# OpenSSH (the sshd of Junos) refuses longer passwords without checking them (auth-passwd.c).
MAX_PASSWORD_BYTES = 1024
# The longest `system login user` name the grammar accepts: a longer one is nobody's.
MAX_USERNAME_CHARS = 64


def _int(node: Node | None, name: str) -> int | None:
    text = value(node, name)
    return int(text) if text else None


@dataclass(frozen=True)
class RetryOptions:
    """`[edit system login retry-options]`, with Junos's defaults.

    `minimum-time` holds a connection that used up its tries until that many seconds
    after it began; unset, the backoff alone decides (at the defaults it already
    holds longer). `lockout-period` (minutes) locks a user out of every connection
    once `tries-before-disconnect` attempts in a row have failed; unset, nobody is locked.
    """

    tries_before_disconnect: int = 10
    backoff_threshold: int = 2
    backoff_factor: float = 5.0
    minimum_time: int | None = None
    maximum_time: int = 120
    lockout_period: int | None = None

    @classmethod
    def of(cls, root: Node) -> RetryOptions:
        node = child(child(child(root, "system"), "login"), "retry-options")
        return cls(
            _int(node, "tries-before-disconnect") or cls.tries_before_disconnect,
            _int(node, "backoff-threshold") or cls.backoff_threshold,
            float(_int(node, "backoff-factor") or cls.backoff_factor),
            _int(node, "minimum-time"),
            _int(node, "maximum-time") or cls.maximum_time,
            _int(node, "lockout-period"),
        )

    def delay(self, failures: int) -> float:
        """Seconds to hold the answer to a failed login: nothing below the threshold, then
        `backoff-factor` more for each failure from it on."""
        return (
            (failures - self.backoff_threshold + 1) * self.backoff_factor if failures >= self.backoff_threshold else 0.0
        )


@dataclass(frozen=True)
class SshOptions:
    """`[edit system services ssh]`: root's logins and the connection limits (Junos defaults)."""

    root_login: str = "allow"  # allow, deny, or deny-password (keys only)
    connection_limit: int = 75  # simultaneous connections, per IP family
    rate_limit: int = 150  # new connections a minute, per IP family
    max_sessions_per_connection: int = 10  # channels (shells, commands, NETCONF) on one connection

    @classmethod
    def of(cls, root: Node) -> SshOptions:
        node = child(child(child(root, "system"), "services"), "ssh")
        return cls(
            value(node, "root-login") or cls.root_login,
            _int(node, "connection-limit") or cls.connection_limit,
            _int(node, "rate-limit") or cls.rate_limit,
            _int(node, "max-sessions-per-connection") or cls.max_sessions_per_connection,
        )


def root_login(root: Node) -> str:
    """`system services ssh root-login`: allow (the default here), deny, or deny-password (keys only)."""
    return SshOptions.of(root).root_login


@dataclass
class _Family:
    open: int = 0
    admitted: deque[float] = field(default_factory=deque)  # when recent connections were let in
    refusing: str = ""  # the limit that refused the last attempt (its log line is written)


@dataclass(frozen=True)
class Refusal:
    limit: str  # connection-limit or rate-limit
    first: bool  # the first refusal since a connection last got in: the one the log tells


class Admission:
    """Which new connections a device lets in: at most `connection-limit` open and `rate-limit`
    let in within any 60 seconds, per IP family. Refusals are logged once until the limit lets
    a connection in again (or, for connection-limit, one closes), so a flood writes one line."""

    def __init__(self) -> None:
        self._families: dict[str, _Family] = {}

    def admit(self, family: str, now: float, options: SshOptions) -> Refusal | None:
        """Count a connection in (None), or say which limit refuses it."""
        state = self._families.setdefault(family, _Family())
        while state.admitted and state.admitted[0] <= now - 60:
            state.admitted.popleft()
        if state.open >= options.connection_limit:
            limit = "connection-limit"
        elif len(state.admitted) >= options.rate_limit:
            limit = "rate-limit"
        else:
            state.open += 1
            state.admitted.append(now)
            state.refusing = ""
            return None
        first, state.refusing = state.refusing != limit, limit
        return Refusal(limit, first)

    def release(self, family: str) -> None:
        """A connection that was let in has closed."""
        state = self._families.get(family)
        if state is not None and state.open:
            state.open -= 1
            if state.refusing == "connection-limit":
                state.refusing = ""

    def open_connections(self, family: str) -> int:
        state = self._families.get(family)
        return state.open if state is not None else 0


__all__ = [
    "MAX_PASSWORD_BYTES",
    "MAX_USERNAME_CHARS",
    "Admission",
    "Refusal",
    "RetryOptions",
    "SshOptions",
    "root_login",
]
