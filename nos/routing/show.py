"""`show route` and friends: pure renderers of the routing engine's tables into Junos text.

Layout (reference/junos-output/show_route_*.txt): a blank line and the table
header; the legend and a blank line when routes follow; the prefix padded to 19
columns with the active marker in column 19; further routes of a destination
start at column 20; next hops at column 20 (`>` selected) or 23.
"""

from __future__ import annotations

from dataclasses import dataclass

from nos.routing.engine import RoutingEngine, table_instance
from nos.routing.prefix import MASKS, Prefix, addr_text, contains, prefix_text
from nos.routing.rib import Rib
from nos.routing.route import DISCARD, LOCAL, RECEIVE, REJECT, TABLE, VIA, NextHop, Route

LEGEND = "+ = Active Route, - = Last Active, * = Both"


def age(seconds: float) -> str:
    """Junos route age: `00:02:35`, `4d 07:44:55`, `3w5d 18:30:36`."""
    s = int(max(0, seconds))
    days, s = divmod(s, 86400)
    hours, s = divmod(s, 3600)
    minutes, s = divmod(s, 60)
    clock = f"{hours:02d}:{minutes:02d}:{s:02d}"
    if not days:
        return clock
    weeks, days = divmod(days, 7)
    return (f"{weeks}w" if weeks else "") + f"{days}d {clock}"


@dataclass
class RouteQuery:
    """What `show route` was asked for."""

    destination: Prefix | None = None
    match: str = "default"  # default (address: best match; prefix: orlonger) | exact | longer | orlonger
    table: str | None = None
    protocol: str | None = None
    hidden: bool = False
    style: str = "brief"  # brief | terse | detail | extensive


def _selected(rib: Rib, query: RouteQuery) -> list[tuple[Prefix, list[Route]]]:
    out = []
    dest = query.destination
    best: Prefix | None = None
    if dest is not None and query.match == "default" and dest[1] == 32:
        route = rib.lookup(dest[0])
        best = route.prefix if route is not None else None
        if best is None:
            return []
    for p in sorted(rib.routes):
        routes = rib.candidates(p)
        if dest is not None:
            if best is not None:
                if p != best:
                    continue
            elif query.match == "exact" and p != dest:
                continue
            elif query.match == "longer" and not (contains(dest, p) and p[1] > dest[1]):
                continue
            elif query.match in ("orlonger", "default") and not contains(dest, p):
                continue
        if query.protocol is not None:
            routes = [r for r in routes if r.protocol.lower() == query.protocol]
        if not query.hidden:
            routes = [r for r in routes if r.resolved is not None]
        else:
            routes = [r for r in routes if r.resolved is None]
        if routes:
            active = rib.active(p)
            routes.sort(key=lambda r: r is not active)
            out.append((p, routes))
    return out


def show_route(engine: RoutingEngine, now: float, query: RouteQuery) -> list[str]:
    lines: list[str] = []
    tables = [query.table] if query.table else _table_order(engine)
    for name in tables:
        rib = engine.tables.get(name)
        if rib is None:
            continue
        selected = _selected(rib, query)
        if not selected and query.destination is not None:
            continue  # a destination search lists only the tables that hold it
        dests, routes, active, hidden = rib.counts()
        lines.append("")
        lines.append(f"{name}: {dests} destinations, {routes} routes ({active} active, 0 holddown, {hidden} hidden)")
        if not selected:
            continue
        lines.append(LEGEND)
        lines.append("")
        if query.style == "terse":
            lines.extend(_terse(rib, selected))
        else:
            for p, rs in selected:
                lines.extend(_destination(rib, p, rs, now, query.style))
    return lines


def _table_order(engine: RoutingEngine) -> list[str]:
    """inet.0 first, then the instance tables in name order (as Junos lists them)."""
    names = sorted(engine.tables)
    return ["inet.0"] + [n for n in names if n != "inet.0"] if "inet.0" in engine.tables else names


def _marker(rib: Rib, p: Prefix, route: Route) -> str:
    return "*" if rib.active(p) is route else " "


def _attributes(route: Route, now: float) -> str:
    parts = [age(now - route.since)]
    if route.metric is not None:
        parts.append(f"metric {route.metric}")
    if route.protocol == "BGP" or route.local_pref is not None:
        parts.append(f"localpref {route.local_pref if route.local_pref is not None else 100}")
    return ", ".join(parts)


def _destination(rib: Rib, p: Prefix, routes: list[Route], now: float, style: str) -> list[str]:
    lines = []
    text = prefix_text(p)
    for i, route in enumerate(routes):
        head = f"[{route.protocol}/{route.preference}] {_attributes(route, now)}"
        mark = _marker(rib, p, route)
        if i == 0:
            if len(text) >= 19:
                lines.append(text)
                lines.append(f"{'':19}{mark}{head}")
            else:
                lines.append(f"{text:<19}{mark}{head}")
        else:
            lines.append(f"{'':19}{mark}{head}")
        if route.as_path is not None:
            lines.append(f"{'':22}AS path: {route.as_path} I, validation-state: unverified")
        hops = route.resolved if route.resolved is not None else route.next_hops
        for k, nh in enumerate(hops):
            lines.append(_next_hop(nh, selected=k == 0))
    return lines


def _next_hop(nh: NextHop, selected: bool) -> str:
    lead = f"{'':20}>  " if selected else f"{'':23}"
    if nh.kind == VIA:
        gw = f"to {addr_text(nh.gateway)} " if nh.gateway is not None else ""
        via = f"via {nh.interface}" if nh.interface else ""
        return f"{lead}{gw}{via}".rstrip()
    if nh.kind == LOCAL:
        return f"{'':23}Local via {nh.interface}"
    word = {DISCARD: "Discard", REJECT: "Reject", RECEIVE: "Receive"}.get(nh.kind)
    if word is not None:
        return f"{'':23}{word}"
    if nh.kind == TABLE:
        return f"{'':23}to table {nh.table}"
    return f"{'':23}{nh.kind}"


_LETTER = {"Direct": "D", "Local": "L", "Static": "S", "BGP": "B", "OSPF": "O", "ARI-TS": "A", "Access-internal": "A"}


def _terse(rib: Rib, selected: list[tuple[Prefix, list[Route]]]) -> list[str]:
    lines = ["A V Destination        P Prf   Metric 1   Metric 2  Next hop        AS path"]
    for p, routes in selected:
        for i, route in enumerate(routes):
            mark = "*" if rib.active(p) is route else " "
            dest = prefix_text(p) if i == 0 else ""
            metric = f"{route.metric:>10}" if route.metric is not None else f"{'':10}"
            hops = route.resolved or route.next_hops
            first = _terse_hop(hops[0]) if hops else ""
            line = f"{mark} ? {dest:<18} {_LETTER.get(route.protocol, '?')} {route.preference:>3} {metric} {'':10} {first}"
            lines.append(line.rstrip() if not route.as_path else f"{line:<71} {route.as_path} I")
            for nh in hops[1:]:
                lines.append(f"{'':51}{_terse_hop(nh, selected=False)}")
    return lines


def _terse_hop(nh: NextHop, selected: bool = True) -> str:
    mark = ">" if selected else " "
    if nh.kind == VIA:
        return mark + (addr_text(nh.gateway) if nh.gateway is not None else nh.interface or "")
    return " " + {LOCAL: "Local", DISCARD: "Discard", REJECT: "Reject", RECEIVE: "Receive"}.get(nh.kind, "Table")


def describe_change(table: str, p: Prefix, old: Route | None, new: Route | None) -> str | None:
    """One timeline line for a change of a destination's active route; None for Local routes,
    which only mirror the Direct route of the same interface."""
    if any(r is not None and r.protocol == "Local" for r in (old, new)):
        return None
    was = f" (was {_brief(old)})" if old is not None else ""
    if new is None:
        return f"{table} {prefix_text(p)}: no active route{was}"
    return f"{table} {prefix_text(p)}: {_brief(new)}{was}"


def _brief(route: Route) -> str:
    """`Static/5 to 10.1.1.1 via ge-0/0/1.0`: protocol, preference and the first next hop."""
    hops = route.resolved or route.next_hops
    hop = ""
    if hops:
        nh = hops[0]
        if nh.kind == VIA:
            gw = f" to {addr_text(nh.gateway)}" if nh.gateway is not None else ""
            hop = gw + (f" via {nh.interface}" if nh.interface else "")
        else:
            hop = " " + _terse_hop(nh).strip()
    return f"{route.protocol}/{route.preference}{hop}"


def show_route_summary(engine: RoutingEngine, router_id: str | None, asn: str | None) -> list[str]:
    lines = []
    if asn:
        lines.append(f"Autonomous system number: {asn}")
    lines.append(f"Router ID: {router_id or '0.0.0.0'}")
    for name in _table_order(engine):
        rib = engine.tables[name]
        dests, routes, active, hidden = rib.counts()
        lines.append("")
        lines.append(f"{name}: {dests} destinations, {routes} routes ({active} active, 0 holddown, {hidden} hidden)")
        by_proto: dict[str, list[int]] = {}
        for p, rs in rib.all():
            active = rib.active(p)
            for r in rs:
                counts = by_proto.setdefault(r.protocol, [0, 0])
                counts[0] += 1
                counts[1] += active is r
        for proto in ("Direct", "Local", "Static", "ARI-TS", "Access-internal", "OSPF", "BGP"):
            if proto in by_proto:
                total, act = by_proto.pop(proto)
                lines.append(f"{proto + ':':>20}{total:7d} routes,{act:7d} active")
        for proto, (total, act) in sorted(by_proto.items()):
            lines.append(f"{proto + ':':>20}{total:7d} routes,{act:7d} active")
    return lines


def show_route_instance(engine: RoutingEngine) -> list[str]:
    lines = ["Instance             Type", f"{'':9}Primary RIB{'':37}Active/holddown/hidden"]
    for name, inst in sorted(engine.instances.items(), key=lambda kv: (kv[0] != "master", kv[0])):
        kind = "forwarding" if inst.type == "master" else inst.type
        lines.append(f"{name:<21}{kind}")
        rib = engine.tables.get(inst.table)
        if rib is not None:
            _, _, active, hidden = rib.counts()
            lines.append(f"{'':9}{inst.table:<48}{active}/0/{hidden}")
    return lines


def _fib_destination(p: Prefix) -> str:
    """Forwarding-table style: host routes without /32, networks with trailing zero octets dropped."""
    if p[1] == 32:
        return addr_text(p[0])
    if p[1] == 0:
        return "default"
    octets = addr_text(p[0]).split(".")
    keep = max(1, (p[1] + 7) // 8)
    return ".".join(octets[:keep]) + f"/{p[1]}"


def show_forwarding_table(engine: RoutingEngine, table: str | None, destination: int | None) -> list[str]:
    lines = []
    names = [table] if table else _table_order(engine)
    for name in names:
        rib = engine.tables.get(name)
        if rib is None:
            continue
        instance = table_instance(name)
        lines.append(f"Routing table: {'default' if instance == 'master' else instance}.inet")
        lines.append("Internet:")
        lines.append("Destination        Type RtRef Next hop           Type Index    NhRef Netif")
        for index, (p, route) in enumerate(sorted(rib.active_items(), key=lambda item: item[0])):
            if destination is not None and (destination & MASKS[p[1]]) != p[0]:
                continue
            hop = (route.resolved or (NextHop(DISCARD),))[0]
            gw = addr_text(hop.gateway) if hop.kind == VIA and hop.gateway is not None else ""
            kind = {VIA: "ucast" if gw else "rslv", LOCAL: "locl", DISCARD: "dscd", REJECT: "rjct"}.get(hop.kind, "indr")
            netif = hop.interface or ""
            lines.append(f"{_fib_destination(p):<18} user     0 {gw:<18}{kind:>6} {1000 + index:>8} {1:>5} {netif}".rstrip())
        lines.append("")
    return lines


__all__ = [
    "RouteQuery",
    "age",
    "show_forwarding_table",
    "show_route",
    "show_route_instance",
    "show_route_summary",
]
