"""A device's forwarding: what happens to a packet that arrives on a port, or that the device sends.

Arrival: the port's unit must be up; its input filter may drop the packet or
send it to another routing instance (filter-based forwarding); then a lookup
in the table of that instance. A Local route keeps the packet (and answers echo
requests, or UDP with port-unreachable, as traceroute expects); a transit
packet loses one TTL (time-exceeded when none is left) and leaves by the
resolved next hop's interface. No route: ICMP net unreachable from the
interface it came in on. Answers are routed in the instance the request was
looked up in.
"""

from __future__ import annotations

from collections.abc import Callable

from nos.config.tree import Node
from nos.config.validate import CheckError
from nos.features.firewall.filters import Firewall, run_filter
from nos.features.interfaces.state import Interfaces, Unit
from nos.lab import icmp
from nos.lab.packet import TIME_EXCEEDED, UNREACHABLE, Exchange, Packet, Verdict, ipv4_text
from nos.routing.engine import MASTER, RoutingEngine, instance_table, table_instance
from nos.routing.route import DISCARD, LOCAL, RECEIVE, REJECT, TABLE, VIA


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

    # -- as a feature: a commit may change filters and interfaces -------------------------------------

    def verify(self, new: Node) -> list[CheckError]:
        return []

    def apply(self, old: Node, new: Node) -> None:
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

    def receive(self, packet: Packet, port: str) -> Verdict:
        unit = self.interfaces.unit_for_port(port)
        if unit is None or not self.interfaces.unit_up(unit):
            return Verdict.drop(f"{port}: no unit up")
        return self._arrive(packet, unit).also_counted(((unit.counters.add_in, packet.size),))

    def _arrive(self, packet: Packet, unit: Unit) -> Verdict:
        table = instance_table(self.engine.instance_of_interface(unit.name))
        if unit.filter_in:
            flt = self.firewall.filters.get(unit.filter_in)
            if flt is not None:
                decision = run_filter(flt, packet, unit.name, self.engine.prefix_lists)
                if decision.action == "discard":
                    return Verdict.drop(f"filter {flt.name} term {decision.term}: discard")
                if decision.action == "reject":
                    return self._error(packet, unit, UNREACHABLE, "admin", table)
                if decision.action == "routing-instance" and decision.instance:
                    table = instance_table(decision.instance if decision.instance != "default" else MASTER)
        return self._route(packet, table, unit)

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
            return self._leave(packet.evolve(via=0), hop.interface)
        if packet.out_interface:
            return self._leave(packet.evolve(out_interface=None), packet.out_interface)
        return self._route(packet, table, None)

    # -- forwarding ----------------------------------------------------------------------------------

    def _route(self, packet: Packet, table: str, unit_in: Unit | None, depth: int = 0) -> Verdict:
        route = self.engine.lookup(table, packet.dst)
        if route is None or route.resolved is None:
            if unit_in is None:
                return Verdict.drop("no route to host")
            return self._error(packet, unit_in, UNREACHABLE, "net", table)
        hop = route.resolved[0]
        if hop.kind in (LOCAL, RECEIVE):
            return self._route_local(packet, table)
        if hop.kind == DISCARD:
            return Verdict.drop(f"discard route {route.prefix}")
        if hop.kind == REJECT:
            if unit_in is None:
                return Verdict.drop("reject route")
            return self._error(packet, unit_in, UNREACHABLE, "host", table)
        if hop.kind == TABLE and hop.table and depth < 4:
            return self._route(packet, hop.table, unit_in, depth + 1)
        if hop.kind != VIA or hop.interface is None:
            return Verdict.drop("unusable next hop")
        if hop.interface.startswith("lo"):  # an address of a loopback unit: for the device itself
            return self._route_local(packet, table)
        if unit_in is not None:
            if packet.ttl <= 1:
                return self._error(packet, unit_in, TIME_EXCEEDED, "", table)
            packet = packet.evolve(ttl=packet.ttl - 1)
        return self._leave(packet, hop.interface)

    def _leave(self, packet: Packet, interface: str) -> Verdict:
        """Out of `interface` (a unit), with the unit's address as source when the packet has none."""
        egress = self.interfaces.units.get(interface)
        if egress is None or not self.interfaces.unit_up(egress):
            return Verdict.drop(f"{interface} is down")
        if packet.src == 0:
            own = self.interfaces.primary_address(egress)
            packet = packet.evolve(src=own or 0)
        port = egress.name.rsplit(".", 1)[0]
        return Verdict.forward(port, packet, ((egress.counters.add_out, packet.size),))

    def _route_local(self, packet: Packet, table: str) -> Verdict:
        if packet.src == 0:  # the device talks to itself
            packet = packet.evolve(src=packet.dst)
        return self._local(packet, table)

    def _local(self, packet: Packet, table: str) -> Verdict:
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
                code = "syn-ack" if packet.dport in (22, 830) else "rst"
            answer = icmp.transport_answer(packet, code)
        return Verdict.answer(answer.evolve(instance=instance))

    def _error(self, packet: Packet, unit_in: Unit, kind: str, code: str, table: str) -> Verdict:
        """An ICMP error about `packet`, from the address of the interface it came in on."""
        if not icmp.is_request(packet) and packet.proto == "icmp":
            return Verdict.drop(f"no ICMP error about an ICMP {packet.icmp}")
        source = self.interfaces.primary_address(unit_in)
        if source is None:
            return Verdict.drop(f"{kind}: no address on {unit_in.name}")
        answer = icmp.icmp_error(packet, source, kind, code)
        return Verdict.answer(answer.evolve(instance=table_instance(table)))


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


__all__ = ["Dataplane", "LoneNetwork"]
