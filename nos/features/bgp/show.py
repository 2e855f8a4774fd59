"""BGP's operational commands: `show bgp summary`, `show bgp neighbor`, `show route
receive-protocol bgp` and `show route advertising-protocol bgp`, each built once from the sessions'
state as the element Junos answers its RPC with (`<bgp-information>`, `<route-information>`), and
rendered to text from that element alone, so the text, `| display xml|json` and NETCONF agree.

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

from lxml import etree

from nos.features.bgp.messages import Attrs, prefix_of
from nos.features.bgp.session import ESTABLISHED, Session
from nos.lab.packet import ipv4_text
from nos.routing.engine import instance_table
from nos.routing.prefix import MASKS, Prefix, prefix_text
from nos.routing.rib import Rib
from nos.routing.route import Route
from nos.runtime.clock import format_elapsed
from nos.runtime.structured import JUNOS, E, Element, Structured, namespace, sub, text_of

NOT_RUNNING = "BGP is not running"
TABLE_HEADER = "Table          Tot Paths  Act Paths Suppressed    History Damp State    Pending"
PEER_HEADER = (
    "Peer                     AS      InPkt     OutPkt    OutQ   Flaps Last Up/Dwn "
    "State|#Active/Received/Accepted/Damped..."
)
ROUTES_HEADER = "  Prefix\t\t  Nexthop\t       MED     Lclpref    AS path"  # tabs, as Junos prints it

PeerKey = tuple[str, int]  # (instance, neighbour address), as Bgp.sessions is keyed


def duration(seconds: float) -> str:
    """`show bgp summary`'s Last Up/Dwn: `9`, `51:13`, `2:28:38`, `20:20:46`, `3d 4:19:15`, `1w2d 5:31:33`."""
    return format_elapsed(seconds)


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


_SE = etree.SubElement
_FORMAT = f"{{{JUNOS}}}format"
_SECONDS = f"{{{JUNOS}}}seconds"


# -- what every command shares --------------------------------------------------------------------------


def not_running(rpc: str, rpc_args: dict[str, str | bool] | None = None) -> Structured:
    """Junos answers the BGP RPCs with `<output>BGP is not running</output>` when BGP is not configured."""
    return Structured(E("output", NOT_RUNNING), _output_text, rpc, rpc_args or {})


def _output_text(output: Element) -> list[str]:
    return (output.text or "").split("\n")


def _chosen(bgp: Any, instance: str | None) -> dict[PeerKey, Session]:
    """The sessions of one routing instance (the RPCs' `instance` argument), or all of them."""
    sessions: dict[PeerKey, Session] = bgp.sessions
    if instance is None:
        return sessions
    return {key: s for key, s in sessions.items() if s.spec.instance == instance}


def _by_address(sessions: dict[PeerKey, Session]) -> list[tuple[PeerKey, Session]]:
    return sorted(sessions.items(), key=lambda kv: (kv[0][1], kv[0][0]))


# -- show bgp summary (get-bgp-summary-information) ------------------------------------------------------


def _tables(sessions: Iterable[Session]) -> list[str]:
    """The tables the sessions feed, inet.0 first (Junos lists it whenever BGP runs)."""
    others = sorted({instance_table(s.spec.instance) for s in sessions} - {"inet.0"})
    return ["inet.0", *others]


def _out_queue(session: Session) -> int:
    return session.out_queue


def bgp_summary_xml(bgp: Any, now: float, instance: str | None = None) -> Element:
    """`<bgp-information>` as get-bgp-summary-information answers it (BGP running)."""
    sessions = _chosen(bgp, instance)
    tables = _tables(sessions.values())
    info = E("bgp-information", ns=namespace("junos-routing"))
    sub(info, "bgp-thread-mode", "BGP I/O")
    sub(info, "default-ebgp-advertise-mode", "accept")
    sub(info, "default-ebgp-receive-mode", "accept")
    sub(info, "group-count", len({(s.spec.instance, s.spec.group) for s in sessions.values()}))
    sub(info, "peer-count", len(sessions))
    sub(info, "down-peer-count", sum(s.state != ESTABLISHED for s in sessions.values()))
    active: dict[str, dict[PeerKey, int]] = {}
    for name in tables:
        mine = [(k, s) for k, s in sessions.items() if instance_table(s.spec.instance) == name]
        rib = bgp.engine.tables.get(name)
        busy = any(s.adj_in for _, s in mine)
        active[name] = active_paths(rib) if rib is not None and busy else {}
        _table_rib(info, name, mine, active[name])
    for key, s in _by_address(sessions):
        spec = s.spec
        c = s.counters
        peer = sub(info, "bgp-peer", junos_style="terse")
        sub(peer, "peer-address", ipv4_text(spec.address))
        sub(peer, "peer-as", spec.peer_as)
        sub(peer, "input-messages", c.in_messages)
        sub(peer, "output-messages", c.out_messages)
        sub(peer, "route-queue-count", _out_queue(s))
        sub(peer, "flap-count", c.flaps)
        seconds = int(max(0.0, now - s.since))
        sub(peer, "elapsed-time", duration(seconds), junos_seconds=seconds)
        if spec.description:
            sub(peer, "description", spec.description)
        if s.state != ESTABLISHED:
            sub(peer, "peer-state", s.state)
            continue
        sub(peer, "peer-state", ESTABLISHED, junos_format="Establ")
        table = instance_table(spec.instance)
        rib = sub(peer, "bgp-rib", junos_style="terse")
        sub(rib, "name", table)
        sub(rib, "active-prefix-count", active.get(table, {}).get(key, 0))
        sub(rib, "received-prefix-count", len(s.adj_in))
        sub(rib, "accepted-prefix-count", s.accepted)
        sub(rib, "suppressed-prefix-count", 0)
    return info


def _table_rib(info: Element, name: str, mine: list[tuple[PeerKey, Session]], active: dict[PeerKey, int]) -> None:
    """A table's counts: paths in the table (what was rejected is not filed), received and accepted,
    and active, split between external and internal neighbours as Junos counts them."""
    sides = {False: [0, 0, 0], True: [0, 0, 0]}  # internal? -> accepted, received, active
    for key, s in mine:
        side = sides[s.spec.internal]
        side[0] += s.accepted
        side[1] += len(s.adj_in)
        side[2] += active.get(key, 0)
    ext, inn = sides[False], sides[True]
    rib = sub(info, "bgp-rib", junos_style="brief")
    sub(rib, "name", name)
    for tag, n in (
        ("total-prefix-count", ext[0] + inn[0]),
        ("received-prefix-count", ext[1] + inn[1]),
        ("accepted-prefix-count", ext[0] + inn[0]),
        ("active-prefix-count", ext[2] + inn[2]),
        ("suppressed-prefix-count", 0),
        ("history-prefix-count", 0),
        ("damped-prefix-count", 0),
        ("total-external-prefix-count", ext[0]),
        ("active-external-prefix-count", ext[2]),
        ("accepted-external-prefix-count", ext[0]),
        ("suppressed-external-prefix-count", 0),
        ("total-internal-prefix-count", inn[0]),
        ("active-internal-prefix-count", inn[2]),
        ("accepted-internal-prefix-count", inn[0]),
        ("suppressed-internal-prefix-count", 0),
        ("pending-prefix-count", 0),
    ):
        sub(rib, tag, n)
    sub(rib, "bgp-rib-state", "BGP restart is complete")


_TABLE_COLUMNS = (
    "total-prefix-count",
    "active-prefix-count",
    "suppressed-prefix-count",
    "history-prefix-count",
    "damped-prefix-count",
    "pending-prefix-count",
)
_PEER_COUNTS = ("active-prefix-count", "received-prefix-count", "accepted-prefix-count", "suppressed-prefix-count")


def render_bgp_summary(info: Element) -> list[str]:
    """The text of `show bgp summary`, read from its `<bgp-information>`."""
    lines = [
        f"Threading mode: {text_of(info, 'bgp-thread-mode')}",
        f"Default eBGP mode: advertise - {text_of(info, 'default-ebgp-advertise-mode')}, "
        f"receive - {text_of(info, 'default-ebgp-receive-mode')}",
        f"Groups: {text_of(info, 'group-count')} Peers: {text_of(info, 'peer-count')} "
        f"Down peers: {text_of(info, 'down-peer-count')}",
        TABLE_HEADER,
    ]
    for rib in info.iterfind("bgp-rib"):
        total, *rest = (int(text_of(rib, tag, "0")) for tag in _TABLE_COLUMNS)
        lines.append(text_of(rib, "name"))
        lines.append(f"{total:>24}" + "".join(f"{n:>11}" for n in rest))
    lines.append(PEER_HEADER)
    for peer in info.iterfind("bgp-peer"):
        state = peer.find("peer-state")
        shown = (state.get(_FORMAT) or state.text or "") if state is not None else ""
        elapsed = peer.find("elapsed-time")
        seconds = int(elapsed.get(_SECONDS, "0")) if elapsed is not None else 0
        lines.append(
            f"{text_of(peer, 'peer-address'):<15} {text_of(peer, 'peer-as'):>11}"
            f"{text_of(peer, 'input-messages'):>11}{text_of(peer, 'output-messages'):>11}"
            f"{text_of(peer, 'route-queue-count'):>8}{text_of(peer, 'flap-count'):>8} {duration(seconds):>11} {shown}"
        )
        for rib in peer.iterfind("bgp-rib"):
            counts = "/".join(text_of(rib, tag) for tag in _PEER_COUNTS)
            lines.append(f"  {text_of(rib, 'name')}: {counts}")
    return lines


def bgp_summary(bgp: Any, now: float, instance: str | None = None) -> Structured:
    """`show bgp summary` (get-bgp-summary-information [instance])."""
    rpc_args: dict[str, str | bool] = {"instance": instance} if instance else {}
    if not bgp.sessions:
        return not_running("get-bgp-summary-information", rpc_args)
    info = bgp_summary_xml(bgp, now, instance)
    return Structured(info, render_bgp_summary, "get-bgp-summary-information", rpc_args)


# -- show bgp neighbor (get-bgp-neighbor-information) ----------------------------------------------------


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
    return " ".join(words)


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


def _neighbor_xml(info: Element, bgp: Any, s: Session, index: tuple[int, int], active: int) -> None:
    """One `<bgp-peer junos:style="detail">` (the elements napalm's and PyEZ's BGP tables read)."""
    spec = s.spec
    peer = sub(info, "bgp-peer", junos_style="detail")
    sub(peer, "peer-address", ipv4_text(spec.address))
    sub(peer, "peer-as", spec.peer_as)
    local = s.local_used or spec.local_address
    if local:
        sub(peer, "local-address", ipv4_text(local))
    sub(peer, "local-as", spec.local_as)
    if spec.description:
        sub(peer, "description", spec.description)
    sub(peer, "peer-group", spec.group)
    sub(peer, "peer-cfg-rti", spec.instance)
    sub(peer, "peer-fwd-rti", spec.instance)
    sub(peer, "peer-type", "Internal" if spec.internal else "External")
    sub(peer, "peer-state", s.state)
    sub(peer, "peer-flags", "Sync" if s.state == ESTABLISHED else None)
    sub(peer, "last-state", s.last_state)
    sub(peer, "last-event", s.last_event)
    sub(peer, "last-error", s.last_error)
    options = sub(peer, "bgp-option-information")
    if spec.export:
        sub(options, "export-policy", " ".join(spec.export))
    if spec.import_:
        sub(options, "import-policy", " ".join(spec.import_))
    sub(options, "bgp-options", _options(s))
    sub(options, "bgp-options2")
    if spec.local_address:
        sub(options, "local-address", ipv4_text(spec.local_address))
    sub(options, "holdtime", spec.hold_time)
    sub(options, "preference", 170)
    sub(peer, "flap-count", s.counters.flaps)
    if s.state != ESTABLISHED:
        return
    sub(peer, "peer-id", ipv4_text(s.peer_id))
    sub(peer, "local-id", ipv4_text(s.router_id))
    sub(peer, "active-holdtime", s.hold_time)
    sub(peer, "keepalive-interval", s.hold_time // 3)
    sub(peer, "group-index", index[0])
    sub(peer, "peer-index", index[1])
    ifl = _local_interface(bgp, s)
    if ifl:
        sub(peer, "local-interface-name", ifl)
    sub(peer, "nlri-type-session", "inet-unicast")
    rib = sub(peer, "bgp-rib", junos_style="detail")
    sub(rib, "name", instance_table(spec.instance))
    sub(rib, "rib-bit", 10000)
    sub(rib, "send-state", "in sync")
    sub(rib, "active-prefix-count", active)
    sub(rib, "received-prefix-count", len(s.adj_in))
    sub(rib, "accepted-prefix-count", s.accepted)
    sub(rib, "suppressed-prefix-count", 0)
    sub(rib, "advertised-prefix-count", len(s.adj_out))
    c = s.counters
    for tag, n in (
        ("input-messages", c.in_messages),
        ("input-updates", c.in_updates),
        ("input-refreshes", 0),
        ("output-messages", c.out_messages),
        ("output-updates", c.out_updates),
        ("output-refreshes", 0),
    ):
        sub(peer, tag, n)


def bgp_neighbor_xml(bgp: Any, address: str | None = None, instance: str | None = None) -> Element:
    """`<bgp-information>` as get-bgp-neighbor-information answers it: every neighbour (or the one at
    `address`); a neighbour that is not configured is simply not there."""
    sessions: dict[PeerKey, Session] = bgp.sessions
    indexes = _indexes(sessions)
    chosen = [kv for kv in _by_address(_chosen(bgp, instance)) if address is None or ipv4_text(kv[0][1]) == address]
    active: dict[str, dict[PeerKey, int]] = {}
    info = E("bgp-information", ns=namespace("junos-routing"))
    for key, s in chosen:
        table = instance_table(s.spec.instance)
        if s.state == ESTABLISHED and s.adj_in and table not in active:
            rib = bgp.engine.tables.get(table)
            active[table] = active_paths(rib) if rib is not None else {}
        _neighbor_xml(info, bgp, s, indexes[key], active.get(table, {}).get(key, 0))
    return info


_RIB_COUNTS = (
    ("Active prefixes:", "active-prefix-count"),
    ("Received prefixes:", "received-prefix-count"),
    ("Accepted prefixes:", "accepted-prefix-count"),
    ("Suppressed due to damping:", "suppressed-prefix-count"),
    ("Advertised prefixes:", "advertised-prefix-count"),
)


def _render_neighbor(peer: Element) -> list[str]:
    t = lambda path, default="": text_of(peer, path, default)  # noqa: E731
    head = f"{t('peer-address')} AS {t('peer-as')}"
    lines = [f"Peer: {head:<24} Local: {t('local-address', 'unspecified')} AS {t('local-as')}"]
    if peer.find("description") is not None:
        lines.append(f"  Description: {t('description')}")
    lines.append(f"  Group: {t('peer-group'):<22}Routing-Instance: {t('peer-cfg-rti')}")
    lines.append(f"  Forwarding routing-instance: {t('peer-fwd-rti')}")
    lines.append(f"  Type: {t('peer-type'):<12}State: {t('peer-state'):<15}Flags: <{t('peer-flags')}>")
    lines.append(f"  Last State: {t('last-state'):<14}Last Event: {t('last-event')}")
    lines.append(f"  Last Error: {t('last-error')}")
    options = peer.find("bgp-option-information")
    policies = [
        f"{label}: [ {text_of(options, tag)} ]"
        for label, tag in (("Export", "export-policy"), ("Import", "import-policy"))
        if options is not None and options.find(tag) is not None
    ]
    if policies:
        lines.append("  " + " ".join(policies))
    lines.append(f"  Options: <{text_of(options, 'bgp-options')}>")
    hold = f"Holdtime: {text_of(options, 'holdtime')} Preference: {text_of(options, 'preference')}"
    local = text_of(options, "local-address")
    lines.append(f"  Local Address: {local} {hold}" if local else f"  {hold}")
    lines.append(f"  Number of flaps: {t('flap-count')}")
    if peer.find("peer-id") is None:  # not established
        return lines
    ids = f"Peer ID: {t('peer-id'):<16}Local ID: {t('local-id'):<18}"
    lines.append(f"  {ids}Active Holdtime: {t('active-holdtime')}")
    lines.append(
        f"  Keepalive Interval: {t('keepalive-interval'):<11}Group index: {t('group-index'):<5}"
        f"Peer index: {t('peer-index')}"
    )
    if peer.find("local-interface-name") is not None:
        lines.append(f"  Local Interface: {t('local-interface-name')}")
    lines.append(f"  NLRI for this session: {t('nlri-type-session')}")
    for rib in peer.iterfind("bgp-rib"):
        lines.append(f"  Table {text_of(rib, 'name')} Bit: {text_of(rib, 'rib-bit')}")
        for label, tag in _RIB_COUNTS:
            lines.append(f"    {label:<30}{text_of(rib, tag)}")
    lines.append(
        f"  Input messages:  Total {t('input-messages'):<7}Updates {t('input-updates'):<8}"
        f"Refreshes {t('input-refreshes')}"
    )
    lines.append(
        f"  Output messages: Total {t('output-messages'):<7}Updates {t('output-updates'):<8}"
        f"Refreshes {t('output-refreshes')}"
    )
    return lines


def render_bgp_neighbor(info: Element) -> list[str]:
    """The text of `show bgp neighbor`, read from its `<bgp-information>`: a blank line between peers."""
    lines: list[str] = []
    for peer in info.iterfind("bgp-peer"):
        if lines:
            lines.append("")
        lines.extend(_render_neighbor(peer))
    return lines


def bgp_neighbor(bgp: Any, address: str | None = None, instance: str | None = None) -> Structured:
    """`show bgp neighbor [ADDRESS]` (get-bgp-neighbor-information [neighbor-address] [instance])."""
    rpc_args: dict[str, str | bool] = {}
    if address:
        rpc_args["neighbor-address"] = address
    if instance:
        rpc_args["instance"] = instance
    if not bgp.sessions:
        return not_running("get-bgp-neighbor-information", rpc_args)
    info = bgp_neighbor_xml(bgp, address, instance)
    return Structured(info, render_bgp_neighbor, "get-bgp-neighbor-information", rpc_args)


# -- show route receive-protocol / advertising-protocol bgp (get-route-information) ---------------------


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


def _advertised_path(session: Session, attrs: Attrs) -> str:
    """The path as the table has it: without the AS an EBGP neighbour gets prepended."""
    path = attrs.as_path
    if not session.spec.internal and path and path[0] == session.spec.local_as:
        path = path[1:]
    return " ".join([*(str(a) for a in path), attrs.origin])


def route_peer_xml(
    bgp: Any,
    direction: str,
    address: str,
    destination: Prefix | None = None,
    match: str = "default",
) -> Element:
    """`<route-information>` of `show route receive-protocol bgp A` (direction "receive": the
    Adj-RIB-In, `active-tag` where the neighbour's route is the active one) or `advertising-protocol
    bgp A` ("advertise": the Adj-RIB-Out, next hop `Self` for our own address, the path as the table
    has it, without the AS we prepend). A table with nothing to show (a neighbour that is not
    configured) is left out, as Junos does."""
    info = E("route-information", ns=namespace("junos-routing"))
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
        name = instance_table(spec.instance)
        rib = bgp.engine.tables.get(name)
        if rib is None:
            continue
        table = sub(info, "route-table")
        sub(table, "table-name", name)
        dests, routes, act, hidden = rib.counts()
        for tag, n in (
            ("destination-count", dests),
            ("total-route-count", routes),
            ("active-route-count", act),
            ("holddown-route-count", 0),
            ("hidden-route-count", hidden),
        ):
            sub(table, tag, n)
        me = {s.local_used, spec.local_address or 0} - {0}
        columns: dict[Attrs, tuple[str, str | None, str | None, str]] = {}  # worked out once per attribute set
        for k in keys:
            p = prefix_of(k)
            attrs = held[k]
            route = rib.active_seen(p)
            active = peer_of(route) == key if direction == "receive" else route is not None
            cols = columns.get(attrs)
            if cols is None:
                if direction == "receive":
                    hop, path = ipv4_text(attrs.next_hop), attrs.path_text()
                else:
                    hop = "Self" if attrs.next_hop in me else ipv4_text(attrs.next_hop)
                    path = _advertised_path(s, attrs)
                med = None if attrs.med is None else str(attrs.med)
                pref = None if attrs.local_pref is None else str(attrs.local_pref)
                cols = columns[attrs] = (hop, med, pref, path)
            _rt(table, prefix_text(p), active, cols)
    return info


_BRIEF = {f"{{{JUNOS}}}style": "brief"}


def _rt(table: Element, destination: str, active: bool, cols: tuple[str, str | None, str | None, str]) -> None:
    """One `<rt junos:style="brief">` of a protocol peer's routes (lxml's SubElement without the
    helper: a full table makes a million of them)."""
    hop, med, pref, path = cols
    rt = _SE(table, "rt", _BRIEF)
    _SE(rt, "rt-destination").text = destination
    entry = _SE(rt, "rt-entry")
    if active:
        _SE(entry, "active-tag").text = "*"
    _SE(entry, "protocol-name").text = "BGP"
    _SE(_SE(entry, "nh"), "to").text = hop
    if med is not None:
        _SE(entry, "med").text = med
    if pref is not None:
        _SE(entry, "local-preference").text = pref
    _SE(entry, "as-path").text = path


def render_route_peer(info: Element) -> list[str]:
    """The text of `show route receive-protocol|advertising-protocol bgp A`, read from its XML (a
    route's fields gathered in one pass over the table's elements: a full table is a million rows)."""
    lines: list[str] = []
    for table in info.iterfind("route-table"):
        counts = [text_of(table, tag) for tag in _ROUTE_COUNTS]
        lines.append("")
        lines.append(
            f"{text_of(table, 'table-name')}: {counts[0]} destinations, {counts[1]} routes "
            f"({counts[2]} active, {counts[3]} holddown, {counts[4]} hidden)"
        )
        lines.append(ROUTES_HEADER)
        row: dict[str, str] = {}
        for element in table.iter(*_ROW_FIELDS):
            tag = element.tag
            if tag == "rt-destination":
                row = {}
            row[tag] = element.text or ""
            if tag == "as-path":  # a route's last field
                g = row.get
                lines.append(
                    f"{g('active-tag', ' ')} {g('rt-destination', ''):<24}{g('to', ''):<21}{g('med', ''):<8}"
                    f"{g('local-preference', ''):<11}{row['as-path']}"
                )
    return lines


_ROW_FIELDS = ("rt-destination", "active-tag", "to", "med", "local-preference", "as-path")
_ROUTE_COUNTS = (
    "destination-count",
    "total-route-count",
    "active-route-count",
    "holddown-route-count",
    "hidden-route-count",
)


def route_peer(
    bgp: Any,
    direction: str,
    address: str,
    destination: Prefix | None = None,
    match: str = "default",
) -> Structured:
    """`show route receive-protocol|advertising-protocol bgp A [DESTINATION] [exact|longer|orlonger]`
    (get-route-information with receive-protocol-name + peer, or advertising-protocol-name + neighbor)."""
    rpc_args: dict[str, str | bool]
    if direction == "receive":
        rpc_args = {"receive-protocol-name": "bgp", "peer": address}
    else:
        rpc_args = {"advertising-protocol-name": "bgp", "neighbor": address}
    if destination is not None:
        rpc_args["destination"] = prefix_text(destination) if destination[1] < 32 else ipv4_text(destination[0])
    if match != "default":
        rpc_args[match] = True
    info = route_peer_xml(bgp, direction, address, destination, match)
    return Structured(info, render_route_peer, "get-route-information", rpc_args)


__all__ = [
    "NOT_RUNNING",
    "active_paths",
    "bgp_neighbor",
    "bgp_summary",
    "duration",
    "not_running",
    "peer_of",
    "render_bgp_neighbor",
    "render_bgp_summary",
    "render_route_peer",
    "route_peer",
]
