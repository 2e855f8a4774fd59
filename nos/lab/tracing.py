"""The lab's `trace` command: send one packet and tell what each node on its way did with it.

`trace NODE icmp|tcp|udp DESTINATION [PORT] [source ADDRESS] [source-port N] [ttl N]` at the
console (`request lab trace ...` in a device's CLI) sends an echo request, a TCP SYN or a UDP
datagram from NODE, walks it and its answer through the lab, and prints one line per hop
(forwarded, answered, kept, dropped and why) and, for each SRX, its flow decisions as Junos flow
traceoptions tell them (nos/features/flow/trace.py): zone, destination NAT, route, policy,
source NAT, the session created or matched, the drop and its reason.

The traced packet is a real one, decided once: it is counted, it takes link loss like any
other, and it leaves what it makes behind (a session on each SRX it passes, the policy and NAT
hits, a half-open connection on a TCP server, a RT_FLOW line where a policy logs), because
trainers want to point at the session it created (`show security flow session`). Like ping, it
takes no lab time; unlike ping it does not wait for the answer either: the walk is instant.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from nos.lab import icmp, walk
from nos.lab.packet import ECHO_REQUEST, Exchange, LabNode, Packet, Trip, Verdict, ipv4_text

PROTOCOLS = ("icmp", "tcp", "udp")
FIRST_SOURCE_PORT = 49152  # a traced TCP or UDP packet's source port: the first dynamic port, plus its id


@dataclass(frozen=True)
class TraceRequest:
    """What to send: from `node`, `proto` to `dst` (port `dport`), optionally from a given address and port."""

    node: str
    proto: str
    dst: int
    dport: int = 0
    src: int = 0  # 0: the node's own address, as its route says
    sport: int | None = None
    ttl: int | None = None


def describe(packet: Packet) -> str:
    """A packet in one phrase: `tcp 10.0.1.10/49153 -> 8.8.8.8/443 syn`, `icmp 8.8.8.8 -> 10.1.1.2 echo reply`."""
    src, dst = ipv4_text(packet.src) if packet.src else "(no source yet)", ipv4_text(packet.dst)
    if packet.proto == "icmp":
        kind = (packet.icmp or "icmp").replace("-", " ")
        if packet.code:
            kind += f" ({packet.code})"
        return f"icmp {src} -> {dst} {kind}"
    text = f"{packet.proto} {src}/{packet.sport} -> {dst}/{packet.dport}"
    if packet.proto == "tcp":
        return f"{text} {icmp.tcp_flags(packet)}"
    return text


def _rewritten(before: Packet, after: Packet) -> bool:
    """Did a node change what identifies the packet (NAT), not only its TTL?"""
    return (before.src, before.dst, before.sport, before.dport, before.ident, before.seq) != (
        after.src,
        after.dst,
        after.sport,
        after.dport,
        after.ident,
        after.seq,
    )


class PacketTracer:
    """The tracer a traced walk tells (walk.Tracer): one line per node, an SRX's flow lines under it."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def sent(self, node: str, packet: Packet, verdict: Verdict) -> None:
        shown = verdict.packet if verdict.action == "forward" and verdict.packet is not None else packet
        if verdict.action == "forward":
            self.lines.append(f"{node}: sends {describe(shown)} out of {verdict.port}")
            return
        self.lines.append(f"{node}: sends {describe(shown)}: {self._outcome(packet, verdict)}")

    def receive(self, node: LabNode, packet: Packet, port: str) -> Verdict:
        told: list[str] = []
        receive: Any = node.receive
        if getattr(node, "kind", "") == "device":
            verdict: Verdict = receive(packet, port, told.append)
        else:
            verdict = receive(packet, port)
        outcome = self._outcome(packet, verdict)
        if not told:
            self.lines.append(f"{node.name} {port}: {outcome}")
            return verdict
        self.lines.append(f"{node.name} {port}: {describe(packet)}")
        self.lines.extend("  " + line for line in told)  # under the node, each line's own indent kept
        self.lines.append(f"{node.name}: {outcome}")
        return verdict

    @staticmethod
    def _outcome(packet: Packet, verdict: Verdict) -> str:
        action = verdict.action
        if action == "forward":
            out = verdict.packet
            text = f"forwarded out of {verdict.port}"
            if out is not None and _rewritten(packet, out):
                text += f" as {describe(out)}"
            return text
        if action == "answer":
            return "answers"
        if action == "keep":
            return "received"
        return f"dropped: {verdict.reason}" if verdict.reason else "dropped"


def packet_for(request: TraceRequest, ident: int, node_ttl: int) -> Packet:
    """The packet a trace sends: an echo request, a TCP SYN or a UDP datagram."""
    ttl = request.ttl if request.ttl is not None else node_ttl
    if request.proto == "icmp":
        return Packet(request.src, request.dst, "icmp", ttl, icmp=ECHO_REQUEST, ident=ident, seq=0)
    sport = request.sport if request.sport is not None else FIRST_SOURCE_PORT + ident % 16384
    return Packet(request.src, request.dst, request.proto, ttl, code=icmp.SYN, sport=sport, dport=request.dport)


def summary(ex: Exchange, origin: str) -> str:
    """The last line: what came back to the sender, or where the trip ended and why."""
    forward, back = ex.forward, ex.back
    if ex.reply is not None:
        return f"Result: {describe(ex.reply)} reached {origin} ({ex.rtt_ms:.3f} ms there and back)"
    if forward is None:
        return "Result: nothing was sent"
    if forward.outcome == "kept":
        return f"Result: received by {forward.node}, which sends no answer"
    if forward.outcome != "answered" or back is None:
        return f"Result: no answer: {_ended(forward, 'the packet')}"
    return f"Result: no answer: {_ended(back, 'the answer')}"


def _ended(trip: Trip, what: str) -> str:
    if trip.outcome == "lost":
        return f"{what} was {trip.reason}"
    if trip.outcome == "kept":
        return f"{what} was received by {trip.node}"
    where = f"{what} was dropped at {trip.node}" if trip.outcome == "dropped" else f"{what} ended at {trip.node}"
    return f"{where} ({trip.reason})" if trip.reason else where


def trace(lab: Any, request: TraceRequest) -> list[str]:
    """Send the packet `request` asks for through `lab`, traced; the lines to print."""
    node = lab.node(request.node)
    packet = packet_for(request, lab.next_ident(), getattr(node, "ttl", icmp.ANSWER_TTL))
    tracer = PacketTracer()
    ex = walk.exchange(lab, node.name, packet, trace=tracer)
    return [*tracer.lines, summary(ex, node.name)]


__all__ = ["PROTOCOLS", "PacketTracer", "TraceRequest", "describe", "packet_for", "summary", "trace"]
