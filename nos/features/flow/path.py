"""The flow path of an SRX: what happens to a packet that arrives on a unit in flow mode.

The data plane hands a packet over after the unit's input filter (forwarding.py).
A packet that belongs to a session takes the fast path: its wing's NAT is
undone or applied, the session is refreshed, the translated packet is routed
and leaves. Any other packet takes the first path, in Junos's order:

  zone of the ingress unit (none: dropped) -> static or destination NAT ->
  route lookup -> for the device itself: host-inbound-traffic of the ingress
  unit for the packet's service (refused: dropped, silently) -> transit: zone
  of the egress unit (none: dropped), policy (deny: dropped; reject: a TCP RST
  or an ICMP port unreachable back; permit: the SYN check, source NAT, a
  session with both wings, the policy and NAT hits) -> out, one TTL less.

ICMP errors (time exceeded, unreachable) are let through by the session of the
packet they carry (KB36089): its wing's translation is undone on the inner
packet and on the outer destination, so a traceroute through source NAT works.
Without a session they are dropped (`security flow allow-embedded-icmp` lets
them through as they are).

A packet whose TTL runs out here is for the device itself: it is answered with
time exceeded when host-inbound-traffic allows `traceroute` on its unit.

Route changes [G]: a session's packet is routed by lookup, and leaves by the
interface its wing recorded when the route still says so (one comparison).
Otherwise (`route_session`):
  - no usable route: the packet is dropped; the session keeps its timeout
    (`route-change-timeout N`: it lives N s more at most);
  - an interface of another zone: the re-route fails, the packet is dropped,
    the session invalidated (6 s, then gone);
  - an interface of the same zone: the session's wing moves there, unless the
    packet leaves with an address of the old interface (source NAT
    `interface`): a TCP session is then invalidated and the packet dropped
    (seed 000: 6 s, 2 s four seconds later, gone); a UDP one moves on with its
    old translation, so a stream that keeps sending keeps a session whose
    answers go to the old ISP (demo-configs/dual-isp/README.md).
An invalidated session's packets pass while its route holds, and are dropped
when it changed.

Traffic of the device itself [G]: what it originates (ping, traceroute, RPM,
BGP, NTP) takes no policy and makes no listed session. Its answers (echo
replies, ICMP errors about its packets, TCP syn-ack/ack/rst, UDP replies)
addressed to one of its own addresses pass as matching the device's self
session, whatever host-inbound-traffic says: Junos keeps such sessions
internally; listing them would make every RPM probe a session and its walk
unrepeatable. Requests to the device are checked against host-inbound-traffic
packet by packet, without a listed session either.

Lab packets carry no TCP header: a TCP packet says what it is in `code`
("" a SYN, or data when it carries a payload; "syn-ack", "ack", "rst", "fin"),
mapped to the session table's flags by `tcp_flags`. ICMP echo has no ports:
its sequence number and identifier stand for them, as `show security flow
session` shows them (`In: 10.0.1.10/0 --> 8.8.8.8/1234;icmp`, the reply wing
`8.8.8.8/1234 --> 10.1.1.2/41330`), and source NAT translates the sequence.

Every packet that flow sees is counted in the table's statistics (received,
transmitted, dropped by reason) through the verdict, so a replayed walk counts
as the walk did; a verdict that created or refreshed a session is `stateful`,
and walks through it are never replayed (walk.Journey).

Policies that ask (`then log session-init | session-close`) have their
sessions and denials logged as RT_FLOW lines (sessionlog.py). A packet the lab
traces (`arrive(..., trace=say)`) tells each decision to `say` as flow
traceoptions would (trace.py); `self.trace` is None otherwise, and each
decision point costs one test of it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from nos.config.query import child, flag
from nos.config.tree import Node
from nos.features.flow.applications import ICMP_TYPES, PROTOCOLS
from nos.features.flow.sessionlog import SessionLog
from nos.features.flow.sessions import tcp
from nos.features.flow.sessions.table import INVALIDATED_TIMEOUT, Session, SessionError, SessionTable, Wing
from nos.features.flow.zones import JUNOS_HOST, OUT_OF_BAND
from nos.lab import icmp
from nos.lab.packet import ECHO_REPLY, TIME_EXCEEDED, UNREACHABLE, Counted, Packet, Verdict, ipv4_text
from nos.routing.engine import table_instance

if TYPE_CHECKING:
    from nos.features.dataplane.forwarding import Dataplane, Resolved
    from nos.features.flow.trace import FlowTrace
    from nos.features.interfaces.state import Unit

NEVER = 10 * 365 * 86400  # `inactivity-timeout never`: a session that outlives any lab
TRACEROUTE_PORTS = range(33434, 33535)  # the UDP ports traceroute probes (host-inbound `traceroute`)
TCP_SERVICES = {
    21: "ftp", 22: "ssh", 23: "telnet", 53: "dns", 79: "finger", 80: "http", 113: "ident-reset", 179: "bgp",
    443: "https", 830: "netconf", 3220: "xnm-ssl", 3221: "xnm-clear-text",
}  # fmt: skip
UDP_SERVICES = {
    53: "dns", 67: "dhcp", 68: "dhcp", 69: "tftp", 123: "ntp", 161: "snmp", 162: "snmp-trap", 500: "ike",
    520: "rip", 646: "ldp", 3784: "bfd", 4500: "ike",
}  # fmt: skip
OTHER = "other"  # a service with no name of its own: only `all` lets it in
ICMP_ERRORS = (TIME_EXCEEDED, UNREACHABLE)

# Why flow dropped a packet: the statistics' reasons (FlowStatistics.drops).
NO_ZONE = "interface not in a zone"
NO_EGRESS_ZONE = "egress interface not in a zone"
HOST_INBOUND = "host-inbound-traffic not allowed"
POLICY = "policy deny"
SYN_CHECK = tcp.FIRST_NOT_SYN
NO_SESSION_ICMP = "ICMP error without a session"
NO_NAT = "no source NAT resource"
SESSION_FAILED = "session not created"
ROUTE = "no usable route"
REROUTE = "fast path pkt reroute failed"  # a session's route moved where it cannot follow


def ports(packet: Packet) -> tuple[int, int]:
    """The (source, destination) ports of a packet as sessions key it; ICMP echo's are its sequence
    and identifier (the reply's the other way round)."""
    if packet.proto == "icmp":
        if packet.icmp == ECHO_REPLY:
            return packet.ident, packet.seq
        return packet.seq, packet.ident
    return packet.sport, packet.dport


def with_ports(packet: Packet, sport: int, dport: int) -> Packet:
    """`packet` with its ports (as `ports` reads them) rewritten."""
    if packet.proto == "icmp":
        if packet.icmp == ECHO_REPLY:
            return packet.evolve(ident=sport, seq=dport)
        return packet.evolve(seq=sport, ident=dport)
    return packet.evolve(sport=sport, dport=dport)


def tcp_flags(packet: Packet) -> str:
    """The TCP flags a lab packet stands for, as the session table names them (icmp.tcp_flags);
    anything that is not TCP is data."""
    return icmp.tcp_flags(packet) if packet.proto == "tcp" else tcp.DATA


def service_of(packet: Packet) -> str:
    """The host-inbound-traffic service (or protocol) a request to the device asks for."""
    if packet.proto == "icmp":
        return "ping"
    if packet.proto == "udp":
        if packet.dport in TRACEROUTE_PORTS:
            return "traceroute"
        return UDP_SERVICES.get(packet.dport, OTHER)
    if packet.proto == "tcp":
        return TCP_SERVICES.get(packet.dport, OTHER)
    return OTHER


def _reverse(packet: Packet, wing: Wing) -> Packet:
    """`packet` rewritten to the reverse of `wing`: how a packet of the other direction leaves."""
    return with_ports(packet.evolve(src=wing.dst, dst=wing.src), wing.dport, wing.sport)


def _with(verdict: Verdict, counted: tuple[Counted, ...], stateful: bool = False) -> Verdict:
    """`verdict` after flow's counts, stateful when flow's part was."""
    return replace(verdict, counted=(*counted, *verdict.counted), stateful=verdict.stateful or stateful)


class FlowPath:
    """Flow mode for one device's data plane (`dataplane.flow`)."""

    def __init__(self, device: Any, dataplane: Dataplane):
        self.device = device
        self.dataplane = dataplane
        self.allow_embedded_icmp = False  # `security flow allow-embedded-icmp`
        self._table: SessionTable | None = None
        # What each session holds of NAT, released when it ends: session id -> (binding, rule matches).
        self._held: dict[int, tuple[Any, tuple[Any, ...]]] = {}
        self._drops: dict[str, Counted] = {}
        self.log = SessionLog(device)  # RT_FLOW lines for the policies that ask (sessionlog.py)
        self.trace: FlowTrace | None = None  # while a traced packet goes through (trace.py)

    def apply(self, new: Node) -> None:
        self.allow_embedded_icmp = flag(child(child(new, "security"), "flow"), "allow-embedded-icmp")

    # -- what flow works with -------------------------------------------------------------------------

    @property
    def table(self) -> SessionTable:
        table: SessionTable = self.device.flow_sessions.table
        if table is not self._table:
            self._table = table
            table.on_close.append(self._closed)
        return table

    def _closed(self, session: Session, reason: str) -> None:
        self.log.closed(session, reason)
        held = self._held.pop(session.id, None)
        if held is None:
            return
        binding, matches = held
        nat = self.device.nat
        if binding is not None:
            nat.release(binding)
        for match in matches:
            nat.closed(match)

    def _received(self, size: int, times: int = 1) -> None:
        self.table.stats.received += times

    def _transmitted(self, size: int, times: int = 1) -> None:
        self.table.stats.transmitted += times

    def _dropped(self, reason: str) -> Counted:
        counted = self._drops.get(reason)
        if counted is None:

            def add(size: int, times: int = 1) -> None:
                stats = self.table.stats
                stats.dropped += times
                stats.drops[reason] = stats.drops.get(reason, 0) + times

            counted = self._drops[reason] = (add, 0)
        return counted

    def _drop(self, why: str, reason: str, counted: tuple[Counted, ...], stateful: bool = False) -> Verdict:
        """Dropped: `why` for the walk, counted under `reason` in the statistics."""
        if self.trace is not None:
            self.trace.dropped(why)
        return Verdict("drop", reason=why, counted=(*counted, self._dropped(reason)), stateful=stateful)

    # -- arrival ----------------------------------------------------------------------------------------

    def arrive(self, packet: Packet, unit: Unit, table: str, trace: Callable[[str], None] | None = None) -> Verdict:
        """A packet that arrived on `unit` and passed its input filter; `table` is the one it is looked
        up in (the unit's instance's, or the filter's routing-instance). With `trace`, each decision
        is told to it as a line of flow traceoptions (trace.py)."""
        if trace is not None:
            return self._traced(packet, unit, table, trace)
        dp = self.dataplane
        if unit.name.startswith(OUT_OF_BAND):  # the management port is outside flow
            return dp.route_packet(packet, table, unit)
        counted: tuple[Counted, ...] = ((self._received, packet.size),)
        instance = dp.engine.instance_of_interface(unit.name)
        if packet.proto == "icmp" and packet.icmp in ICMP_ERRORS and packet.inner is not None:
            verdict = self._icmp_error(packet, unit, table, instance, counted)
            if verdict is not None:
                return verdict
        else:
            sport, dport = ports(packet)
            found = self.table.lookup(packet.proto, packet.src, sport, packet.dst, dport, instance)
            if found is not None:
                return self.fast(packet, unit, table, found[0], found[1], counted)
        return self._first(packet, unit, table, instance, counted)

    def _traced(self, packet: Packet, unit: Unit, table: str, say: Callable[[str], None]) -> Verdict:
        """`arrive` with its decisions told to `say`: the same walk, the same state changes."""
        from nos.features.flow.trace import FlowTrace  # only a traced packet needs it

        outer, self.trace = self.trace, FlowTrace(self, say)
        try:
            self.trace.arrived(packet, unit, *ports(packet))
            return self.arrive(packet, unit, table)
        finally:
            self.trace = outer

    # -- the fast path ----------------------------------------------------------------------------------

    def fast(
        self, packet: Packet, unit: Unit, table: str, session: Session, wing: str, counted: tuple[Counted, ...]
    ) -> Verdict:
        """A packet of `session` on `wing` ("in": the way its first packet went): translated as the other
        wing says, the session refreshed, routed by lookup in `table` (`route_session`: out of the
        other wing's interface, or what a route change makes of it)."""
        other = session.out_wing if wing == "in" else session.in_wing
        self.table.touch(session, wing, packet.size, tcp_flags(packet))
        if self.trace is not None:
            self.trace.matched(session, _reverse(packet, other))
        leaving = "out" if wing == "in" else "in"
        return self.route_session(_reverse(packet, other), unit, table, session, counted, leaving)

    def route_session(
        self, packet: Packet, unit: Unit, table: str, session: Session, counted: tuple[Counted, ...], leaving: str
    ) -> Verdict:
        """Route a translated packet of `session` that leaves by its `leaving` wing's interface ("out":
        the way its first packet went, "in": back toward the client). The common case costs the
        lookup and one comparison: the route still leaves by that interface."""
        wing = session.out_wing if leaving == "out" else session.in_wing
        where = self.dataplane.resolve(packet.dst, table)
        if where.kind == "out" and where.interface == wing.ifl:
            if packet.ttl <= 1:
                return self._expired(packet, unit, where.table, counted, True)
            return self._leave(packet.evolve(ttl=packet.ttl - 1), wing.ifl, counted, True)
        return self._route_changed(packet, unit, table, session, counted, leaving, where)

    def _route_changed(
        self, packet: Packet, unit: Unit, table: str, session: Session, counted: tuple[Counted, ...], leaving: str,
        where: Resolved,
    ) -> Verdict:  # fmt: skip
        """A packet of `session` whose route no longer leaves by its wing's interface: re-routed, or
        dropped with the session invalidated (the module's "Route changes")."""
        if where.kind == "local":
            return _with(self.dataplane.local_packet(packet, where.table), counted, True)
        if where.kind != "out" or where.interface is None:  # no route (or discard, reject): dropped
            timeout = self.table.options.route_change_timeout
            if timeout is not None:
                self.table.invalidate(session, timeout)
            why = f"no usable route to {ipv4_text(packet.dst)} in {where.table} ({where.kind})"
            return self._drop(why, ROUTE, counted, True)
        wing = session.out_wing if leaving == "out" else session.in_wing
        new = where.interface
        if not session.valid:
            return self._drop(f"session {session.id} is invalidated and its route changed", REROUTE, counted, True)
        zone = self.security.zone_of(new)
        if zone is None or zone != wing.zone:
            why = f"re-route failed: {new} is in zone {zone or '(none)'}, the session's {wing.ifl} in {wing.zone}"
            return self._invalidated(session, why, counted)
        if session.proto == "tcp" and self._owned(packet.src, wing.ifl) and not self._owned(packet.src, new):
            why = f"re-route failed: source NAT {ipv4_text(packet.src)} is {wing.ifl}'s address, not {new}'s"
            return self._invalidated(session, why, counted)
        instance = self.dataplane.engine.instance_of_interface(new)
        if not self.table.reroute(session, leaving, new, zone, instance):
            return self._invalidated(session, f"re-route failed: another session holds its wing in {instance}", counted)
        if packet.ttl <= 1:
            return self._expired(packet, unit, where.table, counted, True)
        return self._leave(packet.evolve(ttl=packet.ttl - 1), new, counted, True)

    def _invalidated(self, session: Session, why: str, counted: tuple[Counted, ...]) -> Verdict:
        """The re-route failed: the packet is dropped and the session lives INVALIDATED_TIMEOUT s more."""
        self.table.invalidate(session, INVALIDATED_TIMEOUT)
        return self._drop(why, REROUTE, counted, True)

    def _owned(self, address: int, ifl: str) -> bool:
        """Is `address` one of the unit's own (what source NAT `interface` translates to)?"""
        unit = self.dataplane.interfaces.units.get(ifl)
        return unit is not None and any(own == address for own, _ in unit.parsed())

    def _icmp_error(
        self, packet: Packet, unit: Unit, table: str, instance: str, counted: tuple[Counted, ...]
    ) -> Verdict | None:
        """An ICMP error about a packet of a session: the inner packet and the outer destination
        translated back, refreshed as `icmp-error` (the session ends 2 s later). None: no session."""
        inner = packet.inner
        assert inner is not None
        sport, dport = ports(inner)
        found = self.table.lookup(inner.proto, inner.dst, dport, inner.src, sport, instance)
        if found is None:
            return None
        session, wing = found
        other = session.in_wing if wing == "out" else session.out_wing
        restored = with_ports(inner.evolve(src=other.src, dst=other.dst), other.sport, other.dport)
        self.table.touch(session, wing, packet.size, "icmp-error")
        out = packet.evolve(dst=other.src, inner=restored)
        if self.trace is not None:
            self.trace.matched(session, out)
        return self.route_session(out, unit, table, session, counted, "in" if wing == "out" else "out")

    def _forward(
        self, packet: Packet, unit: Unit, table: str, counted: tuple[Counted, ...], stateful: bool = False
    ) -> Verdict:
        """Route a packet flow let through: out of its egress with one TTL less, or to the device."""
        dp = self.dataplane
        where = dp.resolve(packet.dst, table)
        if where.kind == "local":
            return _with(dp.local_packet(packet, where.table), counted, stateful)
        if where.kind != "out" or where.interface is None:  # no route, discard, reject ...: as a router does
            verdict = dp.route_packet(packet, where.table, unit)
            if verdict.action == "drop":
                return self._drop(verdict.reason, ROUTE, counted, stateful)
            return _with(verdict, counted, stateful)
        if packet.ttl <= 1:
            return self._expired(packet, unit, where.table, counted, stateful)
        return self._leave(packet.evolve(ttl=packet.ttl - 1), where.interface, counted, stateful)

    def _leave(self, packet: Packet, interface: str, counted: tuple[Counted, ...], stateful: bool) -> Verdict:
        dp = self.dataplane
        egress = dp.interfaces.units.get(interface)
        if egress is None or not dp.interfaces.unit_up(egress):
            return self._drop(f"{interface} is down", ROUTE, counted, stateful)
        return dp.leave(packet, interface, (*counted, (self._transmitted, packet.size)), stateful)

    def _expired(
        self, packet: Packet, unit: Unit, table: str, counted: tuple[Counted, ...], stateful: bool = False
    ) -> Verdict:
        """No TTL left: time exceeded from the ingress unit, when host-inbound-traffic allows traceroute."""
        if not self.security.host_inbound(unit.name, "traceroute"):
            return self._drop(
                f"{unit.name}: host-inbound-traffic does not allow traceroute", HOST_INBOUND, counted, stateful
            )
        return _with(self.dataplane.error(packet, unit, TIME_EXCEEDED, "", table), counted, stateful)

    # -- the first path ---------------------------------------------------------------------------------

    @property
    def security(self) -> Any:
        """The security configuration in force (zones, policies, applications)."""
        return self.device.security.config

    def _first(self, packet: Packet, unit: Unit, table: str, instance: str, counted: tuple[Counted, ...]) -> Verdict:
        dp, sec = self.dataplane, self.security
        zone = sec.zone_of(unit.name)
        if self.trace is not None:
            self.trace.first_path(unit, zone)
        if zone is None and unit.name not in sec.zones.management_ifls:
            return self._drop(f"{unit.name} is not in a security zone", NO_ZONE, counted)
        sport, dport = ports(packet)
        dst, dst_port = packet.dst, dport
        nat = self.device.nat
        inbound = None  # static or destination NAT: the first packet's new destination
        if icmp.is_request(packet) and zone is not None:
            args = (zone, unit.name, instance, packet.src, packet.dst, packet.proto, sport, dport)
            inbound = nat.static(*args) or nat.destination(*args)
            if inbound is not None and getattr(inbound, "address", None) is not None:
                dst, dst_port = inbound.address, inbound.port if inbound.port is not None else dport
            else:
                inbound = None
            if self.trace is not None:
                self.trace.dst_nat(unit, packet, sport, dport, inbound, dst, dst_port)
        where = dp.resolve(dst, table)
        if self.trace is not None:
            self.trace.routed(packet, dst, sport, dst_port, unit, zone, where)
        if where.kind == "local":
            return self._to_self(packet, unit, zone, where.table, counted)
        if zone is None:  # a management interface: only for the device itself
            return self._drop(f"{unit.name} takes no transit traffic", NO_ZONE, counted)
        if packet.proto == "icmp" and packet.icmp in ICMP_ERRORS:
            if not self.allow_embedded_icmp:
                return self._drop("ICMP error matching no session", NO_SESSION_ICMP, counted)
            return self._forward(packet, unit, table, counted)
        if where.kind != "out" or where.interface is None:
            return self._forward(packet, unit, table, counted)  # unreachable, discard ...
        if packet.ttl <= 1:
            return self._expired(packet, unit, where.table, counted)
        egress = where.interface
        to_zone = sec.zone_of(egress)
        if to_zone is None:
            return self._drop(f"{egress} is not in a security zone", NO_EGRESS_ZONE, counted)
        number = PROTOCOLS.get(packet.proto, 0)
        icmp_type = ICMP_TYPES.get(packet.icmp or "") if packet.proto == "icmp" else None
        match = sec.match(zone, to_zone, packet.src, dst, number, sport, dst_port, icmp_type)
        self.device.security.hit(match)
        if self.trace is not None:
            self.trace.policy(zone, to_zone, packet.src, dst, sport, dst_port, number, match)
        if match.action != "permit":
            if match.log_init:
                self.log.denied(match, packet, sport, dport, zone, to_zone, unit.name)
            if match.action == "reject":
                return self._reject(packet, table, match.name, counted)
            return self._drop(f"denied by policy {match.name}", POLICY, counted)
        flags = tcp_flags(packet)
        refused = self.table.first_packet_drop(packet.proto, flags)
        if refused is not None:
            return self._drop(refused, SYN_CHECK, counted)
        return self._create(packet, unit, zone, egress, to_zone, instance, match, inbound, (dst, dst_port), counted)

    def _create(
        self, packet: Packet, unit: Unit, zone: str, egress: str, to_zone: str, instance: str, match: Any,
        inbound: Any, destination: tuple[int, int], counted: tuple[Counted, ...],
    ) -> Verdict:  # fmt: skip
        """A session for a permitted first packet, with source NAT; the packet leaves translated."""
        dp, nat = self.dataplane, self.device.nat
        sport, dport = ports(packet)
        dst, dst_port = destination
        out_instance = dp.engine.instance_of_interface(egress)
        src, src_port, binding, outbound = packet.src, sport, None, None
        static = nat.static_reverse(to_zone, egress, out_instance, packet.src, dst, packet.proto, sport, dst_port)
        if static is not None:
            src, src_port, outbound = static.address, static.port, static
        else:
            rule = nat.source(
                zone, to_zone, egress, instance, packet.src, dst, packet.proto, sport, dst_port,
                from_ifl=unit.name, to_instance=out_instance,
            )  # fmt: skip
            if rule is not None and rule.action != "off":
                egress_unit = dp.interfaces.units.get(egress)
                address = dp.interfaces.primary_address(egress_unit) if egress_unit is not None else None
                binding = nat.allocate(rule, packet.proto, packet.src, sport, interface=address)
                if binding is None:
                    nat.hit(rule, ok=False)
                    return self._drop(f"source NAT rule {rule.rule.name}: no address or port left", NO_NAT, counted)
                src, src_port, outbound = binding.address, binding.port, rule
        if self.trace is not None:
            self.trace.src_nat(packet.src, sport, src, src_port, outbound, binding)
        in_wing = Wing(packet.src, sport, packet.dst, dport, packet.proto, unit.name, zone, instance)
        out_wing = Wing(dst, dst_port, src, src_port, packet.proto, egress, to_zone, out_instance)
        pool = (binding.pool or "interface") if binding is not None else None
        try:
            session = self.table.create(
                in_wing, out_wing, match.name, match.application, match.timeout if match.timeout is not None else NEVER,
                instance, policy_index=match.index, nat_pool=pool, packet_size=packet.size, tcp_flags=tcp_flags(packet),
            )  # fmt: skip
        except SessionError as exc:
            if binding is not None:
                nat.release(binding)
            return self._drop(str(exc), SESSION_FAILED, counted)
        matches = tuple(m for m in (inbound, outbound) if m is not None)
        for m in matches:
            nat.hit(m)
        if matches:
            self._held[session.id] = (binding, matches)
        if match.log_init or match.log_close:
            self.log.created(session, match, inbound, outbound)
        translated = with_ports(packet.evolve(src=src, dst=dst), src_port, dst_port)
        if self.trace is not None:
            self.trace.created(session, egress, translated)
        return self._leave(translated.evolve(ttl=packet.ttl - 1), egress, counted, True)

    def _to_self(
        self, packet: Packet, unit: Unit, zone: str | None, table: str, counted: tuple[Counted, ...]
    ) -> Verdict:
        """A packet for the device: answers pass (the self session); requests as host-inbound-traffic and
        any policy to junos-host say."""
        dp = self.dataplane
        if self.trace is not None:
            self.trace.to_self(packet, unit)
        if icmp.is_request(packet):
            service = service_of(packet)
            sec = self.security
            if not sec.host_inbound(unit.name, service):
                return self._drop(f"{unit.name}: host-inbound-traffic does not allow {service}", HOST_INBOUND, counted)
            if zone is not None and (zone, JUNOS_HOST) in sec.policies.contexts:
                sport, dport = ports(packet)
                number = PROTOCOLS.get(packet.proto, 0)
                icmp_type = ICMP_TYPES.get(packet.icmp or "") if packet.proto == "icmp" else None
                match = sec.match(zone, JUNOS_HOST, packet.src, packet.dst, number, sport, dport, icmp_type)
                self.device.security.hit(match)
                if self.trace is not None:
                    self.trace.policy(zone, JUNOS_HOST, packet.src, packet.dst, sport, dport, number, match)
                if match.action != "permit":
                    if match.log_init:
                        self.log.denied(match, packet, sport, dport, zone, JUNOS_HOST, unit.name)
                    return self._drop(f"denied by policy {match.name}", POLICY, counted)
        return _with(dp.local_packet(packet, table), counted)

    def _reject(self, packet: Packet, table: str, policy: str, counted: tuple[Counted, ...]) -> Verdict:
        """A policy's `reject`: a TCP RST for TCP, an ICMP port unreachable for UDP (both from the
        destination the client asked for), nothing for the rest."""
        if packet.proto == "tcp":
            answer = icmp.transport_answer(packet, tcp.RST)
        elif packet.proto == "udp":
            answer = icmp.unreachable(packet, packet.dst, "port")
        else:
            return self._drop(f"rejected by policy {policy}", POLICY, counted)
        return _with(Verdict.answer(answer.evolve(instance=table_instance(table))), (*counted, self._dropped(POLICY)))


__all__ = ["NEVER", "FlowPath", "ports", "service_of", "tcp_flags", "with_ports"]
