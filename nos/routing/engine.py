"""A device's routing engine: tables per instance, route sources, rib-groups, instance-import.

Route sources:
  - interfaces (`set_interface`): Direct and Local routes in the interface's instance table,
    copied by `interface-routes rib-group`;
  - static routes, from the configuration (`configure`), copied by `static rib-group`;
  - anything else through `add` / `withdraw` (ip-monitoring, ARI-TS, HA signal routes, BGP):
    a route is owned by a `source` key and withdrawn by it; a feed's worth of routes alike but
    for their destination through `add_prefixes` / `withdraw_prefixes`, packed (packed.py).

Changes come in batches (`with engine.batch(): ...`: a commit's routing and interface
changes are one, and each change outside a batch, a link cut, a probe's route, is a
batch of its own). A change only files or unfiles routes and marks their destinations dirty;
when the batch ends every dirty destination is recomputed (resolved, selected) once,
those it affects first, and a change of its active route marks what depends on it:
  - tables whose instance-import can take that route (`ImportIndex`: by table and prefix),
  - routes whose gateway lies inside it, when a Direct route came or went (`Gateways`),
  - tables holding copies of a route whose resolution changed,
  - policy conditions on it.
Then listeners (events, features) hear each destination whose active route changed,
once, from what was active before the batch to what is active after, in the order
of cause and consequence (a change, then what it caused, then the next change).
"""

from __future__ import annotations

from array import array
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from nos.config.query import child, entries, flag, value, values
from nos.config.tree import Node
from nos.routing.dependents import Gateways, ImportIndex
from nos.routing.highwater import Highwater
from nos.routing.packed import Pack
from nos.routing.policy import Context, Policy, Reach, compile_policies, evaluate, reach, references
from nos.routing.prefix import MASKS, Prefix, covers_address, interface_address, prefix
from nos.routing.rib import Rib
from nos.routing.route import DISCARD, LOCAL, RECEIVE, REJECT, TABLE, VIA, NextHop, Route

_UNSEEN = object()  # a gateway the batch has not resolved yet

Listener = Callable[[str, Prefix, Route | None, Route | None], None]
Told = tuple[str, Prefix, Route | None, Route | None]  # what listeners hear: (table, prefix, old, new)
# Packed destinations of one table that all changed from a route like `old` to a route like `new`
# (one of them None): the routes are the same but for their destination.
BulkListener = Callable[[str, list[Prefix], Route | None, Route | None], None]
CHUNK = 65536  # packed destinations told to bulk listeners at a time

MASTER = "master"

# Routes that depend on each other in a circle (a static route whose gateway it covers itself and that
# beats the Direct route there) would flip for ever: a batch stops recomputing them here.
_RUNS = 32
_REIMPORT_ROUNDS = 32


@dataclass
class Instance:
    name: str
    type: str  # master | virtual-router | forwarding | vrf | ...
    table: str
    interface_rib_group: str | None = None
    static_rib_group: str | None = None
    imports: tuple[str, ...] = ()


@dataclass
class RibGroup:
    name: str
    import_rib: tuple[str, ...]
    import_policy: tuple[str, ...] = ()


@dataclass
class Interface:
    addresses: list[tuple[int, int]] = field(default_factory=list)
    up: bool = False


@dataclass
class Work:
    """What the engine has done, counted: tests and benchmarks check that it follows the change."""

    destinations: int = 0  # destinations recomputed (resolved and selected)
    resolutions: int = 0  # routes resolved
    evaluations: int = 0  # instance-import policy evaluations


class _Dirty:
    """A destination touched by the current batch."""

    __slots__ = ("children", "key", "queued", "runs", "start")

    def __init__(self, start: Route | None, key: tuple[int, ...]):
        self.start = start  # its active route when the batch began
        self.key = key  # where its change is told: after the change that caused it
        self.children = 0  # destinations its recomputation touched first (their keys extend this one)
        self.queued = False
        self.runs = 0  # times recomputed in this batch


def instance_table(instance: str) -> str:
    return "inet.0" if instance in (MASTER, "default", "") else f"{instance}.inet.0"


def table_instance(table: str) -> str:
    return MASTER if table == "inet.0" else table.rsplit(".inet.0", 1)[0]


class RoutingEngine:
    def __init__(self, now: Callable[[], float]):
        self.now = now
        self.tables: dict[str, Rib] = {"inet.0": Rib("inet.0")}
        self.instances: dict[str, Instance] = {MASTER: Instance(MASTER, MASTER, "inet.0")}
        self.ifl_instance: dict[str, str] = {}
        self.interfaces: dict[str, Interface] = {}
        self.rib_groups: dict[str, RibGroup] = {}
        self.policies: dict[str, Policy] = {}
        self.prefix_lists: dict[str, list[Prefix]] = {}
        self.conditions: dict[str, tuple[Prefix, str]] = {}
        self.listeners: list[Listener] = []
        # A listener may also take packed destinations in bulk (a feed coming or going: one call per
        # table and chunk instead of one per destination, no Route made for each): listen(..., bulk).
        self.bulk_listeners: dict[Listener, BulkListener] = {}
        self.work = Work()
        self._placed: dict[object, Route] = {}  # source -> its route (in route.table and route.copies)
        self._packs: dict[object, Pack] = {}  # family (a template's source) -> its packed routes (add_prefixes)
        self._pack_gateways: dict[str, dict[int, dict[Pack, None]]] = {}  # table -> gateway -> packs via it
        self._modified: dict[int, list[tuple[str, Route]]] = {}  # id(route) -> its changed copies elsewhere
        self._imports: dict[str, dict[tuple[str, Prefix], Route]] = {}  # into -> (from, prefix) -> imported copy
        self._importers: list[Instance] = []  # instances with instance-import, in configuration order
        self._import_index = ImportIndex()  # positions in _importers by the tables and prefixes they take
        self._import_signatures: dict[str, object] = {}  # importer -> what its imports were computed from
        self._grouped: dict[object, str] = {}  # source -> the rib-group `add` was given (not statics, interfaces)
        self._group_specs: dict[str, object] = {}  # rib-group -> what it did when last configured (_group_spec)
        self._reaches: dict[str, list] = {}  # importer -> what it is filed under in _import_index
        self._uses: dict[str, tuple[tuple[str, str], ...]] = {}  # importer -> (kind, name) its verdicts read
        self._users: dict[tuple[str, str], set[str]] = {}  # ("policy" | "list" | "condition", name) -> importers
        self._condition_at: dict[tuple[str, Prefix], list[str]] = {}  # (table, prefix) -> conditions on it
        self._condition_state: dict[str, bool] = {}
        self._seq = 0  # arrival order of routes
        self._hops: dict[NextHop, tuple[NextHop, ...]] = {}  # shared one-hop `resolved` tuples
        self._gateways: dict[str, Gateways] = {}  # table -> destinations of routes resolved via a gateway
        self._resolving: dict[str, Gateways] = {}  # table -> destinations of `resolve` routes, by gateway
        self._via_interface: dict[str, set[tuple[str, Prefix]]] = {}  # ifl -> (table, destination) of next hops on it
        self._statics: dict[str, dict[object, tuple[Route, object]]] = {}  # instance -> source -> (route, group)
        self._static_inputs: dict[str, tuple[Node | None, str, object]] = {}  # instance -> what made its statics
        self._by_interface: dict[str, dict[object, None]] = {}  # ifl -> sources of its Direct/Local routes, in order
        self._interface_groups: dict[str, object] = {}  # ifl -> the rib-group its routes were copied by
        self._interface_inputs: dict[str, tuple] = {}  # ifl -> what its Direct/Local routes were made from
        self._compiled: dict = {}  # policy-options statements compiled, by node (policy.compile_policies)
        self._read: dict = {}  # routing-instances entries read, by node
        self._options: dict[str, Node | None] = {}  # instance -> its routing-options
        self._context = Context(self._instance_of, self.prefix_lists, self._condition)
        # The batch under way.
        self._depth = 0
        self._dirty: dict[tuple[str, Prefix], _Dirty] = {}
        self._queue: tuple[deque[tuple[str, Prefix]], ...] = tuple(deque() for _ in range(5))  # by rank
        self._roots = 0
        self._fresh: list[tuple[tuple[int], list[Route]]] = []  # runs of add_many's new destinations
        self._batch_seq = 0  # routes with a later seq arrived in this batch
        self._flips: dict[Pack, list] = {}  # packs flipped in this batch -> [key, live when the batch began]
        self._reimport: set[str] = set()  # importers to consider again over all they can take
        self.highwater = Highwater(now)

    # -- looking up ---------------------------------------------------------------------------------

    def table(self, name: str) -> Rib | None:
        return self.tables.get(name)

    def lookup(self, table: str, address: int) -> Route | None:
        rib = self.tables.get(table)
        return rib.lookup(address) if rib is not None else None

    def instance_of_interface(self, ifl: str) -> str:
        return self.ifl_instance.get(ifl, MASTER)

    def interface_up(self, ifl: str) -> bool:
        state = self.interfaces.get(ifl)
        return state is not None and state.up

    def _instance_of(self, route: Route) -> str:
        return table_instance(route.table)

    def _condition(self, name: str) -> bool:
        spec = self.conditions.get(name)
        if spec is None:
            return False
        p, table = spec
        rib = self.tables.get(table)
        return rib is not None and rib.active(p) is not None

    # -- batches ------------------------------------------------------------------------------------

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Group changes: every destination they touch is recomputed once, when the outermost batch ends,
        and listeners hear each change of an active route once."""
        if self._depth == 0:
            self._batch_seq = self._seq
        self._depth += 1
        try:
            yield
        finally:
            self._depth -= 1
            if self._depth == 0:
                self._flush()

    def _touch(self, table: str, p: Prefix, parent: _Dirty | None = None) -> None:
        """Mark a destination to recompute; `parent` is the destination whose change caused it."""
        k = (table, p)
        entry = self._dirty.get(k)
        if entry is None:
            rib = self.tables.get(table)
            start = rib.active(p) if rib is not None else None
            if start is not None and start.seq > self._batch_seq:
                start = None  # filed by add_many's fast path in this batch: there was nothing before
            entry = self._dirty.get(k)  # unpacked from a pack flipped in this batch: filed (_unpacked)
        if entry is None:
            if parent is None:
                self._roots += 1
                key: tuple[int, ...] = (self._roots,)
            else:
                key = (*parent.key, parent.children)
                parent.children += 1
            entry = self._dirty[k] = _Dirty(start, key)
        else:
            if parent is not None and parent is not entry:  # told after the last of its causes
                key = (*parent.key, parent.children)
                if key > entry.key:
                    entry.key = key
                    parent.children += 1
            if entry.queued or entry.runs >= _RUNS:
                return
        entry.queued = True
        self._queue[self._rank(table, p)].append(k)

    def _rank(self, table: str, p: Prefix) -> int:
        """Recompute order within a batch, so that a destination comes after those it depends on:
        routes needing no resolution, their copies, routes via a gateway, `resolve` routes, copies of
        routes via a gateway. (Any order gives the same tables; this one recomputes each once.)"""
        rib = self.tables.get(table)
        rank = 0
        for r in rib.candidates(p) if rib is not None else ():
            gateway = _uses_gateway(r)
            k = (3 if r.resolve else 2 if gateway else 0) if r.table == table else (4 if gateway else 1)
            if k > rank:
                rank = k
        return rank

    def _flush(self) -> None:
        self._depth += 1  # what listeners change joins the next round
        try:
            while self._dirty or self._fresh or self._reimport:
                self._settle()
                told = self._told()
                self._batch_seq = self._seq
                for change in told:
                    if change.__class__ is tuple:
                        for listener in self.listeners:
                            listener(*change)
                        continue
                    for chunk in _chunks(change.keys):  # a flipped pack: where it is, active to hidden or back
                        self._tell_packed(change.pack, chunk, added=not change.was)
        finally:
            self._depth -= 1
        self._mark_highwater()

    def _mark_highwater(self) -> None:
        """The tables settled (a batch ended, or a feed was filed or withdrawn packed)."""
        self.highwater.update(*self.totals(), sum(inst.type == "vrf" for inst in self.instances.values()))

    def totals(self) -> tuple[int, int, int]:
        """(destinations, routes, active routes) over every table, from the tables' running tallies."""
        destinations = routes = active = 0
        for rib in self.tables.values():
            d, r, a = rib.tally()
            destinations += d
            routes += r
            active += a
        for pack in self._packs.values():
            if pack.live:
                active += pack.count * len(pack.ribs)
        return destinations, routes, active

    def _settle(self) -> None:
        """Recompute the dirty destinations, and what they make dirty, until nothing is left."""
        dirty = self._dirty
        rounds = 0
        while True:
            for bucket in self._queue:  # the lowest rank waiting first
                if bucket:
                    table, p = bucket.popleft()
                    entry = dirty[(table, p)]
                    entry.queued = False
                    entry.runs += 1
                    self._process(table, p, entry)
                    break
            else:
                if not self._reimport:
                    return
                self._reimport_round(rounds := rounds + 1)

    def _reimport_round(self, rounds: int) -> None:
        """Importers whose policies changed (or whose conditions flipped) consider all they may take."""
        names, self._reimport = self._reimport, set()
        if rounds > _REIMPORT_ROUNDS:
            return
        for inst in self._importers:
            if inst.name in names:
                self._reimport_one(inst)

    def _told(self) -> list[Told | _Flipped]:
        """The changes of the batch in the order of their keys; the batch is then over."""
        dirty, fresh = self._dirty, self._fresh
        flips, self._flips = self._flips, {}
        items: list[tuple] = [(entry.key, table, p, entry.start) for (table, p), entry in dirty.items()]
        items.extend((key, "", (0, 0), None) for key, _ in fresh)
        items.extend((key, None, pack, was) for pack, (key, was) in flips.items())
        items.sort(key=lambda item: item[0])
        runs = dict(fresh)
        out: list[Told | _Flipped] = []
        tables = self.tables
        for key, table, p, start in items:
            if table:
                rib = tables.get(table)
                new = rib.active(p) if rib is not None else None
                if new is not start:
                    out.append((table, p, start, new))
                continue
            if table is None:  # a pack flipped: where it still is, from active to hidden or back
                if p.live != start:
                    out.append(_Flipped(p, start, array("Q", p.compact())))
                continue
            for route in runs[key]:  # type: ignore[index]
                q = route.prefix
                for name in (route.table, *route.copies):
                    rib = tables.get(name)
                    if rib is None or (name, q) in dirty:
                        continue
                    new = rib.active(q)
                    if new is not None:
                        out.append((name, q, None, new))
        self._dirty, self._fresh, self._roots = {}, [], 0
        return out

    # -- recomputing a destination -------------------------------------------------------------------

    def _process(self, table: str, p: Prefix, entry: _Dirty) -> None:
        """Resolve the routes for `p` in `table`, select, and mark what the outcome affects."""
        rib = self.tables.get(table)
        if rib is None:
            return
        self.work.destinations += 1
        old = rib.active(p)
        moved: list[Route] = []  # routes of this table whose resolution changed
        for r in rib.candidates(p):
            if r.table == table:
                before = r.resolved
                self._resolve(rib, r)
                if r.resolved != before:
                    moved.append(r)
            elif r.primary is not None:  # a modified copy follows the route it was made from
                r.resolved = r.primary.resolved
        new = rib.choose(p)
        if new is not old:
            for inst in self._importers_of(table, p):
                self._import(inst, table, p, entry)
        if new is not old or (new is not None and new in moved):
            self._dependents(table, p, old, new, entry)
        if new is not old and self._condition_at:
            self._check_conditions(table, p)
        for r in moved:  # copies elsewhere follow their primary's resolution
            for other in r.copies:
                self._touch(other, p, entry)
            for other, copy in self._modified.get(id(r), ()):
                copy.resolved = r.resolved
                self._touch(other, p, entry)

    def _dependents(self, table: str, p: Prefix, old: Route | None, new: Route | None, entry: _Dirty) -> None:
        """Routes whose next hop resolves through `p` resolve again: via a gateway when a Direct route
        came, went or changed; `resolve` routes on any change."""
        gateways = self._gateways.get(table)
        if gateways and (
            (old is not None and old.protocol == "Direct") or (new is not None and new.protocol == "Direct")
        ):
            for q in gateways.covered(p):
                self._touch(table, q, entry)
        if self._packs and (
            (old is not None and old.protocol == "Direct") or (new is not None and new.protocol == "Direct")
        ):
            self._refresh_packs(table, p, entry)
        resolving = self._resolving.get(table)
        if resolving:
            for q in resolving.covered(p):
                if q != p:
                    self._touch(table, q, entry)

    # -- adding and withdrawing ----------------------------------------------------------------------

    def add(self, route: Route, rib_group: str | None = None) -> None:
        """Originate `route` in its table (route.table), copying it into the rib-group's other tables.

        A route replaces an earlier one of the same source. Outside a batch the replacement
        is told as it always was: a withdrawal, then an add.
        """
        if self._packs:
            self._unpack_source(route.source)
        if self._depth == 0 and route.source in self._placed:
            self.withdraw(route.source)
        with self.batch():
            self._add(route, rib_group)
            if rib_group is not None:
                self._grouped[route.source] = rib_group

    def _add(self, route: Route, rib_group: str | None) -> None:
        source = route.source
        if self._packs:
            self._unpack_source(source)
        if source in self._placed:
            self._withdraw(source)
        self._seq += 1
        route.seq = self._seq
        self._placed[source] = route
        self._file(route.table, route)
        if rib_group is not None:
            self._copy(route, rib_group)

    def _copy(self, route: Route, rib_group: str) -> None:
        """Copy a route into its rib-group's other tables, through the group's import policies."""
        group = self.rib_groups.get(rib_group)
        if group is None:
            return
        for table in group.import_rib[1:]:
            if table == route.table or table not in self.tables:
                continue
            obj = route
            if group.import_policy:
                verdict, changes = evaluate(list(group.import_policy), self.policies, route, self._context)
                if verdict == "reject":
                    continue
                if changes:
                    obj = route.copy(table, **changes)
                    self._modified.setdefault(id(route), []).append((table, obj))
            if obj is route:
                route.copies = (*route.copies, table)
            self._file(table, obj)

    def add_many(self, routes: list[Route], rib_group: str | None = None) -> None:
        """Add many routes at once (a configuration's static routes, a routing table's worth).

        The same as `add` for each, with the per-route work cut: tables and the
        rib-group are looked up once per table, a gateway is resolved once for
        the batch, and a new destination (the usual case) that nothing else
        depends on is filed as it is, without a selection. Anything unusual goes
        through `add`.
        """
        with self.batch():
            self._add_many(routes, rib_group)
            if rib_group is not None:  # their copies follow the group as configured (_regroup)
                self._grouped.update((route.source, rib_group) for route in routes)

    def _add_many(self, routes: list[Route], rib_group: str | None) -> None:
        group = self.rib_groups.get(rib_group) if rib_group else None
        if group is not None and group.import_policy:
            for route in routes:
                self._add(route, rib_group)
            return
        placed, tables, dirty = self._placed, self.tables, self._dirty
        gateways: dict[tuple[str, int], tuple[NextHop, ...] | None] = {}
        # Per origin table: (its Rib, the copies' names, every Rib the route lands in, its gateway
        # index, whether nothing else (imports, conditions, `resolve` routes) watches these tables).
        plans: dict[str, tuple[Rib, tuple[str, ...], list[Rib], Gateways, bool]] = {}
        run: list[Route] | None = None
        for route in routes:
            table, p, hops = route.table, route.prefix, route.next_hops
            plan = plans.get(table)
            if plan is None:
                if table not in tables:
                    self._add(route, rib_group)
                    run = None
                    continue
                copies = () if group is None else tuple(t for t in group.import_rib[1:] if t != table and t in tables)
                rib = tables[table]
                targets = [rib, *(tables[t] for t in copies)]
                watched = {t for _, t in self.conditions.values()}
                quiet = not self._import_index.takes_from(table) and not any(
                    t.name in watched or self._resolving.get(t.name) for t in targets
                )
                plan = plans[table] = (rib, copies, targets, self._gateway_index(table), quiet)
            rib, copies, targets, gateway_index, quiet = plan
            hop = hops[0]
            if (
                not quiet
                or route.source in placed
                or len(hops) != 1
                or hop.kind != VIA
                or hop.interface is not None
                or hop.gateway is None
                or route.resolve
                or route.protocol == "Direct"
                or any(p in target.routes for target in targets)
                or (dirty and any((target.name, p) in dirty for target in targets))
            ):
                self._add(route, rib_group)
                run = None
                continue
            self._seq += 1
            route.seq = self._seq
            placed[route.source] = route
            key = (table, hop.gateway)
            resolved = gateways.get(key, _UNSEEN)
            if resolved is _UNSEEN:
                self._resolve(rib, route)
                resolved = gateways[key] = route.resolved
            route.resolved = resolved  # type: ignore[assignment]
            gateway_index.add(hop.gateway, p)
            route.copies = copies
            for target in targets:
                target.insert_new(route)
            if run is None:
                run = []
                self._roots += 1
                self._fresh.append(((self._roots,), run))
            run.append(route)

    # -- packed routes: a feed's worth of routes alike but for their destination (packed.py) ---------

    def listen(self, listener: Listener, bulk: BulkListener | None = None) -> None:
        """Hear each change of an active route; with `bulk`, packed destinations in bulk instead."""
        self.listeners.append(listener)
        if bulk is not None:
            self.bulk_listeners[listener] = bulk

    def _tell_packed(self, pack: Pack, prefixes: list[Prefix], added: bool) -> None:
        """Listeners hear destinations of `pack` come (active) or go, in every table holding it: a bulk
        listener once per table, the others one destination at a time with a route made for each."""
        template = pack.template
        names = [rib.name for rib in pack.ribs]
        plain = []
        for listener in self.listeners:
            bulk = self.bulk_listeners.get(listener)
            if bulk is None:
                plain.append(listener)
                continue
            for name in names:
                bulk(name, prefixes, None if added else template, template if added else None)
        if not plain:
            return
        at, family = template.at, pack.family
        for p in prefixes:
            route = at(p, (family, p))
            old, new = (None, route) if added else (route, None)
            for name in names:
                for listener in plain:
                    listener(name, p, old, new)

    def add_prefixes(self, template: Route, prefixes: Iterable[Prefix], rib_group: str | None = None) -> None:
        """Originate, for each prefix, a route like `template` (protocol, next hop, attributes, table),
        owned by the source (template.source, prefix) and withdrawn by it (or in bulk: withdraw_prefixes).

        Where nothing watches the tables they land in (import policies, instance-import, conditions,
        `resolve` routes) and the next hop is one gateway (or discard, reject...), new destinations are
        filed packed: listeners hear each as it is filed, and a Route object is made only when
        something needs the route itself. The rest, and any call inside a batch, is `add_many`.
        """
        family = template.source
        pack = self._pack_for(template, rib_group)
        if pack is None:
            self.add_many([template.at(p, (family, p)) for p in prefixes], rib_group)
            return
        primary, copies = pack.ribs[0], pack.ribs[1:]
        telling = pack.live and bool(self.listeners)
        told: list[Prefix] = []  # filed since listeners were last told
        others: list[Prefix] = []  # destinations that already have routes: the usual way
        filed = 0
        keep = pack.keys.append
        for p in prefixes:
            if (copies and any(rib.holds(p) for rib in copies)) or not primary.file_packed(p, pack):
                others.append(p)
                continue
            for rib in copies:
                rib.file_packed(p, pack)
            keep(p[0] << 6 | p[1])
            filed += 1
            if telling:
                told.append(p)
                if len(told) == CHUNK:
                    self._tell_packed(pack, told, added=True)
                    told = []
        if told:
            self._tell_packed(pack, told, added=True)
        pack.count += filed
        if not pack.count:  # nothing packed after all: a pack is only kept (and refreshed) while it holds some
            self._drop_pack(pack)
        self._batch_seq = self._seq  # what is filed now was there before any later batch
        if others:
            self.add_many([template.at(p, (family, p)) for p in others], rib_group)
        self._mark_highwater()

    def _pack_for(self, template: Route, rib_group: str | None) -> Pack | None:
        """The pack that routes like `template` go into (made if need be), or None when they cannot be packed."""
        if self._depth or template.resolve or template.protocol in ("Direct", "Local") or len(template.next_hops) != 1:
            return None
        hop = template.next_hops[0]
        if hop.kind == LOCAL or (hop.kind == VIA and (hop.interface is not None or hop.gateway is None)):
            return None  # what an interface's state decides is not packed
        table = template.table
        rib = self.tables.get(table)
        group = self.rib_groups.get(rib_group) if rib_group else None
        if rib is None or (group is not None and group.import_policy):
            return None
        copies = () if group is None else tuple(t for t in group.import_rib[1:] if t != table and t in self.tables)
        watched = {t for _, t in self.conditions.values()}
        if self._import_index.takes_from(table):
            return None
        if any(t in watched or self._resolving.get(t) for t in (table, *copies)):
            return None
        pack = self._packs.get(template.source)
        if pack is not None:  # more of the same family: the same routes, or the usual way
            held = pack.template
            same = held.table == table and held.copies == copies and held.since == template.since
            return pack if same and held.at(template.prefix, template.source).same_spec(template) else None
        shared = template.at(template.prefix, template.source)
        self._seq += 1
        shared.seq = self._seq
        shared.copies = copies
        shared.resolved = None
        self._resolve(rib, shared)
        ribs = [rib, *(self.tables[t] for t in copies)]
        pack = self._packs[template.source] = Pack(shared, ribs, rib_group, self._unpacked)
        if pack.gateway is not None:
            self._pack_gateways.setdefault(table, {}).setdefault(pack.gateway, {})[pack] = None
        return pack

    def _drop_pack(self, pack: Pack) -> None:
        """A pack holds no destination any more: it is no longer kept, nor refreshed."""
        if self._packs.get(pack.family) is pack:
            del self._packs[pack.family]
        by_gateway = self._pack_gateways.get(pack.template.table)
        packs = None if by_gateway is None else by_gateway.get(pack.gateway)  # type: ignore[arg-type]
        if packs is not None:
            packs.pop(pack, None)
            if not packs:
                del by_gateway[pack.gateway]  # type: ignore[index,arg-type]

    def _unpacked(self, route: Route, pack: Pack) -> None:
        """A packed route became a Route object: the engine owns it as if `add` had put it there."""
        self._placed[route.source] = route
        if pack.group is not None:
            self._grouped[route.source] = pack.group
        if pack.gateway is not None:
            self._gateway_index(route.table).add(pack.gateway, route.prefix)
        if self._flips:
            flipped = self._flips.get(pack)
            if flipped is not None:  # after the pack flipped in this batch: told as a route from the start
                key, was = flipped
                p, dirty = route.prefix, self._dirty
                for name in (route.table, *route.copies):
                    if (name, p) not in dirty:
                        dirty[(name, p)] = _Dirty(route if was else None, key)
        if pack.count == 0:
            self._drop_pack(pack)

    def _unpack_source(self, source: object) -> None:
        """`source` is about to be added or withdrawn: if it owns a packed route, unpack it."""
        if source.__class__ is tuple and len(source) == 2:
            pack = self._packs.get(source[0])
            p = source[1]
            if pack is not None and p.__class__ is tuple and len(p) == 2 and pack.ribs[0].holds_pack(p, pack):
                pack.unpack(p)

    def _refresh_packs(self, table: str, p: Prefix, parent: _Dirty) -> None:
        """A Direct route for `p` in `table` came, went or changed: packs via a gateway it covers resolve
        again, once per gateway. When that makes their routes usable or unusable, each pack flips
        (_flip), or, where an instance-import may take its routes, they are unpacked and recomputed
        one by one."""
        by_gateway = self._pack_gateways.get(table)
        if not by_gateway:
            return
        rib = self.tables[table]
        for gateway in [g for g in by_gateway if covers_address(p, g)]:
            packs = list(by_gateway[gateway])
            shared = packs[0].template
            probe = shared.at(shared.prefix, shared.source)
            self._resolve(rib, probe)  # the same for every pack via this gateway: one hop, no interface
            resolved = probe.resolved
            takes = self._import_index.takes_from(table)
            for pack in packs:
                if not pack.refresh(resolved):
                    continue
                if not takes:
                    self._flip(pack, resolved, parent)
                    continue
                for q in pack.destinations():
                    pack.unpack(q)
                    self._touch(table, q, parent)

    def _flip(self, pack: Pack, resolved: tuple | None, parent: _Dirty) -> None:
        """A pack's routes became usable or unusable: they stay packed, the pack's `live` says which.
        Listeners hear of it when the batch ends (_told), after the change that caused it; `resolve`
        routes whose gateway lies inside one of its destinations resolve again."""
        key = (*parent.key, parent.children)
        flipped = self._flips.get(pack)
        if flipped is None:
            self._flips[pack] = [key, pack.live]
            parent.children += 1
        elif key > flipped[0]:  # told after the last of its causes
            flipped[0] = key
            parent.children += 1
        pack.flip(resolved)
        if not self._resolving:
            return
        watchers = [(rib.name, index) for rib in pack.ribs if (index := self._resolving.get(rib.name))]
        if watchers:
            for q in pack.destinations():
                for name, index in watchers:
                    for r in index.covered(q):
                        self._touch(name, r, parent)

    def _unpack_groups(self, changed: set[str]) -> None:
        """Rib-groups changed: the packs they copied are unpacked, to be copied again as routes are."""
        for pack in list(self._packs.values()):
            if pack.group in changed:
                for q in pack.destinations():
                    pack.unpack(q)

    def _forget_packs(self, gone: set[str]) -> None:
        """Tables are going: the packs in them are unpacked, and then go (or lose a copy) as routes do."""
        for pack in list(self._packs.values()):
            if not gone.isdisjoint((pack.template.table, *pack.template.copies)):
                for q in pack.destinations():
                    pack.unpack(q)

    def evaluate_policy(self, chain: tuple[str, ...] | list[str], route: Route) -> tuple[str | None, dict]:
        """Run a protocol's import or export policy chain on a route: (accept | reject | None, changes)."""
        return evaluate(list(chain), self.policies, route, self._context)

    def withdraw_prefixes(self, family: object, prefixes: Iterable[Prefix]) -> None:
        """Withdraw the routes of the sources (family, p) for every p in `prefixes`: add_prefixes undone
        (a neighbour's session going down takes its whole table).

        Where a destination still holds the family's pack, its entry leaves every table holding it
        at once (it was the destination's only route: nothing is selected again), and listeners hear
        it as it goes (a live pack's route made for the telling). The rest (routes made Route
        objects since, prefixes never added) and any call inside a batch are `withdraw`n, in one batch.
        """
        pack = self._packs.get(family)
        if pack is None or self._depth:
            with self.batch():
                for p in prefixes:
                    self._withdraw((family, p))
            return
        primary, copies = pack.ribs[0], pack.ribs[1:]
        resolving = self._resolving
        watchers = [(rib.name, index) for rib in pack.ribs if (index := resolving.get(rib.name))] if resolving else []
        others: list[Prefix] = []
        touched: list[tuple[str, Prefix]] = []  # `resolve` routes whose gateway was inside what left
        remove = primary.remove_packed
        telling = pack.live and bool(self.listeners)
        told: list[Prefix] = []  # removed since listeners were last told
        for p in prefixes:
            if not remove(p, pack):
                others.append(p)
                continue
            for rib in copies:
                rib.remove_packed(p, pack)
            pack.count -= 1
            if telling:
                told.append(p)
                if len(told) == CHUNK:
                    self._tell_packed(pack, told, added=False)
                    told = []
            for name, index in watchers:
                touched.extend((name, q) for q in index.covered(p))
        if told:
            self._tell_packed(pack, told, added=False)
        if pack.count == 0:
            self._drop_pack(pack)
        else:
            pack.left()
        if others or touched:
            with self.batch():
                for p in others:
                    self._withdraw((family, p))
                for name, q in touched:
                    self._touch(name, q)
        self._mark_highwater()

    def withdraw(self, source: object) -> None:
        """Remove the route of `source` from every table."""
        with self.batch():
            self._withdraw(source)

    def _withdraw(self, source: object) -> None:
        if self._packs:
            self._unpack_source(source)
        route = self._placed.pop(source, None)
        if route is None:
            return
        if self._grouped:
            self._grouped.pop(source, None)
        self._unfile(route.table, route)  # the primary first, so the timeline reads in that order
        p = route.prefix
        for table, copy in self._modified.pop(id(route), ()):
            imported = self._imports.get(table)
            if imported is not None and imported.get((route.table, p)) is copy:
                del imported[(route.table, p)]
            self._unfile(table, copy)
        for table in route.copies:
            self._unfile(table, route)
        route.copies = ()

    def _file(self, table: str, route: Route, parent: _Dirty | None = None) -> None:
        """Put a route among a table's candidates (indexing what it depends on) and mark its destination."""
        rib = self.tables.get(table)
        if rib is None:
            return
        p = route.prefix
        if route.table == table:
            for nh in route.next_hops:
                if nh.kind != VIA:
                    continue
                if nh.interface is not None:
                    self._via_interface.setdefault(nh.interface, set()).add((table, p))
                elif nh.gateway is not None:
                    index = self._resolving if route.resolve else self._gateways
                    held = index.get(table)
                    if held is None:
                        held = index[table] = Gateways()
                    held.add(nh.gateway, p)
        rib.file(route)
        self._touch(table, p, parent)

    def _unfile(self, table: str, route: Route, parent: _Dirty | None = None) -> None:
        rib = self.tables.get(table)
        if rib is None or not rib.unfile(route):
            return
        p = route.prefix
        if route.table == table:
            others = [r for r in rib.candidates(p) if r.table == table]
            for nh in route.next_hops:
                if nh.kind != VIA or nh.interface is not None or nh.gateway is None:
                    continue
                index = (self._resolving if route.resolve else self._gateways).get(table)
                gw = nh.gateway
                if index is not None and not any(
                    r.resolve == route.resolve and any(h.gateway == gw and h.interface is None for h in r.next_hops)
                    for r in others
                ):
                    index.discard(gw, p)
        self._touch(table, p, parent)

    def _gateway_index(self, table: str) -> Gateways:
        held = self._gateways.get(table)
        if held is None:
            held = self._gateways[table] = Gateways()
        return held

    # -- resolution ------------------------------------------------------------------------------------

    def _resolve(self, rib: Rib, route: Route) -> None:
        """Set route.resolved as seen from `rib`: its forwarding next hops, or None."""
        if route.table != rib.name:
            if route.primary is not None:  # a modified copy follows the route it was made from
                route.resolved = route.primary.resolved
            return
        self.work.resolutions += 1
        out: list[NextHop] = []
        for nh in route.next_hops:
            kind = nh.kind
            if kind == VIA:
                if nh.interface is not None:
                    if self.interface_up(nh.interface):
                        out.append(nh)
                    continue
                assert nh.gateway is not None
                via = rib.lookup_where(nh.gateway, _is_direct)
                if via is not None and via.resolved:
                    out.append(self._hop(NextHop(VIA, nh.gateway, via.resolved[0].interface)))
                elif route.resolve:
                    via = rib.lookup_where(nh.gateway, lambda r, p=route.prefix: r.prefix != p)
                    if via is not None and via.resolved:
                        hop = via.resolved[0]
                        if hop.kind == VIA:
                            gateway = nh.gateway if hop.gateway is None else hop.gateway
                            out.append(NextHop(VIA, gateway, hop.interface))
            elif kind == LOCAL:
                if self.interface_up(nh.interface or ""):
                    out.append(nh)
            else:
                out.append(nh)
        if len(out) == 1:
            route.resolved = self._shared(out[0])
        else:
            route.resolved = tuple(out) if out else None

    def _hop(self, nh: NextHop) -> NextHop:
        one = self._hops.get(nh)
        return one[0] if one is not None else nh

    def _shared(self, nh: NextHop) -> tuple[NextHop, ...]:
        """One tuple object per distinct single next hop: a million routes via one gateway share it."""
        one = self._hops.get(nh)
        if one is None:
            if len(self._hops) > 100_000:
                self._hops.clear()
            one = self._hops[nh] = (nh,)
        return one

    def _interface_changed(self, ifl: str) -> None:
        """An interface went up or down: routes with a next hop on it (`next-hop st0.0`) resolve again."""
        held = self._via_interface.get(ifl)
        for table, q in sorted(held or ()):  # in a set: put in an order that does not depend on hashing
            rib = self.tables.get(table)
            if rib is None or not any(
                nh.interface == ifl for r in rib.candidates(q) if r.table == table for nh in r.next_hops
            ):
                held.discard((table, q))  # type: ignore[union-attr]
                continue
            self._touch(table, q)

    # -- instance-import -------------------------------------------------------------------------------

    def _importers_of(self, table: str, p: Prefix) -> list[Instance]:
        """The instances whose instance-import may take the route for `p` of `table`."""
        importers = self._importers
        return [importers[i] for i in self._import_index.find(table, p) if importers[i].table != table]

    def _import(self, inst: Instance, source_table: str, p: Prefix, parent: _Dirty | None) -> None:
        """instance-import: (re)consider the active route for `p` in `source_table` for inst's table."""
        imported = self._imports.setdefault(inst.table, {})
        key = (source_table, p)
        current = imported.get(key)
        src = self.tables.get(source_table)
        active = src.active(p) if src is not None else None
        wanted: Route | None = None
        if active is not None and active.table == source_table and active.primary is None:
            self.work.evaluations += 1
            verdict, changes = evaluate(list(inst.imports), self.policies, active, self._context)
            if verdict == "accept":
                changes.pop("next_hops", None)
                wanted = active.copy(inst.table, **changes)
        if (
            current is not None
            and wanted is not None
            and current.primary is wanted.primary
            and current.same_spec(wanted)
        ):
            return
        if inst.table not in self.tables:
            return
        if current is not None:
            del imported[key]
            copies = self._modified.get(id(current.origin), [])
            if (inst.table, current) in copies:
                copies.remove((inst.table, current))
            self._unfile(inst.table, current, parent)
        if wanted is not None:
            imported[key] = wanted
            self._modified.setdefault(id(active), []).append((inst.table, wanted))
            self._file(inst.table, wanted, parent)

    def _reimport_one(self, inst: Instance) -> None:
        """Consider again everything `inst` has imported and every active route it may import."""
        seen: set[tuple[str, Prefix]] = set()
        for key in list(self._imports.get(inst.table, ())):
            seen.add(key)
            self._import(inst, key[0], key[1], None)
        for table, p in self._reachable(inst):
            if (table, p) not in seen:
                seen.add((table, p))
                self._import(inst, table, p, None)

    def _reachable(self, inst: Instance) -> list[tuple[str, Prefix]]:
        """The active routes inst's import policies may accept, table by table: the tables its
        policies name, or every table when one of them names none."""
        by_table: dict[str | None, list[tuple]] = {}
        for filed in self._reaches.get(inst.name, ()):
            by_table.setdefault(filed[0], []).append(filed)
        anywhere = by_table.pop(None, [])
        names = list(self.tables) if anywhere else [t for t in by_table if t in self.tables]
        out: list[tuple[str, Prefix]] = []
        for name in names:
            rib = self.tables.get(name)
            mine = by_table.get(name, []) + anywhere
            if rib is None or name == inst.table or not mine:
                continue
            if any(exact is None and within is None for _, exact, within in mine):
                out.extend((name, p) for p, _ in rib.active_items())
                continue
            exact = {p for _, ps, _ in mine for p in ps or ()}
            within = [w for _, _, ws in mine for w in ws or ()]
            for p in sorted(exact):
                if rib.active(p) is not None:
                    out.append((name, p))
            if within:
                for p, _ in rib.active_items():
                    if p not in exact and any(p[1] >= w[1] and p[0] & MASKS[w[1]] == w[0] for w in within):
                        out.append((name, p))
        return out

    def _configure_imports(self, redo: set[str]) -> None:
        """Index the importers by what they can take; those whose policies changed import again.

        `redo` names the importers whose instance statement or whose policies (or prefix lists) the
        commit changed: only their reach is worked out again.
        """
        importers = [inst for inst in self.instances.values() if inst.imports]
        old = self._import_signatures
        signatures = dict(old)
        names = [inst.name for inst in importers]
        for gone in set(old) - set(names):
            del signatures[gone]
            self._use(gone, ())
        changed: list[str] = []
        for inst in importers:
            if inst.name in old and inst.name not in redo:
                continue
            lists, conditions = references(inst.imports, self.policies)
            signature = (
                inst.table,
                inst.imports,
                tuple(self.policies.get(n) for n in inst.imports),
                tuple(self.prefix_lists.get(n) for n in lists),
            )
            self._use(
                inst.name,
                [("policy", n) for n in inst.imports]
                + [("list", n) for n in lists]
                + [("condition", c) for c in conditions],
            )
            if old.get(inst.name) != signature:
                signatures[inst.name] = signature
                changed.append(inst.name)
        importing = {inst.table for inst in importers}
        for into in [t for t in self._imports if t not in importing]:  # no longer imports: its copies go
            for current in self._imports.pop(into).values():
                copies = self._modified.get(id(current.origin), [])
                if (into, current) in copies:
                    copies.remove((into, current))
                self._unfile(into, current)
        if names != [inst.name for inst in self._importers]:  # positions moved: index them all again
            self._import_index = ImportIndex()
            self._reaches = {}
            for position, inst in enumerate(importers):
                self._index_importer(position, inst)
        else:
            for position, inst in enumerate(importers):
                if inst.name in changed:
                    self._index_importer(position, inst)
        self._importers = importers
        self._import_signatures = signatures
        self._reimport.update(changed)

    def _index_importer(self, position: int, inst: Instance) -> None:
        for table, exact, within in self._reaches.pop(inst.name, ()):
            self._import_index.remove(position, table, exact, within)
        filed = []
        for r in reach(inst.imports, self.policies, self.prefix_lists):
            table = _reach_table(r)
            if table != inst.table:
                self._import_index.add(position, table, r.exact, r.within)
                filed.append((table, r.exact, r.within))
        self._reaches[inst.name] = filed

    def _use(self, importer: str, keys: list[tuple[str, str]] | tuple[()]) -> None:
        """Note what an importer's verdicts depend on (policies, prefix lists, conditions)."""
        for key in self._uses.pop(importer, ()):
            users = self._users.get(key)
            if users is not None:
                users.discard(importer)
                if not users:
                    del self._users[key]
        if keys:
            self._uses[importer] = tuple(keys)
            for key in keys:
                self._users.setdefault(key, set()).add(importer)

    # -- conditions -------------------------------------------------------------------------------------

    def _check_conditions(self, table: str, p: Prefix) -> None:
        for name in self._condition_at.get((table, p), ()):
            now = self._condition(name)
            if self._condition_state.get(name) != now:
                self._condition_state[name] = now
                self._reimport.update(self._users.get(("condition", name), ()))

    def _configure_conditions(self) -> None:
        at: dict[tuple[str, Prefix], list[str]] = {}
        for name, (p, table) in self.conditions.items():
            at.setdefault((table, p), []).append(name)
        self._condition_at = at
        state = {name: self._condition(name) for name in self.conditions}
        for name, now in state.items():
            if self._condition_state.get(name) != now:
                self._reimport.update(self._users.get(("condition", name), ()))
        self._condition_state = state

    # -- interfaces ------------------------------------------------------------------------------------

    def set_interface(self, ifl: str, addresses: list[tuple[int, int]], up: bool) -> None:
        """An interface unit's addresses and state: its Direct and Local routes follow."""
        with self.batch():
            state = self.interfaces.setdefault(ifl, Interface())
            was_up = state.up
            state.addresses, state.up = list(addresses), up
            self._interface_routes(ifl)
            if was_up != up:
                self._interface_changed(ifl)

    def forget_interface(self, ifl: str) -> None:
        with self.batch():
            state = self.interfaces.pop(ifl, None)
            self._interface_routes(ifl)
            if state is not None and state.up:
                self._interface_changed(ifl)

    def _interface_routes(self, ifl: str) -> None:
        state = self.interfaces.get(ifl)
        inst = self.instances.get(self.instance_of_interface(ifl)) or self.instances[MASTER]
        group = self._group_spec(inst.interface_rib_group)
        inputs = (
            (tuple(state.addresses), state.up) if state is not None else None,
            inst.table,
            inst.interface_rib_group,
            group,
        )
        if self._interface_inputs.get(ifl) == inputs:
            return  # the same routes as before
        self._interface_inputs[ifl] = inputs
        wanted: dict[object, Route] = {}
        if state is not None and state.up:
            for address, plen in state.addresses:
                net = (address & MASKS[plen], plen)
                src = ("interface", ifl, net)
                wanted[src] = Route(net, "Direct", (NextHop(VIA, None, ifl),), source=src, table=inst.table, since=0)
                if plen < 32:
                    local = (address, 32)
                    lsrc = ("interface", ifl, local)
                    wanted[lsrc] = Route(
                        local, "Local", (NextHop(LOCAL, None, ifl),), source=lsrc, table=inst.table, since=0
                    )
        present = self._by_interface.setdefault(ifl, {})
        regroup = self._interface_groups.get(ifl) != group
        self._interface_groups[ifl] = group
        for src in list(present):
            route = self._placed.get(src)
            if route is None:
                del present[src]
                continue
            if regroup or src not in wanted or not wanted[src].same_spec(route) or route.table != wanted[src].table:
                self._withdraw(src)
                del present[src]
            else:
                del wanted[src]
        now = self.now()
        for src, route in wanted.items():
            route.since = now
            self._add(route, inst.interface_rib_group)
            present[src] = None
        if state is None:
            self._interface_inputs.pop(ifl, None)

    # -- configuration -----------------------------------------------------------------------------------

    def configure(self, root: Node) -> None:
        """Apply the routing part of an expanded configuration, changing only what changed.

        A statement whose node is the same object as in the last configuration (a commit
        leaves unchanged subtrees alone) is not read again.
        """
        with self.batch():
            self._configure(root)

    def _configure(self, root: Node) -> None:
        policies, prefix_lists, conditions = compile_policies(root, self._compiled)
        instances, ifl_instance, options = self._read_instances(root)
        if policies is self.policies and instances is self.instances:
            return  # policy-options, routing-options and routing-instances are the nodes of last time
        rib_groups = {}
        for (name,), entry in entries(child(child(root, "routing-options"), "rib-groups"), "group").items():
            rib_groups[name] = RibGroup(name, values(entry, "import-rib"), values(entry, "import-policy"))
        # Which instances to look at again: those whose statements changed, or all of them when what
        # their rib-groups do may have changed (the groups, their policies, the tables there are).
        old_instances, old_policies = self.instances, self.policies
        changed_policies: set[str] = set()
        changed_lists: set[str] = set()
        if policies is not old_policies:  # policy-options changed: which statements did
            changed_policies = {
                n for n in policies.keys() | old_policies.keys() if policies.get(n) is not old_policies.get(n)
            }
            changed_lists = {
                n
                for n in prefix_lists.keys() | self.prefix_lists.keys()
                if prefix_lists.get(n) is not self.prefix_lists.get(n)
            }
        wide = rib_groups != self.rib_groups or (
            bool(rib_groups)
            and (
                instances.keys() != old_instances.keys()
                or any(p in changed_policies for g in rib_groups.values() for p in g.import_policy)
            )
        )
        touched = [name for name, inst in instances.items() if wide or old_instances.get(name) is not inst]
        before = {
            name: self._group_spec(old_instances[name].interface_rib_group) for name in touched if name in old_instances
        }
        removed = [inst.table for name, inst in old_instances.items() if name not in instances]
        self.policies, self.conditions = policies, conditions
        if prefix_lists != self.prefix_lists:
            self.prefix_lists.clear()
            self.prefix_lists.update(prefix_lists)
        self.instances = instances
        self.rib_groups = rib_groups
        self._options = options
        moved: set[str] = set()
        if ifl_instance is not self.ifl_instance:
            moved = {
                i for i in set(self.ifl_instance) | set(ifl_instance) if self.ifl_instance.get(i) != ifl_instance.get(i)
            }
            self.ifl_instance = ifl_instance
        for name in touched:
            table = instances[name].table
            if table not in self.tables:
                self.tables[table] = Rib(table)
        self._configure_statics(touched)
        # Interface routes: of units that moved to another instance, or whose instance copies them otherwise.
        regrouped = {
            name
            for name in touched
            if name not in before or before[name] != self._group_spec(instances[name].interface_rib_group)
        }
        if regrouped:
            for ifl in self.interfaces:
                if ifl not in moved and self.instance_of_interface(ifl) in regrouped:
                    moved.add(ifl)
        gone = sorted(i for i in moved if i not in self.interfaces and self._by_interface.get(i))
        for ifl in [i for i in self.interfaces if i in moved] + gone:
            self._interface_routes(ifl)
        if removed:
            self._remove_tables(set(removed))
        redo = {name for name in touched if old_instances.get(name) is not instances[name]}
        for key in [("policy", n) for n in changed_policies] + [("list", n) for n in changed_lists]:
            redo |= self._users.get(key, set())
        self._configure_imports(redo)
        self._configure_conditions()
        self._regroup()

    def _regroup(self) -> None:
        """Routes added with a rib-group whose definition, policies or tables changed are copied again."""
        specs = {name: self._group_spec(name) for name in self.rib_groups}
        changed = {n for n in specs.keys() | self._group_specs.keys() if specs.get(n) != self._group_specs.get(n)}
        self._group_specs = specs
        if changed and self._packs:
            self._unpack_groups(changed)
        if not changed or not self._grouped:
            return
        for source, name in list(self._grouped.items()):
            route = self._placed.get(source)
            if name not in changed or route is None:
                continue
            p = route.prefix
            for table in route.copies:
                self._unfile(table, route)
            route.copies = ()
            modified = self._modified.get(id(route))
            if modified:  # the group's modified copies go; instance-import copies stay
                kept = []
                for table, copy in modified:
                    imported = self._imports.get(table)
                    if imported is not None and imported.get((route.table, p)) is copy:
                        kept.append((table, copy))
                    else:
                        self._unfile(table, copy)
                modified[:] = kept
            self._copy(route, name)

    def _read_instances(self, root: Node) -> tuple[dict[str, Instance], dict[str, str], dict[str, Node | None]]:
        """The instances, which instance each interface unit is in, and each instance's routing-options."""
        master_options = child(root, "routing-options")
        ri = child(root, "routing-instances")
        last = self._read.get(None)
        if last is not None and last[0] is master_options and last[1] is ri:
            return self.instances, self.ifl_instance, self._options
        master = self.instances.get(MASTER)
        held = self._read.get(MASTER)
        if held is None or held[0] is not master_options or master is None:
            master = _instance(MASTER, MASTER, master_options)
        seen: dict = {MASTER: (master_options, master)}
        instances = {MASTER: master}
        options: dict[str, Node | None] = {MASTER: master_options}
        ifl_instance: dict[str, str] = {}
        for (name,), entry in entries(ri, "instance").items():
            itype = value(entry, "instance-type") or "virtual-router"
            if itype not in ("virtual-router", "forwarding", "vrf", "no-forwarding"):
                continue
            held = self._read.get(name)
            if held is not None and held[0] is entry:
                inst = held[1]
            else:
                inst = _instance(name, itype, child(entry, "routing-options"))
            seen[name] = (entry, inst)
            instances[name] = inst
            options[name] = child(entry, "routing-options")
            for (ifl,) in entries(entry, "interface"):
                ifl_instance[ifl] = name
        if ifl_instance == self.ifl_instance:
            ifl_instance = self.ifl_instance
        seen[None] = (master_options, ri)
        self._read = seen
        return instances, ifl_instance, options

    def _remove_tables(self, gone: set[str]) -> None:
        if self._packs:
            self._forget_packs(gone)
        for src in [s for s, r in self._placed.items() if r.table in gone]:
            self._withdraw(src)
        for r in self._placed.values():  # routes of other tables only lose their copy there
            if r.copies and not gone.isdisjoint(r.copies):
                r.copies = tuple(t for t in r.copies if t not in gone)
            modified = self._modified.get(id(r))
            if modified:
                modified[:] = [(t, c) for t, c in modified if t not in gone]
        for into in list(self._imports):
            if into in gone:
                del self._imports[into]
            else:
                imported = self._imports[into]
                for key in [k for k in imported if k[0] in gone]:
                    del imported[key]
        for table in gone:
            self.tables.pop(table, None)
            self._gateways.pop(table, None)
            self._resolving.pop(table, None)

    def _group_spec(self, name: str | None) -> object:
        """What a rib-group does (its tables and which of them exist, its import policies as compiled):
        a change means copying again."""
        group = self.rib_groups.get(name) if name else None
        if group is None:
            return None
        return (
            group,
            tuple(self.policies.get(p) for p in group.import_policy),
            tuple(t in self.tables for t in group.import_rib),
        )

    def _configure_statics(self, names: list[str]) -> None:
        """Static routes of the instances `names` whose `static` statement (or rib-group) changed, and of
        instances gone: withdraw what is no longer wanted everywhere first, then add what is new."""
        adds: list[tuple[str, object, Route, object]] = []
        for name in [n for n in self._statics if n not in self.instances]:
            for src in self._statics.pop(name):
                self._withdraw(src)
            self._static_inputs.pop(name, None)
        for name in names:
            inst = self.instances[name]
            static = child(self._options.get(name), "static")
            group = (inst.static_rib_group, self._group_spec(inst.static_rib_group))
            inputs = (static, inst.table, group)
            last = self._static_inputs.get(name)
            if last is not None and last[0] is static and last[1:] == inputs[1:]:
                continue
            self._static_inputs[name] = inputs
            wanted: dict[object, Route] = {}
            defaults = child(static, "defaults")
            for (dest,), entry in entries(static, "route").items():
                for route in _static_routes(_destination(dest), entry, defaults, inst.table):
                    wanted[route.source] = route
            mine = self._statics.setdefault(name, {})
            for src, (route, was) in list(mine.items()):
                new = wanted.get(src)
                if new is None or new.table != route.table or not new.same_spec(route) or was != group:
                    self._withdraw(src)
                    del mine[src]
                else:
                    del wanted[src]
            adds.extend((name, src, route, group) for src, route in wanted.items())
        now = self.now()
        for name, src, route, group in adds:
            route.since = now
            self._statics[name][src] = (route, group)
            self._add(route, group[0])  # type: ignore[index]


class _Flipped(NamedTuple):
    """A pack whose routes became usable or unusable in a batch, and the destinations it holds."""

    pack: Pack
    was: bool  # live when the batch began
    keys: array


def _chunks(keys: array) -> Iterator[list[Prefix]]:
    """A pack's destinations (keys: network << 6 | length) as prefixes, CHUNK at a time."""
    for start in range(0, len(keys), CHUNK):
        yield [(k >> 6, k & 63) for k in keys[start : start + CHUNK]]


def _is_direct(route: Route) -> bool:
    return route.protocol == "Direct"


def _uses_gateway(route: Route) -> bool:
    return route.resolve or any(nh.kind == VIA and nh.interface is None for nh in route.next_hops)


def _reach_table(r: Reach) -> str | None:
    """The one table a term's reach is limited to (`from instance` / `from rib`), or None for any.
    A term naming two different tables matches nothing; it is filed under the instance's."""
    return instance_table(r.instance) if r.instance is not None else r.rib


def _instance(name: str, itype: str, options: Node | None) -> Instance:
    interface_routes = child(options, "interface-routes")
    rib_group = child(interface_routes, "rib-group")
    static = child(options, "static")
    return Instance(
        name,
        itype,
        instance_table(name),
        interface_rib_group=value(rib_group, "inet"),
        static_rib_group=value(static, "rib-group"),
        imports=values(options, "instance-import"),
    )


def _static_routes(dest: Prefix, entry: Node, defaults: Node | None, table: str) -> list[Route]:
    """The routes one `static route` statement makes: one per preference (qualified next hops)."""
    if defaults is None and entry.children.keys() == {"next-hop"}:  # the usual statement: next hops only
        hops = tuple(_hop(hop) for hop in values(entry, "next-hop"))
        return [Route(dest, "Static", hops, source=("static", table, dest, 5), table=table, since=0, preference=5)]
    pref = int(value(entry, "preference") or value(defaults, "preference") or 5)
    metric = value(entry, "metric") or value(defaults, "metric")
    tag = value(entry, "tag")
    resolve = flag(entry, "resolve")
    groups: dict[int, list[NextHop]] = {}
    main: list[NextHop] = []
    if flag(entry, "discard"):
        main.append(NextHop(DISCARD))
    elif flag(entry, "reject"):
        main.append(NextHop(REJECT))
    elif flag(entry, "receive"):
        main.append(NextHop(RECEIVE))
    elif value(entry, "next-table"):
        main.append(NextHop(TABLE, table=value(entry, "next-table")))
    for hop in values(entry, "next-hop"):
        main.append(_hop(hop))
    if main:
        groups[pref] = main
    for (hop,), q in entries(entry, "qualified-next-hop").items():
        qpref = int(value(q, "preference") or pref)
        nh = _hop(hop)
        if value(q, "interface"):
            nh = NextHop(VIA, nh.gateway, value(q, "interface"))
        groups.setdefault(qpref, []).append(nh)
    routes = []
    for p, hops in groups.items():
        source = ("static", table, dest, p)
        routes.append(
            Route(
                dest,
                "Static",
                tuple(hops),
                source=source,
                table=table,
                since=0,
                preference=p,
                metric=int(metric) if metric else None,
                tag=int(tag) if tag else None,
                resolve=resolve,
            )
        )
    return routes


@lru_cache(maxsize=65536)
def _destination(text: str) -> Prefix:
    """A static route's destination: many instances route the same prefixes, parsed once."""
    return prefix(text)


@lru_cache(maxsize=65536)
def _hop(text: str) -> NextHop:
    """A configured next hop; the same text gives the same (shared) object."""
    if text[:1].isdigit():
        return NextHop(VIA, interface_address(text)[0])
    return NextHop(VIA, None, text)


__all__ = ["MASTER", "Instance", "RibGroup", "RoutingEngine", "Work", "instance_table", "table_instance"]
