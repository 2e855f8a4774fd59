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

from dataclasses import dataclass, replace

from nos.config.query import child, entries, value, values
from nos.config.tree import Node
from nos.features.nat.common import (
    Compiler,
    Context,
    Range,
    Ranges,
    address_range,
    context,
    in_ranges,
    instance_name,
    port_ranges,
)
from nos.routing.prefix import MASKS


@dataclass(frozen=True)
class StaticRule:
    rule_set: str
    name: str
    id: int
    position: int
    from_context: Context
    sources: Ranges
    source_ports: Ranges
    destination: int  # the public prefix
    length: int
    host: int  # the host prefix (same length)
    destination_ports: Range | None = None
    host_ports: Range | None = None
    host_instance: str | None = None
    description: str | None = None

    @property
    def host_mask(self) -> int:
        return ~MASKS[self.length] & 0xFFFFFFFF


@dataclass(frozen=True)
class StaticMatch:
    """A static translation: the rule, the direction (`in`: the destination changes, `out`: the
    source changes), and the translated address and port."""

    rule: StaticRule
    direction: str
    address: int
    port: int

    @property
    def key(self) -> tuple[str, str, str]:
        return ("static", self.rule.rule_set, self.rule.name)


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


def compile_static_rules(c: Compiler, static: Node | None) -> tuple[StaticRule, ...]:
    """Every static rule, in evaluation order (their `position`)."""
    found: list[tuple[tuple[int, int, int], StaticRule]] = []
    rule_id = 0
    base = ["security", "nat", "static"]
    for set_order, ((rs_name,), rs) in enumerate(entries(static, "rule-set").items()):
        from_context = context(child(rs, "from"))
        if from_context is None:
            c.missing(base, f"rule-set {rs_name}", "from")
        for rule_order, ((name,), rule) in enumerate(entries(rs, "rule").items()):
            rule_id += 1
            here = [*base, "rule-set", rs_name]
            path = [*here, "rule", name]
            match, then = child(rule, "match"), child(child(rule, "then"), "static-nat")
            literal = value(child(match, "destination-address"), "dst-addr")
            dst_name = value(child(match, "destination-address-name"), "dst-addr-name")
            if literal is None and dst_name is None:
                c.missing(path, "match", "destination-address")
                continue
            if then is None or not then.children:
                c.missing(here, f"rule {name}", "then")
                continue
            if child(then, "inet") is not None:
                c.error([*path, "then"], "static-nat inet", "static-nat inet (NAT64) is not supported")
                continue
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
                continue
            if public[1] != host[1]:
                message = "Static NAT: the prefix length of the destination address and of the translated prefix differ"
                c.error([*path, "then"], "static-nat", message)
                continue
            dst_ports = _port_pair(child(match, "destination-port"))
            host_ports = _port_pair(child(mapping, "mapped-port"))
            if host_ports is not None and dst_ports is None:
                c.error([*path, "then", "static-nat"], "mapped-port", "mapped-port needs match destination-port")
                continue
            if (
                host_ports is not None
                and dst_ports is not None
                and host_ports[1] - host_ports[0] != dst_ports[1] - dst_ports[0]
            ):
                c.error(
                    [*path, "then", "static-nat"],
                    "mapped-port",
                    "mapped-port range and destination-port range differ in size",
                )
                continue
            if from_context is None:
                continue
            ri = value(mapping, "routing-instance")
            made = StaticRule(
                rule_set=rs_name,
                name=name,
                id=rule_id,
                position=0,
                from_context=from_context,
                sources=c.addresses(
                    path,
                    values(match, "source-address"),
                    values(match, "source-address-name"),
                    "match source-address-name",
                ),
                source_ports=port_ranges(child(match, "source-port")),
                destination=public[0],
                length=public[1],
                host=host[0],
                destination_ports=dst_ports,
                host_ports=host_ports,
                host_instance=instance_name(ri) if ri else None,
                description=value(rule, "description"),
            )
            found.append(((from_context.rank, set_order, rule_order), made))
    found.sort(key=lambda item: item[0])
    return tuple(replace(rule, position=n + 1) for n, (_, rule) in enumerate(found))


def _port_pair(node: Node | None) -> Range | None:
    low = value(node, "low")
    if low is None:
        return None
    high = value(node, "to")
    return int(low), int(high) if high is not None else int(low)


def match_static(
    rules: tuple[StaticRule, ...],
    from_zone: str | None,
    from_ifl: str | None,
    instance: str | None,
    src: int,
    dst: int,
    sport: int,
    dport: int,
) -> StaticMatch | None:
    """Inbound: the first rule whose public side the packet is sent to; its destination translated."""
    for rule in rules:
        if not rule.from_context.matches(from_zone, from_ifl, instance):
            continue
        if dst & MASKS[rule.length] != rule.destination:
            continue
        if rule.destination_ports is not None and not rule.destination_ports[0] <= dport <= rule.destination_ports[1]:
            continue
        if not in_ranges(src, rule.sources) or not in_ranges(sport, rule.source_ports):
            continue
        port = dport
        if rule.destination_ports is not None and rule.host_ports is not None:
            port = rule.host_ports[0] + dport - rule.destination_ports[0]
        return StaticMatch(rule, "in", rule.host | (dst & rule.host_mask), port)
    return None


def match_static_reverse(
    rules: tuple[StaticRule, ...],
    to_zone: str | None,
    to_ifl: str | None,
    to_instance: str | None,
    src: int,
    dst: int,
    sport: int,
) -> StaticMatch | None:
    """Outbound: the first rule whose host side the packet comes from, leaving towards the rule set's
    context; its source translated to the public side."""
    for rule in rules:
        if not rule.from_context.matches(to_zone, to_ifl, to_instance):
            continue
        if src & MASKS[rule.length] != rule.host:
            continue
        ports = rule.host_ports
        if ports is not None and not ports[0] <= sport <= ports[1]:
            continue
        if not in_ranges(dst, rule.sources):
            continue
        port = sport
        if ports is not None and rule.destination_ports is not None:
            port = rule.destination_ports[0] + sport - ports[0]
        return StaticMatch(rule, "out", rule.destination | (src & rule.host_mask), port)
    return None


__all__ = ["StaticMatch", "StaticRule", "compile_static_rules", "match_static", "match_static_reverse"]
