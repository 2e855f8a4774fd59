"""Who depends on a destination: the indexes that keep the routing engine's work proportional to a change.

- `Gateways` (one per table): gateway address -> the destinations whose routes
  resolve through it. When the route covering some addresses changes, only the
  destinations whose gateway lies inside it resolve again.
- `ImportIndex`: which instance-import consumers can take a route of a given
  table and prefix. A consumer whose policies restrict neither the table nor
  the prefix is filed under "any" and is asked about every change.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable

from nos.routing.prefix import MASKS, Prefix

# Up to this many addresses (or as many as there are gateways), a covering prefix is searched
# address by address; a wider one in the sorted gateways.
_PROBE = 16


class Gateways:
    """gateway address -> destinations (of one table) with a route via that gateway.

    A gateway used by a single destination stores the prefix itself rather than
    a set: a table of a million routes via a million gateways must stay small.
    """

    __slots__ = ("_by_gateway", "_sorted")

    def __init__(self) -> None:
        self._by_gateway: dict[int, Prefix | set[Prefix]] = {}
        self._sorted: list[int] | None = []

    def __bool__(self) -> bool:
        return bool(self._by_gateway)

    def add(self, gateway: int, p: Prefix) -> None:
        held = self._by_gateway.get(gateway)
        if held is None:
            self._by_gateway[gateway] = p
            self._sorted = None
        elif isinstance(held, set):
            held.add(p)
        elif held != p:
            self._by_gateway[gateway] = {held, p}

    def discard(self, gateway: int, p: Prefix) -> None:
        held = self._by_gateway.get(gateway)
        if held is None:
            return
        if isinstance(held, set):
            held.discard(p)
            if len(held) == 1:
                self._by_gateway[gateway] = next(iter(held))
        elif held == p:
            del self._by_gateway[gateway]  # the sorted list may keep it: lookups skip what is gone

    def covered(self, p: Prefix) -> list[Prefix]:
        """The destinations whose gateway lies inside `p`, in gateway order."""
        net, plen = p
        size = 1 << (32 - plen)
        by_gateway = self._by_gateway
        if size <= _PROBE or size <= len(by_gateway):
            gateways: Iterable[int] = range(net, net + size)
        else:
            if self._sorted is None:
                self._sorted = sorted(by_gateway)
            ordered = self._sorted
            start, end = bisect_left(ordered, net), bisect_left(ordered, net + size)
            gateways = ordered[start:end]
        out: list[Prefix] = []
        for gateway in gateways:
            held = by_gateway.get(gateway)
            if held is None:
                continue
            if isinstance(held, set):
                out.extend(sorted(held))
            else:
                out.append(held)
        return out


class _ByPrefix:
    """Consumers of one table (or of every table), filed by the prefixes they can take."""

    __slots__ = ("any", "exact", "within")

    def __init__(self) -> None:
        self.any: set[int] = set()
        self.exact: dict[Prefix, set[int]] = {}
        self.within: dict[int, dict[int, set[int]]] = {}  # length -> network -> consumers

    def find(self, p: Prefix, out: set[int]) -> None:
        out |= self.any
        hit = self.exact.get(p)
        if hit:
            out |= hit
        net, plen = p
        for length, by_net in self.within.items():
            if length <= plen:
                hit = by_net.get(net & MASKS[length])
                if hit:
                    out |= hit


class ImportIndex:
    """Consumer numbers (positions in the engine's list of importers) by the table and prefix they take from."""

    __slots__ = ("_by_table",)

    def __init__(self) -> None:
        self._by_table: dict[str | None, _ByPrefix] = {}

    def add(
        self,
        consumer: int,
        table: str | None,
        exact: tuple[Prefix, ...] | None = None,
        within: tuple[Prefix, ...] | None = None,
    ) -> None:
        """File a consumer under `table` (None: every table) for the prefixes `exact` or inside
        `within` (both None: every prefix)."""
        index = self._by_table.get(table)
        if index is None:
            index = self._by_table[table] = _ByPrefix()
        if exact is None and within is None:
            index.any.add(consumer)
            return
        for p in exact or ():
            index.exact.setdefault(p, set()).add(consumer)
        for p in within or ():
            index.within.setdefault(p[1], {}).setdefault(p[0], set()).add(consumer)

    def remove(
        self,
        consumer: int,
        table: str | None,
        exact: tuple[Prefix, ...] | None = None,
        within: tuple[Prefix, ...] | None = None,
    ) -> None:
        """Take back what `add` filed with the same arguments."""
        index = self._by_table.get(table)
        if index is None:
            return
        index.any.discard(consumer)
        for p in exact or ():
            _discard(index.exact, p, consumer)
        for p in within or ():
            by_net = index.within.get(p[1])
            if by_net is not None:
                _discard(by_net, p[0], consumer)
                if not by_net:
                    del index.within[p[1]]
        if not (index.any or index.exact or index.within):
            del self._by_table[table]

    def takes_from(self, table: str) -> bool:
        """Could any consumer take some route of `table`?"""
        return table in self._by_table or None in self._by_table

    def find(self, table: str, p: Prefix) -> list[int]:
        """The consumers that may take a route for `p` from `table`, in their order."""
        out: set[int] = set()
        for key in (table, None):
            index = self._by_table.get(key)
            if index is not None:
                index.find(p, out)
        return sorted(out)


def _discard(held: dict, key: object, consumer: int) -> None:
    consumers = held.get(key)
    if consumers is not None:
        consumers.discard(consumer)
        if not consumers:
            del held[key]


__all__ = ["Gateways", "ImportIndex"]
