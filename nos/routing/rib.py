"""One routing table: its routes, the active route per destination, and the forwarding table (FIB).

The FIB keeps one dict per prefix length, holding only resolved active routes;
a longest-prefix lookup tries the lengths present, longest first. Changing one
route touches only its destination's entry.
"""

from __future__ import annotations

from collections.abc import Callable

from nos.routing.prefix import MASKS, Prefix
from nos.routing.route import Route, selection_key

Resolver = Callable[["Rib", Route], None]  # sets route.resolved for this table


class Rib:
    __slots__ = ("_lengths", "_seq", "active", "fib", "name", "routes")

    def __init__(self, name: str):
        self.name = name
        self.routes: dict[Prefix, list[Route]] = {}
        self.active: dict[Prefix, Route] = {}
        self.fib: dict[int, dict[int, Route]] = {}
        self._lengths: list[int] = []  # prefix lengths present in the FIB, longest first
        self._seq: dict[int, int] = {}  # id(route) -> arrival order (the last tie-break)

    # -- contents ---------------------------------------------------------------------------------

    def add(self, route: Route, resolver: Resolver) -> tuple[Route | None, Route | None] | None:
        """Add a route; returns (old active, new active) when the active route changed."""
        self._seq[id(route)] = len(self._seq)
        p = route.prefix
        present = self.routes.get(p)
        if present is None:
            self.routes[p] = [route]
            resolver(self, route)
            if route.resolved is None:
                return None
            self.active[p] = route
            self._fib_set(p, route)
            return None, route
        present.append(route)
        return self.select(p, resolver)

    def remove(self, route: Route, resolver: Resolver) -> tuple[Route | None, Route | None] | None:
        p = route.prefix
        present = self.routes.get(p)
        if not present or route not in present:
            return None
        present.remove(route)
        self._seq.pop(id(route), None)
        if not present:
            del self.routes[p]
        return self.select(p, resolver)

    def select(self, p: Prefix, resolver: Resolver, re_resolve: bool = True) -> tuple[Route | None, Route | None] | None:
        """Choose the active route for `p` again; returns (old, new) when it changed."""
        old = self.active.get(p)
        candidates = self.routes.get(p, [])
        if re_resolve:
            for r in candidates:
                resolver(self, r)
        best = None
        if candidates:
            seq = self._seq
            best = min(candidates, key=lambda r: selection_key(r, self.name, seq.get(id(r), 0)))
            if best.resolved is None:
                best = None
        if best is old and (best is None or self.fib.get(p[1], {}).get(p[0]) is best):
            return None
        if best is None:
            self.active.pop(p, None)
            self._fib_remove(p)
        else:
            self.active[p] = best
            self._fib_set(p, best)
        return old, best

    # -- forwarding -------------------------------------------------------------------------------

    def _fib_set(self, p: Prefix, route: Route) -> None:
        net, plen = p
        by_len = self.fib.get(plen)
        if by_len is None:
            by_len = self.fib[plen] = {}
            self._lengths = sorted(self.fib, reverse=True)
        by_len[net] = route

    def _fib_remove(self, p: Prefix) -> None:
        net, plen = p
        by_len = self.fib.get(plen)
        if by_len is None:
            return
        by_len.pop(net, None)
        if not by_len:
            del self.fib[plen]
            self._lengths = sorted(self.fib, reverse=True)

    def lookup(self, address: int) -> Route | None:
        """Longest-prefix match among the active, resolved routes."""
        fib = self.fib
        for plen in self._lengths:
            route = fib[plen].get(address & MASKS[plen])
            if route is not None:
                return route
        return None

    def lookup_where(self, address: int, accept: Callable[[Route], bool]) -> Route | None:
        """Longest match among active routes that `accept` likes (next-hop resolution)."""
        fib = self.fib
        for plen in self._lengths:
            route = fib[plen].get(address & MASKS[plen])
            if route is not None and accept(route):
                return route
        return None

    # -- counts for `show route` ------------------------------------------------------------------

    def counts(self) -> tuple[int, int, int, int]:
        """(destinations, routes, active, hidden)."""
        routes = sum(len(v) for v in self.routes.values())
        hidden = sum(1 for v in self.routes.values() for r in v if r.resolved is None)
        return len(self.routes), routes, len(self.active), hidden


__all__ = ["Resolver", "Rib"]
