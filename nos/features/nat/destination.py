"""Destination NAT rules (`security nat destination rule-set`): sessions towards an address of the
device's side get a new destination (a server behind it), before the route lookup and the policy.

A rule set applies to traffic arriving from its `from` context; rule sets from an interface are
tried before those from a zone, then a routing instance (configuration order among equals), and
within a rule set the first rule whose match fits decides: `destination-nat pool P` or `off`.
A rule's destination addresses map onto the pool's range in order (the Nth address of the rule's
range to the Nth of the pool's, wrapping around a smaller pool); a pool with a `port` also moves the
destination port.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from nos.config.query import child, entries, flag, value, values
from nos.config.tree import Node
from nos.features.nat.common import (
    ApplicationMatch,
    Compiler,
    Context,
    Ranges,
    context,
    in_ranges,
    is_unicast,
    port_ranges,
    protocol_name,
)
from nos.features.nat.pools import DestinationPool


@dataclass(frozen=True)
class DestinationRule:
    rule_set: str
    name: str
    id: int
    position: int
    from_context: Context
    sources: Ranges
    destinations: Ranges
    any_unicast: bool
    destination_ports: Ranges
    protocols: tuple[str, ...]
    applications: tuple[str, ...]
    action: str  # pool | off
    pool: str | None = None
    description: str | None = None

    def fits(self, src: int, dst: int, proto: str, sport: int, dport: int, apps: ApplicationMatch | None) -> bool:
        if self.any_unicast:
            if not is_unicast(dst):
                return False
        elif not in_ranges(dst, self.destinations):
            return False
        if not in_ranges(src, self.sources) or not in_ranges(dport, self.destination_ports):
            return False
        if self.protocols and proto not in self.protocols:
            return False
        if self.applications:
            return apps is not None and any(apps(name, proto, sport, dport) for name in self.applications)
        return True


@dataclass(frozen=True)
class DestinationMatch:
    """The rule that decided a session's destination translation, and the translated destination
    (None for `off`)."""

    rule: DestinationRule
    pool: DestinationPool | None = None
    address: int | None = None
    port: int | None = None

    @property
    def action(self) -> str:
        return self.rule.action

    @property
    def key(self) -> tuple[str, str, str]:
        return ("destination", self.rule.rule_set, self.rule.name)


def compile_destination_rules(c: Compiler, destination: Node | None) -> tuple[DestinationRule, ...]:
    """Every destination rule, in evaluation order (their `position`)."""
    found: list[tuple[tuple[int, int, int], DestinationRule]] = []
    rule_id = 0
    base = ["security", "nat", "destination"]
    for set_order, ((rs_name,), rs) in enumerate(entries(destination, "rule-set").items()):
        from_context = context(child(rs, "from"))
        if from_context is None:
            c.missing(base, f"rule-set {rs_name}", "from")
        for rule_order, ((name,), rule) in enumerate(entries(rs, "rule").items()):
            rule_id += 1
            path = [*base, "rule-set", rs_name, "rule", name]
            match = child(rule, "match")
            then = child(child(rule, "then"), "destination-nat")
            literal = value(child(match, "destination-address"), "dst-addr")
            any_unicast = flag(child(match, "destination-address"), "any-unicast")
            dst_name = value(child(match, "destination-address-name"), "dst-addr-name")
            if literal is None and dst_name is None and not any_unicast:
                c.missing([*base, "rule-set", rs_name, "rule", name], "match", "destination-address")
                continue
            if flag(then, "off"):
                action, pool = "off", None
            elif value(child(then, "pool"), "pool-name"):
                action, pool = "pool", value(child(then, "pool"), "pool-name")
            else:
                c.missing([*base, "rule-set", rs_name], f"rule {name}", "then")
                continue
            for low, high in port_ranges(child(match, "destination-port")):
                if high < low:
                    c.error(
                        [*path, "match", "destination-port"],
                        f"port {low} to {high}",
                        "Upper limit of port range is lower than its start",
                    )
            if from_context is None:
                continue
            literals = (literal,) if literal is not None else ()
            names = (dst_name,) if dst_name is not None else ()
            made = DestinationRule(
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
                destinations=()
                if any_unicast
                else c.addresses(path, literals, names, "match destination-address-name"),
                any_unicast=any_unicast,
                destination_ports=port_ranges(child(match, "destination-port")),
                protocols=tuple(protocol_name(p) for p in values(match, "protocol")),
                applications=c.applications([*path, "match"], values(match, "application")),
                action=action,
                pool=pool,
                description=value(rule, "description"),
            )
            found.append(((from_context.rank, set_order, rule_order), made))
    found.sort(key=lambda item: item[0])
    return tuple(replace(rule, position=n + 1) for n, (_, rule) in enumerate(found))


def match_destination(
    rules: tuple[DestinationRule, ...],
    apps: ApplicationMatch | None,
    from_zone: str | None,
    from_ifl: str | None,
    instance: str | None,
    src: int,
    dst: int,
    proto: str,
    sport: int,
    dport: int,
) -> DestinationRule | None:
    """The first rule, in evaluation order, whose rule set's context and match fit the packet."""
    proto = protocol_name(proto)
    for rule in rules:
        if rule.from_context.matches(from_zone, from_ifl, instance) and rule.fits(src, dst, proto, sport, dport, apps):
            return rule
    return None


def translate(rule: DestinationRule, pool: DestinationPool, dst: int, dport: int) -> tuple[int, int]:
    """The new destination (address, port) of a packet to `dst`:`dport` that `rule` sends to `pool`."""
    offset = 0
    for lo, hi in rule.destinations:
        if lo <= dst <= hi:
            offset = dst - lo
            break
    return pool.low + offset % pool.size, pool.port if pool.port is not None else dport


__all__ = ["DestinationMatch", "DestinationRule", "compile_destination_rules", "match_destination", "translate"]
