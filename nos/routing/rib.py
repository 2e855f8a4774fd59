"""One routing table: its routes, the active route per destination, and the forwarding table (FIB).

The FIB keeps one dict per prefix length holding the active route of each
destination (active routes are always resolved); a longest-prefix lookup tries
the lengths present, longest first. A destination with a single route stores
the route itself rather than a list: most destinations have one, and a
million-route table must fit in memory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from nos.routing.prefix import MASKS, Prefix
from nos.routing.route import Route, selection_key

Resolver = Callable[["Rib", Route], None]  # sets route.resolved as seen from this table
Change = tuple[Route | None, Route | None]  # (old active, new active)


class Rib:
    __slots__ = ("_levels", "fib", "name", "routes")

    def __init__(self, name: str):
        self.name = name
        self.routes: dict[Prefix, Route | list[Route]] = {}
        self.fib: dict[int, dict[int, Route]] = {}
        # (mask, that length's FIB dict) for the lengths present, longest first: the lookup loop.
        self._levels: list[tuple[int, dict[int, Route]]] = []

    # -- reading --------------------------------------------------------------------------------------

    def candidates(self, p: Prefix) -> list[Route]:
        held = self.routes.get(p)
        if held is None:
            return []
        return held if isinstance(held, list) else [held]

    def all(self) -> Iterator[tuple[Prefix, list[Route]]]:
        for p, held in self.routes.items():
            yield p, held if isinstance(held, list) else [held]

    def active(self, p: Prefix) -> Route | None:
        by_len = self.fib.get(p[1])
        return by_len.get(p[0]) if by_len is not None else None

    def active_items(self) -> Iterator[tuple[Prefix, Route]]:
        for plen, by_len in self.fib.items():
            for net, route in by_len.items():
                yield (net, plen), route

    # -- changing -------------------------------------------------------------------------------------

    def add(self, route: Route, resolver: Resolver) -> Change | None:
        """Add a route; returns (old active, new active) when the active route changed."""
        p = route.prefix
        held = self.routes.get(p)
        if held is None:
            self.routes[p] = route
            resolver(self, route)
            if route.resolved is None:
                return None
            self._fib_set(p, route)
            return None, route
        if isinstance(held, list):
            held.append(route)
        else:
            self.routes[p] = [held, route]
        return self.select(p, resolver)

    def insert_new(self, route: Route) -> None:
        """File a resolved route for a destination this table has no route for (bulk loading)."""
        p = route.prefix
        self.routes[p] = route
        if route.resolved is not None:
            self._fib_set(p, route)

    def remove(self, route: Route, resolver: Resolver) -> Change | None:
        p = route.prefix
        held = self.routes.get(p)
        if held is None:
            return None
        if isinstance(held, list):
            if route not in held:
                return None
            held.remove(route)
            if len(held) == 1:
                self.routes[p] = held[0]
        elif held is route:
            del self.routes[p]
        else:
            return None
        return self.select(p, resolver)

    def select(self, p: Prefix, resolver: Resolver, re_resolve: bool = True) -> Change | None:
        """Choose the active route for `p` again; returns (old, new) when it changed."""
        old = self.active(p)
        candidates = self.candidates(p)
        if re_resolve:
            for r in candidates:
                resolver(self, r)
        best = None
        if candidates:
            name = self.name
            best = min(candidates, key=lambda r: selection_key(r, name))
            if best.resolved is None:
                best = None
        if best is old:
            return None
        if best is None:
            self._fib_remove(p)
        else:
            self._fib_set(p, best)
        return old, best

    # -- forwarding -----------------------------------------------------------------------------------

    def _fib_set(self, p: Prefix, route: Route) -> None:
        net, plen = p
        by_len = self.fib.get(plen)
        if by_len is None:
            by_len = self.fib[plen] = {}
            self._relevel()
        by_len[net] = route

    def _fib_remove(self, p: Prefix) -> None:
        net, plen = p
        by_len = self.fib.get(plen)
        if by_len is None:
            return
        by_len.pop(net, None)
        if not by_len:
            del self.fib[plen]
            self._relevel()

    def _relevel(self) -> None:
        self._levels = [(MASKS[plen], self.fib[plen]) for plen in sorted(self.fib, reverse=True)]

    def lookup(self, address: int) -> Route | None:
        """Longest-prefix match among the active routes."""
        for mask, by_len in self._levels:
            route = by_len.get(address & mask)
            if route is not None:
                return route
        return None

    def lookup_where(self, address: int, accept: Callable[[Route], bool]) -> Route | None:
        """Longest match among active routes that `accept` likes (next-hop resolution)."""
        for mask, by_len in self._levels:
            route = by_len.get(address & mask)
            if route is not None and accept(route):
                return route
        return None

    # -- counts for `show route` ------------------------------------------------------------------------

    def counts(self) -> tuple[int, int, int, int]:
        """(destinations, routes, active, hidden)."""
        routes = hidden = 0
        for held in self.routes.values():
            for r in held if isinstance(held, list) else (held,):
                routes += 1
                hidden += r.resolved is None
        active = sum(len(by_len) for by_len in self.fib.values())
        return len(self.routes), routes, active, hidden


__all__ = ["Change", "Resolver", "Rib"]
