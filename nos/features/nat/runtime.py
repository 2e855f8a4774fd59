"""The NAT feature: the compiled configuration in force, the rules' hit counters and the source
NAT allocator, and what the packet path calls on a session's first packet and at its end.

The integration's calls, in a session's life:
  match = nat.static(...) / nat.destination(...)          inbound, before the route lookup
  match = nat.static_reverse(...) / nat.source(...)       outbound, once the egress is known
  binding = nat.allocate(match, proto, src, sport, interface=egress address)   source NAT
  nat.hit(match, ok=binding is not None)                   the rule's translation hits
  ... and when the session ends: nat.closed(match); nat.release(binding)
Counters of a rule survive commits that keep the rule (same rule set and name); the allocator's
bindings survive every commit (a session keeps its translation until it ends).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from nos.config.query import child
from nos.config.tree import Node
from nos.config.validate import CheckError
from nos.features.nat.common import Lookups, RuleKey
from nos.features.nat.config import NatConfig, compile_nat
from nos.features.nat.destination import DestinationMatch
from nos.features.nat.pools import Allocator, Binding, SourcePool
from nos.features.nat.source import SourceMatch
from nos.features.nat.static import StaticMatch

Match = SourceMatch | DestinationMatch | StaticMatch


@dataclass
class RuleCounters:
    translation_hits: int = 0  # first packets the rule matched
    successful: int = 0  # ... that got their translation (Junos `succ-hits`)
    failed: int = 0  # ... that did not (a pool out of addresses or ports)
    sessions: int = 0  # sessions holding the rule's translation now


class Nat:
    """`security nat` on a device."""

    name = "nat"

    def __init__(self, lookups_for: Callable[[Node], Lookups] | None = None):
        self.config = NatConfig()
        self.counters: dict[RuleKey, RuleCounters] = {}
        self.allocator = Allocator()
        self._lookups_for = lookups_for  # the security policies' address book and applications
        self._compiled: tuple[Node, NatConfig] | None = None  # the last configuration verified

    # -- configuration -------------------------------------------------------------------------------

    def _compile(self, root: Node) -> NatConfig:
        if self._compiled is not None and self._compiled[0] is root:
            return self._compiled[1]
        lookups = self._lookups_for(root) if self._lookups_for is not None else None
        compiled = compile_nat(root, lookups)
        self._compiled = (root, compiled)
        return compiled

    def verify(self, new: Node) -> list[CheckError]:
        if child(child(new, "security"), "nat") is None:
            return []
        return list(self._compile(new).errors)

    def apply(self, old: Node, new: Node) -> None:
        compiled = self._compile(new) if child(child(new, "security"), "nat") is not None else NatConfig()
        rules = (*compiled.source_rules, *compiled.destination_rules, *compiled.static_rules)
        keys = {rule.key for rule in rules}
        self.counters = {key: self.counters.get(key) or RuleCounters() for key in keys}
        self.config = compiled
        self._compiled = None  # (a verified root is not kept once applied)

    # -- the packet path -----------------------------------------------------------------------------

    # The lookups of the configuration in force (NatConfig's, which documents their arguments).

    def source(self, *args: Any, **kwargs: Any) -> SourceMatch | None:
        return self.config.source(*args, **kwargs)

    def destination(self, *args: Any) -> DestinationMatch | None:
        return self.config.destination(*args)

    def static(self, *args: Any) -> StaticMatch | None:
        return self.config.static(*args)

    def static_reverse(self, *args: Any) -> StaticMatch | None:
        return self.config.static_reverse(*args)

    def proxy_arp(self, ifl: str, address: int) -> bool:
        return self.config.proxy_arp(ifl, address)

    def allocate(
        self, match: SourceMatch | SourcePool | None, proto: str, src: int, sport: int, interface: int | None = None
    ) -> Binding | None:
        """The source translation of a new session: from the match's pool, or (`source-nat interface`,
        or a pool overflowing to the interface) the egress interface's address `interface`. None for
        `off`, or when the pool is exhausted."""
        pool: SourcePool | None
        if isinstance(match, SourceMatch):
            if match.action == "off":
                return None
            pool = match.pool if match.action == "pool" else None
            if match.action == "pool" and pool is None:
                return None
        else:
            pool = match
        return self.allocator.allocate(pool, proto, src, sport, interface, self.config.source_pools)

    def release(self, binding: Binding) -> None:
        self.allocator.release(binding)

    def hit(self, match: Match, ok: bool = True) -> None:
        """A session's first packet matched the rule: `ok` when it got its translation."""
        counters = self.counters.setdefault(match.key, RuleCounters())
        counters.translation_hits += 1
        if ok:
            counters.successful += 1
            counters.sessions += 1
        else:
            counters.failed += 1

    def closed(self, match: Match) -> None:
        """A session that held the rule's translation ended."""
        counters = self.counters.get(match.key)
        if counters is not None and counters.sessions > 0:
            counters.sessions -= 1

    # -- clear ----------------------------------------------------------------------------------------

    def clear_rules(self, kind: str, name: str | None = None) -> None:
        """`clear security nat source|destination|static rule all|NAME`: hits back to 0."""
        for (k, _, rule), counters in self.counters.items():
            if k == kind and (name is None or rule == name):
                counters.translation_hits = counters.successful = counters.failed = 0

    def clear_pools(self, name: str | None = None) -> None:
        """`clear security nat source pool all|NAME`: the pools' translation hits back to 0."""
        self.allocator.clear_hits(name)


__all__ = ["Match", "Nat", "RuleCounters"]
