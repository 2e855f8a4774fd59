"""The packet walk: carry a packet through the lab hop by hop, then carry its answer back.

A packet starts at the node that originates it. Each node says what it does
with it (packet.py's `Verdict`); a forwarded packet crosses the link on that
port: a link that is down or missing ends the trip, a lossy link may lose it
(one draw from the lab's seeded RNG per crossing of a lossy link, so the same
lab and the same packets give the same result every run), and the link's
latency adds to the trip. When a node answers (echo reply, ICMP error), the
answer is walked back the same way: from the port the node named, or routed
like a packet the node originates, so broken and asymmetric return paths
show up. A hop limit stops forwarding loops that no TTL catches.

ARP is modelled at the last hop only: a node that delivers a packet to a destination on a connected
subnet (no gateway) names it in the verdict (`Verdict.arp`), and the node at the far end of the link
must answer for it (`answers_arp`: its own addresses on that port, an SRX's proxy-arp addresses, what
an Internet node serves); otherwise the sender drops it, "ARP unresolved" (the wording a guess).
That is why a NAT address in an uplink's subnet needs `security nat proxy-arp`. Next hops that are
gateways are not checked.

The walk takes no lab time: it reports the latency, and callers (ping,
traceroute, probes) let the clock run by as much as they mean to wait.

A walk may be traced (`exchange(..., trace=tracer)`, the lab's `trace`
command): the tracer hears each packet a node sends and hands each arrival
to the node itself, so a device can tell its flow decisions on the way. It
changes nothing else: the traced packet is a real one, counted, and it
leaves the sessions it makes.

Nodes do not count packets themselves: a verdict names the counters it
touched and the walk adds to them. That lets a walk be recorded once as a
`Journey` (the links crossed and the counters touched, in order, and what
came back) and replayed for each of many identical probes while the lab is
unchanged: the replay counts and draws exactly as the walk would have.
A walk through a node whose state the packets change (an SRX's sessions: a
`stateful` verdict) is recorded as such and never replayed: a replay would
leave the sessions behind.
"""

from __future__ import annotations

from typing import Protocol

from nos.lab.packet import Counted, Exchange, LabNode, Packet, Trip, Verdict, ipv4_text

HOP_LIMIT = 256  # link crossings in one trip before the walk gives up: more than any TTL allows
STATEFUL = "stateful"  # a recorded step: a node's state changed on the way (see Journey.stateful)


class LinkLike(Protocol):
    up: bool
    latency_ms: float
    loss_pct: float
    packets: int
    lost: int

    def far_end(self, node: str, port: str) -> tuple[str, str]: ...


class Topology(Protocol):
    """What the walk needs from a lab."""

    nodes: dict[str, LabNode]

    def link_at(self, node: str, port: str) -> LinkLike | None: ...

    def draw(self) -> float:
        """A number in [0, 1) from the lab's seeded RNG."""
        ...


class Tracer(Protocol):
    """What a traced walk tells (nos/lab/tracing.py): each packet a node sends, and each arrival,
    which the tracer hands to the node itself (a device then explains its decisions)."""

    def sent(self, node: str, packet: Packet, verdict: Verdict) -> None: ...

    def receive(self, node: LabNode, packet: Packet, port: str) -> Verdict: ...


def exchange(
    lab: Topology, origin: str, packet: Packet, steps: list[object] | None = None, trace: Tracer | None = None
) -> Exchange:
    """Send `packet` from `origin`, walk it and any answer, and report what came back to `origin`.

    With `steps`, the exchange is recorded instead of counted: links and counts go into `steps`
    and no loss is drawn (see `record`). With `trace`, each node says what it did to the tracer
    (the same walk otherwise: a traced packet is a real one)."""
    node = lab.nodes[origin]
    sent = node.originate(packet)
    if trace is not None:
        trace.sent(origin, packet, sent)
    out, answered = _walk(lab, origin, sent, packet, answers=True, steps=steps, trace=trace)
    result = Exchange(sent=packet, reply=None, forward=out)
    if answered is None or answered.packet is None:
        return result
    answer = answered.packet
    # The answering node may say where the answer leaves; otherwise it is routed like its own packet.
    if answered.port:
        first = Verdict.forward(answered.port, answer, arp=answered.arp)
    else:
        first = lab.nodes[out.node].originate(answer)
    if trace is not None:
        trace.sent(out.node, answer, first)
    back, _ = _walk(lab, out.node, first, answer, answers=False, steps=steps, trace=trace)
    result.back = back
    if back.outcome == "kept" and back.node == origin:
        result.reply = back.packet
        result.rtt_ms = out.latency_ms + back.latency_ms
    return result


class Journey:
    """A recorded exchange, replayed while the lab's `generation` is still the one it was taken at.

    A replay on a loss-free path only adds to `owed`; `settle` adds the owed crossings and counts
    to the links and counters when someone is about to read them (cheaper than counting each).
    """

    __slots__ = ("counts", "generation", "links", "lossy", "owed", "reply", "rtt_ms", "stateful", "steps")

    def __init__(self, generation: int, steps: tuple[object, ...], reply: Packet | None, rtt_ms: float):
        self.stateful = STATEFUL in steps  # through a stateful firewall: walked each time, never replayed
        steps = tuple(s for s in steps if s is not STATEFUL) if self.stateful else steps
        self.generation = generation
        self.steps = steps  # in order: a LinkLike crossed, or a Counted (add, bytes)
        self.reply = reply  # what came back when nothing was lost on the way
        self.rtt_ms = rtt_ms
        self.links: tuple[LinkLike, ...] = tuple(s for s in steps if type(s) is not tuple)  # type: ignore[misc]
        self.counts: tuple[Counted, ...] = tuple(s for s in steps if type(s) is tuple)  # type: ignore[misc]
        self.lossy = any(link.loss_pct > 0 for link in self.links)  # a loss change starts a new generation
        self.owed = 0  # replays not yet counted


def record(lab: Topology, origin: str, packet: Packet, generation: int) -> Journey:
    """Walk `packet` and its answer once without counting or losing anything, keeping the steps."""
    steps: list[object] = []
    ex = exchange(lab, origin, packet, steps)
    return Journey(generation, tuple(steps), ex.reply, ex.rtt_ms)


def replay(lab: Topology, journey: Journey) -> tuple[Packet | None, float]:
    """Count and cross as the recorded walk did, drawing loss on lossy links: (reply, rtt_ms).
    (Loss-free journeys are replayed by owing, see Journey.)"""
    for step in journey.steps:
        if type(step) is tuple:
            step[0](step[1])  # type: ignore[index, operator]
            continue
        step.packets += 1  # type: ignore[attr-defined]
        loss = step.loss_pct  # type: ignore[attr-defined]
        if loss > 0 and lab.draw() * 100 < loss:
            step.lost += 1  # type: ignore[attr-defined]
            return None, 0.0
    return journey.reply, journey.rtt_ms


def settle(journey: Journey) -> None:
    """Add what the journey's owed replays crossed and counted."""
    times, journey.owed = journey.owed, 0
    if times:
        for link in journey.links:
            link.packets += times
        for add, size in journey.counts:
            add(size, times)


def walk(lab: Topology, start: str, verdict: Verdict, packet: Packet) -> Trip:
    """Follow verdicts from `start` (whose first verdict is given) until the packet is kept, dropped,
    answered or lost. An "answered" trip holds the answer in `packet`."""
    return _walk(lab, start, verdict, packet, answers=True)[0]


def _walk(
    lab: Topology,
    start: str,
    verdict: Verdict,
    packet: Packet,
    *,
    answers: bool,
    steps: list[object] | None = None,
    trace: Tracer | None = None,
) -> tuple[Trip, Verdict | None]:
    """The walk, and the answering verdict when a node answered.

    With `answers=False` (the walk of an answer) a node that answers ends the
    trip as "dropped": nothing answers an answer. With `steps`, the walk is
    recorded there rather than counted, and nothing is lost.
    """
    node = start
    hops = [start]
    latency = 0.0
    crossings = 0
    while True:
        if verdict.counted:
            _count(verdict.counted, steps)
        if verdict.stateful and steps is not None:
            steps.append(STATEFUL)
        action = verdict.action
        if action == "keep":
            return Trip("kept", node, latency, hops, packet), None
        if action == "drop":
            return Trip("dropped", node, latency, hops, packet, verdict.reason), None
        if action == "answer":
            if not answers or verdict.packet is None:
                return Trip("dropped", node, latency, hops, packet, "nothing answers an answer"), None
            return Trip("answered", node, latency, hops, verdict.packet), verdict
        if action != "forward" or verdict.port is None or verdict.packet is None:
            return Trip("dropped", node, latency, hops, packet, f"bad verdict {action!r}"), None
        packet = verdict.packet
        link = lab.link_at(node, verdict.port)
        if link is None:
            return Trip("link-down", node, latency, hops, packet, f"{node}:{verdict.port} has no link"), None
        if not link.up:
            return Trip("link-down", node, latency, hops, packet, f"link on {node}:{verdict.port} is down"), None
        if verdict.arp is not None and not _resolved(lab, link, node, verdict.port, verdict.arp):
            reason = f"ARP unresolved: no answer for {ipv4_text(verdict.arp)} on {node}:{verdict.port}"
            return Trip("dropped", node, latency, hops, packet, reason), None
        crossings += 1
        if crossings > HOP_LIMIT:
            return Trip("ttl", node, latency, hops, packet, f"more than {HOP_LIMIT} hops"), None
        if steps is not None:
            steps.append(link)
        else:
            link.packets += 1
            if link.loss_pct > 0 and lab.draw() * 100 < link.loss_pct:
                link.lost += 1
                return Trip("lost", node, latency, hops, packet, f"lost on the link from {node}:{verdict.port}"), None
        latency += link.latency_ms
        node, port = link.far_end(node, verdict.port)
        hops.append(node)
        receiver = lab.nodes[node]
        verdict = receiver.receive(packet, port) if trace is None else trace.receive(receiver, packet, port)


def _resolved(lab: Topology, link: LinkLike, node: str, port: str, address: int) -> bool:
    """Does the node at the far end of the link answer ARP for `address` (links are point to point:
    it is the only one that could)? Nodes that do not model ARP answer."""
    far, far_port = link.far_end(node, port)
    answers = getattr(lab.nodes[far], "answers_arp", None)
    return answers is None or bool(answers(address, far_port))


def _count(counted: tuple[Counted, ...], steps: list[object] | None) -> None:
    if steps is not None:
        steps.extend(counted)
        return
    for add, size in counted:
        add(size, 1)


__all__ = [
    "HOP_LIMIT",
    "STATEFUL",
    "Journey",
    "Topology",
    "Tracer",
    "exchange",
    "record",
    "replay",
    "settle",
    "walk",
]
