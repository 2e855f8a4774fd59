"""Security policies: the first policy of a zone pair that matches a flow decides, then the global
policies, then the default policy (deny-all unless `default-policy permit-all`).

A policy matches a flow when the source address is one of its source addresses (resolved in the
from-zone's address book; `source-address-excluded` inverts it), the destination likewise in the
to-zone's, and the flow belongs to one of its applications (`any`: every flow). Global policies
resolve names in the global address book and may be limited to some from- and to-zones. Traffic
to or from the device itself (zone junos-host) that no policy matches is let through, as Junos
does once host-inbound-traffic allowed it ("self-traffic-policy").

Each policy has an index that identifies it in sessions (`Policy name: p1/4`) and hit counts:
configured policies are numbered from 3 in the order they first appear and keep their number
across commits; the default policy is 2 and self-traffic 1, as sessions show them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from nos.config.query import child, entries, flag, value, values
from nos.config.tree import Node
from nos.config.validate import CheckError
from nos.features.flow.addresses import AddressBooks, AddressMatch
from nos.features.flow.applications import Application, Applications, default_timeout
from nos.features.flow.zones import JUNOS_HOST

GLOBAL = "junos-global"  # the context global policies are listed under (hit-count)
SELF_TRAFFIC = ("self-traffic-policy", 1)
DEFAULT_POLICY = ("default-policy-logical-system-00", 2)
FIRST_INDEX = 3
PolicyKey = tuple[str, str, str]  # (from-zone, to-zone, name); junos-global twice for a global policy
UNSUPPORTED = ("source-identity", "url-category")


@dataclass(frozen=True)
class Policy:
    name: str
    from_zone: str  # the context: junos-global for a global policy
    to_zone: str
    index: int
    sequence: int  # 1.. within its context
    source: AddressMatch
    destination: AddressMatch
    applications: tuple[str, ...]  # as configured
    apps: tuple[Application, ...] | None  # resolved; None: any
    action: str  # permit | deny | reject
    description: str | None = None
    count: bool = False
    log_init: bool = False
    log_close: bool = False
    from_zones: tuple[str, ...] = ()  # a global policy's `match from-zone`; empty: any
    to_zones: tuple[str, ...] = ()
    tunnel: str | None = None  # `then permit tunnel ipsec-vpn`
    syn_check: bool = False
    sequence_check: bool = False
    window_scale: bool = False
    services_offload: str = "not-configured"

    @property
    def key(self) -> PolicyKey:
        return (self.from_zone, self.to_zone, self.name)

    @property
    def is_global(self) -> bool:
        return self.from_zone == GLOBAL

    def match(
        self, src: int, dst: int, protocol: int, sport: int, dport: int, icmp_type: int | None = None
    ) -> tuple[bool, Application | None, int | None]:
        """(matched, the application the flow matched, its inactivity timeout)."""
        if not self.source.contains(src) or not self.destination.contains(dst):
            return False, None, None
        if self.apps is None:
            return True, None, None
        for app in self.apps:
            term = app.match(protocol, sport, dport, icmp_type)
            if term is not None:
                return True, app, app.inactivity_timeout(term, protocol)
        return False, None, None


@dataclass(frozen=True)
class PolicyMatch:
    """What the policy lookup decided for the first packet of a flow."""

    policy: str | None  # None: no policy matched (the default policy, or self-traffic)
    action: str  # permit | deny | reject
    index: int
    context: tuple[str, str]  # the matched policy's (from, to); junos-global for a global one
    application: str | None  # junos-ssh ...; None: no application names the flow
    timeout: int | None  # inactivity timeout in seconds; None: never
    count: bool = False
    log_init: bool = False
    log_close: bool = False
    tunnel: str | None = None
    self_traffic: bool = False

    @property
    def name(self) -> str:
        """The policy's name as sessions show it (`default-policy-logical-system-00` for the default)."""
        if self.policy is not None:
            return self.policy
        return SELF_TRAFFIC[0] if self.self_traffic else DEFAULT_POLICY[0]

    @property
    def is_default(self) -> bool:
        """No policy matched and the default policy decided."""
        return self.policy is None and not self.self_traffic

    @property
    def key(self) -> PolicyKey | None:
        """The hit-count key of the matched policy (None for the default policy and self-traffic)."""
        return (*self.context, self.policy) if self.policy is not None else None


class PolicySet:
    """The compiled policies: zone-pair contexts in configuration order, the global ones, the default."""

    def __init__(
        self,
        contexts: dict[tuple[str, str], tuple[Policy, ...]],
        globals_: tuple[Policy, ...],
        default_action: str,
        applications: Applications,
    ):
        self.contexts = contexts
        self.globals = globals_
        self.default_action = default_action  # permit | deny
        self.applications = applications

    def all(self) -> list[Policy]:
        return [p for ps in self.contexts.values() for p in ps] + list(self.globals)

    def candidates(self, from_zone: str, to_zone: str) -> list[Policy]:
        """The policies a flow from `from_zone` to `to_zone` is tried against, in order."""
        zone_pair = list(self.contexts.get((from_zone, to_zone), ()))
        return zone_pair + [
            p
            for p in self.globals
            if (not p.from_zones or from_zone in p.from_zones) and (not p.to_zones or to_zone in p.to_zones)
        ]

    def matching(
        self, from_zone: str, to_zone: str, src: int, dst: int, protocol: int, sport: int, dport: int,
        icmp_type: int | None = None,
    ) -> list[tuple[Policy, Application | None, int | None]]:  # fmt: skip
        """Every policy the flow matches, in the order they are tried (the first decides)."""
        out = []
        for policy in self.candidates(from_zone, to_zone):
            hit, app, timeout = policy.match(src, dst, protocol, sport, dport, icmp_type)
            if hit:
                out.append((policy, app, timeout))
        return out

    def match(
        self, from_zone: str, to_zone: str, src: int, dst: int, protocol: int, sport: int, dport: int,
        icmp_type: int | None = None,
    ) -> PolicyMatch:  # fmt: skip
        for policy in self.candidates(from_zone, to_zone):
            hit, app, timeout = policy.match(src, dst, protocol, sport, dport, icmp_type)
            if not hit:
                continue
            if app is None:  # `application any`: the flow is named after the application its ports fit
                app = self.applications.lookup(protocol, dport, sport, icmp_type)
                timeout = self._timeout(app, protocol, sport, dport, icmp_type)
            return PolicyMatch(
                policy.name, policy.action, policy.index, (policy.from_zone, policy.to_zone),
                app.name if app is not None else None, timeout, policy.count, policy.log_init,
                policy.log_close, policy.tunnel,
            )  # fmt: skip
        app = self.applications.lookup(protocol, dport, sport, icmp_type)
        timeout = self._timeout(app, protocol, sport, dport, icmp_type)
        name = app.name if app is not None else None
        if JUNOS_HOST in (from_zone, to_zone):
            return PolicyMatch(None, "permit", SELF_TRAFFIC[1], (from_zone, to_zone), name, timeout, self_traffic=True)
        return PolicyMatch(None, self.default_action, DEFAULT_POLICY[1], ("all-zone", "all-zone"), name, timeout)

    @staticmethod
    def _timeout(app: Application | None, protocol: int, sport: int, dport: int, icmp_type: int | None) -> int | None:
        if app is None:
            return default_timeout(protocol)
        term = app.match(protocol, sport, dport, icmp_type)
        return app.inactivity_timeout(term, protocol) if term is not None else default_timeout(protocol)


# -- compile ------------------------------------------------------------------------------------------


@dataclass
class _Builder:
    books: AddressBooks
    applications: Applications
    indices: dict[PolicyKey, int]
    next_index: int
    errors: list[CheckError]

    def index(self, key: PolicyKey) -> int:
        if key not in self.indices:
            self.indices[key], self.next_index = self.next_index, self.next_index + 1
        return self.indices[key]

    def addresses(self, match: Node | None, side: str, zone: str | None, path: list[str], policy: str) -> AddressMatch:
        names = values(match, f"{side}-address")
        found = []
        for name in names:
            resolved = self.books.resolve(zone, name)
            if resolved is None:
                if self.books.defined_anywhere(name):  # (a name no book has is the reference check's error)
                    where = f"zone '{zone}'" if zone is not None else "the global address book"
                    message = f"Policy '{policy}' {side} address '{name}' is not in the address book of {where}"
                    self.errors.append(CheckError(path, f"{side}-address {name}", message))
                continue
            found.extend(resolved)
        return AddressMatch.of(names, found, flag(match, f"{side}-address-excluded"))

    def apps(self, match: Node | None) -> tuple[tuple[str, ...], tuple[Application, ...] | None]:
        names = values(match, "application")
        if not names or "any" in names:
            return names or ("any",), None
        found: list[Application] = []
        for name in names:
            found.extend(self.applications.resolve(name) or ())
        return names, tuple(found)

    def policy(
        self, name: str, node: Node, context: tuple[str, str], sequence: int, path: list[str],
        zones: tuple[str | None, str | None],
    ) -> Policy:  # fmt: skip
        match, then = child(node, "match"), child(node, "then")
        self.check(node, match, then, path)
        permit = child(then, "permit")
        action = "permit" if permit is not None else "reject" if child(then, "reject") is not None else "deny"
        tcp = child(permit, "tcp-options")
        log = child(then, "log")
        names, apps = self.apps(match)
        offload = "enabled" if flag(permit, "services-offload") else "not-configured"
        return Policy(
            name=name,
            from_zone=context[0],
            to_zone=context[1],
            index=self.index((*context, name)),
            sequence=sequence,
            source=self.addresses(match, "source", zones[0], [*path, "match"], name),
            destination=self.addresses(match, "destination", zones[1], [*path, "match"], name),
            applications=names,
            apps=apps,
            action=action,
            description=value(node, "description"),
            count=child(then, "count") is not None,
            log_init=flag(log, "session-init"),
            log_close=flag(log, "session-close"),
            from_zones=values(match, "from-zone") if context[0] == GLOBAL else (),
            to_zones=values(match, "to-zone") if context[0] == GLOBAL else (),
            tunnel=value(child(permit, "tunnel"), "ipsec-vpn"),
            syn_check=flag(tcp, "syn-check-required"),
            sequence_check=flag(tcp, "sequence-check-required"),
            window_scale=flag(tcp, "window-scale"),
            services_offload="disabled" if flag(permit, "no-services-offload") else offload,
        )

    def check(self, node: Node, match: Node | None, then: Node | None, path: list[str]) -> None:
        """What a policy needs (match criteria, an action) and what nos cannot evaluate."""
        parent, statement = path[:-2], " ".join(path[-2:])
        dynamic = values(match, "dynamic-application")
        for needed in ("source-address", "destination-address", "application"):
            if needed == "application" and dynamic:
                continue
            if not values(match, needed):
                message = f"Missing mandatory statement: '{needed}'"
                self.errors.append(CheckError([*path], "match", message, mandatory=True))
        if then is None or not any(child(then, a) is not None for a in ("permit", "deny", "reject")):
            self.errors.append(CheckError(parent, statement, "Missing mandatory statement: 'then'", mandatory=True))
        for name in UNSUPPORTED:
            if values(match, name):
                message = f"match {name} is not supported by nos (no identity or URL lookups)"
                self.errors.append(CheckError([*path, "match"], name, message))
        if [d for d in dynamic if d not in ("any", "none")]:
            message = "dynamic-application is not supported by nos (no application identification)"
            self.errors.append(CheckError([*path, "match"], f"dynamic-application {dynamic[0]}", message))
        if value(node, "scheduler-name") is not None:
            message = "scheduler-name is not supported by nos (policies are always active)"
            self.errors.append(CheckError(path, f"scheduler-name {value(node, 'scheduler-name')}", message))


def compile_policies(
    security: Node | None,
    books: AddressBooks,
    applications: Applications,
    errors: list[CheckError],
    previous: Mapping[PolicyKey, int] | None = None,
) -> tuple[PolicySet, dict[PolicyKey, int]]:
    """`[edit security policies]`; policies keep the index they had (`previous`). Returns the set
    and every index handed out (kept for the next commit)."""
    node = child(security, "policies")
    indices = dict(previous or {})
    build = _Builder(books, applications, indices, max([FIRST_INDEX - 1, *indices.values()]) + 1, errors)
    contexts: dict[tuple[str, str], tuple[Policy, ...]] = {}
    for (from_zone, to_zone), ctx in entries(node, "from-zone").items():
        base = ["security", "policies", "from-zone", from_zone, "to-zone", to_zone]
        contexts[from_zone, to_zone] = tuple(
            build.policy(name, p, (from_zone, to_zone), seq, [*base, "policy", name], (from_zone, to_zone))
            for seq, ((name,), p) in enumerate(entries(ctx, "policy").items(), 1)
        )
    base = ["security", "policies", "global"]
    globals_ = tuple(
        build.policy(name, p, (GLOBAL, GLOBAL), seq, [*base, "policy", name], (None, None))
        for seq, ((name,), p) in enumerate(entries(child(node, "global"), "policy").items(), 1)
    )
    default = "permit" if flag(child(node, "default-policy"), "permit-all") else "deny"
    return PolicySet(contexts, globals_, default, applications), indices


__all__ = [
    "DEFAULT_POLICY",
    "GLOBAL",
    "SELF_TRAFFIC",
    "Policy",
    "PolicyKey",
    "PolicyMatch",
    "PolicySet",
    "compile_policies",
]
