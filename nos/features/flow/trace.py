"""The flow path's decisions told as Junos flow traceoptions (`flag basic-datapath`) tell them.

`FlowPath.arrive(..., trace=say)` hands each line to `say` while one packet
goes through (the lab's `trace` command, nos/lab/tracing.py); without a
tracer the path makes no line and pays one `is None` test per decision (and
never imports this module).

The lines keep the words of Junos's own trace where they exist (a capture of
a first packet through destination NAT, routing and the policy search):

   ge-0/0/0.0:96.230.36.202/57426->96.230.36.205/443, tcp, flag 2 syn
   find flow: sa 96.230.36.202, da 96.230.36.205, sp 57426, dp 443, proto 6
    no session found, start first path.
    flow_first_create_session
    flow_first_in_dst_nat: in <ge-0/0/0.0>, out <N/A> dst_adr 96.230.36.205, sp 57426, dp 443
  flow_first_rule_dst_xlate: DST xlate: 96.230.36.205(443) to 10.33.64.108(443), destination rule r1/web
  flow_first_routing: call flow_route_lookup(): src_ip ..., x_dst_ip 10.33.64.108, in ifp ...
    routed (x_dst_ip 10.33.64.108) from dmz1 (ge-0/0/0.0 in inet.0) to vlan.10, Next-hop: 10.33.64.108
  flow_first_policy_search: policy search from zone dmz1-> zone prod3
  Policy lkup: vsys 0 zone(dmz1) -> zone(prod3) scope:0
               96.230.36.202/57426 -> 10.33.64.108/443 proto 6
    permitted by policy web-in(5)  /  packet dropped, denied by policy ... policy deny.

shortened to what a trainer needs: no buffer addresses, hashes, thread or
token numbers; names where Junos prints numeric ids (the routing table
rather than `vr_id 0`, the NAT rule rather than `rule/pool id 1/1`). Lines
Junos does not have (the zone of the ingress interface, host-inbound-traffic
for a packet to the device) say plainly what flow checked.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from nos.features.flow.applications import ICMP_TYPES, PROTOCOLS
from nos.features.flow.path import ICMP_ERRORS, ports, service_of
from nos.lab import icmp
from nos.lab.packet import ipv4_text

if TYPE_CHECKING:
    from nos.features.dataplane.forwarding import Resolved
    from nos.features.flow.path import FlowPath
    from nos.features.flow.policies import PolicyMatch
    from nos.features.flow.sessions.table import Session
    from nos.features.interfaces.state import Unit
    from nos.lab.packet import Packet

Say = Callable[[str], None]

# TCP segments as Junos shows their flags (hex, then names).
TCP_FLAGS = {
    "syn": "2 syn",
    "syn-ack": "12 syn ack",
    "ack": "10 ack",
    "fin": "11 fin ack",
    "rst": "4 rst",
    "data": "18 psh ack",
}
DENY_TEXT = {"deny": "denied", "reject": "rejected"}


def _end(address: int, port: int) -> str:
    return f"{ipv4_text(address)}/{port}"


class FlowTrace:
    """One packet's way through one device's flow, told line by line to `say`."""

    def __init__(self, flow: FlowPath, say: Say):
        self.flow = flow
        self.say = say

    # -- arrival and the session lookup -----------------------------------------------------------

    def arrived(self, packet: Packet, unit: Unit, sport: int, dport: int) -> None:
        say, ifl = self.say, unit.name
        src, dst = ipv4_text(packet.src), ipv4_text(packet.dst)
        if packet.proto == "icmp":
            code = {"net": 0, "host": 1, "port": 3, "admin": 13}.get(packet.code, 0)
            say(f"  {ifl}:{src}->{dst}, icmp, ({ICMP_TYPES.get(packet.icmp or '', 0)}/{code})")
        elif packet.proto == "tcp":
            say(f"  {ifl}:{src}/{packet.sport}->{dst}/{packet.dport}, tcp, flag {TCP_FLAGS[icmp.tcp_flags(packet)]}")
        else:
            say(f"  {ifl}:{src}/{packet.sport}->{dst}/{packet.dport}, {packet.proto}")
        inner = packet.inner
        if packet.proto == "icmp" and packet.icmp in ICMP_ERRORS and inner is not None:
            isport, idport = ports(inner)
            say(
                f" find flow of the packet inside the icmp error: sa {ipv4_text(inner.dst)}, "
                f"da {ipv4_text(inner.src)}, sp {idport}, dp {isport}, proto {PROTOCOLS.get(inner.proto, 0)}"
            )
            return
        number = PROTOCOLS.get(packet.proto, 0)
        say(f" find flow: sa {src}, da {dst}, sp {sport}, dp {dport}, proto {number}")

    def matched(self, session: Session, translated: Packet) -> None:
        """The packet belongs to `session` (the fast path); it leaves as `translated`."""
        say = self.say
        say("  flow got session.")
        say(f"  flow session id {session.id}")
        say(f"  post addr xlation: {ipv4_text(translated.src)}->{ipv4_text(translated.dst)}.")

    def first_path(self, unit: Unit, zone: str | None) -> None:
        say = self.say
        say("  no session found, start first path.")
        say("  flow_first_create_session")
        if zone is not None:
            say(f"  in ifp {unit.name} is in zone {zone}")
        elif unit.name in self.flow.security.zones.management_ifls:
            say(f"  in ifp {unit.name} is in the management zone")
        else:
            say(f"  in ifp {unit.name} is in no zone")

    # -- destination NAT and the route ------------------------------------------------------------

    def dst_nat(self, unit: Unit, packet: Packet, sport: int, dport: int, inbound: Any, dst: int, port: int) -> None:
        say = self.say
        x_dst = ipv4_text(packet.dst)
        say(f"  flow_first_in_dst_nat: in <{unit.name}>, out <N/A> dst_adr {x_dst}, sp {sport}, dp {dport}")
        if inbound is None:
            say(f"flow_first_rule_dst_xlate: DST no-xlate: 0.0.0.0(0) to {ipv4_text(packet.dst)}({dport})")
            return
        kind, rule_set, rule = inbound.key
        say(
            f"flow_first_rule_dst_xlate: DST xlate: {ipv4_text(packet.dst)}({dport}) to {ipv4_text(dst)}({port}), "
            f"{kind} rule {rule_set}/{rule}"
        )

    def routed(
        self, packet: Packet, dst: int, sport: int, dport: int, unit: Unit, zone: str | None, where: Resolved
    ) -> None:
        say, x_dst = self.say, ipv4_text(dst)
        number = PROTOCOLS.get(packet.proto, 0)
        say(
            f"flow_first_routing: call flow_route_lookup(): src_ip {ipv4_text(packet.src)}, x_dst_ip {x_dst}, "
            f"in ifp {unit.name}, out ifp N/A sp {sport}, dp {dport}, ip_proto {number}"
        )
        say("Doing DESTINATION addr route-lookup")
        origin = f"{zone or 'no zone'} ({unit.name} in {where.table})"
        if where.kind == "out" and where.interface is not None:
            hop = self._next_hop(where.table, dst)
            say(f"  routed (x_dst_ip {x_dst}) from {origin} to {where.interface}, Next-hop: {hop or x_dst}")
        elif where.kind == "local":
            say(f"  routed (x_dst_ip {x_dst}) from {origin} to .local..0, Next-hop: {x_dst}")
        elif where.kind == "none":
            say(f"  route lookup failed: no route to x_dst_ip {x_dst} in {where.table}")
        elif where.kind in ("discard", "reject"):
            say(f"  route lookup: x_dst_ip {x_dst} in {where.table} hits a {where.kind} route ({where.prefix})")
        else:
            say(f"  route lookup: x_dst_ip {x_dst} in {where.table} has no usable next hop")

    def _next_hop(self, table: str, dst: int) -> str | None:
        route = self.flow.dataplane.engine.lookup(table, dst)
        if route is None or not route.resolved:
            return None
        gateway = route.resolved[0].gateway
        return ipv4_text(gateway) if gateway is not None else None

    def to_self(self, packet: Packet, unit: Unit) -> None:
        """A packet for the device itself: a request checked against host-inbound-traffic, or an answer."""
        if not icmp.is_request(packet):
            self.say("  packet to self: an answer to the device's own traffic (its self session)")
            return
        service = service_of(packet)
        allowed = self.flow.security.host_inbound(unit.name, service)
        verdict = "allows" if allowed else "does not allow"
        self.say(f"  packet to self: host-inbound-traffic of {unit.name} {verdict} {service}")

    # -- the policy and what follows --------------------------------------------------------------

    def policy(
        self, from_zone: str, to_zone: str, src: int, dst: int, sport: int, dport: int, number: int, match: PolicyMatch
    ) -> None:
        say = self.say
        say(f"flow_first_policy_search: policy search from zone {from_zone}-> zone {to_zone}")
        say(f"Policy lkup: vsys 0 zone({from_zone}) -> zone({to_zone}) scope:0")
        say(f"             {_end(src, sport)} -> {_end(dst, dport)} proto {number}")
        timeout = f"{match.timeout}s" if match.timeout is not None else "never"
        say(f"  app {match.application or 'None'}, timeout {timeout}")
        policy = f"{match.name}({match.index})"
        if match.action == "permit":
            say(f"  permitted by policy {policy}")
            say("  packet passed, Permitted by policy.")
            return
        done = DENY_TEXT.get(match.action, "denied")
        say(f"  packet dropped, {done} by policy")
        say(f"  {done} by policy {policy}, dropping pkt")

    def src_nat(self, src: int, sport: int, new_src: int, new_port: int, outbound: Any, binding: Any) -> None:
        if outbound is None:
            self.say("flow_first_src_xlate:  nat_src_xlated: False (no source NAT rule applies)")
            return
        kind, rule_set, rule = outbound.key
        pool = f", pool {binding.pool or 'interface'}" if binding is not None else ""
        xlate = f"{_end(src, sport)} -> {_end(new_src, new_port)}"
        self.say(f"flow_first_src_xlate: {kind} rule {rule_set}/{rule}{pool}: {xlate}")

    def created(self, session: Session, egress: str, translated: Packet) -> None:
        say = self.say
        say(f"  choose interface {egress} as outgoing phy if")
        say(f"  session id {session.id} created for first pak")
        say(f"  post addr xlation: {ipv4_text(translated.src)}->{ipv4_text(translated.dst)}.")

    def dropped(self, why: str) -> None:
        if why.startswith(("denied by policy", "rejected by policy")):
            self.say("  packet dropped,  policy deny.")
            return
        self.say(f"  packet dropped, {why}")


__all__ = ["FlowTrace", "Say"]
