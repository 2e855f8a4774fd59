"""Routes and next hops, and the order in which routes for one destination are preferred."""

from __future__ import annotations

from typing import NamedTuple

from nos.routing.prefix import Prefix

# Next-hop kinds.
VIA = "via"  # forward to `gateway` (when set) out of `interface` (may be found by resolution)
LOCAL = "local"  # an address of this router
DISCARD = "discard"  # drop silently
REJECT = "reject"  # drop and send ICMP unreachable
RECEIVE = "receive"  # deliver to the router
TABLE = "table"  # look the packet up again in another table

# Default preferences (semantics.md 3.1).
PREFERENCE = {
    "Direct": 0,
    "Local": 0,
    "Static": 5,
    "ARI-TS": 5,
    "Access-internal": 12,
    "OSPF": 10,
    "Aggregate": 130,
    "BGP": 170,
}

INTERNAL = frozenset({"Direct", "Local", "Static", "OSPF", "Access-internal", "ARI-TS", "Aggregate"})


class NextHop(NamedTuple):
    kind: str
    gateway: int | None = None
    interface: str | None = None
    table: str | None = None


_new_route = object.__new__


class Route:
    """One route in one or more tables.

    The table that owns it (`table`) is its primary; rib-groups and
    instance-import put the same object (or a modified copy) into other tables,
    where it is a secondary route. `resolved` holds the forwarding next hops
    after resolution in the primary table, None while the route cannot be used.
    """

    __slots__ = (
        "as_path",
        "copies",
        "local_pref",
        "metric",
        "next_hops",
        "preference",
        "preference2",
        "prefix",
        "primary",
        "protocol",
        "resolve",
        "resolved",
        "seq",
        "since",
        "source",
        "table",
        "tag",
    )

    def __init__(
        self,
        prefix: Prefix,
        protocol: str,
        next_hops: tuple[NextHop, ...],
        *,
        source: object,
        table: str,
        since: float,
        preference: int | None = None,
        metric: int | None = None,
        local_pref: int | None = None,
        preference2: int | None = None,
        tag: int | None = None,
        as_path: str | None = None,
        resolve: bool = False,
        primary: Route | None = None,
    ):
        self.prefix = prefix
        self.protocol = protocol
        self.next_hops = next_hops
        self.source = source  # the owner's key, for withdraw: ("static", ...), ("interface", ifl), ...
        self.table = table
        self.since = since
        self.preference = PREFERENCE.get(protocol, 5) if preference is None else preference
        self.metric = metric
        self.local_pref = local_pref
        self.preference2 = preference2
        self.tag = tag
        self.as_path = as_path
        self.resolve = resolve
        self.primary = primary  # for a modified copy (instance-import): the route it was made from
        self.resolved: tuple[NextHop, ...] | None = None
        self.seq = 0  # arrival order: the last tie-break
        self.copies: tuple[str, ...] = ()  # other tables holding this very object (rib-group copies)

    def copy(self, table: str, **changes: object) -> Route:
        """A secondary copy for `table` with some attributes changed (import policies)."""
        route = Route(
            self.prefix,
            self.protocol,
            self.next_hops,
            source=self.source,
            table=self.table,
            since=self.since,
            preference=self.preference,
            metric=self.metric,
            local_pref=self.local_pref,
            preference2=self.preference2,
            tag=self.tag,
            as_path=self.as_path,
            resolve=self.resolve,
            primary=self.primary or self,
        )
        for name, value in changes.items():
            setattr(route, name, value)
        route.resolved = self.resolved
        route.seq = self.seq
        return route

    def at(self, prefix: Prefix, source: object) -> Route:
        """The same route for another destination, with its own source: a packed route
        (nos/routing/packed.py) becomes a Route object this way. Everything else is shared,
        `resolved`, `seq` and `copies` included."""
        route = _new_route(Route)
        route.prefix = prefix
        route.source = source
        route.protocol = self.protocol
        route.next_hops = self.next_hops
        route.table = self.table
        route.since = self.since
        route.preference = self.preference
        route.metric = self.metric
        route.local_pref = self.local_pref
        route.preference2 = self.preference2
        route.tag = self.tag
        route.as_path = self.as_path
        route.resolve = self.resolve
        route.primary = self.primary
        route.resolved = self.resolved
        route.seq = self.seq
        route.copies = self.copies
        return route

    @property
    def origin(self) -> Route:
        return self.primary or self

    def same_spec(self, other: Route) -> bool:
        """Same definition (ignoring install time): a re-applied configuration leaves such routes alone."""
        return (
            self.prefix == other.prefix
            and self.protocol == other.protocol
            and self.next_hops == other.next_hops
            and self.preference == other.preference
            and self.metric == other.metric
            and self.local_pref == other.local_pref
            and self.tag == other.tag
            and self.resolve == other.resolve
        )

    def __repr__(self) -> str:
        return f"<Route {self.prefix} {self.protocol}/{self.preference} in {self.table}>"


def selection_key(route: Route, table: str) -> tuple:
    """Smaller is better (semantics.md 3.2): resolvable, preference, local-pref or preference2,
    AS-path length, internal before BGP, primary before secondary, then first come."""
    bgp = route.protocol == "BGP"
    return (
        route.resolved is None,
        route.preference,
        -(route.local_pref if route.local_pref is not None else 100) if bgp else (route.preference2 or 0),
        len(route.as_path.split()) if route.as_path else 0,
        route.protocol not in INTERNAL,
        route.table != table,
        route.seq,
    )


__all__ = [
    "DISCARD",
    "LOCAL",
    "PREFERENCE",
    "RECEIVE",
    "REJECT",
    "TABLE",
    "VIA",
    "NextHop",
    "Route",
    "selection_key",
]
