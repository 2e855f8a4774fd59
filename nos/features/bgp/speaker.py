"""A device's BGP: its sessions, the routes they bring into the tables, and what it advertises.

Transport: each message is a TCP packet to port 179 walked through the lab from
the device (`device.network.exchange`), answered by the peer's TCP. The device
takes connections and messages on port 179 through its data plane
(`Dataplane.tcp_listeners`); a message is handled on the clock, after the walk
that brought it.

Routes in: an UPDATE's destinations go into the instance's table as BGP routes
(preference 170) through `RoutingEngine.add_prefixes`: a feed whose
destinations share their attributes is filed packed (packed.py), so a full
table costs the table's entries, not a Route object each. Each set of
attributes of a neighbour is a *family* of sources, `("bgp", instance, peer,
n)`; a route's source is `(family, prefix)`. Import policies, where configured,
are run on each route (the usual path).

Routes out: the active routes of the instance's table that the export policy
(or BGP's default: active BGP routes, none learnt over IBGP to an IBGP peer,
none back to the neighbour they came from) accepts, with the path attributes
RFC 4271 gives them (EBGP: own AS prepended, next hop self; IBGP: local-pref).
Changes are collected from the engine's listener and sent in one round on the
clock.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from nos.config.query import value
from nos.config.tree import Node
from nos.config.validate import CheckError
from nos.features.bgp.config import peers
from nos.features.bgp.messages import Attrs, Message, Update, key_of, prefix_of
from nos.features.bgp.session import ESTABLISHED, IDLE, LOST, PeerSpec, Session
from nos.features.bgp.tcp import BGP_PORT, answer, transmit
from nos.lab.packet import Packet, ipv4_int, ipv4_text
from nos.routing.engine import RoutingEngine, instance_table
from nos.routing.prefix import Prefix
from nos.routing.route import VIA, NextHop, Route


def _path_of(route: Route) -> tuple[int, ...]:
    """A route's AS path from its `as_path` text (`65001 65002`)."""
    return tuple(int(w) for w in (route.as_path or "").split() if w.isdigit())


class Bgp:
    name = "bgp"

    def __init__(self, device: Any, engine: RoutingEngine, dataplane: Any):
        self.device = device
        self.engine = engine
        self.sessions: dict[tuple[str, int], Session] = {}
        self.router_ids: dict[str, int] = {}
        self._families: dict[tuple[str, int], dict[Attrs, tuple]] = {}  # session -> attributes -> family
        self._pending: dict[str, set[Prefix]] = {}  # table -> destinations whose export may have changed
        self._flush_timer: Any = None
        self._exporting: dict[str, set[int]] = {}  # table -> its established peers (what the listener watches)
        engine.listen(self._route_changed, self._feed_changed)
        dataplane.tcp_listeners[BGP_PORT] = self._tcp

    # -- as a feature ------------------------------------------------------------------------------------

    def verify(self, new: Node) -> list[CheckError]:
        return peers(new)[1]

    def apply(self, old: Node, new: Node) -> None:
        wanted, _ = peers(new)
        if not wanted and not self.sessions:
            return  # no BGP, before or after
        options = new.children.get("routing-options")
        configured = value(options if isinstance(options, Node) else None, "router-id")
        # Configured, or derived as `show route summary` derives it (lo0 first: default_router_id).
        rid = ipv4_int(configured) if configured else self.device.dataplane.interfaces.router_id()
        for key, session in list(self.sessions.items()):
            spec = wanted.get(key)
            if spec is None:
                session.stop()
                del self.sessions[key]
                self._families.pop(key, None)
            elif spec != session.spec:
                if _only_policies_differ(spec, session.spec):
                    session.spec = spec
                    self._reimport(session)
                    self._readvertise(session)
                else:  # Junos resets a session whose parameters change
                    session.stop("Configuration change")
                    del self.sessions[key]
                    self._families.pop(key, None)
        for key, spec in wanted.items():
            if key not in self.sessions:
                session = Session(spec, rid, self, self, self.device.scheduler)
                self.sessions[key] = session
                session.start()

    # -- transport (session.Transport) -----------------------------------------------------------------

    def connect(self, session: Session) -> str:
        return self.send(session, None)

    def send(self, session: Session, message: Message | None) -> str:
        network = self.device.network
        if network is None:
            return LOST
        name = getattr(self.device, "node_name", "")
        return transmit(session, message, lambda packet: network.exchange(name, packet).reply)

    def _tcp(self, packet: Packet, instance: str) -> str:
        """A packet to port 179 of one of our addresses, in `instance`: the answer our TCP gives."""
        return answer(self.sessions.get((instance, packet.src)), packet)

    # -- the sessions' owner (session.Owner) -------------------------------------------------------------

    def established(self, session: Session) -> None:
        self._log(session)
        self._exporting.setdefault(instance_table(session.spec.instance), set()).add(session.spec.address)
        self._readvertise(session)

    def closed(self, session: Session, was_established: bool) -> None:
        if was_established:
            self._log(session)
        self._exporting.get(instance_table(session.spec.instance), set()).discard(session.spec.address)
        if session.adj_in:
            self._forget(session, list(session.adj_in))
        self._families.pop((session.spec.instance, session.spec.address), None)

    def received(self, session: Session, update: Update) -> None:
        """An UPDATE: what it withdraws (or replaces) goes, in one batch; then what it brings comes,
        outside any batch, so that a feed of destinations new to the table is filed packed."""
        spec = session.spec
        adj_in = session.adj_in
        attrs = update.attrs
        replaced = [k for k in update.nlri if adj_in.get(k, attrs) != attrs] if adj_in and attrs else []
        if update.withdrawn or replaced:
            self._forget(session, [*update.withdrawn, *replaced])
        if attrs is None or not update.nlri:
            return
        fresh = [k for k in update.nlri if k not in adj_in] if adj_in else update.nlri
        adj_in.update(dict.fromkeys(fresh, attrs))
        if spec.local_as in attrs.as_path:  # our own AS: a loop, kept out of the table
            session.rejected.update(fresh)
            return
        families = self._families.setdefault((spec.instance, spec.address), {})
        family = families.get(attrs)
        if family is None:
            family = families[attrs] = ("bgp", spec.instance, spec.address, len(families))
        template = self._route(session, attrs, family, instance_table(spec.instance))
        if not spec.import_:
            self.engine.add_prefixes(template, (prefix_of(k) for k in fresh))
            return
        routes = []
        for k in fresh:
            p = prefix_of(k)
            route = template.at(p, (family, p))
            verdict, changes = self.engine.evaluate_policy(spec.import_, route)
            if verdict == "reject":
                session.rejected.add(k)
                continue
            for name, v in changes.items():
                setattr(route, name, v)
            routes.append(route)
        self.engine.add_many(routes)

    def _forget(self, session: Session, keys: Iterable[int]) -> None:
        """Destinations the peer no longer announces (as it announced them): out of the tables."""
        families = self._families.get((session.spec.instance, session.spec.address), {})
        adj_in = session.adj_in
        gone: dict[tuple, list[int]] = {}
        for key in keys:
            attrs = adj_in.pop(key, None)
            if attrs is None:
                continue
            if session.rejected and key in session.rejected:
                session.rejected.discard(key)
                continue
            family = families.get(attrs)
            if family is not None:
                gone.setdefault(family, []).append(key)
        for family, keys_of in gone.items():  # each outside a batch: packed destinations leave as they are
            self._withdraw(family, keys_of)

    def _route(self, session: Session, attrs: Attrs, family: tuple, table: str) -> Route:
        spec = session.spec
        internal = spec.internal
        gateway = attrs.next_hop if internal or spec.ttl > 1 else spec.address
        return Route(
            (0, 0),
            "BGP",
            (NextHop(VIA, gateway=gateway),),
            source=family,
            table=table,
            since=self.device.scheduler.epoch(),
            local_pref=attrs.local_pref if internal and attrs.local_pref is not None else 100,
            metric=attrs.med,
            as_path=" ".join(str(a) for a in attrs.as_path),  # `show route` adds the origin
            resolve=internal or spec.ttl > 1,
        )

    def _withdraw(self, family: tuple, keys: Iterable[int]) -> None:
        self.engine.withdraw_prefixes(family, [prefix_of(k) for k in keys])

    def _reimport(self, session: Session) -> None:
        """Import policies changed: the neighbour's routes are installed again from the Adj-RIB-In."""
        received = dict(session.adj_in)
        self._forget(session, list(received))
        self._families.pop((session.spec.instance, session.spec.address), None)
        by_attrs: dict[Attrs, list[int]] = {}
        for k, attrs in received.items():
            by_attrs.setdefault(attrs, []).append(k)
        for attrs, keys in by_attrs.items():
            self.received(session, Update(attrs, keys))

    # -- export ------------------------------------------------------------------------------------------

    def _route_changed(self, table: str, p: Prefix, old: Route | None, new: Route | None) -> None:
        """The engine's listener: note what to advertise again; notice a single-hop peer's subnet going."""
        if old is not None and old.protocol == "Direct" and (new is None or new.protocol != "Direct"):
            self._subnet_gone(table, p)
        peers = self._exporting.get(table)
        if not peers:
            return
        route = new or old
        if route.protocol == "BGP" and len(peers) == 1 and _learnt_from(route) in peers:
            return  # the one peer it could go to is the one it came from
        pending = self._pending.get(table)
        if pending is None:
            pending = self._pending[table] = set()
        pending.add(p)
        if self._flush_timer is None:
            self._flush_timer = self.device.scheduler.call_later(0.0, self._flush)

    def _feed_changed(self, table: str, prefixes: list[Prefix], old: Route | None, new: Route | None) -> None:
        """Packed destinations came or went (a feed): to advertise again, unless the one peer they
        could go to is the one they came from."""
        peers = self._exporting.get(table)
        if not peers:
            return
        route = new or old
        if route is not None and len(peers) == 1 and _learnt_from(route) in peers:
            return
        pending = self._pending.setdefault(table, set())
        pending.update(prefixes)
        if self._flush_timer is None:
            self._flush_timer = self.device.scheduler.call_later(0.0, self._flush)

    def _subnet_gone(self, table: str, p: Prefix) -> None:
        """Junos closes a directly connected EBGP session as soon as its interface goes down."""
        net, plen = p
        for session in self.sessions.values():
            spec = session.spec
            if spec.internal or spec.ttl > 1 or instance_table(spec.instance) != table:
                continue
            covered = plen == 0 or spec.address >> (32 - plen) << (32 - plen) == net
            if covered and session.state != IDLE:
                self.device.scheduler.call_later(0.0, lambda s=session: s.down("Interface down", "Cease"))

    def _flush(self) -> None:
        self._flush_timer = None
        pending, self._pending = self._pending, {}
        for table, prefixes in pending.items():
            rib = self.engine.tables.get(table)
            if rib is None:
                continue
            for session in self.sessions.values():
                if session.state == ESTABLISHED and instance_table(session.spec.instance) == table:
                    self._advertise(session, ((p, rib.active_seen(p)) for p in prefixes))

    def _readvertise(self, session: Session) -> None:
        """Everything the session should carry, compared with what it carries (a full round)."""
        if session.state != ESTABLISHED:
            return
        rib = self.engine.tables.get(instance_table(session.spec.instance))
        if rib is None:
            return
        items = list(rib.active_items())
        seen = {p for p, _ in items}
        stale = [(prefix_of(k), None) for k in session.adj_out if prefix_of(k) not in seen]
        self._advertise(session, [*items, *stale])

    def _advertise(self, session: Session, changes: Iterable[tuple[Prefix, Route | None]]) -> None:
        adj_out = session.adj_out
        announce: dict[Attrs, array] = {}
        withdraw = array("Q")
        for p, route in changes:
            key = key_of(p)
            attrs = self._export(session, route) if route is not None else None
            held = adj_out.get(key)
            if attrs is None:
                if held is not None:
                    del adj_out[key]
                    withdraw.append(key)
                continue
            if held == attrs:
                continue
            adj_out[key] = attrs
            keys = announce.get(attrs)
            if keys is None:
                keys = announce[attrs] = array("Q")
            keys.append(key)
        if withdraw:
            session.send(Update(None, (), withdraw))
        for attrs, keys in announce.items():
            session.send(Update(attrs, keys))

    def _export(self, session: Session, route: Route) -> Attrs | None:
        """The attributes `route` is advertised to the session's peer with, or None (not advertised)."""
        spec = session.spec
        bgp = route.protocol == "BGP"
        learnt_from = _learnt_from(route)
        if learnt_from == spec.address or route.resolved is None:
            return None
        verdict, changes = self.engine.evaluate_policy(spec.export, route) if spec.export else (None, {})
        if verdict == "reject" or (verdict is None and not bgp):
            return None
        if verdict is None and spec.internal and learnt_from is not None:
            peer = self.sessions.get((spec.instance, learnt_from))
            if peer is not None and peer.spec.internal:
                return None  # IBGP routes are not passed to IBGP peers (no route reflection)
        path = _path_of(route)
        as_path = changes.get("as_path")
        if isinstance(as_path, str):  # prepended by the policy
            path = tuple(int(w) for w in as_path.split() if w.isdigit())
        origin = "I"  # [G] routes of every protocol leave with origin IGP; BGP's own origin is not kept
        med = changes.get("metric", None if bgp else route.metric)
        local = session.local_used or spec.local_address or 0
        if spec.internal:
            hop = route.next_hops[0].gateway if bgp and route.next_hops and route.next_hops[0].gateway else local
            pref = changes.get("local_pref", route.local_pref if route.local_pref is not None else 100)
            pref = pref if isinstance(pref, int) else 100
            return Attrs(hop, path, origin, med if isinstance(med, int) else None, pref)
        return Attrs(local, (spec.local_as, *path), origin, med if isinstance(med, int) else None)

    def _log(self, session: Session) -> None:
        """The line rpd writes when a peer comes up or goes down."""
        spec = session.spec
        kind = "Internal" if spec.internal else "External"
        self.device.event(
            "rpd",
            "RPD_BGP_NEIGHBOR_STATE_CHANGED",
            f"BGP peer {ipv4_text(spec.address)} ({kind} AS {spec.peer_as}) changed state from "
            f"{session.last_state} to {session.state} (event {session.last_event}) (instance {spec.instance})",
        )


def _learnt_from(route: Route) -> int | None:
    """The neighbour a BGP route came from (its source is ((bgp, instance, peer, n), prefix); a packed
    feed's template has the family itself)."""
    source = route.source
    if route.protocol != "BGP" or source.__class__ is not tuple:
        return None
    family = source[0] if source[0].__class__ is tuple else source  # a packed feed's template: the family
    return family[2] if family[0] == "bgp" else None


def _only_policies_differ(a: PeerSpec, b: PeerSpec) -> bool:
    return replace(a, import_=b.import_, export=b.export) == b


__all__ = ["Bgp"]
