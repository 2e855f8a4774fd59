"""BGP's operational commands, rendered from the sessions' own state: `show bgp summary`,
`show bgp neighbor`, `show route receive-protocol bgp` and `show route advertising-protocol bgp`.

Layouts follow the captures in reference/junos-output and junos-fixtures (vSRX 24.4
`show bgp summary`, vMX and MX `show bgp neighbor`, the receive/advertising tables
of a vMX lab and of genie's fixtures). Lines the lab has no state for (ports,
octets, last traffic, flap history by error) are left out rather than invented.

A full table costs no Route objects here: counts come from the sessions
(Adj-RIB-In sizes) and from one pass over the table's entries for the active
paths, which reads a packed feed's entries as they are filed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from nos.features.bgp.messages import Attrs, prefix_of
from nos.features.bgp.session import ESTABLISHED, Session
from nos.lab.packet import ipv4_text
from nos.routing.engine import instance_table
from nos.routing.prefix import MASKS, Prefix, prefix_text
from nos.routing.rib import Rib
from nos.routing.route import Route

NOT_RUNNING = "BGP is not running"
TABLE_HEADER = "Table          Tot Paths  Act Paths Suppressed    History Damp State    Pending"
PEER_HEADER = (
    "Peer                     AS      InPkt     OutPkt    OutQ   Flaps Last Up/Dwn "
    "State|#Active/Received/Accepted/Damped..."
)
ROUTES_HEADER = "  Prefix\t\t  Nexthop\t       MED     Lclpref    AS path"  # tabs, as Junos prints it

PeerKey = tuple[str, int]  # (instance, neighbour address), as Bgp.sessions is keyed


def duration(seconds: float) -> str:
    """`show bgp summary`'s Last Up/Dwn: `9`, `51:13`, `2:28:38`, `20:20:46`, `3d 4:19:15`, `1w2d 5:31:33`.

    Junos drops the leading zeros and the parts above the largest one (hours are not padded)."""
    s = int(max(0, seconds))
    days, s = divmod(s, 86400)
    hours, s = divmod(s, 3600)
    minutes, s = divmod(s, 60)
    if days:
        weeks, days = divmod(days, 7)
        return (f"{weeks}w" if weeks else "") + f"{days}d {hours}:{minutes:02d}:{s:02d}"
    if hours:
        return f"{hours}:{minutes:02d}:{s:02d}"
    if minutes:
        return f"{minutes}:{s:02d}"
    return str(s)


def peer_of(route: Route | None) -> PeerKey | None:
    """The neighbour a BGP route was learnt from: its source is ((bgp, instance, peer, n), prefix), or
    for a packed feed's template the family (bgp, instance, peer, n) itself."""
    if route is None or route.protocol != "BGP" or route.source.__class__ is not tuple:
        return None
    source = route.source
    family = source[0] if source[0].__class__ is tuple else source
    return (family[1], family[2]) if family[0] == "bgp" else None


def active_paths(rib: Rib) -> dict[PeerKey, int]:
    """Destinations of `rib` whose active route came from each neighbour (a packed feed counted per
    pack, never unpacked)."""
    return rib.active_counts(peer_of)  # type: ignore[return-value]


# -- show bgp summary -----------------------------------------------------------------------------------


def _tables(sessions: Iterable[Session]) -> list[str]:
    """The tables the sessions feed, inet.0 first (Junos lists it whenever BGP runs)."""
    others = sorted({instance_table(s.spec.instance) for s in sessions} - {"inet.0"})
    return ["inet.0", *others]


def _out_queue(session: Session) -> int:
    return session.out_queue


def show_bgp_summary(bgp: Any, now: float) -> list[str]:
    sessions: dict[PeerKey, Session] = bgp.sessions
    if not sessions:
        return [NOT_RUNNING]
    tables = _tables(sessions.values())
    active: dict[str, dict[PeerKey, int]] = {}
    for name in tables:
        rib = bgp.engine.tables.get(name)
        busy = any(s.adj_in and instance_table(s.spec.instance) == name for s in sessions.values())
        active[name] = active_paths(rib) if rib is not None and busy else {}
    groups = {(s.spec.instance, s.spec.group) for s in sessions.values()}
    down = sum(s.state != ESTABLISHED for s in sessions.values())
    lines = [
        "Threading mode: BGP I/O",
        "Default eBGP mode: advertise - accept, receive - accept",
        f"Groups: {len(groups)} Peers: {len(sessions)} Down peers: {down}",
        TABLE_HEADER,
    ]
    for name in tables:
        mine = [s for s in sessions.values() if instance_table(s.spec.instance) == name]
        total = sum(s.accepted for s in mine)  # paths in the table (what was rejected is not filed)
        act = sum(active[name].values())
        lines.append(name)
        lines.append(f"{total:>24}{act:>11}{0:>11}{0:>11}{0:>11}{0:>11}")
    lines.append(PEER_HEADER)
    for key, s in sorted(sessions.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        spec = s.spec
        c = s.counters
        state = "Establ" if s.state == ESTABLISHED else s.state
        lines.append(
            f"{ipv4_text(spec.address):<15} {spec.peer_as:>11}{c.in_messages:>11}{c.out_messages:>11}"
            f"{_out_queue(s):>8}{c.flaps:>8} {duration(now - s.since):>11} {state}"
        )
        if s.state == ESTABLISHED:
            table = instance_table(spec.instance)
            a = active.get(table, {}).get(key, 0)
            lines.append(f"  {table}: {a}/{len(s.adj_in)}/{s.accepted}/0")
    return lines


# -- show bgp neighbor ----------------------------------------------------------------------------------


def _indexes(sessions: dict[PeerKey, Session]) -> dict[PeerKey, tuple[int, int]]:
    """(group index, peer index) of each session: groups numbered in configuration order within their
    instance, peers within their group."""
    groups: dict[str, dict[str, int]] = {}
    peers: dict[tuple[str, str], int] = {}
    found = {}
    for key, s in sessions.items():
        inst, group = s.spec.instance, s.spec.group
        numbers = groups.setdefault(inst, {})
        g = numbers.setdefault(group, len(numbers))
        p = peers.get((inst, group), 0)
        peers[(inst, group)] = p + 1
        found[key] = (g, p)
    return found


def _options(session: Session) -> str:
    spec = session.spec
    words = []
    if spec.ttl > 1 and not spec.internal:
        words.append("Multihop")
    words.append("Preference")
    if spec.local_address:
        words.append("LocalAddress")
    if spec.hold_time != 90:
        words.append("HoldTime")
    if spec.passive:
        words.append("Passive")
    if not spec.internal:
        words.append("PeerAS")
    words.append("Refresh")
    return f"<{' '.join(words)}>"


def _local_interface(bgp: Any, session: Session) -> str | None:
    """The interface a directly connected neighbour is reached through (its subnet's Direct route)."""
    spec = session.spec
    if spec.internal or spec.ttl > 1:
        return None
    route = bgp.engine.lookup(instance_table(spec.instance), spec.address)
    if route is None or route.protocol != "Direct":
        return None
    hops = route.resolved or route.next_hops
    return hops[0].interface if hops and hops[0].interface else None


def _neighbor(bgp: Any, key: PeerKey, s: Session, index: tuple[int, int], active: int) -> list[str]:
    spec = s.spec
    local = s.local_used or spec.local_address
    local_text = ipv4_text(local) if local else "unspecified"
    peer = f"{ipv4_text(spec.address)} AS {spec.peer_as}"
    lines = [f"Peer: {peer:<24} Local: {local_text} AS {spec.local_as}"]
    if spec.description:
        lines.append(f"  Description: {spec.description}")
    lines.append(f"  Group: {spec.group:<22}Routing-Instance: {spec.instance}")
    lines.append(f"  Forwarding routing-instance: {spec.instance}")
    flags = "<Sync>" if s.state == ESTABLISHED else "<>"
    kind = "Internal" if spec.internal else "External"
    lines.append(f"  Type: {kind:<12}State: {s.state:<15}Flags: {flags}")
    lines.append(f"  Last State: {s.last_state:<14}Last Event: {s.last_event}")
    lines.append(f"  Last Error: {s.last_error}")
    policies = []
    if spec.export:
        policies.append(f"Export: [ {' '.join(spec.export)} ]")
    if spec.import_:
        policies.append(f"Import: [ {' '.join(spec.import_)} ]")
    if policies:
        lines.append("  " + " ".join(policies))
    lines.append(f"  Options: {_options(s)}")
    hold = f"Holdtime: {spec.hold_time} Preference: 170"
    lines.append(f"  Local Address: {ipv4_text(spec.local_address)} {hold}" if spec.local_address else f"  {hold}")
    lines.append(f"  Number of flaps: {s.counters.flaps}")
    if s.state != ESTABLISHED:
        return lines
    ids = f"Peer ID: {ipv4_text(s.peer_id):<16}Local ID: {ipv4_text(s.router_id):<18}"
    lines.append(f"  {ids}Active Holdtime: {s.hold_time}")
    lines.append(f"  Keepalive Interval: {s.hold_time // 3:<11}Group index: {index[0]:<5}Peer index: {index[1]}")
    ifl = _local_interface(bgp, s)
    if ifl:
        lines.append(f"  Local Interface: {ifl}")
    lines.append("  NLRI for this session: inet-unicast")
    lines.append(f"  Table {instance_table(spec.instance)} Bit: 10000")
    for label, n in (
        ("Active prefixes:", active),
        ("Received prefixes:", len(s.adj_in)),
        ("Accepted prefixes:", s.accepted),
        ("Suppressed due to damping:", 0),
        ("Advertised prefixes:", len(s.adj_out)),
    ):
        lines.append(f"    {label:<30}{n}")
    c = s.counters
    lines.append(f"  Input messages:  Total {c.in_messages:<7}Updates {c.in_updates:<8}Refreshes 0")
    lines.append(f"  Output messages: Total {c.out_messages:<7}Updates {c.out_updates:<8}Refreshes 0")
    return lines


def show_bgp_neighbor(bgp: Any, address: str | None = None) -> list[str]:
    """Every neighbour (or the one at `address`), a blank line between them. A neighbour that is not
    configured prints nothing."""
    sessions: dict[PeerKey, Session] = bgp.sessions
    if not sessions:
        return [NOT_RUNNING]
    indexes = _indexes(sessions)
    chosen = sorted(
        (kv for kv in sessions.items() if address is None or ipv4_text(kv[0][1]) == address),
        key=lambda kv: (kv[0][1], kv[0][0]),
    )
    active: dict[str, dict[PeerKey, int]] = {}
    lines: list[str] = []
    for key, s in chosen:
        table = instance_table(s.spec.instance)
        if s.state == ESTABLISHED and s.adj_in and table not in active:
            rib = bgp.engine.tables.get(table)
            active[table] = active_paths(rib) if rib is not None else {}
        if lines:
            lines.append("")
        lines.extend(_neighbor(bgp, key, s, indexes[key], active.get(table, {}).get(key, 0)))
    return lines


# -- show route receive-protocol / advertising-protocol bgp ---------------------------------------------


def _matching(held: dict[int, Attrs], destination: Prefix | None, match: str) -> list[int]:
    """The keys of `held` a `show route` destination selects: an address, its longest match; a prefix,
    itself and what it covers (`exact`: itself; `longer`: only what it covers), in table order."""
    if destination is None:
        return sorted(held)
    net, plen = destination
    if match == "exact":
        key = net << 6 | plen
        return [key] if key in held else []
    if plen == 32 and match == "default":
        for length in range(32, -1, -1):
            key = (net & MASKS[length]) << 6 | length
            if key in held:
                return [key]
        return []
    deeper = match == "longer"
    mask = MASKS[plen]
    return sorted(k for k in held if (k & 63) >= plen and ((k >> 6) & mask) == net and (not deeper or (k & 63) > plen))


def _columns(hop: str, attrs: Attrs, path: str) -> str:
    """A row after its prefix: next hop, MED, local preference and AS path (the same for a whole feed)."""
    med = "" if attrs.med is None else str(attrs.med)
    pref = "" if attrs.local_pref is None else str(attrs.local_pref)
    return f"{hop:<21}{med:<8}{pref:<11}{path}"


def _advertised_path(session: Session, attrs: Attrs) -> str:
    """The path as the table has it: without the AS an EBGP neighbour gets prepended."""
    path = attrs.as_path
    if not session.spec.internal and path and path[0] == session.spec.local_as:
        path = path[1:]
    return " ".join([*(str(a) for a in path), attrs.origin])


def show_route_peer(
    bgp: Any,
    direction: str,
    address: str,
    destination: Prefix | None = None,
    match: str = "default",
) -> list[str]:
    """`show route receive-protocol bgp A` (direction "receive": the Adj-RIB-In, `*` where the
    neighbour's route is the active one) or `advertising-protocol bgp A` ("advertise": the Adj-RIB-Out,
    next hop `Self` for our own address, the path as the table has it, without the AS we prepend).
    Nothing is printed for a neighbour that is not configured or has nothing to show (as Junos)."""
    lines: list[str] = []
    for key, s in sorted(bgp.sessions.items(), key=lambda kv: kv[0][0] != "master"):
        if ipv4_text(key[1]) != address:
            continue
        spec = s.spec
        held = s.adj_in if direction == "receive" else s.adj_out
        keys = _matching(held, destination, match)
        if direction == "receive" and s.rejected:
            keys = [k for k in keys if k not in s.rejected]  # hidden, shown only by `hidden`
        if not keys:
            continue
        table = instance_table(spec.instance)
        rib = bgp.engine.tables.get(table)
        if rib is None:
            continue
        dests, routes, act, hidden = rib.counts()
        lines.append("")
        lines.append(f"{table}: {dests} destinations, {routes} routes ({act} active, 0 holddown, {hidden} hidden)")
        lines.append(ROUTES_HEADER)
        me = {s.local_used, spec.local_address or 0} - {0}
        columns: dict[Attrs, str] = {}  # formatted once per set of attributes
        for k in keys:
            p = prefix_of(k)
            attrs = held[k]
            tail = columns.get(attrs)
            route = rib.active_seen(p)
            if direction == "receive":
                if tail is None:
                    tail = columns[attrs] = _columns(ipv4_text(attrs.next_hop), attrs, attrs.path_text())
                mark = "*" if peer_of(route) == key else " "
            else:
                if tail is None:
                    hop = "Self" if attrs.next_hop in me else ipv4_text(attrs.next_hop)
                    tail = columns[attrs] = _columns(hop, attrs, _advertised_path(s, attrs))
                mark = "*" if route is not None else " "
            lines.append(f"{mark} {prefix_text(p):<24}{tail}")
    return lines


__all__ = [
    "NOT_RUNNING",
    "active_paths",
    "duration",
    "peer_of",
    "show_bgp_neighbor",
    "show_bgp_summary",
    "show_route_peer",
]
