"""Static NAT rules (`security nat static rule-set`): a one-to-one mapping between a public prefix and
a host prefix of the same length, used in both directions.

Inbound, traffic arriving from the rule set's `from` context to an address of `destination-address`
goes to the same host bits of `static-nat prefix` (and with `destination-port`/`mapped-port`, port N
of the range to the same place in the mapped range). Outbound, the reverse: traffic from the host
prefix leaving towards that context gets the public address as its source, without a source NAT
rule. Static NAT comes before destination NAT inbound and before source NAT outbound. Rule sets
from an interface are tried before those from a zone, then a routing instance; then rule order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from nos.config.query import child, value
from nos.config.tree import Node
from nos.features.nat.common import (
    ANY,
    Compiler,
    Held,
    Range,
    Ranges,
    Rule,
    RuleSite,
    address_range,
    compile_rules,
    in_ranges,
    instance_name,
    port_ranges,
    single_destination,
)
from nos.routing.prefix import MASKS


@dataclass(frozen=True, kw_only=True)
class StaticRule(Rule):
    KIND = "static"
    sources: Ranges = ANY
    source_ports: Ranges = ANY
    destination: int  # the public prefix
    length: int
    host: int  # the host prefix (same length)
    destination_ports: Range | None = None
    host_ports: Range | None = None
    host_instance: str | None = None

    @property
    def host_mask(self) -> int:
        return ~MASKS[self.length] & 0xFFFFFFFF

    def inbound(self, src: int, dst: int, sport: int, dport: int) -> StaticMatch | None:
        """A packet sent to the public side: its destination translated (None: not this rule's)."""
        return self._map("in", dst, dport, src, sport)

    def outbound(self, src: int, dst: int, sport: int) -> StaticMatch | None:
        """A packet from the host side: its source translated to the public side (the rule's source
        addresses are then the far ends it may go to)."""
        return self._map("out", src, sport, dst, None)

    def _map(self, direction: str, address: int, port: int, peer: int, peer_port: int | None) -> StaticMatch | None:
        """`address`:`port` moved across the mapping (public to host `in`, host to public `out`), when
        it is on the near side and the far end `peer` (and `peer_port`, inbound) meets the match."""
        public, host = (self.destination, self.destination_ports), (self.host, self.host_ports)
        (near, ports), (far, far_ports) = (public, host) if direction == "in" else (host, public)
        if address & MASKS[self.length] != near:
            return None
        if ports is not None and not ports[0] <= port <= ports[1]:
            return None
        if not in_ranges(peer, self.sources):
            return None
        if peer_port is not None and not in_ranges(peer_port, self.source_ports):
            return None
        if ports is not None and far_ports is not None:
            port = far_ports[0] + port - ports[0]
        return StaticMatch(self, direction, far | (address & self.host_mask), port)


@dataclass(frozen=True, slots=True)
class StaticMatch(Held):
    """A static translation: the rule, the direction (`in`: the destination changes, `out`: the
    source changes), and the translated address and port."""

    rule: StaticRule
    direction: str
    address: int
    port: int


def _prefix_of(found: Ranges) -> tuple[int, int] | None:
    """The prefix that one range is exactly (an address-book name in a static rule must be one)."""
    if len(found) != 1:
        return None
    lo, hi = found[0]
    size = hi - lo + 1
    if size <= 0 or size & (size - 1) or lo & (size - 1):
        return None
    return lo, 32 - (size.bit_length() - 1)


def _prefix(
    c: Compiler, path: list[str], statement: str, literal: str | None, name: str | None
) -> tuple[int, int] | None:
    if literal is not None:
        found = address_range(literal)
        if found is None:
            return None  # IPv6
        return _prefix_of((found,))
    if name is None:
        return None
    resolved = c.addresses(path, (), (name,), statement)
    prefix = _prefix_of(resolved) if resolved else None
    if resolved and prefix is None:
        c.error(path, f"{statement} {name}", f"address '{name}' is not a single prefix, as static NAT needs")
    return prefix


def _port_pair(node: Node | None) -> Range | None:
    low = value(node, "low")
    if low is None:
        return None
    high = value(node, "to")
    return int(low), int(high) if high is not None else int(low)


def _fields(c: Compiler, site: RuleSite) -> dict[str, Any] | None:
    path, match = site.path, site.match
    then = child(child(site.node, "then"), "static-nat")
    literal, dst_name = single_destination(match)
    if literal is None and dst_name is None:
        c.missing(path, "match", "destination-address")
        return None
    if then is None or not then.children:
        c.missing(site.set_path, f"rule {site.name}", "then")
        return None
    if child(then, "inet") is not None:
        c.error([*path, "then"], "static-nat inet", "static-nat inet (NAT64) is not supported")
        return None
    mapping = child(then, "prefix") if child(then, "prefix") is not None else child(then, "prefix-name")
    public = _prefix(c, path, "match destination-address-name", literal, dst_name)
    host = _prefix(
        c,
        path,
        "then static-nat prefix-name",
        value(child(then, "prefix"), "addr-prefix"),
        value(child(then, "prefix-name"), "addr-prefix-name"),
    )
    if public is None or host is None:
        return None
    if public[1] != host[1]:
        message = "Static NAT: the prefix length of the destination address and of the translated prefix differ"
        c.error([*path, "then"], "static-nat", message)
        return None
    dst_ports = _port_pair(child(match, "destination-port"))
    host_ports = _port_pair(child(mapping, "mapped-port"))
    if host_ports is not None and dst_ports is None:
        c.error([*path, "then", "static-nat"], "mapped-port", "mapped-port needs match destination-port")
        return None
    if host_ports and dst_ports and host_ports[1] - host_ports[0] != dst_ports[1] - dst_ports[0]:
        message = "mapped-port range and destination-port range differ in size"
        c.error([*path, "then", "static-nat"], "mapped-port", message)
        return None
    c.check_ports(path, match, "source-port")
    if not site.usable:
        return None
    ri = value(mapping, "routing-instance")
    return {
        "sources": c.match_addresses(path, match, "source"),
        "source_ports": port_ranges(child(match, "source-port")),
        "destination": public[0],
        "length": public[1],
        "host": host[0],
        "destination_ports": dst_ports,
        "host_ports": host_ports,
        "host_instance": instance_name(ri) if ri else None,
    }


def compile_static_rules(c: Compiler, static: Node | None) -> tuple[StaticRule, ...]:
    """Every static rule, in evaluation order (their `position`)."""
    return compile_rules(c, "static", static, StaticRule, _fields)


__all__ = ["StaticMatch", "StaticRule", "compile_static_rules"]
