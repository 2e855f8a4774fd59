"""Source NAT rules (`security nat source rule-set`): which sessions get a new source, and from where.

A rule set applies to traffic from its `from` context to its `to` context (interfaces, zones or
routing instances). When several rule sets fit a packet, the more specific context is tried first:
from interface before zone before routing instance, then likewise for `to` (so `from interface to
zone` comes before `from zone to interface`); rule sets of equal precedence keep their order in
the configuration. Within a rule set the rules are tried in order and the first whose match fits
decides: `source-nat interface` (the egress interface's address), `pool P`, or `off` (no
translation, and no later rule is tried). This is the order `Rule position` shows; `Rule Id` is a
rule's place in the configuration.
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
    port_ranges,
    protocol_name,
)
from nos.features.nat.pools import SourcePool


@dataclass(frozen=True)
class SourceRule:
    rule_set: str
    name: str
    id: int  # place in the configuration, from 1
    position: int  # place in the evaluation order, from 1
    from_context: Context
    to_context: Context
    sources: Ranges
    destinations: Ranges
    source_ports: Ranges
    destination_ports: Ranges
    protocols: tuple[str, ...]
    applications: tuple[str, ...]
    action: str  # interface | pool | off
    pool: str | None = None
    description: str | None = None
    persistent: bool = False  # persistent-nat configured (accepted; not simulated)

    def fits(self, src: int, dst: int, proto: str, sport: int, dport: int, apps: ApplicationMatch | None) -> bool:
        """Does the packet meet the rule's match conditions (addresses, ports, protocol, application)?"""
        if not in_ranges(src, self.sources) or not in_ranges(dst, self.destinations):
            return False
        if self.protocols and proto not in self.protocols:
            return False
        if not in_ranges(sport, self.source_ports) or not in_ranges(dport, self.destination_ports):
            return False
        if self.applications:
            return apps is not None and any(apps(name, proto, sport, dport) for name in self.applications)
        return True


@dataclass(frozen=True)
class SourceMatch:
    """The rule that decided a session's source translation, and the pool it names."""

    rule: SourceRule
    pool: SourcePool | None = None

    @property
    def action(self) -> str:
        return self.rule.action

    @property
    def key(self) -> tuple[str, str, str]:
        """The rule's counters in the feature: (kind, rule set, rule)."""
        return ("source", self.rule.rule_set, self.rule.name)


def compile_source_rules(c: Compiler, source: Node | None) -> tuple[SourceRule, ...]:
    """Every source rule, in evaluation order (their `position`)."""
    found: list[tuple[tuple[int, int, int, int], SourceRule]] = []
    rule_id = 0
    base = ["security", "nat", "source"]
    for set_order, ((rs_name,), rs) in enumerate(entries(source, "rule-set").items()):
        from_context, to_context = context(child(rs, "from")), context(child(rs, "to"))
        if from_context is None:
            c.missing(base, f"rule-set {rs_name}", "from")
        if to_context is None:
            c.missing(base, f"rule-set {rs_name}", "to")
        for rule_order, ((name,), rule) in enumerate(entries(rs, "rule").items()):
            rule_id += 1
            path = [*base, "rule-set", rs_name, "rule", name]
            match = child(rule, "match")
            then = child(child(rule, "then"), "source-nat")
            pool_node = child(then, "pool")
            if flag(then, "off"):
                action, pool = "off", None
            elif pool_node is not None and value(pool_node, "pool-name"):
                action, pool = "pool", value(pool_node, "pool-name")
            elif flag(then, "interface"):
                action, pool = "interface", None
            else:
                c.missing([*base, "rule-set", rs_name], f"rule {name}", "then")
                continue
            for what in ("source-port", "destination-port"):
                for low, high in port_ranges(child(match, what)):
                    if high < low:
                        c.error(
                            [*path, "match", what],
                            f"port {low} to {high}",
                            "Upper limit of port range is lower than its start",
                        )
            if from_context is None or to_context is None:
                continue
            persistent = flag(pool_node, "persistent-nat") or flag(child(then, "interface"), "persistent-nat")
            made = SourceRule(
                rule_set=rs_name,
                name=name,
                id=rule_id,
                position=0,
                from_context=from_context,
                to_context=to_context,
                sources=c.addresses(
                    path,
                    values(match, "source-address"),
                    values(match, "source-address-name"),
                    "match source-address-name",
                ),
                destinations=c.addresses(
                    path,
                    values(match, "destination-address"),
                    values(match, "destination-address-name"),
                    "match destination-address-name",
                ),
                source_ports=port_ranges(child(match, "source-port")),
                destination_ports=port_ranges(child(match, "destination-port")),
                protocols=tuple(protocol_name(p) for p in values(match, "protocol")),
                applications=c.applications([*path, "match"], values(match, "application")),
                action=action,
                pool=pool,
                description=value(rule, "description"),
                persistent=persistent,
            )
            found.append(((from_context.rank, to_context.rank, set_order, rule_order), made))
    found.sort(key=lambda item: item[0])
    return tuple(replace(rule, position=n + 1) for n, (_, rule) in enumerate(found))


def match_source(
    rules: tuple[SourceRule, ...],
    apps: ApplicationMatch | None,
    from_zone: str | None,
    to_zone: str | None,
    to_ifl: str | None,
    instance: str | None,
    src: int,
    dst: int,
    proto: str,
    sport: int,
    dport: int,
    from_ifl: str | None = None,
    to_instance: str | None = None,
) -> SourceRule | None:
    """The first rule, in evaluation order, whose rule set's contexts and match fit the packet."""
    proto = protocol_name(proto)
    out_instance = instance if to_instance is None else to_instance
    for rule in rules:
        if not rule.from_context.matches(from_zone, from_ifl, instance):
            continue
        if not rule.to_context.matches(to_zone, to_ifl, out_instance):
            continue
        if rule.fits(src, dst, proto, sport, dport, apps):
            return rule
    return None


__all__ = ["SourceMatch", "SourceRule", "compile_source_rules", "match_source"]
