"""`show route` and friends: pure renderers of the routing engine's tables into Junos text.

Layout (reference/junos-output/show_route_*.txt): a blank line and the table
header; the legend and a blank line when routes follow; the prefix padded to 19
columns with the active marker in column 19; further routes of a destination
start at column 20; next hops at column 20 (`>` selected) or 23.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from nos.routing.engine import RoutingEngine, instance_table, table_instance
from nos.routing.prefix import Prefix, addr_text, contains, prefix_text
from nos.routing.rib import Rib
from nos.routing.route import DISCARD, LOCAL, RECEIVE, REJECT, TABLE, VIA, NextHop, Route
from nos.runtime.clock import format_ago
from nos.runtime.structured import E, Element, Structured, namespace, sub, text_of

LEGEND = "+ = Active Route, - = Last Active, * = Both"


def age(seconds: float) -> str:
    """Junos route age: `00:02:35`, `4d 07:44:55`, `3w5d 18:30:36`."""
    return format_ago(seconds, with_seconds_in_days=True)


@dataclass
class RouteQuery:
    """What `show route` was asked for."""

    destination: Prefix | None = None
    match: str = "default"  # default (address: best match; prefix: orlonger) | exact | longer | orlonger
    table: str | None = None
    protocol: str | None = None
    hidden: bool = False
    style: str = "brief"  # brief | terse | detail | extensive


def _selected(rib: Rib, query: RouteQuery) -> list[tuple[Prefix, list[Route], Route | None]]:
    out = []
    dest = query.destination
    best: Prefix | None = None
    if dest is not None and query.match == "default" and dest[1] == 32:
        route = rib.lookup(dest[0])
        best = route.prefix if route is not None else None
        if best is None:
            return []
    # The destinations asked for, found without reading the others' routes (a table may hold a million).
    if best is not None:
        prefixes = [best]
    elif dest is not None and query.match == "exact":
        prefixes = [dest] if dest in rib.routes else []
    elif dest is not None:
        deeper = query.match == "longer"
        prefixes = sorted(p for p in rib.routes if contains(dest, p) and (p[1] > dest[1] or not deeper))
    else:
        prefixes = sorted(rib.routes)
    for p in prefixes:
        routes, active = rib.seen(p)  # a packed route made for the occasion, not unpacked
        if query.protocol is not None:
            routes = [r for r in routes if r.protocol.lower() == query.protocol]
        if not query.hidden:
            routes = [r for r in routes if r.resolved is not None]
        else:
            routes = [r for r in routes if r.resolved is None]
        if routes:
            routes.sort(key=lambda r: r is not active)
            out.append((p, routes, active))
    return out


def show_route(engine: RoutingEngine, now: float, query: RouteQuery) -> list[str]:
    lines: list[str] = []
    tables = _table_order(engine)
    if query.table:  # every table whose name begins with the string (`table ISP1` shows ISP1.inet.0)
        tables = [name for name in tables if name.startswith(query.table)]
    for name in tables:
        rib = engine.tables.get(name)
        if rib is None:
            continue
        selected = _selected(rib, query)
        # A destination search lists only the tables that hold it; one holding it only under
        # another protocol prints its header (genie ShowRoute: `protocol static` shows `inet.3:`).
        if (
            not selected
            and query.destination is not None
            and (query.protocol is None or not _selected(rib, replace(query, protocol=None)))
        ):
            continue
        dests, routes, active, hidden = rib.counts()
        lines.append("")
        lines.append(f"{name}: {dests} destinations, {routes} routes ({active} active, 0 holddown, {hidden} hidden)")
        if not selected:
            continue
        if query.style in ("detail", "extensive"):  # no legend; a blank line between destinations
            for k, (p, rs, active) in enumerate(selected):
                lines.extend(([""] if k else []) + _detail(rib, p, rs, active, now, query.style == "extensive"))
            continue
        lines.append(LEGEND)
        lines.append("")
        if query.style == "terse":
            lines.extend(_terse(rib, selected))
        else:
            for p, rs, active in selected:
                lines.extend(_destination(p, rs, active, now, query.style))
    return lines


def _table_order(engine: RoutingEngine) -> list[str]:
    """inet.0 first, then the instance tables in name order (as Junos lists them)."""
    names = sorted(engine.tables)
    return ["inet.0"] + [n for n in names if n != "inet.0"] if "inet.0" in engine.tables else names


def _marker(active: Route | None, route: Route) -> str:
    return "*" if active is route else " "


def _attributes(route: Route, now: float) -> str:
    parts = [age(now - route.since)]
    if route.metric is not None:
        parts.append(f"metric {route.metric}")
    if route.protocol == "BGP" or route.local_pref is not None:
        parts.append(f"localpref {route.local_pref if route.local_pref is not None else 100}")
    return ", ".join(parts)


def _destination(p: Prefix, routes: list[Route], active: Route | None, now: float, style: str) -> list[str]:
    lines = []
    text = prefix_text(p)
    for i, route in enumerate(routes):
        head = f"[{route.protocol}/{route.preference}] {_attributes(route, now)}"
        mark = _marker(active, route)
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


def detail_age(seconds: float) -> str:
    """Route age in detail output: `13`, `1:06`, `2:10:31`, `6d 17:23:01`, `3w3d 3:19:36`."""
    s = int(max(0, seconds))
    days, s = divmod(s, 86400)
    hours, s = divmod(s, 3600)
    minutes, s = divmod(s, 60)
    if days:
        weeks, days = divmod(days, 7)
        return (f"{weeks}w" if weeks else "") + f"{days}d {hours}:{minutes:02d}:{s:02d}"
    if hours:
        return f"{hours}:{minutes:02d}:{s:02d}"
    return f"{minutes}:{s:02d}" if minutes else str(s)


_TASK = {"Direct": "IF", "Local": "IF", "Static": "RT", "Aggregate": "Aggregate", "ARI-TS": "ARI-TS"}


def _detail(rib: Rib, p: Prefix, routes: list[Route], active: Route | None, now: float, extensive: bool) -> list[str]:
    """One destination in `show route detail|extensive` form (genie ShowRouteProtocolExtensive captures)."""
    count = len(routes)
    text = prefix_text(p)
    lines = [f"{text} ({count} {'entry' if count == 1 else 'entries'}, {1 if active is not None else 0} announced)"]
    if extensive and active is not None and active.protocol not in ("Direct", "Local"):
        gateways = [addr_text(nh.gateway) for nh in active.resolved or () if nh.kind == VIA and nh.gateway is not None]
        lines += ["TSI:", f"KRT in-kernel {text} -> {{{', '.join(gateways)}}}"]
    for route in routes:
        mark = "*" if route is active else " "
        pref = str(route.preference)
        if route.protocol == "BGP":  # BGP shows preference2 as -(local-preference + 1): `170/-101`
            pref += f"/{-(route.local_pref if route.local_pref is not None else 100) - 1}"
        lines.append(f"{'':8}{mark}{route.protocol:<6} Preference: {pref}")
        hops = route.resolved if route.resolved is not None else route.next_hops
        for k, nh in enumerate(hops):
            lines += _detail_hop(nh, selected=k == 0)
        state = ["Secondary"] if route.table != rib.name else []
        state += ["Active"] if route is active else []
        state += ["NoReadvrt"] if route.protocol == "Local" else []
        state += ["Int"] if route.protocol in ("Direct", "Local", "OSPF") else ["Int", "Ext"]
        lines.append(f"{'':16}State: <{' '.join(state)}>")
        if route is not active:
            lines.append(f"{'':16}Inactive reason: {_inactive_reason(route, active)}")
        when = f"{'':16}Age: {detail_age(now - route.since)}"
        if route.metric is not None:
            when += f" \tMetric: {route.metric}"
        if route.tag is not None:
            when += f" \tTag: {route.tag}"
        lines.append(when)
        lines.append(f"{'':16}Validation State: unverified")
        lines.append(f"{'':16}Task: {_TASK.get(route.protocol, route.protocol)}")
        if route is active:
            lines.append(f"{'':16}Announcement bits (1): 0-KRT")
        lines.append(f"{'':16}AS path: {route.as_path + ' ' if route.as_path else ''}I")
        if route.protocol == "BGP":
            lines.append(f"{'':16}Localpref: {route.local_pref if route.local_pref is not None else 100}")
        if route.table != rib.name:
            lines.append(f"{'':16}Primary Routing Table {route.table}")
    return lines


def _detail_hop(nh: NextHop, selected: bool) -> list[str]:
    pad = " " * 16
    chosen = ", selected" if selected else ""
    if nh.kind == VIA and nh.gateway is not None:
        return [f"{pad}Next hop type: Router", f"{pad}Next hop: {addr_text(nh.gateway)} via {nh.interface}{chosen}"]
    if nh.kind == VIA:
        return [f"{pad}Next hop type: Interface", f"{pad}Next hop: via {nh.interface}{chosen}"]
    if nh.kind == LOCAL:
        return [f"{pad}Next hop type: Local", f"{pad}Next hop:", f"{pad}Interface: {nh.interface}"]
    if nh.kind == TABLE:
        return [f"{pad}Next hop type: Table lookup", f"{pad}Next table: {nh.table}"]
    return [f"{pad}Next hop type: {nh.kind.capitalize()}"]


def _inactive_reason(route: Route, active: Route | None) -> str:
    if active is None or route.resolved is None:
        return "Unusable path"
    if route.preference != active.preference:
        return "Route Preference"
    if route.protocol == "BGP" and active.protocol == "BGP" and route.local_pref != active.local_pref:
        return "Local Preference"
    if (route.as_path or "").split() != (active.as_path or "").split() and route.protocol == active.protocol == "BGP":
        return "AS path"
    return "Not Best in its group - Active preferred"


_LETTER = {"Direct": "D", "Local": "L", "Static": "S", "BGP": "B", "OSPF": "O", "ARI-TS": "A", "Access-internal": "A"}


def _terse(rib: Rib, selected: list[tuple[Prefix, list[Route], Route | None]]) -> list[str]:
    lines = ["A V Destination        P Prf   Metric 1   Metric 2  Next hop        AS path"]
    for p, routes, active in selected:
        for i, route in enumerate(routes):
            mark = _marker(active, route)
            dest = prefix_text(p) if i == 0 else ""
            metric = f"{route.metric:>10}" if route.metric is not None else f"{'':10}"
            hops = route.resolved or route.next_hops
            first = _terse_hop(hops[0]) if hops else ""
            line = (
                f"{mark} ? {dest:<18} {_LETTER.get(route.protocol, '?')} {route.preference:>3} {metric} {'':10} {first}"
            )
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


def route_summary_xml(engine: RoutingEngine, router_id: str | None, asn: str | None) -> Element:
    """`show route summary` as `<route-summary-information>` (get-route-summary-information)."""
    info = E("route-summary-information", ns=namespace("junos-routing"))
    if asn:
        sub(info, "as-number", asn)
    sub(info, "router-id", router_id or "0.0.0.0")
    for name in _table_order(engine):
        rib = engine.tables[name]
        dests, routes, active, hidden = rib.counts()
        table = sub(info, "route-table")
        sub(table, "table-name", name)
        for tag, n in (("destination-count", dests), ("total-route-count", routes), ("active-route-count", active)):
            sub(table, tag, n)
        sub(table, "holddown-route-count", 0)
        sub(table, "hidden-route-count", hidden)
        by_proto = rib.protocol_counts()
        order = [p for p in ("Direct", "Local", "Access-internal", "OSPF", "BGP", "Static", "ARI-TS") if p in by_proto]
        order += sorted(p for p in by_proto if p not in order)
        for proto in order:
            total, act = by_proto[proto]
            protocols = sub(table, "protocols")
            sub(protocols, "protocol-name", proto)
            sub(protocols, "protocol-route-count", total)
            sub(protocols, "active-route-count", act)
    return info


def render_route_summary(info: Element) -> list[str]:
    """The text of `show route summary`, read from its XML."""
    lines = []
    if info.find("as-number") is not None:
        lines.append(f"Autonomous system number: {text_of(info, 'as-number')}")
    lines.append(f"Router ID: {text_of(info, 'router-id')}")
    for table in info.iterfind("route-table"):
        counts = [text_of(table, tag) for tag in _COUNTS]
        lines.append("")
        lines.append(
            f"{text_of(table, 'table-name')}: {counts[0]} destinations, {counts[1]} routes "
            f"({counts[2]} active, {counts[3]} holddown, {counts[4]} hidden)"
        )
        for protocols in table.iterfind("protocols"):
            total = int(text_of(protocols, "protocol-route-count"))
            act = int(text_of(protocols, "active-route-count"))
            lines.append(f"{text_of(protocols, 'protocol-name') + ':':>21}{total:7d} routes,{act:7d} active")
    return lines


_COUNTS = ("destination-count", "total-route-count", "active-route-count", "holddown-route-count", "hidden-route-count")


def show_route_summary(engine: RoutingEngine, router_id: str | None, asn: str | None) -> Structured:
    return Structured(route_summary_xml(engine, router_id, asn), render_route_summary, "get-route-summary-information")


def show_route_instance(engine: RoutingEngine, only: str | None = None) -> list[str]:
    """`show route instance [NAME]`: master first, then the instances by name."""
    lines = ["Instance             Type", f"{'':9}Primary RIB{'':37}Active/holddown/hidden"]
    for name, inst in sorted(engine.instances.items(), key=lambda kv: (kv[0] != "master", kv[0])):
        if only is not None and name != only:
            continue
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


_FIB_KIND = {VIA: "rslv", DISCARD: "dscd", REJECT: "rjct", TABLE: "table", RECEIVE: "recv"}


def show_forwarding_table(engine: RoutingEngine, table: str | None, destination: int | None) -> list[str]:
    """`show route forwarding-table [table INSTANCE] [destination A]` (cSRX 23.3 capture for the columns).

    `table` names a routing instance (`default` is the master; a table name is taken too);
    `destination` shows the entry that forwards that address (longest match).
    """
    lines: list[str] = []
    names = _table_order(engine)
    if table:
        names = [table if table in engine.tables else instance_table(table)]
    for name in names:
        rib = engine.tables.get(name)
        if rib is None:
            continue
        instance = table_instance(name)
        if lines:
            lines.append("")
        lines.append(f"Routing table: {'default' if instance == 'master' else instance}.inet")
        lines.append("Internet:")
        lines.append("Destination        Type RtRef Next hop           Type Index    NhRef Netif")
        rows = sorted(rib.active_items(), key=lambda item: item[0])
        index = {p: 1000 + k for k, (p, _) in enumerate(rows)}
        if destination is not None:
            best = rib.lookup(destination)
            rows = [(best.prefix, best)] if best is not None else []
        for p, route in rows:
            hop = (route.resolved or (NextHop(DISCARD),))[0]
            origin = "intf" if route.protocol in ("Direct", "Local") else "user"
            gw = addr_text(hop.gateway) if hop.kind == VIA and hop.gateway is not None else ""
            kind = "ucast" if gw else _FIB_KIND.get(hop.kind, "indr")
            netif = hop.interface or ""
            if hop.kind == LOCAL or (hop.kind == VIA and p[1] == 32 and netif.startswith("lo")):
                kind, gw, netif = "locl", addr_text(p[0]), ""  # an address of the device
            line = f"{_fib_destination(p):<18} {origin}     0 {gw:<18}{kind:>6} {index[p]:>8} {1:>5} {netif}"
            lines.append(line.rstrip())
    return lines


__all__ = [
    "RouteQuery",
    "age",
    "show_forwarding_table",
    "show_route",
    "show_route_instance",
    "show_route_summary",
]
