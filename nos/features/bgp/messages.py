"""BGP messages as the lab carries them: the four of RFC 4271, with path attributes shared.

A message rides a TCP packet to port 179 (`Packet.payload`), walked through the
lab like any other, so cuts, loss and blackholes decide whether it arrives. An
UPDATE carries one set of path attributes and the destinations that share them,
as *keys*: `network << 6 | length`, one int per prefix, in any sequence (a
`range` for a generated feed, an `array` between devices). A million
destinations then cost one int each on the wire and in the Adj-RIB-In.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from nos.routing.prefix import Prefix

ORIGINS = ("I", "E", "?")  # IGP, EGP, incomplete, as `show route` prints them

# Prefixes in one UPDATE of 4,096 bytes: 23 bytes of header and lengths, some 40 of attributes,
# 4 bytes per /24. What the counters count; the lab carries a batch of updates in one packet.
PREFIXES_PER_UPDATE = 1000


def key_of(p: Prefix) -> int:
    return p[0] << 6 | p[1]


def prefix_of(key: int) -> Prefix:
    return (key >> 6, key & 63)


@dataclass(frozen=True)
class Attrs:
    """Path attributes. `as_path` is nearest AS first; `next_hop` an IPv4 address as an int."""

    next_hop: int
    as_path: tuple[int, ...] = ()
    origin: str = "I"
    med: int | None = None
    local_pref: int | None = None  # IBGP only
    communities: tuple[str, ...] = ()

    def path_text(self) -> str:
        """The AS path as `show route` prints it, origin last: `65001 65002 I`."""
        return " ".join([*(str(a) for a in self.as_path), self.origin])


@dataclass(frozen=True)
class Open:
    asn: int
    hold_time: int
    router_id: int


@dataclass(frozen=True)
class Keepalive:
    pass


@dataclass(frozen=True)
class Update:
    """Destinations reachable with `attrs`, and destinations withdrawn (keys, see the module doc)."""

    attrs: Attrs | None = None
    nlri: Sequence[int] = ()
    withdrawn: Sequence[int] = ()

    def messages(self) -> int:
        """How many UPDATE messages of 4 KB this batch is on the wire (at least one)."""
        n = len(self.nlri) + len(self.withdrawn)
        return max(1, -(-n // PREFIXES_PER_UPDATE))


@dataclass(frozen=True)
class Notification:
    """An error that closes the session: `code` as Junos names it (`Hold Timer Expired Error`, `Cease`)."""

    code: str
    subcode: str = ""


Message = Open | Keepalive | Update | Notification

__all__ = [
    "ORIGINS",
    "PREFIXES_PER_UPDATE",
    "Attrs",
    "Keepalive",
    "Message",
    "Notification",
    "Open",
    "Update",
    "key_of",
    "prefix_of",
]
