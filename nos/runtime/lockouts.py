"""Users locked out after failed logins (`system login retry-options lockout-period`).

A device counts each user's failed logins in a row, whatever connection they
came on; when they reach `tries-before-disconnect` the user is locked out for
`lockout-period` minutes: every login is refused, a right password too, until
the period ends or `clear system login lockout` lifts it. A failure older than
the period is forgotten, and a login that succeeds starts the count again.
Time is the device's clock, so a lockout ends at an exact lab instant.

Only users the configuration knows are counted, so strangers guessing names
cannot grow the table. The device log gets one line when a lockout begins.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

from nos.runtime.device import Device


@dataclass(frozen=True)
class Lockout:
    user: str
    start: float  # device epoch seconds
    end: float


class Lockouts:
    """The failed-login counts and lockouts of one device."""

    def __init__(self, device: Device):
        self.device = device
        self._failures: dict[str, list[float]] = {}  # user -> times of failures in a row
        self._locked: dict[str, Lockout] = {}

    def _now(self) -> float:
        return self.device.scheduler.epoch()

    def locked(self, user: str) -> Lockout | None:
        """The user's lockout, while it lasts."""
        lock = self._locked.get(user)
        if lock is not None and self._now() >= lock.end:
            del self._locked[user]
            lock = None
        return lock

    def failed(self, user: str, tries: int, period_minutes: int | None) -> Lockout | None:
        """Count a failed login; the lockout it starts, if it is the last try allowed."""
        if not period_minutes:
            return None
        now = self._now()
        period = period_minutes * 60
        recent = [t for t in self._failures.get(user, []) if t > now - period] + [now]
        if len(recent) < tries:
            self._failures[user] = recent
            return None
        self._failures.pop(user, None)
        lock = self._locked[user] = Lockout(user, now, now + period)
        # [G] the tag is Junos's (libjnx locks accounts for sshd and login); the wording is not confirmed.
        self.device.event("sshd", "LIBJNX_LOGIN_ACCOUNT_LOCKED", f"Account for user '{user}' has been locked out")
        return lock

    def succeeded(self, user: str) -> None:
        self._failures.pop(user, None)

    def clear(self, user: str | None = None) -> list[str]:
        """Lift the lockout of `user` (None: everyone's); the users it was lifted from."""
        names = [user] if user is not None else list(self._locked)
        lifted = [name for name in names if self.locked(name) is not None]
        for name in lifted:
            del self._locked[name]
            self._failures.pop(name, None)
        return lifted

    def current(self) -> list[Lockout]:
        """Every lockout still running, by user name."""
        return [lock for name in sorted(self._locked) if (lock := self.locked(name)) is not None]


_BY_DEVICE: weakref.WeakKeyDictionary[Device, Lockouts] = weakref.WeakKeyDictionary()


def lockouts(device: Device) -> Lockouts:
    """The device's lockout table (made at first use)."""
    table = _BY_DEVICE.get(device)
    if table is None:
        table = _BY_DEVICE[device] = Lockouts(device)
    return table


__all__ = ["Lockout", "Lockouts", "lockouts"]
