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

from dataclasses import dataclass
from typing import Any

from nos.config.query import child, flag
from nos.config.tree import Node
from nos.features.nat.common import (
    Compiler,
    Held,
    MatchRule,
    RuleSite,
    compile_rules,
    match_fields,
    rule_action,
    single_destination,
)
from nos.features.nat.pools import DestinationPool


@dataclass(frozen=True, kw_only=True)
class DestinationRule(MatchRule):
    KIND = "destination"


@dataclass(frozen=True, slots=True)
class DestinationMatch(Held):
    """The rule that decided a session's destination translation, and the translated destination
    (None for `off`)."""

    rule: DestinationRule
    pool: DestinationPool | None = None
    address: int | None = None
    port: int | None = None

    @property
    def action(self) -> str:
        return self.rule.action


def _fields(c: Compiler, site: RuleSite) -> dict[str, Any] | None:
    match = site.match
    literal, name = single_destination(match)
    any_unicast = flag(child(match, "destination-address"), "any-unicast")
    if literal is None and name is None and not any_unicast:
        c.missing(site.path, "match", "destination-address")
        return None
    action = rule_action(child(child(site.node, "then"), "destination-nat"))
    if action is None:
        c.missing(site.set_path, f"rule {site.name}", "then")
        return None
    c.check_ports(site.path, match, "destination-port")
    if not site.usable:
        return None
    literals = (literal,) if literal is not None else ()
    names = (name,) if name is not None else ()

    def destinations() -> tuple[tuple[int, int], ...]:
        return () if any_unicast else c.addresses(site.path, literals, names, "match destination-address-name")

    conditions = match_fields(c, site, destinations, "destination-port")
    return {**conditions, "any_unicast": any_unicast, "action": action[0], "pool": action[1]}


def compile_destination_rules(c: Compiler, destination: Node | None) -> tuple[DestinationRule, ...]:
    """Every destination rule, in evaluation order (their `position`)."""
    return compile_rules(c, "destination", destination, DestinationRule, _fields)


def translate(rule: DestinationRule, pool: DestinationPool, dst: int, dport: int) -> tuple[int, int]:
    """The new destination (address, port) of a packet to `dst`:`dport` that `rule` sends to `pool`."""
    offset = 0
    for lo, hi in rule.destinations:
        if lo <= dst <= hi:
            offset = dst - lo
            break
    return pool.low + offset % pool.size, pool.port if pool.port is not None else dport


__all__ = ["DestinationMatch", "DestinationRule", "compile_destination_rules", "translate"]
