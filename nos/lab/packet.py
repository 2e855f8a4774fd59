"""Packets and what a node does with one: the contract between the lab's packet walk and its nodes.

A lab node (a nos device, a host, a piece of the Internet) receives a packet on
one of its ports and answers with a `Verdict`: send it out of a port, keep it
(it is addressed to the node), drop it, or answer with a packet of its own (an
echo reply, an ICMP error). The walk (walk.py) carries packets across links,
adding latency and applying loss, until each packet is kept or lost.

Addresses are IPv4 as ints; `ipv4_text` prints them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Protocol

ECHO_REQUEST = "echo-request"
ECHO_REPLY = "echo-reply"
TIME_EXCEEDED = "time-exceeded"
UNREACHABLE = "unreachable"  # `code` says which: net, host, port, admin...


@dataclass(frozen=True)
class Packet:
    src: int
    dst: int
    proto: str = "icmp"  # icmp | udp | tcp
    ttl: int = 64
    icmp: str | None = None  # ECHO_REQUEST, ECHO_REPLY, TIME_EXCEEDED, UNREACHABLE (proto icmp)
    code: str = ""  # for UNREACHABLE: "net", "host", "port", "admin"
    sport: int = 0
    dport: int = 0
    size: int = 64  # bytes on the wire (ping: 56 data + 8 header)
    ident: int = 0  # echo id / probe id, carried into replies and errors
    seq: int = 0
    inner: Packet | None = None  # the packet an ICMP error is about
    instance: str | None = None  # routing instance chosen when the packet was originated (ping routing-instance)
    via: int = 0  # originated packets: leave through this gateway, not the route lookup's (RPM next-hop)
    out_interface: str | None = None  # originated packets: leave by this interface (RPM destination-interface)
    # What a TCP or UDP packet carries for the program listening at its destination port (a BGP
    # message): handed to the node's listener when the packet arrives; never part of its identity.
    payload: object = field(default=None, compare=False, repr=False)

    def evolve(self, **changes: object) -> Packet:
        return replace(self, **changes)  # type: ignore[arg-type]


Counted = tuple[Callable[[int, int], None], int]  # (add(bytes, packets) to a counter, bytes)


@dataclass(frozen=True)
class Verdict:
    """What a node does with a packet it received (or one it originates)."""

    action: str  # "forward" | "keep" | "drop" | "answer"
    port: str | None = None  # forward: the physical port to send it out of; answer: the port the answer
    #                          leaves from (None: the walk routes it with the node's `originate`)
    packet: Packet | None = None  # forward: the packet as it leaves (TTL decremented); answer: the new packet
    reason: str = ""  # drop: why (shown in traces and events)
    address: int | None = None  # answer: the address the answer comes from (traceroute hops)
    # What the node counted for this packet, as (add, bytes) pairs: the walk calls add(bytes, 1). The
    # node does not count itself, so a recorded journey can be replayed with the same counts.
    counted: tuple[Counted, ...] = ()
    # The node's state changed with this packet (a stateful firewall created or refreshed a session):
    # a recorded journey through it is not replayed, each probe is walked (walk.Journey).
    stateful: bool = False
    # forward (and an answer that names its port): the address the sender resolves with ARP on that
    # link when it delivers to the destination itself (on a connected subnet, no gateway); the node at
    # the far end must answer for it (walk.py). None: sent to a gateway, nothing checked.
    arp: int | None = None

    @staticmethod
    def forward(
        port: str, packet: Packet, counted: tuple[Counted, ...] = (), stateful: bool = False, arp: int | None = None
    ) -> Verdict:
        return Verdict("forward", port=port, packet=packet, counted=counted, stateful=stateful, arp=arp)

    def also_counted(self, counted: tuple[Counted, ...]) -> Verdict:
        """The same verdict with counts taken before it (an interface's input counter)."""
        return replace(self, counted=counted + self.counted) if counted else self

    @staticmethod
    def keep() -> Verdict:
        return Verdict("keep")

    @staticmethod
    def drop(reason: str) -> Verdict:
        return Verdict("drop", reason=reason)

    @staticmethod
    def answer(packet: Packet) -> Verdict:
        return Verdict("answer", packet=packet, address=packet.src)


class LabNode(Protocol):
    """A node of the lab, as the packet walk sees it."""

    name: str

    def ports(self) -> list[str]:
        """Physical port names a link may attach to (`ge-0/0/0`, `eth0`)."""
        ...

    def receive(self, packet: Packet, port: str) -> Verdict:
        """A packet arrived on `port`."""
        ...

    def originate(self, packet: Packet) -> Verdict:
        """The node sends a packet of its own (ping, traceroute, probes, answers): route it."""
        ...

    def addresses(self) -> list[int]:
        """Addresses this node answers for (ping targets)."""
        ...

    # Optional: `answers_arp(address, port) -> bool`, does the node answer ARP for `address` on `port`
    # (its own addresses there, proxy ARP)? A node without it is taken to answer (walk.py).


@dataclass
class Trip:
    """The journey of one packet through the lab: where it ended and what it took."""

    outcome: str  # "kept" | "dropped" | "answered" | "lost" (link loss) | "link-down" | "ttl" (too many hops)
    node: str  # the node where it ended
    latency_ms: float = 0.0
    hops: list[str] = field(default_factory=list)  # node names in order
    packet: Packet | None = None  # the packet as it arrived (kept), or the answer (answered)
    reason: str = ""


@dataclass
class Exchange:
    """A packet sent into the lab and what came back to its sender (the basis of ping, traceroute, probes)."""

    sent: Packet
    reply: Packet | None  # echo reply, ICMP error, or None when nothing came back
    rtt_ms: float = 0.0  # there and back, from link latencies
    forward: Trip | None = None  # the journey out
    back: Trip | None = None  # the journey of the reply

    @property
    def responder(self) -> int | None:
        return self.reply.src if self.reply is not None else None


class Network(Protocol):
    """What a device uses to send its own packets into the lab (ping, traceroute, RPM probes)."""

    def exchange(self, origin: str, packet: Packet) -> Exchange:
        """Send `packet` from node `origin`; walk it and any answer; report what came back to `origin`."""
        ...

    def probe(self, origin: str, packet: Packet, memo: object) -> tuple[Packet | None, float, object]:
        """`exchange` for packets sent again and again (RPM): (reply, rtt_ms, memo). Pass the memo
        back with the next packet of the same kind; while the lab is unchanged the walk is replayed
        from it (same links, counters and loss draws) instead of walked again."""
        ...


def ipv4_text(addr: int) -> str:
    return f"{addr >> 24 & 255}.{addr >> 16 & 255}.{addr >> 8 & 255}.{addr & 255}"


def ipv4_int(text: str) -> int:
    a, b, c, d = (int(x) for x in text.split("."))
    return a << 24 | b << 16 | c << 8 | d


__all__ = [
    "ECHO_REPLY",
    "ECHO_REQUEST",
    "TIME_EXCEEDED",
    "UNREACHABLE",
    "Counted",
    "Exchange",
    "LabNode",
    "Network",
    "Packet",
    "Trip",
    "Verdict",
    "ipv4_int",
    "ipv4_text",
]
