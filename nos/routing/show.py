"""`show route` and friends: the routing engine's tables as Junos XML, and the Junos text read back from it.

Each command builds its answer once, as the element Junos returns for its RPC
(`<route-information>`, `<instance-information>`, `<forwarding-table-information>`,
`<route-summary-information>`), and renders its text from that element alone,
so the CLI's text, `| display xml|json` and NETCONF never disagree.

Text layout (reference/junos-output/show_route_*.txt): a blank line and the table
header; the legend and a blank line when routes follow; the prefix padded to 19
columns with the active marker in column 19; further routes of a destination
start at column 20; next hops at column 20 (`>` selected) or 23.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace

from lxml import etree

from nos.routing.engine import RoutingEngine, instance_table, table_instance
from nos.routing.prefix import Prefix, addr_text, contains, prefix_text
from nos.routing.rib import Rib
from nos.routing.route import DISCARD, LOCAL, RECEIVE, REJECT, TABLE, VIA, NextHop, Route
from nos.runtime.clock import format_ago, format_elapsed
from nos.runtime.structured import (
    JUNOS,
    XML_HEAD,
    XML_TAIL,
    Deferred,
    E,
    Element,
    Structured,
    element_lines,
    namespace,
    sub,
    text_of,
)

LEGEND = "+ = Active Route, - = Last Active, * = Both"
ROUTING = namespace("junos-routing")
_STYLE = f"{{{JUNOS}}}style"
_SECONDS = f"{{{JUNOS}}}seconds"
_FORMAT = f"{{{JUNOS}}}format"
_SE = etree.SubElement  # the hot path of a million-route listing: lxml directly
_new = etree.Element
_tostring = etree.tostring
_COUNTS = ("destination-count", "total-route-count", "active-route-count", "holddown-route-count", "hidden-route-count")


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
    active_path: bool = False  # only each destination's active route


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
        if query.active_path:
            routes = [r for r in routes if r is active]
        if routes:
            routes.sort(key=lambda r: r is not active)
            out.append((p, routes, active))
    return out


# -- show route: the XML -----------------------------------------------------------------------------


def route_information(engine: RoutingEngine, now: float, query: RouteQuery) -> Element:
    """`show route ...` as `<route-information>` (get-route-information): per table its counts and
    the destinations asked for, in the style asked for (`rt junos:style` brief, terse or detail)."""
    info = E("route-information", ns=ROUTING)
    made: dict = {}  # brief entries already made, by what they show
    for table, rib, selected in _route_tables(engine, query):
        info.append(table)
        _rows(table, rib, selected, now, query, made)
    return info


def _route_tables(engine: RoutingEngine, query: RouteQuery) -> Iterator[tuple[Element, Rib, list]]:
    """Each table `show route` lists: its `<route-table>` with the counts (no rows yet), the table
    and the destinations asked for in it."""
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
        table = E("route-table")
        sub(table, "table-name", name)
        dests, routes, active, hidden = rib.counts()
        for tag, n in zip(_COUNTS, (dests, routes, active, 0, hidden), strict=True):
            sub(table, tag, n)
        yield table, rib, selected


def _rows(table: Element, rib: Rib, selected: list, now: float, query: RouteQuery, made: dict) -> None:
    for p, rs, act in selected:
        if query.style in ("detail", "extensive"):
            _detail_rt(table, rib, p, rs, act, now, query.style == "extensive")
        else:
            _brief_rt(table, p, rs, act, now, query.style, made)


ROWS_AT_A_TIME = 2048  # destinations made into XML, rendered and let go at a time (the text of a big table)


def route_xml(engine: RoutingEngine, now: float, query: RouteQuery) -> list[str]:
    """`show route ... | display xml`, a slice of destinations at a time (the lines `route_information`
    would give whole)."""
    tables = list(_route_tables(engine, query))
    if not tables:
        return Structured(E("route-information", ns=ROUTING), render_route_information, "").display_xml()
    lines = [XML_HEAD, f'    <route-information xmlns="{ROUTING}">']
    made: dict = {}
    for table, rib, selected in tables:
        head = element_lines(table, 2)
        lines += head[:-1]
        for start in range(0, len(selected), ROWS_AT_A_TIME):
            rows = E("route-table")
            _rows(rows, rib, selected[start : start + ROWS_AT_A_TIME], now, query, made)
            for rt in rows:
                lines += element_lines(rt, 3)
        lines.append(head[-1])
    return [*lines, "    </route-information>", *XML_TAIL]


def route_text(engine: RoutingEngine, now: float, query: RouteQuery) -> list[str]:
    """The text of `show route ...`, rendered from its XML a slice of destinations at a time: a
    million-route table never stands as one tree (it is the same XML, and the same text, as
    `route_information` gives whole)."""
    lines: list[str] = []
    memo = _Memo()
    made: dict = {}
    for table, rib, selected in _route_tables(engine, query):
        lines.extend(_render_table_head(table))
        for start in range(0, len(selected), ROWS_AT_A_TIME):
            rows = E("route-table")
            _rows(rows, rib, selected[start : start + ROWS_AT_A_TIME], now, query, made)
            lines.extend(_render_rows(rows.findall("rt"), memo, first=start == 0))
    return lines


def _table_order(engine: RoutingEngine) -> list[str]:
    """inet.0 first, then the instance tables in name order (as Junos lists them)."""
    names = sorted(engine.tables)
    return ["inet.0"] + [n for n in names if n != "inet.0"] if "inet.0" in engine.tables else names


def _since(route: Route, now: float) -> int:
    return int(max(0, now - route.since))


def _local_pref(route: Route) -> int:
    return route.local_pref if route.local_pref is not None else 100


def _active_flags(entry: Element, route: Route, active: Route | None) -> None:
    sub(entry, "active-tag", "*" if route is active else " ")
    if route is active:
        sub(entry, "current-active")
        sub(entry, "last-active")


def _brief_rt(
    table: Element, p: Prefix, routes: list[Route], active: Route | None, now: float, style: str, made: dict
) -> None:
    """One destination in brief or terse style (roadshow 18.3 and batfish 25.4 captures). A feed's
    destinations differ only in their prefix: one made once is copied (`made`), its prefix set."""
    key: tuple = (style,)
    for route in routes:
        key += (route.protocol, route.preference, route.since, route.metric, route.tag, route.local_pref)
        key += (route.as_path, route.resolved, route.next_hops, route is active)
    rt = made.get(key)
    if rt is None:
        if len(made) > 4096:  # destinations of their own (statics, interfaces): no point keeping them
            made.clear()
        rt = made[key] = _new("rt", {_STYLE: style})
        _SE(rt, "rt-destination")
        for route in routes:
            # terse lists the configured next hops of a route resolved to none; brief lists none
            hops = (route.resolved or route.next_hops) if style == "terse" else _hops(route)
            rt.append(_brief_entry(route, hops, route is active, now))
    rt = rt.__copy__()  # lxml copies an element with its children
    rt[0].text = prefix_text(p)
    table.append(rt)


def _brief_entry(route: Route, hops: tuple[NextHop, ...], is_active: bool, now: float) -> Element:
    entry = _new("rt-entry")
    _SE(entry, "active-tag").text = "*" if is_active else " "
    if is_active:
        _SE(entry, "current-active")
        _SE(entry, "last-active")
    _SE(entry, "protocol-name").text = route.protocol
    _SE(entry, "preference").text = str(route.preference)
    seconds = _since(route, now)
    _SE(entry, "age", {_SECONDS: str(seconds)}).text = age(seconds)
    if route.metric is not None:
        _SE(entry, "metric").text = str(route.metric)
    if route.tag is not None:
        _SE(entry, "rt-tag").text = str(route.tag)
    if route.protocol == "BGP" or route.local_pref is not None:
        _SE(entry, "local-preference").text = str(_local_pref(route))
    if route.as_path is not None:
        _SE(entry, "as-path").text = f"{route.as_path} I" if route.as_path else "I"
        _SE(entry, "validation-state").text = "unverified"
    for k, nh in enumerate(hops):
        _brief_hop(entry, nh, selected=k == 0)
    return entry


def _hops(route: Route) -> tuple[NextHop, ...]:
    """What a route forwards to: its resolved next hops, or (hidden) those it was given."""
    return route.resolved if route.resolved is not None else route.next_hops


_NH_WORD = {DISCARD: "Discard", REJECT: "Reject", RECEIVE: "Receive"}


def _brief_hop(entry: Element, nh: NextHop, selected: bool) -> None:
    if nh.kind == VIA:
        hop = sub(entry, "nh")
        if selected:
            sub(hop, "selected-next-hop")
        if nh.gateway is not None:
            sub(hop, "to", addr_text(nh.gateway))
        if nh.interface:
            sub(hop, "via", nh.interface)
    elif nh.kind == LOCAL:
        sub(entry, "nh-type", "Local")
        sub(sub(entry, "nh"), "nh-local-interface", nh.interface)
    elif nh.kind == TABLE:
        sub(sub(entry, "nh"), "nh-table", nh.table)
    else:
        sub(entry, "nh-type", _NH_WORD.get(nh.kind, nh.kind))


_TASK = {"Direct": "IF", "Local": "IF", "Static": "RT", "Aggregate": "Aggregate", "ARI-TS": "ARI-TS"}


def _detail_rt(
    table: Element, rib: Rib, p: Prefix, routes: list[Route], active: Route | None, now: float, extensive: bool
) -> None:
    """One destination in detail style (`show route detail|extensive`; napalm get_route_to reads it)."""
    rt = sub(table, "rt", junos_style="detail")
    sub(rt, "rt-destination", addr_text(p[0]))
    sub(rt, "rt-prefix-length", p[1])
    count = len(routes)
    sub(rt, "rt-entry-count", count, junos_format=f"{count} {'entry' if count == 1 else 'entries'}")
    sub(rt, "rt-announced-count", 1 if active is not None else 0)
    if extensive and active is not None and active.protocol not in ("Direct", "Local"):
        gateways = [addr_text(nh.gateway) for nh in active.resolved or () if nh.kind == VIA and nh.gateway is not None]
        sub(rt, "tsi", f"KRT in-kernel {prefix_text(p)} -> {{{', '.join(gateways)}}}", junos_indent=0)
    for route in routes:
        entry = sub(rt, "rt-entry")
        _active_flags(entry, route, active)
        sub(entry, "protocol-name", route.protocol)
        sub(entry, "preference", route.preference)
        if route.protocol == "BGP":  # BGP's preference2 is -(local-preference + 1): `170/-101`
            sub(entry, "preference2", -_local_pref(route) - 1)
        for k, nh in enumerate(_hops(route)):
            _detail_hop(entry, nh, selected=k == 0)
        state = ["Secondary"] if route.table != rib.name else []
        state += ["Active"] if route is active else []
        state += ["NoReadvrt"] if route.protocol == "Local" else []
        state += ["Int"] if route.protocol in ("Direct", "Local", "OSPF") else ["Int", "Ext"]
        sub(entry, "rt-entry-state", " ".join(state))
        if route is not active:
            sub(entry, "inactive-reason", _inactive_reason(route, active))
        seconds = _since(route, now)
        sub(entry, "age", detail_age(seconds), junos_seconds=seconds)
        if route.metric is not None:
            sub(entry, "metric", route.metric)
        if route.tag is not None:
            sub(entry, "rt-tag", route.tag)
        sub(entry, "validation-state", "unverified")
        sub(entry, "task-name", _TASK.get(route.protocol, route.protocol))
        if route is active:
            sub(entry, "announce-bits", 1)
            sub(entry, "announce-tasks", "0-KRT")
        sub(entry, "as-path", f"AS path: {route.as_path + ' ' if route.as_path else ''}I")
        if route.protocol == "BGP":
            sub(entry, "local-preference", _local_pref(route))
        if route.table != rib.name:
            sub(entry, "primary-routing-table", route.table)


def _detail_hop(entry: Element, nh: NextHop, selected: bool) -> None:
    """A next hop in detail style: its type, then the hop (as Junos, per route; here per hop)."""
    if nh.kind == VIA:
        sub(entry, "nh-type", "Router" if nh.gateway is not None else "Interface")
        hop = sub(entry, "nh")
        sub(hop, "nh-string", "Next hop")
        if nh.gateway is not None:
            sub(hop, "to", addr_text(nh.gateway))
        if nh.interface:
            sub(hop, "via", nh.interface)
        if selected:
            sub(hop, "selected-next-hop")
    elif nh.kind == LOCAL:
        sub(entry, "nh-type", "Local")
        hop = sub(entry, "nh")
        sub(hop, "nh-string", "Next hop")
        sub(hop, "nh-local-interface", nh.interface)
    elif nh.kind == TABLE:
        sub(entry, "nh-type", "Table lookup")
        sub(sub(entry, "nh"), "nh-table", nh.table)
    else:
        sub(entry, "nh-type", nh.kind.capitalize())


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


# -- show route: the text, from the XML ---------------------------------------------------------------


def render_route_information(info: Element) -> list[str]:
    """The text of `show route ...`, read from its `<route-information>`."""
    lines: list[str] = []
    memo = _Memo()
    for table in info.iterfind("route-table"):
        lines.extend(_render_table_head(table))
        lines.extend(_render_rows(table.findall("rt"), memo, first=True))
    return lines


def _render_table_head(table: Element) -> list[str]:
    counts = [text_of(table, tag) for tag in _COUNTS]
    return [
        "",
        f"{text_of(table, 'table-name')}: {counts[0]} destinations, {counts[1]} routes "
        f"({counts[2]} active, {counts[3]} holddown, {counts[4]} hidden)",
    ]


def _render_rows(rts: list[Element], memo: _Memo, first: bool) -> list[str]:
    """A table's destinations; `first`: the first of them (the legend, or the column titles, come
    before them; in detail style a blank line comes between destinations)."""
    if not rts:
        return []
    lines: list[str] = []
    style = rts[0].get(_STYLE)
    if style == "detail":  # no legend; a blank line between destinations
        for k, rt in enumerate(rts):
            lines.extend(([""] if k or not first else []) + _render_detail(rt))
        return lines
    if first:
        lines += [LEGEND, ""]
    if style == "terse":
        return lines + _render_terse(rts, memo, titles=first)
    for rt in rts:
        lines.extend(_render_brief(rt, memo))
    return lines


def _seconds(entry: Element) -> int:
    found = entry.find("age")
    return int(found.get(_SECONDS, "0")) if found is not None else 0


def _fields(entry: Element) -> tuple[dict[str, Element], list[Element]]:
    """An entry's children by tag (the first of each), and its next hops in order: `<nh>` elements
    and the `<nh-type>` of hops without one (Discard, Reject...; a Local route's goes with its `<nh>`).
    One pass over the children: a listing may hold a million entries."""
    fields: dict[str, Element] = {}
    hops = []
    for child in entry:
        tag = child.tag
        if tag == "nh" or (tag == "nh-type" and child.text != "Local"):
            hops.append(child)
        if tag not in fields:
            fields[tag] = child
    return fields, hops


def _entries(rt: Element) -> Iterator[Element]:
    return (child for child in rt if child.tag == "rt-entry")


class _Memo(dict):
    """Rendered entries by their XML: a feed's entries are alike but for their destination, and
    serializing one (lxml, in C) costs a fraction of reading it element by element."""

    def of(self, entry: Element, render: Callable[[Element], tuple]) -> tuple:
        key = _tostring(entry, with_tail=False)
        done = self.get(key)
        if done is None:
            if len(self) > 4096:
                self.clear()
            done = self[key] = render(entry)
        return done


def _destination(rt: Element) -> str:
    first = rt[0] if len(rt) else None  # <rt-destination> comes first
    return (first.text or "") if first is not None and first.tag == "rt-destination" else text_of(rt, "rt-destination")


def _render_brief(rt: Element, memo: _Memo) -> list[str]:
    lines = []
    text = _destination(rt)
    for i, entry in enumerate(_entries(rt)):
        mark, head, rest = memo.of(entry, _brief_parts)
        if i == 0 and len(text) >= 19:
            lines.append(text)
            lines.append(f"{'':19}{mark}{head}")
        elif i == 0:
            lines.append(f"{text:<19}{mark}{head}")
        else:
            lines.append(f"{'':19}{mark}{head}")
        lines.extend(rest)
    return lines


def _brief_parts(entry: Element) -> tuple[str, str, list[str]]:
    """An entry's active mark, its `[protocol/preference] age, ...` and the lines under it."""
    f, hops = _fields(entry)
    when = f.get("age")
    parts = [age(int(when.get(_SECONDS, "0")) if when is not None else 0)]
    for tag, word in (("metric", "metric"), ("rt-tag", "tag"), ("local-preference", "localpref")):
        if tag in f:
            parts.append(f"{word} {f[tag].text}")
    head = f"[{f['protocol-name'].text}/{f['preference'].text}] {', '.join(parts)}"
    mark = f["active-tag"].text if "active-tag" in f else " "
    rest = []
    if "as-path" in f:
        state = f["validation-state"].text if "validation-state" in f else ""
        rest.append(f"{'':22}AS path: {f['as-path'].text}, validation-state: {state}")
    rest.extend(_brief_hop_line(hop) for hop in hops)
    return mark or " ", head, rest


def _brief_hop_line(hop: Element) -> str:
    if hop.tag == "nh-type":
        return f"{'':23}{hop.text}"
    h = {c.tag: c.text for c in hop}
    if "nh-local-interface" in h:
        return f"{'':23}Local via {h['nh-local-interface']}"
    if "nh-table" in h:
        return f"{'':23}to table {h['nh-table']}"
    lead = f"{'':20}>  " if "selected-next-hop" in h else f"{'':23}"
    gw = f"to {h['to']} " if "to" in h else ""
    via = f"via {h['via']}" if "via" in h else ""
    return f"{lead}{gw}{via}".rstrip()


_LETTER = {"Direct": "D", "Local": "L", "Static": "S", "BGP": "B", "OSPF": "O", "ARI-TS": "A", "Access-internal": "A"}


def _render_terse(rts: list[Element], memo: _Memo, titles: bool = True) -> list[str]:
    lines = ["A V Destination        P Prf   Metric 1   Metric 2  Next hop        AS path"] if titles else []
    for rt in rts:
        for i, entry in enumerate(_entries(rt)):
            mark, middle, path, more = memo.of(entry, _terse_parts)
            dest = _destination(rt) if i == 0 else ""
            line = f"{mark} ? {dest:<18} {middle}"
            lines.append(line.rstrip() if path is None else f"{line:<71} {path}")
            lines.extend(more)
    return lines


def _terse_parts(entry: Element) -> tuple[str, str, str | None, list[str]]:
    """An entry's mark, its columns from the protocol on, its AS path and its further next hops."""
    f, hops = _fields(entry)
    mark = f["active-tag"].text if "active-tag" in f else " "
    metric = f"{f['metric'].text:>10}" if "metric" in f else f"{'':10}"
    first = _terse_hop_text(hops[0], selected=True) if hops else ""
    letter = _LETTER.get(f["protocol-name"].text or "", "?")
    middle = f"{letter} {f['preference'].text:>3} {metric} {'':10} {first}"
    path = f["as-path"].text if "as-path" in f else None
    return mark or " ", middle, path, [f"{'':51}{_terse_hop_text(hop, selected=False)}" for hop in hops[1:]]


def _terse_hop_text(hop: Element, selected: bool) -> str:
    if hop.tag == "nh-type":
        return " " + (hop.text if hop.text in _NH_WORD.values() else "Table")
    h = {c.tag: c.text for c in hop}
    if "nh-local-interface" in h:
        return " Local"
    if "nh-table" in h:
        return " Table"
    return (">" if selected else " ") + (h["to"] if "to" in h else h.get("via") or "")


def _render_detail(rt: Element) -> list[str]:
    """One destination of `show route detail|extensive` (genie ShowRouteProtocolExtensive captures)."""
    pad = " " * 16
    count = rt.find("rt-entry-count")
    counted = count.get(_FORMAT, "") if count is not None else ""
    text = f"{text_of(rt, 'rt-destination')}/{text_of(rt, 'rt-prefix-length')}"
    lines = [f"{text} ({counted}, {text_of(rt, 'rt-announced-count')} announced)"]
    if rt.find("tsi") is not None:
        lines += ["TSI:", text_of(rt, "tsi")]
    for entry in _entries(rt):
        pref = text_of(entry, "preference")
        if entry.find("preference2") is not None:
            pref += f"/{text_of(entry, 'preference2')}"
        mark = "*" if text_of(entry, "active-tag") == "*" else " "
        lines.append(f"{'':8}{mark}{text_of(entry, 'protocol-name'):<6} Preference: {pref}")
        for child in entry:
            if child.tag == "nh-type":
                lines.append(f"{pad}Next hop type: {child.text}")
            elif child.tag == "nh":
                lines += _detail_hop_lines(child, pad)
        lines.append(f"{pad}State: <{text_of(entry, 'rt-entry-state')}>")
        if entry.find("inactive-reason") is not None:
            lines.append(f"{pad}Inactive reason: {text_of(entry, 'inactive-reason')}")
        when = f"{pad}Age: {detail_age(_seconds(entry))}"
        if entry.find("metric") is not None:
            when += f" \tMetric: {text_of(entry, 'metric')}"
        if entry.find("rt-tag") is not None:
            when += f" \tTag: {text_of(entry, 'rt-tag')}"
        lines.append(when)
        lines.append(f"{pad}Validation State: {text_of(entry, 'validation-state')}")
        lines.append(f"{pad}Task: {text_of(entry, 'task-name')}")
        if entry.find("announce-bits") is not None:
            bits, tasks = text_of(entry, "announce-bits"), text_of(entry, "announce-tasks")
            lines.append(f"{pad}Announcement bits ({bits}): {tasks}")
        lines.append(f"{pad}{text_of(entry, 'as-path')}")
        if entry.find("local-preference") is not None:
            lines.append(f"{pad}Localpref: {text_of(entry, 'local-preference')}")
        if entry.find("primary-routing-table") is not None:
            lines.append(f"{pad}Primary Routing Table {text_of(entry, 'primary-routing-table')}")
    return lines


def _detail_hop_lines(hop: Element, pad: str) -> list[str]:
    if hop.find("nh-local-interface") is not None:
        return [f"{pad}Next hop:", f"{pad}Interface: {text_of(hop, 'nh-local-interface')}"]
    if hop.find("nh-table") is not None:
        return [f"{pad}Next table: {text_of(hop, 'nh-table')}"]
    words = [text_of(hop, "to")] if hop.find("to") is not None else []
    words += [f"via {text_of(hop, 'via')}"] if hop.find("via") is not None else []
    chosen = ", selected" if hop.find("selected-next-hop") is not None else ""
    return [f"{pad}Next hop: {' '.join(words)}{chosen}".rstrip()]


def show_route(engine: RoutingEngine, now: float, query: RouteQuery) -> list[str]:
    """The text of `show route ...` (through its XML, as the CLI prints it)."""
    return route_text(engine, now, query)


def route_answer(
    engine: RoutingEngine, now: float, query: RouteQuery, rpc_args: dict[str, str | bool] | None = None
) -> Structured:
    """`show route ...` as the CLI and NETCONF answer it (its XML made only when asked for)."""
    return Deferred(
        lambda: route_information(engine, now, query),
        lambda: route_text(engine, now, query),
        "get-route-information",
        rpc_args or {},
        lambda: route_xml(engine, now, query),
    )


def detail_age(seconds: float) -> str:
    """Route age in detail output: `13`, `1:06`, `2:10:31`, `6d 17:23:01`, `3w3d 3:19:36`."""
    return format_elapsed(seconds)


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


# -- show route summary --------------------------------------------------------------------------------


def route_summary_xml(engine: RoutingEngine, router_id: str | None, asn: str | None) -> Element:
    """`show route summary` as `<route-summary-information>` (get-route-summary-information)."""
    info = E("route-summary-information", ns=ROUTING)
    if asn:
        sub(info, "as-number", asn)
    sub(info, "router-id", router_id or "0.0.0.0")
    _highwater(info, engine)
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


_MARKS = (  # measure, element prefix, text label (padded as Junos pads them), has a time average
    ("destinations", "rt-uniq", "RIB unique destination routes", True),
    ("routes", "rt-all", "RIB routes                   ", True),
    ("fib", "rt-fib", "FIB routes                   ", True),
    ("vrf", "rt-vrf", "VRF type routing instances   ", False),
)


def _highwater(info: Element, engine: RoutingEngine) -> None:
    marks = sub(info, "routing-highwatermark")
    for name, tag, _, averaged in _MARKS:
        mark = engine.highwater.marks[name]
        sub(marks, f"{tag}-highwatermark", mark.high)
        sub(marks, f"{tag}-highwatermark-ts", time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(mark.at)))
        if averaged:
            sub(marks, f"{tag}-tavg-watermark", engine.highwater.average(name))


def _render_highwater(marks: Element) -> list[str]:
    lines = ["", "Highwater Mark (All time / Time averaged watermark)"]
    for _, tag, label, averaged in _MARKS:
        line = f"    {label}: {text_of(marks, tag + '-highwatermark')} at {text_of(marks, tag + '-highwatermark-ts')}"
        lines.append(line + (f" / {text_of(marks, tag + '-tavg-watermark')}" if averaged else ""))
    return lines


def render_route_summary(info: Element) -> list[str]:
    """The text of `show route summary`, read from its XML."""
    lines = []
    if info.find("as-number") is not None:
        lines.append(f"Autonomous system number: {text_of(info, 'as-number')}")
    lines.append(f"Router ID: {text_of(info, 'router-id')}")
    marks = info.find("routing-highwatermark")
    if marks is not None:
        lines += _render_highwater(marks)
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


def show_route_summary(engine: RoutingEngine, router_id: str | None, asn: str | None) -> Structured:
    return Structured(route_summary_xml(engine, router_id, asn), render_route_summary, "get-route-summary-information")


# -- show route instance -------------------------------------------------------------------------------


def instance_information(
    engine: RoutingEngine,
    only: str | None = None,
    style: str = "terse",
    router_ids: Mapping[str, str | None] | None = None,
) -> Element:
    """`show route instance [NAME] [detail|summary]` as `<instance-information>`
    (get-instance-information; napalm's junos_route_instance_table reads instance-core/instance-name).
    Master first, then the instances by name; `detail` adds the router ID, state, interfaces and
    route counts (genie ShowRouteInstanceDetail, an SRX capture)."""
    detail = style == "detail"
    info = E("instance-information", ns=ROUTING, junos_style=style)
    for name, inst in sorted(engine.instances.items(), key=lambda kv: (kv[0] != "master", kv[0])):
        if only is not None and name != only:
            continue
        core = sub(info, "instance-core")
        sub(core, "instance-name", name)
        if detail:
            sub(core, "router-id", (router_ids or {}).get(name) or "0.0.0.0")
        sub(core, "instance-type", "forwarding" if inst.type == "master" else inst.type)
        if detail:
            sub(core, "instance-state", "Active")
            if name != "master":  # the master's interfaces are all the others
                for ifl in (i for i, owner in engine.ifl_instance.items() if owner == name):
                    sub(sub(core, "instance-interface"), "interface-name", ifl)
        rib = engine.tables.get(inst.table)
        if rib is None:
            continue
        _, routes, active, hidden = rib.counts()
        irib = sub(core, "instance-rib")
        sub(irib, "irib-name", inst.table)
        if detail:
            sub(irib, "irib-route-count", routes)
        sub(irib, "irib-active-count", active)
        sub(irib, "irib-holddown-count", 0)
        sub(irib, "irib-hidden-count", hidden)
    return info


def render_instance_information(info: Element) -> list[str]:
    """The text of `show route instance ...`, read from its XML."""
    if info.get(_STYLE) == "detail":
        return _render_instance_detail(info)
    lines = ["Instance             Type", f"{'':9}Primary RIB{'':37}Active/holddown/hidden"]
    for core in info.iterfind("instance-core"):
        lines.append(f"{text_of(core, 'instance-name'):<21}{text_of(core, 'instance-type')}")
        for irib in core.iterfind("instance-rib"):
            counts = "/".join(text_of(irib, f"irib-{c}-count") for c in ("active", "holddown", "hidden"))
            lines.append(f"{'':9}{text_of(irib, 'irib-name'):<48}{counts}")
    return lines


def _render_instance_detail(info: Element) -> list[str]:
    lines: list[str] = []
    for k, core in enumerate(info.iterfind("instance-core")):
        lines += [""] if k else []
        lines.append(f"{text_of(core, 'instance-name')}:")
        lines.append(f"  Router ID: {text_of(core, 'router-id')}")
        lines.append(f"  Type: {text_of(core, 'instance-type'):<18}State: {text_of(core, 'instance-state')}")
        interfaces = [text_of(i, "interface-name") for i in core.iterfind("instance-interface")]
        if interfaces:
            lines.append("  Interfaces:")
            lines += [f"    {name}" for name in interfaces]
        ribs = core.findall("instance-rib")
        if ribs:
            lines.append("  Tables:")
        for irib in ribs:
            count = {c: text_of(irib, f"irib-{c}-count") for c in ("route", "active", "holddown", "hidden")}
            lines.append(
                f"    {text_of(irib, 'irib-name'):<23}: {count['route']} routes ({count['active']} active, "
                f"{count['holddown']} holddown, {count['hidden']} hidden)"
            )
    return lines


def show_route_instance(
    engine: RoutingEngine,
    only: str | None = None,
    style: str = "terse",
    router_ids: Mapping[str, str | None] | None = None,
) -> list[str]:
    """The text of `show route instance [NAME] [detail|summary]`."""
    return render_instance_information(instance_information(engine, only, style, router_ids))


def instance_answer(
    engine: RoutingEngine,
    only: str | None,
    style: str,
    router_ids: Mapping[str, str | None],
    rpc_args: dict[str, str | bool] | None = None,
) -> Structured:
    xml = instance_information(engine, only, style, router_ids)
    return Structured(xml, render_instance_information, "get-instance-information", rpc_args or {})


# -- show route forwarding-table -----------------------------------------------------------------------


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


def forwarding_table_information(
    engine: RoutingEngine, table: str | None, destination: int | None, summary: bool = False
) -> Element:
    """`show route forwarding-table [table INSTANCE] [destination A] [summary]` as
    `<forwarding-table-information>` (get-forwarding-table-information; element names from genie's
    ShowRouteForwardingTableSummary and ShowRouteForwardingTableLabel schemas).

    `table` names a routing instance (`default` is the master; a table name is taken too);
    `destination` shows the entry that forwards that address (longest match); `summary` counts
    the entries by type instead.
    """
    info = E("forwarding-table-information", ns=ROUTING, **({"junos_style": "summary"} if summary else {}))
    names = _table_order(engine)
    if table:
        names = [table if table in engine.tables else instance_table(table)]
    for name in names:
        rib = engine.tables.get(name)
        if rib is None:
            continue
        instance = table_instance(name)
        route_table = sub(info, "route-table")
        sub(route_table, "table-name", f"{'default' if instance == 'master' else instance}.inet")
        sub(route_table, "address-family", "Internet")
        rows = sorted(rib.active_items(), key=lambda item: item[0])
        if summary:
            kinds: dict[str, int] = {}
            for _, route in rows:
                kind = _fib_origin(route)
                kinds[kind] = kinds.get(kind, 0) + 1
            for kind in sorted(kinds, key=("user", "perm", "intf", "dest").index):
                counted = sub(route_table, "route-table-summary")
                sub(counted, "route-table-type", kind)
                sub(counted, "route-count", kinds[kind])
            continue
        index = {p: 1000 + k for k, (p, _) in enumerate(rows)}
        if destination is not None:
            best = rib.lookup(destination)
            rows = [(best.prefix, best)] if best is not None else []
        for p, route in rows:
            _fib_entry(route_table, p, route, index[p])
    return info


def _fib_origin(route: Route) -> str:
    return "intf" if route.protocol in ("Direct", "Local") else "user"


def _fib_entry(route_table: Element, p: Prefix, route: Route, index: int) -> None:
    hop = (route.resolved or (NextHop(DISCARD),))[0]
    gw = addr_text(hop.gateway) if hop.kind == VIA and hop.gateway is not None else ""
    kind = "ucast" if gw else _FIB_KIND.get(hop.kind, "indr")
    netif = hop.interface or ""
    if hop.kind == LOCAL or (hop.kind == VIA and p[1] == 32 and netif.startswith("lo")):
        kind, gw, netif = "locl", addr_text(p[0]), ""  # an address of the device
    entry = sub(route_table, "rt-entry")
    sub(entry, "rt-destination", _fib_destination(p))
    sub(entry, "destination-type", _fib_origin(route))
    sub(entry, "route-reference-count", 0)
    nh = sub(entry, "nh")
    if gw:
        sub(nh, "to", gw)
    sub(nh, "nh-type", kind)
    sub(nh, "nh-index", index)
    sub(nh, "nh-reference-count", 1)
    if netif:
        sub(nh, "via", netif)


def render_forwarding_table(info: Element) -> list[str]:
    """The text of `show route forwarding-table ...` (cSRX 23.3 capture for the columns), from its XML."""
    lines: list[str] = []
    for k, route_table in enumerate(info.iterfind("route-table")):
        lines += [""] if k else []
        lines.append(f"Routing table: {text_of(route_table, 'table-name')}")
        lines.append(f"{text_of(route_table, 'address-family')}:")
        if info.get(_STYLE) == "summary":
            for c in route_table.iterfind("route-table-summary"):
                lines.append(f"{'':8}{text_of(c, 'route-table-type')}:{text_of(c, 'route-count'):>11} routes")
            continue
        lines.append("Destination        Type RtRef Next hop           Type Index    NhRef Netif")
        for entry in route_table.iterfind("rt-entry"):
            nh = entry.find("nh")
            line = (
                f"{text_of(entry, 'rt-destination'):<18} {text_of(entry, 'destination-type'):<4} "
                f"{text_of(entry, 'route-reference-count'):>5} {text_of(nh, 'to'):<18}{text_of(nh, 'nh-type'):>6} "
                f"{text_of(nh, 'nh-index'):>8} {text_of(nh, 'nh-reference-count'):>5} {text_of(nh, 'via')}"
            )
            lines.append(line.rstrip())
    return lines


def show_forwarding_table(
    engine: RoutingEngine, table: str | None, destination: int | None, summary: bool = False
) -> list[str]:
    """The text of `show route forwarding-table [table INSTANCE] [destination A] [summary]`."""
    return render_forwarding_table(forwarding_table_information(engine, table, destination, summary))


def forwarding_answer(
    engine: RoutingEngine,
    table: str | None,
    destination: int | None,
    summary: bool,
    rpc_args: dict[str, str | bool] | None = None,
) -> Structured:
    xml = forwarding_table_information(engine, table, destination, summary)
    return Structured(xml, render_forwarding_table, "get-forwarding-table-information", rpc_args or {})


__all__ = [
    "RouteQuery",
    "age",
    "describe_change",
    "detail_age",
    "forwarding_answer",
    "forwarding_table_information",
    "instance_answer",
    "instance_information",
    "render_forwarding_table",
    "render_instance_information",
    "render_route_information",
    "route_answer",
    "route_information",
    "show_forwarding_table",
    "show_route",
    "show_route_instance",
    "show_route_summary",
]
