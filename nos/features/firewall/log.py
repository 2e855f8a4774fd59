"""What `then log` and `then syslog` leave behind: the firewall log and PFE_FW_SYSLOG_IP messages.

`log` keeps a summary of the packet's header in a cyclic buffer of the packet
forwarding engine (`show firewall log`): when it is full the oldest entry goes,
and a restart empties it. `syslog` sends the same summary to the system log, as
the PFE's `fpc0 PFE_FW_SYSLOG_IP: FW: ge-0/0/0.0   A icmp SRC DST SPORT DPORT
(N packets)` line (each packet its own line here: the PFE's one-second batching
of identical packets is not modelled).

A note is taken when the lab's packet walk counts the packet (see `Note`): at the
instant the packet crosses the device, on the lab clock (the walk takes no time).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from nos.lab.packet import Packet, ipv4_text

CAPACITY = 1024  # [G] entries the PFE's buffer holds before the oldest is overwritten
ACTIONS = {"accept": "A", "discard": "D", "reject": "R"}


@dataclass(frozen=True)
class Record:
    """One packet as a filter saw it."""

    filter: str  # the filter's name
    action: str  # accept | discard | reject: what the filter did with the packet
    interface: str  # the unit the filter is applied to
    protocol: str  # icmp, tcp, udp ...
    src: int
    dst: int
    sport: int
    dport: int
    length: int  # bytes

    @staticmethod
    def of(packet: Packet, filter_name: str, action: str, interface: str) -> Record:
        ports = packet.proto in ("tcp", "udp")
        return Record(
            filter_name, action, interface, packet.proto, packet.src, packet.dst,
            packet.sport if ports else 0, packet.dport if ports else 0, packet.size,
        )  # fmt: skip

    @property
    def letter(self) -> str:
        """The action as `show firewall log` and the syslog line print it: A, D or R."""
        return ACTIONS.get(self.action, "A")

    def address(self, source: bool) -> str:
        """`192.0.2.1:1024` (`show firewall log detail`): the port only for TCP and UDP."""
        addr, port = (self.src, self.sport) if source else (self.dst, self.dport)
        return f"{ipv4_text(addr)}:{port}" if self.protocol in ("tcp", "udp") else ipv4_text(addr)


@dataclass(frozen=True)
class Entry:
    time: float  # device epoch seconds
    record: Record


class FirewallLog:
    """The PFE's log buffer: the newest `capacity` entries."""

    def __init__(self, capacity: int = CAPACITY):
        self.entries: deque[Entry] = deque(maxlen=capacity)

    def add(self, when: float, record: Record) -> None:
        self.entries.append(Entry(when, record))

    def newest_first(self, interface: str | None = None) -> list[Entry]:
        """The entries, newest first (as `show firewall log` lists them), of one interface when asked:
        a unit (`ge-0/0/1.0`) or every unit of a port (`ge-0/0/1`)."""
        found = reversed(self.entries)
        if interface:
            found = (e for e in found if interface in (e.record.interface, _port(e.record.interface)))
        return list(found)

    def clear(self) -> None:
        self.entries.clear()


def _port(unit: str) -> str:
    return unit.rsplit(".", 1)[0]


def syslog_text(record: Record) -> str:
    """The message of a PFE_FW_SYSLOG_IP event: `FW: ge-0/0/1.0    A icmp 10.0.0.2 8.8.8.8     0     0
    (1 packets)` (interface padded to 12, protocol right-aligned in 4, ports in 5; ICMP has no ports)."""
    return (
        f"FW: {record.interface:<12} {record.letter} {record.protocol:>4} {ipv4_text(record.src)}"
        f" {ipv4_text(record.dst)} {record.sport:5} {record.dport:5} (1 packets)"
    )


class Note:
    """A `counted` step of a verdict (lab/packet.py) that logs a packet when the walk counts it. Its
    verdict is `stateful`, so the lab walks each such packet when it goes by rather than count a
    batch of replays later: each entry carries its own time."""

    __slots__ = ("log", "record", "sink", "syslog")

    def __init__(self, sink, record: Record, log: bool, syslog: bool):  # type: ignore[no-untyped-def]
        self.sink = sink  # Firewall.note
        self.record = record
        self.log = log
        self.syslog = syslog

    def __call__(self, size: int, packets: int = 1) -> None:
        for _ in range(packets):
            self.sink(self.record, self.log, self.syslog)


__all__ = ["ACTIONS", "CAPACITY", "Entry", "FirewallLog", "Note", "Record", "syslog_text"]
