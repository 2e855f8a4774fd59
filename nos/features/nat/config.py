"""`security nat` compiled: the committed configuration as immutable rules and pools, with the
lookups the packet path asks (which rule translates this session, and to what) and the commit
errors found on the way.

Order of the translations in a session's first packet (what the integration does with these
lookups): static NAT, else destination NAT, before the route lookup and the policy; then reverse
static NAT, else source NAT, once the egress is known. Proxy ARP tells whether the device answers
ARP for an address that is not its own (pool and static addresses on a shared segment).

Address-book names in rules come from a lookup (`Lookups`) the security policies provide; without
one, the configuration's global address book is read directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from nos.config.query import child, entries, value
from nos.config.tree import Node
from nos.config.validate import CheckError
from nos.features.nat.common import (
    AddressLookup,
    ApplicationMatch,
    Compiler,
    Lookups,
    Ranges,
    RuleKey,
    global_address_book,
    in_ranges,
    protocol_name,
)
from nos.features.nat.destination import DestinationMatch, DestinationRule, compile_destination_rules, translate
from nos.features.nat.pools import DestinationPool, SourcePool, compile_destination_pools, compile_source_pools
from nos.features.nat.source import SourceMatch, SourceRule, compile_source_rules
from nos.features.nat.static import StaticMatch, StaticRule, compile_static_rules


@dataclass(frozen=True)
class NatConfig:
    """The NAT of one committed configuration."""

    source_rules: tuple[SourceRule, ...] = ()
    destination_rules: tuple[DestinationRule, ...] = ()
    static_rules: tuple[StaticRule, ...] = ()
    source_pools: dict[str, SourcePool] = field(default_factory=dict)
    destination_pools: dict[str, DestinationPool] = field(default_factory=dict)
    proxy_arps: dict[str, Ranges] = field(default_factory=dict)
    applications: ApplicationMatch | None = field(default=None, compare=False)
    errors: tuple[CheckError, ...] = field(default=(), compare=False)
    # A source rule's match is the same for every session it translates: made once, shared by all
    # (100,000 sessions would otherwise hold 100,000 copies).
    _source_matches: dict[RuleKey, SourceMatch] = field(default_factory=dict, compare=False, repr=False)

    def source(
        self,
        from_zone: str | None,
        to_zone: str | None,
        to_ifl: str | None,
        instance: str | None,
        src: int,
        dst: int,
        proto: str,
        sport: int,
        dport: int,
        *,
        from_ifl: str | None = None,
        to_instance: str | None = None,
    ) -> SourceMatch | None:
        """The source rule for a new session leaving by `to_ifl` (None: no rule fits). `instance` is the
        routing instance it arrived in; `to_instance` the one it leaves from (default: the same)."""
        proto = protocol_name(proto)
        out_instance = instance if to_instance is None else to_instance
        for rule in self.source_rules:
            if (
                rule.from_context.matches(from_zone, from_ifl, instance)
                and rule.to_context.matches(to_zone, to_ifl, out_instance)
                and rule.fits(src, dst, proto, sport, dport, self.applications)
            ):
                found = self._source_matches.get(rule.key)
                if found is None:
                    pool = self.source_pools.get(rule.pool) if rule.pool else None
                    found = self._source_matches[rule.key] = SourceMatch(rule, pool)
                return found
        return None

    def destination(
        self,
        from_zone: str | None,
        from_ifl: str | None,
        instance: str | None,
        src: int,
        dst: int,
        proto: str,
        sport: int,
        dport: int,
    ) -> DestinationMatch | None:
        """The destination rule for a new session arriving on `from_ifl`, with its new destination."""
        proto = protocol_name(proto)
        for rule in self.destination_rules:
            if rule.from_context.matches(from_zone, from_ifl, instance) and rule.fits(
                src, dst, proto, sport, dport, self.applications
            ):
                pool = self.destination_pools.get(rule.pool) if rule.pool else None
                if pool is None:
                    return DestinationMatch(rule)
                return DestinationMatch(rule, pool, *translate(rule, pool, dst, dport))
        return None

    def static(
        self,
        from_zone: str | None,
        from_ifl: str | None,
        instance: str | None,
        src: int,
        dst: int,
        proto: str,
        sport: int,
        dport: int,
    ) -> StaticMatch | None:
        """Inbound static NAT for a new session arriving on `from_ifl` (its destination translated)."""
        for rule in self.static_rules:
            found = rule.inbound(src, dst, sport, dport)
            if found is not None and rule.from_context.matches(from_zone, from_ifl, instance):
                return found
        return None

    def static_reverse(
        self,
        to_zone: str | None,
        to_ifl: str | None,
        to_instance: str | None,
        src: int,
        dst: int,
        proto: str,
        sport: int,
        dport: int,
    ) -> StaticMatch | None:
        """Outbound static NAT for a new session from a mapped host leaving by `to_ifl` (its source
        translated to the public address)."""
        for rule in self.static_rules:
            found = rule.outbound(src, dst, sport)
            if found is not None and rule.from_context.matches(to_zone, to_ifl, to_instance):
                return found
        return None

    def proxy_arp(self, ifl: str, address: int) -> bool:
        """Does the device answer ARP for `address` on `ifl` (`security nat proxy-arp`)?"""
        ranges = self.proxy_arps.get(ifl)
        return ranges is not None and bool(ranges) and in_ranges(address, ranges)


def compile_nat(root: Node | None, lookups: Lookups | AddressLookup | None = None) -> NatConfig:
    """The NAT of the expanded configuration `root`; its commit errors are in `.errors`."""
    if lookups is None:
        lookups = Lookups(global_address_book(root))
    elif not isinstance(lookups, Lookups):
        lookups = Lookups(lookups)
    c = Compiler(root, lookups)
    nat = child(child(root, "security"), "nat")
    source, destination = child(nat, "source"), child(nat, "destination")
    source_pools = compile_source_pools(c, source)
    destination_pools = compile_destination_pools(c, destination)
    for pool in source_pools.values():
        if pool.overflow_pool is not None and pool.overflow_pool == pool.name:
            c.error(
                ["security", "nat", "source", "pool", pool.name],
                f"overflow-pool {pool.name}",
                "A pool cannot be its own overflow pool",
            )
    return NatConfig(
        source_rules=compile_source_rules(c, source),
        destination_rules=compile_destination_rules(c, destination),
        static_rules=compile_static_rules(c, child(nat, "static")),
        source_pools=source_pools,
        destination_pools=destination_pools,
        proxy_arps=_proxy_arps(c, child(nat, "proxy-arp")),
        applications=lookups.applications,
        errors=tuple(c.errors),
    )


def _proxy_arps(c: Compiler, node: Node | None) -> dict[str, Ranges]:
    out: dict[str, Ranges] = {}
    for (ifl,), entry in entries(node, "interface").items():
        path = ["security", "nat", "proxy-arp", "interface", ifl, "address"]
        addresses = entries(child(entry, "address"), "entry").items()
        found = (c.span(path, low, low, value(address, "to")) for (low,), address in addresses)
        out[ifl] = tuple(r for r in found if r is not None)
    return out


__all__ = ["Lookups", "NatConfig", "compile_nat"]
