"""A device's forwarding: what happens to a packet that arrives on a port, or that the device sends.

Arrival: the port's unit must be up; its input filter may drop the packet or
send it to another routing instance (filter-based forwarding); then a lookup
in the table of that instance. A Local route keeps the packet (and answers echo
requests, or UDP with port-unreachable, as traceroute expects); a transit
packet loses one TTL (time-exceeded when none is left) and leaves by the
resolved next hop's interface; a destination on the egress unit's subnet is
named for ARP (`Verdict.arp`: the lab walk checks that the far end answers
for it, see nos/lab/walk.py). No route: ICMP net unreachable from the
interface it came in on. Answers are routed in the instance the request was
looked up in.

That is packet mode: a router's (`platform = "router"` in the lab file), or an
SRX's with `security forwarding-options family mpls mode packet-based` (the
Junos switch to packet mode; Junos wants a reboot, here the commit does it).
An SRX is in flow mode: after the input filter, its packets take the
stateful path of nos/features/flow/path.py (zones, sessions, policies, NAT).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from nos.config.query import child, value
from nos.config.tree import Node
from nos.config.validate import CheckError
from nos.features.firewall.filters import Firewall
from nos.features.flow.path import FlowPath
from nos.features.interfaces.state import Interfaces, Unit
from nos.lab import icmp
from nos.lab.packet import TIME_EXCEEDED, UNREACHABLE, Counted, Exchange, Packet, Verdict, ipv4_text
from nos.routing.engine import MASTER, RoutingEngine, instance_table, table_instance
from nos.routing.prefix import MASKS
from nos.routing.route import DISCARD, LOCAL, RECEIVE, REJECT, TABLE, VIA


@dataclass(frozen=True)
class Resolved:
    """Where the route lookup of a destination sends a packet."""

    kind: str  # "local" | "out" | "none" (no route) | "discard" | "reject" | "unusable"
    table: str  # the table the lookup ended in (after next-table hops)
    interface: str | None = None  # out: the egress unit
    prefix: object = None  # the route that decided (discard: named in the drop)


def packet_based(root: Node | None) -> bool:
    """`security forwarding-options family mpls mode packet-based`: the Junos way to run an SRX in packet
    mode (for every family, not MPLS only)."""
    family = child(child(child(root, "security"), "forwarding-options"), "family")
    return value(child(family, "mpls"), "mode") == "packet-based"


class Dataplane:
    name = "dataplane"

    def __init__(self, device, engine: RoutingEngine, interfaces: Interfaces, firewall: Firewall):  # type: ignore[no-untyped-def]
        self.device = device
        self.engine = engine
        self.interfaces = interfaces
        self.firewall = firewall
        # Programs of the device listening on a TCP port (BGP on 179): called with each packet that
        # reaches the port, they say the answer ("syn-ack", "ack" or "rst"). ssh and NETCONF are
        # the device's own servers and answer a handshake without one.
        self.tcp_listeners: dict[int, Callable[[Packet, str], str]] = {}  # (packet, instance)
        self.packet_based = False  # an SRX configured into packet mode
        self.flow = FlowPath(device, self)

    @property
    def flow_mode(self) -> bool:
        """Does flow (zones, policies, sessions) see the packets? An SRX's unless set to packet mode."""
        if getattr(self.device, "platform", "srx") != "srx" or self.packet_based:
            return False
        return getattr(self.device, "security", None) is not None  # (the flow features are installed)

    # -- as a feature: a commit may change filters and interfaces -------------------------------------

    def verify(self, new: Node) -> list[CheckError]:
        return []

    def apply(self, old: Node, new: Node) -> None:
        self.packet_based = packet_based(new)
        self.flow.apply(new)
        invalidate = getattr(self.device.network, "invalidate", None)
        if invalidate is not None:  # recorded probe journeys are walked again
            invalidate()

    # -- the lab's view ------------------------------------------------------------------------------

    def ports(self) -> list[str]:
        return [name for name, port in self.interfaces.ports.items() if port.configured]

    def addresses(self) -> list[int]:
        return [a for unit in self.interfaces.units.values() for a, _ in unit.parsed()]

    def set_link(self, port: str, up: bool) -> None:
        if not self.device.cabled:  # now in a lab: ports without a cable are down
            self.device.cabled = True
            self.interfaces.refresh()
        self.interfaces.set_link(port, up)

    def receive(self, packet: Packet, port: str, trace: Callable[[str], None] | None = None) -> Verdict:
        """`trace` (a traced walk's): flow tells it each decision (nos/features/flow/trace.py)."""
        unit = self.interfaces.unit_for_port(port)
        if unit is None or not self.interfaces.unit_up(unit):
            return Verdict.drop(f"{port}: no unit up")
        return self._arrive(packet, unit, trace).also_counted(((unit.counters.add_in, packet.size),))

    def _arrive(self, packet: Packet, unit: Unit, trace: Callable[[str], None] | None = None) -> Verdict:
        table = instance_table(self.engine.instance_of_interface(unit.name))
        screened = self.firewall.input(unit, packet)  # the input filter: a drop, or counts, logs, an instance
        if screened.verdict is not None:
            return screened.verdict
        if screened.instance:
            table = instance_table(screened.instance if screened.instance != "default" else MASTER)
            if trace is not None:
                trace(f"input filter of {unit.name}: routing-instance {screened.instance}, looked up in {table}")
        if self.flow_mode:
            return screened.onto(self.flow.arrive(packet, unit, table, trace))
        return screened.onto(self.route_packet(packet, table, unit))

    def originate(self, packet: Packet) -> Verdict:
        """A packet of the device's own (ping, traceroute, probes, answers).

        RPM probes may be pinned: `via` a gateway (the interface that reaches it directly), or out of
        a given interface, whatever the route lookup would say."""
        table = instance_table(packet.instance or MASTER)
        if packet.via:
            route = self.engine.lookup(table, packet.via)
            hop = route.resolved[0] if route is not None and route.resolved else None
            if hop is None or hop.kind != VIA or hop.gateway is not None or hop.interface is None:
                return Verdict.drop(f"next hop {ipv4_text(packet.via)} is not on a connected network")
            return self.leave(packet.evolve(via=0), hop.interface)
        if packet.out_interface:
            return self.leave(packet.evolve(out_interface=None), packet.out_interface)
        return self.route_packet(packet, table, None)

    # -- forwarding ----------------------------------------------------------------------------------

    def resolve(self, dst: int, table: str, depth: int = 0) -> Resolved:
        """The route lookup of `dst` in `table`, following next-table hops."""
        route = self.engine.lookup(table, dst)
        if route is None or route.resolved is None:
            return Resolved("none", table)
        hop = route.resolved[0]
        if hop.kind in (LOCAL, RECEIVE):
            return Resolved("local", table)
        if hop.kind == DISCARD:
            return Resolved("discard", table, prefix=route.prefix)
        if hop.kind == REJECT:
            return Resolved("reject", table, prefix=route.prefix)
        if hop.kind == TABLE and hop.table and depth < 4:
            return self.resolve(dst, hop.table, depth + 1)
        if hop.kind != VIA or hop.interface is None:
            return Resolved("unusable", table)
        if hop.interface.startswith("lo"):  # an address of a loopback unit: for the device itself
            return Resolved("local", table)
        return Resolved("out", table, hop.interface)

    def route_packet(self, packet: Packet, table: str, unit_in: Unit | None) -> Verdict:
        where = self.resolve(packet.dst, table)
        table = where.table
        if where.kind == "none":
            if unit_in is None:
                return Verdict.drop("no route to host")
            return self.error(packet, unit_in, UNREACHABLE, "net", table)
        if where.kind == "local":
            return self.local_packet(packet, table)
        if where.kind == "discard":
            return Verdict.drop(f"discard route {where.prefix}")
        if where.kind == "reject":
            if unit_in is None:
                return Verdict.drop("reject route")
            return self.error(packet, unit_in, UNREACHABLE, "host", table)
        if where.kind != "out" or where.interface is None:
            return Verdict.drop("unusable next hop")
        if unit_in is not None:
            if packet.ttl <= 1:
                return self.error(packet, unit_in, TIME_EXCEEDED, "", table)
            packet = packet.evolve(ttl=packet.ttl - 1)
        return self.leave(packet, where.interface)

    def leave(
        self, packet: Packet, interface: str, counted: tuple[Counted, ...] = (), stateful: bool = False
    ) -> Verdict:
        """Out of `interface` (a unit), with the unit's address as source when the packet has none;
        `counted` and `stateful` go with the verdict (the flow path's)."""
        egress = self.interfaces.units.get(interface)
        if egress is None or not self.interfaces.unit_up(egress):
            return Verdict(action="drop", reason=f"{interface} is down", counted=counted, stateful=stateful)
        if packet.src == 0:
            own = self.interfaces.primary_address(egress)
            packet = packet.evolve(src=own or 0)
        screened = self.firewall.output(egress, packet, counted, stateful)  # the output filter
        if screened.verdict is not None:
            return screened.verdict
        port = egress.name.rsplit(".", 1)[0]
        counts = (*screened.counted, (egress.counters.add_out, packet.size))
        arp = packet.dst if _on_link(egress, packet.dst) else None
        return Verdict.forward(port, packet, counts, screened.stateful, arp)

    def answers_arp(self, address: int, port: str) -> bool:
        """ARP for `address` arriving on `port`: answered for the addresses of the unit that takes the
        port's untagged traffic, and (an SRX's `security nat proxy-arp interface U address A [to B]`)
        for U's proxy-arp addresses, whether or not they are on U's subnet."""
        unit = self.interfaces.unit_for_port(port)
        if unit is None or not self.interfaces.unit_up(unit):
            return False
        if any(own == address for own, _ in unit.parsed()):
            return True
        nat = getattr(self.device, "nat", None)
        return nat is not None and bool(nat.proxy_arp(unit.name, address))

    def local_packet(self, packet: Packet, table: str) -> Verdict:
        if packet.src == 0:  # the device talks to itself
            packet = packet.evolve(src=packet.dst)
        return self.local(packet, table)

    def local(self, packet: Packet, table: str) -> Verdict:
        """A packet for one of the device's addresses: answer requests, keep answers."""
        if not icmp.is_request(packet):
            return Verdict.keep()
        instance = table_instance(table)
        if packet.proto == "icmp":
            answer = icmp.echo_reply(packet)
        elif packet.proto == "udp":
            answer = icmp.unreachable(packet, packet.dst, "port")
        else:  # TCP: the device's services (ssh, netconf) and listening programs; other ports reset
            listener = self.tcp_listeners.get(packet.dport)
            if listener is not None:
                code = listener(packet, instance)
            else:
                code = icmp.tcp_answer_code(packet, listening=packet.dport in (22, 830))
            answer = icmp.transport_answer(packet, code)
        return Verdict.answer(answer.evolve(instance=instance))

    def error(self, packet: Packet, unit_in: Unit, kind: str, code: str, table: str) -> Verdict:
        """An ICMP error about `packet`, from the address of the interface it came in on."""
        if not icmp.is_request(packet) and packet.proto == "icmp":
            return Verdict.drop(f"no ICMP error about an ICMP {packet.icmp}")
        source = self.interfaces.primary_address(unit_in)
        if source is None:
            return Verdict.drop(f"{kind}: no address on {unit_in.name}")
        answer = icmp.icmp_error(packet, source, kind, code)
        return Verdict.answer(answer.evolve(instance=table_instance(table)))


def _on_link(unit: Unit, address: int) -> bool:
    """Is `address` on one of the unit's subnets (delivered to directly, after ARP for it)?"""
    return any(address & MASKS[plen] == own & MASKS[plen] for own, plen in unit.parsed())


class LoneNetwork:
    """The network of a device outside any lab: its own addresses answer, nothing else does."""

    def __init__(self, dataplane: Dataplane):
        self.dataplane = dataplane

    def exchange(self, origin: str, packet: Packet) -> Exchange:
        verdict = self.dataplane.originate(packet)
        if verdict.action == "answer" and verdict.packet is not None:
            reply = verdict.packet
            back = self.dataplane.originate(reply)
            if back.action in ("keep", "answer"):
                return Exchange(packet, reply)
        return Exchange(packet, None)

    def probe(self, origin: str, packet: Packet, memo: object) -> tuple[Packet | None, float, object]:
        ex = self.exchange(origin, packet)
        return ex.reply, ex.rtt_ms, object()  # nothing recorded: a new memo every time


__all__ = ["Dataplane", "LoneNetwork", "Resolved", "packet_based"]
