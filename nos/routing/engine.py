"""A device's routing engine: tables per instance, route sources, rib-groups, instance-import.

Route sources:
  - interfaces (`set_interface`): Direct and Local routes in the interface's instance table,
    copied by `interface-routes rib-group`;
  - static routes, from the configuration (`configure`), copied by `static rib-group`;
  - anything else through `add` / `withdraw` (ip-monitoring, ARI-TS, HA signal routes, BGP):
    a route is owned by a `source` key and withdrawn by it.

A change of the active route for a destination is propagated: to tables that
hold secondary copies, to tables whose instance-import takes routes from here,
to routes whose next hops resolve through it, and to policy conditions. Each step
touches the destination that changed, not the whole table. Listeners (events,
features) hear every active-route change.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

from nos.config.query import child, entries, flag, value, values
from nos.config.tree import Node
from nos.routing.policy import Context, Policy, compile_policies, evaluate
from nos.routing.prefix import MASKS, Prefix, interface_address, prefix
from nos.routing.rib import Rib
from nos.routing.route import DISCARD, LOCAL, RECEIVE, REJECT, TABLE, VIA, NextHop, Route

_UNSEEN = object()  # a gateway the batch has not resolved yet

Listener = Callable[[str, Prefix, Route | None, Route | None], None]

MASTER = "master"


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
        self._placed: dict[object, Route] = {}  # source -> its route (in route.table and route.copies)
        self._modified: dict[int, list[tuple[str, Route]]] = {}  # id(route) -> its changed copies elsewhere
        self._imports: dict[tuple[str, str, Prefix], Route] = {}  # (into, from, prefix) -> imported copy
        self._importers: list[Instance] = []  # instances with instance-import
        self._seq = itertools.count(1)
        self._hops: dict[NextHop, tuple[NextHop, ...]] = {}  # shared one-hop `resolved` tuples
        self._gateways: dict[str, set[Prefix]] = {}  # table -> destinations of routes resolved via a gateway
        self._resolving: dict[str, set[Prefix]] = {}  # table -> destinations of `resolve` routes
        self._via_interface: dict[str, set[tuple[str, Prefix]]] = {}  # ifl -> (table, destination) of next hops on it
        self._statics: dict[object, tuple[str, Route, tuple[str | None, object]]] = {}
        self._by_interface: dict[str, set[object]] = {}  # ifl -> sources of its Direct/Local routes
        self._interface_groups: dict[str, object] = {}  # ifl -> the rib-group its routes were copied by
        self._condition_state: dict[str, bool] = {}
        self._context = Context(self._instance_of, self.prefix_lists, self._condition)

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

    # -- adding and withdrawing ----------------------------------------------------------------------

    def add(self, route: Route, rib_group: str | None = None) -> None:
        """Originate `route` in its table (route.table), copying it into the rib-group's other tables.

        A route replaces an earlier one of the same source.
        """
        source = route.source
        if source in self._placed:
            self.withdraw(source)
        route.seq = next(self._seq)
        self._placed[source] = route
        self._place(route.table, route)
        if rib_group is None:
            return
        group = self.rib_groups.get(rib_group)
        if group is None:
            return
        shared: list[str] = []
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
                shared.append(table)
                route.copies = (*route.copies, table)
            self._place(table, obj)

    def add_many(self, routes: list[Route], rib_group: str | None = None) -> None:
        """Add many routes at once (a configuration's static routes, a routing table's worth).

        The same as `add` for each, with the per-route work cut: tables and the
        rib-group are looked up once per table, a gateway is resolved once for
        the batch, and a new destination (the usual case) is filed without a
        selection. Anything unusual goes through `add`.
        """
        group = self.rib_groups.get(rib_group) if rib_group else None
        if self.listeners or self._importers or self.conditions or (group is not None and group.import_policy):
            for route in routes:
                self.add(route, rib_group)
            return
        placed, tables, seq = self._placed, self.tables, self._seq
        gateways: dict[tuple[str, int], tuple[NextHop, ...] | None] = {}
        # Per origin table: (its Rib, the copies' names, every Rib the route lands in, its gateway set).
        plans: dict[str, tuple[Rib, tuple[str, ...], list[Rib], set[Prefix]]] = {}
        for route in routes:
            table, p, hops = route.table, route.prefix, route.next_hops
            plan = plans.get(table)
            if plan is None:
                if table not in tables:
                    self.add(route, rib_group)
                    continue
                copies = () if group is None else tuple(t for t in group.import_rib[1:] if t != table and t in tables)
                rib = tables[table]
                plan = plans[table] = (
                    rib,
                    copies,
                    [rib, *(tables[t] for t in copies)],
                    self._gateways.setdefault(table, set()),
                )
            rib, copies, targets, gateway_set = plan
            hop = hops[0]
            if (
                route.source in placed
                or p in rib.routes
                or len(hops) != 1
                or hop.kind != VIA
                or hop.interface is not None
                or route.resolve
            ):
                self.add(route, rib_group)
                continue
            route.seq = next(seq)
            placed[route.source] = route
            key = (table, hop.gateway)
            resolved = gateways.get(key, _UNSEEN)
            if resolved is _UNSEEN:
                self._resolve(rib, route)
                resolved = gateways[key] = route.resolved
            route.resolved = resolved
            gateway_set.add(p)
            route.copies = copies
            for target in targets:
                if p in target.routes:  # already has routes for p: the usual way
                    self._note(target.name, p, target.add(route, self._resolve))
                else:
                    target.insert_new(route)

    def withdraw(self, source: object) -> None:
        """Remove the route of `source` from every table."""
        route = self._placed.pop(source, None)
        if route is None:
            return
        rib = self.tables.get(route.table)
        if rib is not None:  # the primary first, so the timeline reads in that order
            gw = self._gateways.get(route.table)
            others = (r for r in rib.candidates(route.prefix) if r is not route)
            if gw is not None and _uses_gateway(route) and not any(_uses_gateway(r) for r in others):
                gw.discard(route.prefix)
            self._note(route.table, route.prefix, rib.remove(route, self._resolve))
        for table, copy in self._modified.pop(id(route), ()):
            rib = self.tables.get(table)
            if rib is not None:
                self._note(table, copy.prefix, rib.remove(copy, self._resolve))
        for table in route.copies:
            rib = self.tables.get(table)
            if rib is not None:
                self._note(table, route.prefix, rib.remove(route, self._resolve))
        route.copies = ()

    def _place(self, table: str, route: Route) -> None:
        rib = self.tables.get(table)
        if rib is None:
            return
        if route.table == table:
            if _uses_gateway(route):
                self._gateways.setdefault(table, set()).add(route.prefix)
            if route.resolve:
                self._resolving.setdefault(table, set()).add(route.prefix)
            for nh in route.next_hops:
                if nh.kind == VIA and nh.interface is not None:
                    self._via_interface.setdefault(nh.interface, set()).add((table, route.prefix))
        self._note(table, route.prefix, rib.add(route, self._resolve))

    # -- resolution ------------------------------------------------------------------------------------

    def _resolve(self, rib: Rib, route: Route) -> None:
        """Set route.resolved as seen from `rib`: its forwarding next hops, or None."""
        if route.table != rib.name:
            if route.primary is not None:  # a modified copy follows the route it was made from
                route.resolved = route.primary.resolved
            return
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

    def _reselect(self, table: str, p: Prefix) -> None:
        rib = self.tables.get(table)
        if rib is not None:
            self._note(table, p, rib.select(p, self._resolve))

    # -- propagation -----------------------------------------------------------------------------------

    def _note(self, table: str, p: Prefix, change: tuple[Route | None, Route | None] | None) -> None:
        """After a destination was (re)selected: follow the consequences, the primary table first."""
        self._changed(table, p, change)
        rib = self.tables.get(table)
        if rib is not None:
            for r in rib.candidates(p):
                if r.table != table:
                    continue
                for other in r.copies:  # secondaries follow their primary's resolution
                    sub = self.tables.get(other)
                    if sub is not None:
                        self._changed(other, p, sub.select(p, self._resolve, re_resolve=False))
                for other, copy in self._modified.get(id(r), ()):
                    copy.resolved = r.resolved
                    sub = self.tables.get(other)
                    if sub is not None:
                        self._changed(other, p, sub.select(p, self._resolve, re_resolve=False))

    def _changed(self, table: str, p: Prefix, change: tuple[Route | None, Route | None] | None) -> None:
        if change is None:
            return
        old, new = change
        for listener in self.listeners:
            listener(table, p, old, new)
        for inst in self._importers:
            if inst.table != table:
                self._import(inst, table, p)
        if (old is not None and old.protocol in ("Direct", "Local")) or (
            new is not None and new.protocol in ("Direct", "Local")
        ):
            self._reresolve(table)
        elif self._resolving.get(table):
            self._reresolve_dependents(table, p)
        if self.conditions:
            self._check_conditions(table, p)

    def _reresolve(self, table: str) -> None:
        """Interface routes came or went: routes via a gateway in this table resolve again."""
        for q in list(self._gateways.get(table, ())):
            self._reselect(table, q)

    def _reresolve_dependents(self, table: str, p: Prefix) -> None:
        """The active route for `p` changed: `resolve` routes whose next hop it may carry resolve again."""
        for q in list(self._resolving.get(table, ())):
            if q == p:
                continue
            rib = self.tables.get(table)
            if rib is None or not any(r.resolve and r.table == table for r in rib.candidates(q)):
                self._resolving[table].discard(q)
                continue
            self._reselect(table, q)

    def _interface_changed(self, ifl: str) -> None:
        """An interface went up or down: routes with a next hop on it (`next-hop st0.0`) resolve again."""
        for table, q in list(self._via_interface.get(ifl, ())):
            rib = self.tables.get(table)
            if rib is None or not any(
                nh.interface == ifl for r in rib.candidates(q) if r.table == table for nh in r.next_hops
            ):
                self._via_interface[ifl].discard((table, q))
                continue
            self._reselect(table, q)

    def _import(self, inst: Instance, source_table: str, p: Prefix) -> None:
        """instance-import: (re)consider the active route for `p` in `source_table` for inst's table."""
        key = (inst.table, source_table, p)
        current = self._imports.get(key)
        src = self.tables.get(source_table)
        active = src.active(p) if src is not None else None
        wanted: Route | None = None
        if active is not None and active.table == source_table and active.primary is None:
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
        rib = self.tables.get(inst.table)
        if rib is None:
            return
        if current is not None:
            del self._imports[key]
            copies = self._modified.get(id(current.origin), [])
            if (inst.table, current) in copies:
                copies.remove((inst.table, current))
            self._note(inst.table, p, rib.remove(current, self._resolve))
        if wanted is not None:
            self._imports[key] = wanted
            self._modified.setdefault(id(active), []).append((inst.table, wanted))
            self._note(inst.table, p, rib.add(wanted, self._resolve))

    def _reimport_all(self) -> None:
        for key in [k for k in self._imports if k[0] not in {i.table for i in self._importers}]:
            rib = self.tables.get(key[0])
            current = self._imports.pop(key)
            if rib is not None:
                self._note(key[0], key[2], rib.remove(current, self._resolve))
        for inst in self._importers:
            for key in [k for k in self._imports if k[0] == inst.table]:
                self._import(inst, key[1], key[2])
            for table, rib in list(self.tables.items()):
                if table != inst.table:
                    for p, _ in list(rib.active_items()):
                        self._import(inst, table, p)

    def _check_conditions(self, table: str, p: Prefix) -> None:
        flipped = False
        for name, (cp, ct) in self.conditions.items():
            if ct == table and cp == p:
                now = self._condition(name)
                if self._condition_state.get(name) != now:
                    self._condition_state[name] = now
                    flipped = True
        if flipped:
            self._reimport_all()

    # -- interfaces ------------------------------------------------------------------------------------

    def set_interface(self, ifl: str, addresses: list[tuple[int, int]], up: bool) -> None:
        """An interface unit's addresses and state: its Direct and Local routes follow."""
        state = self.interfaces.setdefault(ifl, Interface())
        was_up = state.up
        state.addresses, state.up = list(addresses), up
        self._interface_routes(ifl)
        if was_up != up:
            self._interface_changed(ifl)

    def forget_interface(self, ifl: str) -> None:
        state = self.interfaces.pop(ifl, None)
        self._interface_routes(ifl)
        if state is not None and state.up:
            self._interface_changed(ifl)

    def _interface_routes(self, ifl: str) -> None:
        state = self.interfaces.get(ifl)
        inst = self.instances.get(self.instance_of_interface(ifl)) or self.instances[MASTER]
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
        present = self._by_interface.get(ifl, set())
        group = self._group_spec(inst.interface_rib_group)
        regroup = self._interface_groups.get(ifl) != group
        self._interface_groups[ifl] = group
        for src in list(present):
            route = self._placed.get(src)
            if route is None:
                present.discard(src)
                continue
            if regroup or src not in wanted or not wanted[src].same_spec(route) or route.table != wanted[src].table:
                self.withdraw(src)
                present.discard(src)
            else:
                del wanted[src]
        now = self.now()
        for src, route in wanted.items():
            route.since = now
            self.add(route, inst.interface_rib_group)
            self._by_interface.setdefault(ifl, set()).add(src)

    # -- configuration -----------------------------------------------------------------------------------

    def configure(self, root: Node) -> None:
        """Apply the routing part of an expanded configuration, changing only what changed."""
        self.policies, prefix_lists, self.conditions = compile_policies(root)
        self.prefix_lists.clear()
        self.prefix_lists.update(prefix_lists)
        instances = {MASTER: _instance(MASTER, MASTER, child(root, "routing-options"))}
        ifl_instance: dict[str, str] = {}
        for (name,), entry in entries(child(root, "routing-instances"), "instance").items():
            itype = value(entry, "instance-type") or "virtual-router"
            if itype not in ("virtual-router", "forwarding", "vrf", "no-forwarding"):
                continue
            instances[name] = _instance(name, itype, child(entry, "routing-options"))
            for (ifl,) in entries(entry, "interface"):
                ifl_instance[ifl] = name
        rib_groups = {}
        for (name,), entry in entries(child(child(root, "routing-options"), "rib-groups"), "group").items():
            rib_groups[name] = RibGroup(name, values(entry, "import-rib"), values(entry, "import-policy"))
        removed = [inst.table for name, inst in self.instances.items() if name not in instances]
        self.instances = instances
        self._importers = [inst for inst in instances.values() if inst.imports]
        self.rib_groups = rib_groups
        moved = {
            i for i in set(self.ifl_instance) | set(ifl_instance) if self.ifl_instance.get(i) != ifl_instance.get(i)
        }
        self.ifl_instance = ifl_instance
        for inst in instances.values():
            self.tables.setdefault(inst.table, Rib(inst.table))
        self._configure_statics(root)
        for ifl in set(self.interfaces) | moved:
            self._interface_routes(ifl)
        for table in removed:
            for src in [s for s, r in self._placed.items() if r.table == table]:
                self.withdraw(src)
            for r in self._placed.values():  # routes of other tables only lose their copy there
                if table in r.copies:
                    r.copies = tuple(t for t in r.copies if t != table)
                modified = self._modified.get(id(r))
                if modified:
                    modified[:] = [(t, c) for t, c in modified if t != table]
            self.tables.pop(table, None)
        self._condition_state = {name: self._condition(name) for name in self.conditions}
        self._reimport_all()

    def _group_spec(self, name: str | None) -> object:
        """What a rib-group does (its tables, its import policies as compiled): a change means copying again."""
        group = self.rib_groups.get(name) if name else None
        if group is None:
            return None
        return group, tuple(self.policies.get(p) for p in group.import_policy)

    def _configure_statics(self, root: Node) -> None:
        wanted: dict[object, tuple[str, Route, object]] = {}
        for inst_name, options in _routing_options(root):
            inst = self.instances.get(inst_name)
            if inst is None:
                continue
            static = child(options, "static")
            defaults = child(static, "defaults")
            for (dest,), entry in entries(static, "route").items():
                for route in _static_routes(prefix(dest), entry, defaults, inst.table):
                    group = (inst.static_rib_group, self._group_spec(inst.static_rib_group))
                    wanted[route.source] = (inst.table, route, group)
        for src, (table, route, group) in list(self._statics.items()):
            new = wanted.get(src)
            if new is None or new[0] != table or not new[1].same_spec(route) or new[2] != group:
                self.withdraw(src)
                del self._statics[src]
            else:
                del wanted[src]
        now = self.now()
        for src, (table, route, group) in wanted.items():
            route.since = now
            self._statics[src] = (table, route, group)
            self.add(route, group[0])


def _is_direct(route: Route) -> bool:
    return route.protocol == "Direct"


def _uses_gateway(route: Route) -> bool:
    return route.resolve or any(nh.kind == VIA and nh.interface is None for nh in route.next_hops)


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


def _routing_options(root: Node) -> list[tuple[str, Node | None]]:
    out: list[tuple[str, Node | None]] = [(MASTER, child(root, "routing-options"))]
    for (name,), entry in entries(child(root, "routing-instances"), "instance").items():
        out.append((name, child(entry, "routing-options")))
    return out


def _static_routes(dest: Prefix, entry: Node, defaults: Node | None, table: str) -> list[Route]:
    """The routes one `static route` statement makes: one per preference (qualified next hops)."""
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


def _hop(text: str) -> NextHop:
    if text[:1].isdigit():
        return NextHop(VIA, interface_address(text)[0])
    return NextHop(VIA, None, text)


__all__ = ["MASTER", "Instance", "RibGroup", "RoutingEngine", "instance_table", "table_instance"]
