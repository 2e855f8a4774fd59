"""`commit at <time>`: when a scheduled commit is due, in the device's own time zone.

Junos reads the time on the device's clock and in its configured time zone
(`system time-zone`, UTC when none), and accepts `reboot`, `hh:mm[:ss]` (today,
before midnight) or `yyyy-mm-dd hh:mm[:ss]`, at least a minute ahead
(semantics.md 7.2; the commit and junos-xml-protocol committing-at-time
pages). `yyyy-mm-dd.hh:mm[:ss]`, the form other Junos time arguments take, is
accepted too. Times are printed as the commit history prints them
(`2017-09-12 21:30:55 GMT-7`, `2024-10-07 19:00:00 UTC` in the captures).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from nos.config.tree import Leaf, Node
from nos.runtime.clock import Timer

MIN_AHEAD = 60.0  # seconds: "must be more than 1 minute later than the current time on the device"

# [G] Junos's wording of these is not in any capture or page we have.
PENDING = "error: commit at is pending; use 'clear system commit' to cancel it"
NOT_AHEAD = "error: commit at time must be at least 1 minute in the future"
NONE_PENDING = "error: no commit is pending"
CLEARED = "Pending commit cleared"  # a secondary source's transcript (not a capture)

_AT = re.compile(r"(?:(\d{4})-(\d{1,2})-(\d{1,2})[ .])?(\d{1,2}):(\d{2})(?::(\d{2}))?")
_GMT = re.compile(r"GMT([+-])(\d{1,2})(?::?(\d{2}))?")


class AtTimeError(Exception):
    """A time `commit at` cannot take; the message is the error line to print."""


@dataclass
class ScheduledCommit:
    """A checked configuration waiting for its time (`at` None: the device's next start)."""

    root: Node
    user: str
    client: str
    comment: str | None
    at: float | None
    timer: Timer | None = None


def invalid(text: str) -> str:
    return f"error: invalid time specification: {text}"  # [G] wording


def zone_named(name: str | None) -> tzinfo:
    """The zone `system time-zone NAME` names. `GMT+N` counts as POSIX does (Junos's
    time-zone page): hours *behind* UTC, printed as configured; unknown names are UTC."""
    if not name or name.upper() in ("UTC", "GMT"):
        return UTC
    gmt = _GMT.fullmatch(name)
    if gmt:
        sign = -1 if gmt.group(1) == "+" else 1
        offset = timedelta(hours=int(gmt.group(2)), minutes=int(gmt.group(3) or 0))
        try:
            return timezone(sign * offset, name)
        except ValueError:  # beyond a day either way
            return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def device_zone(root: Node) -> tzinfo:
    """The time zone of (expanded) configuration `root`."""
    system = root.children.get("system")
    leaf = system.children.get("time-zone") if isinstance(system, Node) else None
    value = leaf.value if isinstance(leaf, Leaf) else None
    return zone_named(value if isinstance(value, str) else None)


def local_time(epoch: float, zone: tzinfo) -> str:
    """`2017-09-12 21:30:55 GMT-7`: the commit history's form, in `zone`."""
    moment = datetime.fromtimestamp(int(epoch), zone)
    return f"{moment:%Y-%m-%d %H:%M:%S} {moment.tzname()}"


def ctime(epoch: float, zone: tzinfo) -> str:
    """`Tue May  7 15:59:00 2002`: the form of a pending commit in `show system commit`."""
    moment = datetime.fromtimestamp(int(epoch), zone)
    return f"{moment:%a %b} {moment.day:2d} {moment:%H:%M:%S %Y}"


def parse_at(text: str, now: float, zone: tzinfo) -> float | None:
    """The epoch `text` names (None: `reboot`), at least MIN_AHEAD after `now`. Raises AtTimeError."""
    spec = text.strip()
    if spec == "reboot":
        return None
    m = _AT.fullmatch(spec)
    if m is None:
        raise AtTimeError(invalid(text))
    year, month, day, hour, minute, second = (int(g) if g else None for g in m.groups())
    if year is None:
        today = datetime.fromtimestamp(now, zone)
        year, month, day = today.year, today.month, today.day
    try:
        moment = datetime(year, month, day, hour, minute, second or 0, tzinfo=zone)  # type: ignore[arg-type]
    except ValueError:
        raise AtTimeError(invalid(text)) from None
    when = moment.timestamp()
    if when - now < MIN_AHEAD:
        raise AtTimeError(NOT_AHEAD)
    return when


def announce(when: float | None, zone: tzinfo) -> str:
    """The line that tells when the commit will run."""
    return f"commit at will be executed at {'reboot' if when is None else local_time(when, zone)}"  # reboot: [G]


__all__ = [
    "CLEARED",
    "NONE_PENDING",
    "NOT_AHEAD",
    "PENDING",
    "AtTimeError",
    "ScheduledCommit",
    "announce",
    "ctime",
    "device_zone",
    "local_time",
    "parse_at",
    "zone_named",
]
