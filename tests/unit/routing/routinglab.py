"""Helpers of the routing-engine tests: an engine configured from `set` lines, on a clock the test moves."""

from __future__ import annotations

from nos.config.groups import expand
from nos.config.load import parse_set
from nos.config.query import child, entries
from nos.config.tree import ConfigTree, Node
from nos.routing.engine import RoutingEngine
from nos.routing.prefix import addr, addr_text, interface_address, prefix
from nos.routing.route import VIA, NextHop, Route

# Seed 001's import policy of ISP-2's BGP default, with local-preference 50.
ISP_2_DEFAULT_ROUTE = """
set policy-options prefix-list DEFAULT-ROUTE 0.0.0.0/0
set policy-options policy-statement ISP-2-DEFAULT-ROUTE term 10 from instance ISP-2
set policy-options policy-statement ISP-2-DEFAULT-ROUTE term 10 from protocol bgp
set policy-options policy-statement ISP-2-DEFAULT-ROUTE term 10 from prefix-list DEFAULT-ROUTE
set policy-options policy-statement ISP-2-DEFAULT-ROUTE term 10 then local-preference 50
set policy-options policy-statement ISP-2-DEFAULT-ROUTE term 10 then accept
"""


class Clock:
    """Seconds since the epoch, moved by hand."""

    def __init__(self, now: float = 1_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


def expanded(schema, text: str) -> Node:  # type: ignore[no-untyped-def]
    """The expanded configuration tree of some `set` lines (which must all parse)."""
    tree = ConfigTree(schema.root)
    report = parse_set(tree, text)
    assert not report.messages, report.messages
    return expand(tree.root)


def interface_units(root: Node) -> dict[str, list[tuple[int, int]]]:
    """ifl -> its configured inet addresses, read from the `interfaces` stanza."""
    out: dict[str, list[tuple[int, int]]] = {}
    for (name,), entry in entries(child(root, "interfaces"), "interface").items():
        for (unit,), u in entries(entry, "unit").items():
            inet = child(child(u, "family"), "inet")
            out[f"{name}.{unit}"] = [interface_address(k[0]) for k in entries(inet, "address")]
    return out


def route(dest: str, protocol: str, via: str | NextHop, source: object, table: str = "inet.0", **attrs) -> Route:  # type: ignore[no-untyped-def]
    """A route as a protocol would add it: `via` is a gateway address or a NextHop."""
    hop = via if isinstance(via, NextHop) else NextHop(VIA, addr(via))
    return Route(prefix(dest), protocol, (hop,), source=source, table=table, since=0, **attrs)


class Lab:
    """A routing engine, the configuration it was given and a way to move interfaces up and down."""

    def __init__(self, schema, text: str):  # type: ignore[no-untyped-def]
        self.schema = schema
        self.clock = Clock()
        self.engine = RoutingEngine(self.clock)
        self.root = expanded(schema, text)
        self.engine.configure(self.root)
        self.units = interface_units(self.root)
        for ifl, addresses in self.units.items():
            self.engine.set_interface(ifl, addresses, True)

    def reconfigure(self, text: str) -> None:
        self.root = expanded(self.schema, text)
        self.engine.configure(self.root)
        self.units = interface_units(self.root)
        for ifl in list(self.engine.interfaces):  # as the interfaces feature does with deleted units
            if ifl not in self.units:
                self.engine.forget_interface(ifl)
        for ifl, addresses in self.units.items():
            self.engine.set_interface(
                ifl, addresses, self.engine.interfaces.get(ifl) is None or self.engine.interface_up(ifl)
            )

    def link(self, ifl: str, up: bool) -> None:
        self.engine.set_interface(ifl, self.units[ifl], up)

    def routes(self, table: str, dest: str) -> list[Route]:
        rib = self.engine.tables[table]
        return rib.candidates(prefix(dest))

    def active(self, table: str, dest: str) -> Route | None:
        return self.engine.tables[table].active(prefix(dest))

    def lookup(self, table: str, address: str) -> Route | None:
        return self.engine.lookup(table, interface_address(address)[0])


def hops(route: Route | None) -> list[str]:
    """The forwarding next hops of a route, readably: `to 10.1.1.1 via ge-0/0/1.0`, `via lo0.0`, `discard`."""
    if route is None or route.resolved is None:
        return []
    out = []
    for nh in route.resolved:
        if nh.kind == "via":
            gw = f"to {addr_text(nh.gateway)} " if nh.gateway is not None else ""
            out.append(f"{gw}via {nh.interface}")
        elif nh.kind == "table":
            out.append(f"table {nh.table}")
        else:
            out.append(nh.kind + (f" {nh.interface}" if nh.interface else ""))
    return out
