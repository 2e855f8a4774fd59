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

from dataclasses import dataclass
from typing import Any

from nos.config.query import child, flag
from nos.config.tree import Node
from nos.features.nat.common import (
    Compiler,
    Context,
    Held,
    MatchRule,
    RuleSite,
    compile_rules,
    match_fields,
    rule_action,
)
from nos.features.nat.pools import SourcePool


@dataclass(frozen=True, kw_only=True)
class SourceRule(MatchRule):
    KIND = "source"
    to_context: Context
    persistent: bool = False  # persistent-nat configured (accepted; not simulated)


@dataclass(frozen=True, slots=True)
class SourceMatch(Held):
    """The rule that decided a session's source translation, and the pool it names."""

    rule: SourceRule
    pool: SourcePool | None = None

    @property
    def action(self) -> str:
        return self.rule.action


def _fields(c: Compiler, site: RuleSite) -> dict[str, Any] | None:
    match = site.match
    then = child(child(site.node, "then"), "source-nat")
    action = rule_action(then, "interface")
    if action is None:
        c.missing(site.set_path, f"rule {site.name}", "then")
        return None
    c.check_ports(site.path, match, "source-port", "destination-port")
    if not site.usable:
        return None
    persistent = flag(child(then, "pool"), "persistent-nat") or flag(child(then, "interface"), "persistent-nat")
    conditions = match_fields(
        c, site, lambda: c.match_addresses(site.path, match, "destination"), "source-port", "destination-port"
    )
    return {**conditions, "action": action[0], "pool": action[1], "persistent": persistent}


def compile_source_rules(c: Compiler, source: Node | None) -> tuple[SourceRule, ...]:
    """Every source rule, in evaluation order (their `position`)."""
    return compile_rules(c, "source", source, SourceRule, _fields, ("from", "to"))


__all__ = ["SourceMatch", "SourceRule", "compile_source_rules"]
