"""The compiled security configuration (zones, address books, applications, policies) and the
feature that keeps it, with the policies' hit counts.

`compile_security(root)` turns the expanded committed tree into an immutable `SecurityConfig`; its
`errors` are the commit checks (the feature's `verify` returns them). What the packet path asks:
`zone_of(ifl)`, `host_inbound(ifl, service)` and `match(...)` for a flow's first packet, and
`applications.lookup(...)` to name a flow. Zone IDs and policy indexes are handed out once and
kept across commits (`compile_security(root, previous)`), as Junos keeps them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from nos.config.query import child
from nos.config.tree import Node
from nos.config.validate import CheckError
from nos.features.flow.addresses import AddressBooks, compile_books
from nos.features.flow.applications import Applications, compile_applications
from nos.features.flow.policies import GLOBAL, Policy, PolicyKey, PolicyMatch, PolicySet, compile_policies
from nos.features.flow.zones import Zones, compile_zones


@dataclass(frozen=True)
class SecurityConfig:
    zones: Zones
    books: AddressBooks
    applications: Applications
    policies: PolicySet
    errors: tuple[CheckError, ...] = ()
    zone_ids: Mapping[str, int] = field(default_factory=dict)  # every ID handed out, kept for the next commit
    indices: Mapping[PolicyKey, int] = field(default_factory=dict)

    def zone_of(self, ifl: str) -> str | None:
        """The security zone of a logical interface (`ge-0/0/0.0`); None: in no zone."""
        return self.zones.zone_of(ifl)

    def host_inbound(self, ifl: str, service: str) -> bool:
        """May `service` (ping, ssh, netconf, traceroute, ike ...; bgp, ospf ... for protocols) reach
        the device through `ifl`?"""
        return self.zones.host_inbound(ifl, service)

    def match(
        self, from_zone: str, to_zone: str, src: int, dst: int, proto: int, sport: int, dport: int,
        icmp_type: int | None = None,
    ) -> PolicyMatch:  # fmt: skip
        """The policy decision for a flow's first packet (addresses as ints; ICMP: pass its type)."""
        return self.policies.match(from_zone, to_zone, src, dst, proto, sport, dport, icmp_type)

    def policy(self, key: PolicyKey) -> Policy | None:
        context = self.policies.globals if key[0] == GLOBAL else self.policies.contexts.get(key[:2], ())
        return next((p for p in context if p.name == key[2]), None)

    def global_address_ranges(self, name: str) -> tuple[tuple[int, int], ...] | None:
        """The IPv4 (first, last) ranges a name of the global address book stands for, for NAT's rules;
        None: no such name (or a wildcard); () : no IPv4 address (an IPv6-only name)."""
        return self.books.global_book.ranges(name)


def _relevant(root: Node | None) -> tuple[object, ...]:
    """The statements a compile reads: when these are the same nodes, so is the result."""
    security = child(root, "security")
    return (
        child(security, "zones"),
        security.children.get("address-book") if security is not None else None,
        child(security, "policies"),
        root.children.get("applications") if root is not None else None,
    )


def compile_security(root: Node | None, previous: SecurityConfig | None = None) -> SecurityConfig:
    """The security configuration of an expanded tree; IDs and indexes continue from `previous`."""
    errors: list[CheckError] = []
    security = child(root, "security")
    zones = compile_zones(security, previous.zone_ids if previous is not None else None)
    books = compile_books(security, errors)
    applications = compile_applications(root, errors)
    policies, indices = compile_policies(
        security, books, applications, errors, previous.indices if previous is not None else None
    )
    zone_ids = dict(previous.zone_ids) if previous is not None else {}
    zone_ids.update({name: zone.id for name, zone in zones.zones.items()})
    return SecurityConfig(zones, books, applications, policies, tuple(errors), zone_ids, indices)


class SecurityPolicies:
    """The feature: the applied `SecurityConfig`, and how often each policy matched a flow."""

    name = "security-policies"

    def __init__(self, device: Any = None):
        self.device = device
        self.config = compile_security(None)
        self.hits: dict[PolicyKey | None, int] = {}  # None: the default policy
        self._applied: tuple[object, ...] = _relevant(None)
        self._verified: tuple[tuple[object, ...], SecurityConfig] | None = None

    def config_for(self, root: Node) -> SecurityConfig:
        """The security configuration of an expanded tree: the applied one when the statements it reads
        are the same nodes, the one `verify` compiled for a candidate, or a new compile (NAT's
        address-book and application lookups ask this for the tree they check)."""
        relevant = _relevant(root)
        if all(a is b for a, b in zip(relevant, self._applied, strict=True)):
            return self.config
        if self._verified is not None and all(a is b for a, b in zip(relevant, self._verified[0], strict=True)):
            return self._verified[1]
        config = compile_security(root, self.config)
        self._verified = (relevant, config)
        return config

    def verify(self, new: Node) -> list[CheckError]:
        return list(self.config_for(new).errors)

    def apply(self, old: Node, new: Node) -> None:
        config = self.config_for(new)
        self._applied, self._verified = _relevant(new), None
        if config is self.config:
            return
        self.config = config
        kept = {p.key for p in config.policies.all()}
        self.hits = {key: n for key, n in self.hits.items() if key is None or key in kept}

    # -- hit counts (the packet path calls `hit` once per policy lookup) --

    def hit(self, match: PolicyMatch, times: int = 1) -> None:
        """Count a policy lookup (`times` of them at once for a scripted load)."""
        if match.self_traffic:
            return
        self.hits[match.key] = self.hits.get(match.key, 0) + times

    def hit_count(self, key: PolicyKey | None) -> int:
        return self.hits.get(key, 0)

    def clear_hits(self, from_zone: str | None = None, to_zone: str | None = None) -> None:
        """`clear security policies hit-count [from-zone A] [to-zone B]`."""
        if from_zone is None and to_zone is None:
            self.hits.clear()
            return
        for key in [k for k in self.hits if k is not None]:
            if (from_zone is None or key[0] == from_zone) and (to_zone is None or key[1] == to_zone):
                del self.hits[key]


__all__ = ["SecurityConfig", "SecurityPolicies", "compile_security"]
