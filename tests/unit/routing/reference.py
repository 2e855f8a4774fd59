"""Routing tables computed from scratch: the reference the incremental engine is compared with.

Given the engine's configuration (instances, rib-groups, policies), its interfaces and the
routes originated in it (each with the rib-group it was added with), this recomputes every
table the slow, obvious way: copy by rib-group, then resolve every route and select every
destination and import every active route again, round after round, until nothing changes.
Nothing here is incremental and nothing is indexed, so it shares none of the engine's
shortcuts. (No `resolve` routes and no policy conditions: those make the fixed point depend
on the order of events.)
"""

from __future__ import annotations

from nos.routing.engine import RoutingEngine, table_instance
from nos.routing.policy import Context, evaluate
from nos.routing.prefix import MASKS, Prefix
from nos.routing.route import LOCAL, VIA, NextHop, Route, selection_key

Descriptor = tuple  # what identifies a route in a table, and what it resolved to
Tables = dict[str, dict[Prefix, tuple[list[Descriptor], Descriptor | None]]]


def describe(route: Route) -> Descriptor:
    return (
        repr(route.source),
        route.table,
        route.primary is not None,
        route.protocol,
        route.preference,
        route.local_pref,
        route.metric,
        route.tag,
        route.resolved,
    )


def engine_tables(engine: RoutingEngine) -> Tables:
    """The engine's tables as descriptors: candidates (sorted) and the active route of each destination."""
    out: Tables = {}
    for name, rib in engine.tables.items():
        table = out[name] = {}
        for p, routes in rib.all():
            active = rib.active(p)
            table[p] = (sorted(describe(r) for r in routes), describe(active) if active is not None else None)
    return out


def reference_tables(engine: RoutingEngine, groups: dict[object, str | None]) -> Tables:
    """Every table from scratch. `groups`: source -> the rib-group its route was added with."""
    names = list(engine.tables)
    context = Context(lambda r: table_instance(r.table), engine.prefix_lists, lambda _: False)
    originated: list[Route] = []
    copies: dict[str, list[Route]] = {name: [] for name in names}
    for source, placed in engine._placed.items():  # the routes originated: the input
        route = placed.copy(placed.table)
        route.primary, route.seq = None, placed.seq
        originated.append(route)
        group = engine.rib_groups.get(groups.get(source) or "")
        for table in group.import_rib[1:] if group is not None else ():
            if table == route.table or table not in engine.tables:
                continue
            if group.import_policy:
                verdict, changes = evaluate(list(group.import_policy), engine.policies, route, context)
                if verdict == "reject":
                    continue
                if changes:
                    copies[table].append(route.copy(table, **changes))
                    continue
            copies[table].append(route)
    imported: dict[str, list[Route]] = {name: [] for name in names}
    active: dict[str, dict[Prefix, Route]] = {name: {} for name in names}
    for _ in range(50):
        for route in originated:
            route.resolved = _resolve(engine, route, active[route.table])
        for table in names:
            for route in copies[table] + imported[table]:
                if route.primary is not None:
                    route.resolved = route.primary.resolved
        new_active: dict[str, dict[Prefix, Route]] = {}
        for table in names:
            candidates: dict[Prefix, list[Route]] = {}
            for route in [r for r in originated if r.table == table] + copies[table] + imported[table]:
                candidates.setdefault(route.prefix, []).append(route)
            chosen = {}
            for p, routes in candidates.items():
                best = min(routes, key=lambda r, t=table: selection_key(r, t))
                if best.resolved is not None:
                    chosen[p] = best
            new_active[table] = chosen
        new_imported: dict[str, list[Route]] = {name: [] for name in names}
        for inst in engine.instances.values():
            if not inst.imports or inst.table not in engine.tables:
                continue
            for table in names:
                if table == inst.table:
                    continue
                for route in new_active[table].values():
                    if route.table != table or route.primary is not None:
                        continue
                    verdict, changes = evaluate(list(inst.imports), engine.policies, route, context)
                    if verdict == "accept":
                        changes.pop("next_hops", None)
                        new_imported[inst.table].append(route.copy(inst.table, **changes))
        stable = _same(active, new_active) and _same_imports(imported, new_imported)
        active, imported = new_active, new_imported
        if stable:
            break
    else:
        raise AssertionError("the reference computation did not settle")
    out: Tables = {}
    for table in names:
        held: dict[Prefix, list[Route]] = {}
        for route in [r for r in originated if r.table == table] + copies[table] + imported[table]:
            held.setdefault(route.prefix, []).append(route)
        out[table] = {
            p: (
                sorted(describe(r) for r in routes),
                describe(active[table][p]) if p in active[table] else None,
            )
            for p, routes in held.items()
        }
    return out


def _resolve(engine: RoutingEngine, route: Route, active: dict[Prefix, Route]) -> tuple[NextHop, ...] | None:
    out: list[NextHop] = []
    for nh in route.next_hops:
        if nh.kind == VIA:
            if nh.interface is not None:
                if engine.interface_up(nh.interface):
                    out.append(nh)
                continue
            via = _longest_direct(active, nh.gateway or 0)
            if via is not None and via.resolved:
                out.append(NextHop(VIA, nh.gateway, via.resolved[0].interface))
        elif nh.kind == LOCAL:
            if engine.interface_up(nh.interface or ""):
                out.append(nh)
        else:
            out.append(nh)
    return tuple(out) if out else None


def _longest_direct(active: dict[Prefix, Route], address: int) -> Route | None:
    for plen in range(32, -1, -1):
        route = active.get((address & MASKS[plen], plen))
        if route is not None and route.protocol == "Direct":
            return route
    return None


def _same(a: dict[str, dict[Prefix, Route]], b: dict[str, dict[Prefix, Route]]) -> bool:
    return all({p: describe(r) for p, r in a[t].items()} == {p: describe(r) for p, r in b[t].items()} for t in a)


def _same_imports(a: dict[str, list[Route]], b: dict[str, list[Route]]) -> bool:
    return all(sorted(describe(r) for r in a[t]) == sorted(describe(r) for r in b[t]) for t in a)


def summed_counts(engine: RoutingEngine) -> tuple[int, int, int]:
    """(destinations, routes, active) of every table, read entry by entry (what engine.totals() keeps)."""
    counts = [rib.counts() for rib in engine.tables.values()]
    return sum(c[0] for c in counts), sum(c[1] for c in counts), sum(c[2] for c in counts)
