"""One routing table: its routes, the active route per destination, and the forwarding table (FIB).

Storage. One entry per destination says both what its candidates are and which
one is active:
  - a Route: the only candidate, and active. Most destinations are like this, so
    a million-route table holds no object per destination besides the route;
  - a _Dest: anything else (several candidates, or none usable);
  - a Pack (packed.py): one of many routes alike but for their destination, filed
    without a Route object. A lookup or a listing sees a Route made for the
    occasion; anything that needs the route itself (the active route or the
    candidates of its destination, which is what every change there asks first)
    unpacks it into a Route object kept from then on.
`routes` shows the candidates as a mapping: prefix -> a Route, or a list of them.

Where entries live, for a fast longest-prefix match. Prefixes up to /16 are in
one dict per length, keyed by the network's significant bits (`net >> (32 -
length)`: dense keys, which a dict spreads well, where masked networks, all
ending in zero bits, collide). Longer ones are in one small dict per /16 block
(_Block), keyed by `1 << length | net >> (32 - length)`, which tells lengths
apart, with the lengths the block holds, longest first. A lookup probes the few
lengths of its address's block, in a dict small enough to stay in the cache,
then the short lengths: a few probes instead of one per length in a big dict.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, MutableMapping
from typing import TYPE_CHECKING, Union

from nos.routing.prefix import Prefix
from nos.routing.route import Route, selection_key

if TYPE_CHECKING:
    from nos.routing.packed import Pack

Resolver = Callable[["Rib", Route], None]  # sets route.resolved as seen from this table
Change = tuple[Route | None, Route | None]  # (old active, new active)
Entry = Union[Route, "_Dest", "Pack"]

_INDEXED = 4096  # from this many /16 blocks on, a list of all 65,536 finds them (one probe less per lookup)


class _Dest:
    """A destination that is not just one active route: several candidates, or none active.
    `held` is None only between its last candidate leaving and the selection that follows."""

    __slots__ = ("active", "held")

    def __init__(self, held: Route | list[Route] | None, active: Route | None):
        self.held = held
        self.active = active

    def found(self, address: int, shift: int) -> Route | None:
        """What a lookup finds here (Pack has the same method)."""
        return self.active


class _Block(dict[int, Entry]):
    """The destinations longer than /16 in one /16 block, by `1 << length | network bits`."""

    __slots__ = ("levels", "mask")

    def __init__(self) -> None:
        super().__init__()
        self.mask = 0  # bit n set: the block holds some /n
        self.levels: tuple[tuple[int, int], ...] = ()  # (shift, 1 << length) of those lengths, longest first


_LEVELS: dict[int, tuple[tuple[int, int], ...]] = {}  # a block's mask -> its levels, shared by every block


def _levels(mask: int) -> tuple[tuple[int, int], ...]:
    levels = _LEVELS.get(mask)
    if levels is None:
        levels = _LEVELS[mask] = tuple((32 - n, 1 << n) for n in range(32, 16, -1) if mask >> n & 1)
    return levels


class _Routes(MutableMapping[Prefix, Route | list[Route]]):
    """`rib.routes`: prefix -> its candidates, a Route or (several) a list of Routes."""

    __slots__ = ("_rib",)

    def __init__(self, rib: Rib):
        self._rib = rib

    def __getitem__(self, p: Prefix) -> Route | list[Route]:
        held = self._rib._held(p)
        if held is None:
            raise KeyError(p)
        return held

    def get(self, p: Prefix, default: object = None) -> object:
        held = self._rib._held(p)
        return default if held is None else held

    def __contains__(self, p: object) -> bool:
        net, plen = p
        rib = self._rib
        if plen > 16:
            block = rib._blocks.get(net >> 16)
            entry = None if block is None else block.get(1 << plen | net >> (32 - plen))
        else:
            level = rib._short_levels.get(plen)
            entry = None if level is None else level.get(net >> (32 - plen))
        return entry is not None and (entry.__class__ is not _Dest or entry.held is not None)

    def __setitem__(self, p: Prefix, held: Route | list[Route]) -> None:
        self._rib._set_held(p, held)

    def __delitem__(self, p: Prefix) -> None:
        self._rib._del_held(p)

    def __iter__(self) -> Iterator[Prefix]:
        for p, entry in self._rib._entries():
            if entry.__class__ is not _Dest or entry.held is not None:
                yield p

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __repr__(self) -> str:
        return f"<routes of {self._rib.name}: {len(self)} destinations>"


class Rib:
    __slots__ = ("_active", "_blocks", "_destinations", "_extra", "_index", "_short", "_short_levels", "name", "routes")

    def __init__(self, name: str):
        self.name = name
        self.routes = _Routes(self)
        self._short_levels: dict[int, dict[int, Entry]] = {}  # length 0-16 -> network bits -> entry
        self._short: tuple[tuple[int, dict[int, Entry]], ...] = ()  # (shift, level) of those in use, longest first
        self._blocks: dict[int, _Block] = {}  # /16 block -> its destinations longer than /16
        self._index: list[_Block | None] | None = None  # _blocks as a list, once there are _INDEXED blocks
        # Running totals, right whenever a batch of the engine has ended (`tally`): entries filed,
        # candidates beyond the first of each destination, and active routes not packed.
        self._destinations = 0
        self._extra = 0
        self._active = 0

    # -- reading --------------------------------------------------------------------------------------

    def candidates(self, p: Prefix) -> list[Route]:
        held = self._held(p)
        if held is None:
            return []
        return held if isinstance(held, list) else [held]

    def all(self) -> Iterator[tuple[Prefix, list[Route]]]:
        """Every destination with its candidates (a packed route is a Route made for the occasion)."""
        for p, entry in self._entries():
            cls = entry.__class__
            if cls is Route:
                yield p, [entry]
            elif cls is _Dest:
                held = entry.held
                if held is not None:
                    yield p, held if isinstance(held, list) else [held]
            else:
                yield p, [entry.route(p)]

    def active(self, p: Prefix) -> Route | None:
        net, plen = p
        if plen > 16:
            block = self._blocks.get(net >> 16)
            entry = None if block is None else block.get(1 << plen | net >> (32 - plen))
        else:
            level = self._short_levels.get(plen)
            entry = None if level is None else level.get(net >> (32 - plen))
        if entry is None or entry.__class__ is Route:
            return entry
        if entry.__class__ is _Dest:
            return entry.active
        entry.unpack(p)
        return self.active(p)

    def seen(self, p: Prefix) -> tuple[list[Route], Route | None]:
        """The candidates of `p` and its active route, to look at: a packed route is made for the
        occasion (the same object in both), not unpacked. For listings of tables that hold a feed."""
        entry = self._entry(p)
        cls = entry.__class__
        if entry is None:
            return [], None
        if cls is Route:
            return [entry], entry  # type: ignore[list-item]
        if cls is _Dest:
            held = entry.held  # type: ignore[union-attr]
            routes = [] if held is None else list(held) if isinstance(held, list) else [held]
            return routes, entry.active  # type: ignore[union-attr]
        route = entry.route(p)  # type: ignore[union-attr]
        return [route], route if entry.live else None  # type: ignore[union-attr]

    def protocol_counts(self) -> dict[str, list[int]]:
        """protocol -> [routes, active routes] (`show route summary`), nothing unpacked."""
        counts: dict[str, list[int]] = {}
        for held_entries in (*self._short_levels.values(), *self._blocks.values()):
            for entry in held_entries.values():
                cls = entry.__class__
                if cls is Route:
                    c = counts.get(entry.protocol)
                    if c is None:
                        c = counts[entry.protocol] = [0, 0]
                    c[0] += 1
                    c[1] += 1
                elif cls is _Dest:
                    held = entry.held
                    for r in () if held is None else held if isinstance(held, list) else (held,):
                        c = counts.setdefault(r.protocol, [0, 0])
                        c[0] += 1
                        c[1] += r is entry.active
                else:
                    c = counts.setdefault(entry.template.protocol, [0, 0])
                    c[0] += 1
                    c[1] += entry.live
        return counts

    def active_counts(self, classify: Callable[[Route], object]) -> dict[object, int]:
        """How many destinations' active routes fall in each class (`classify(route)`, None: not
        counted), in one pass; a packed feed is classified once, by its template, not unpacked."""
        counts: dict[object, int] = {}
        packs: dict[Pack, int] = {}
        for held_entries in (*self._short_levels.values(), *self._blocks.values()):
            for entry in held_entries.values():
                cls = entry.__class__
                if cls is Route or cls is _Dest:
                    route = entry if cls is Route else entry.active  # type: ignore[union-attr]
                    if route is not None:
                        k = classify(route)  # type: ignore[arg-type]
                        if k is not None:
                            counts[k] = counts.get(k, 0) + 1
                elif entry.live:  # type: ignore[union-attr]
                    packs[entry] = packs.get(entry, 0) + 1  # type: ignore[index]
        for pack, n in packs.items():
            k = classify(pack.template)
            if k is not None:
                counts[k] = counts.get(k, 0) + n
        return counts

    def active_seen(self, p: Prefix) -> Route | None:
        """The active route of `p` to look at (a packed one made for the occasion, not unpacked):
        for readers such as a protocol's export, which must not turn a feed into Route objects."""
        entry = self._entry(p)
        cls = entry.__class__
        if entry is None or cls is Route:
            return entry  # type: ignore[return-value]
        if cls is _Dest:
            return entry.active  # type: ignore[union-attr]
        return entry.route(p) if entry.live else None  # type: ignore[union-attr]

    def active_items(self) -> Iterator[tuple[Prefix, Route]]:
        """Every destination with an active route, and that route (a packed one made for the occasion)."""
        for p, entry in self._entries():
            cls = entry.__class__
            if cls is Route:
                yield p, entry
            elif cls is _Dest:
                if entry.active is not None:
                    yield p, entry.active
            elif entry.live:
                yield p, entry.route(p)

    def _entries(self) -> Iterator[tuple[Prefix, Entry]]:
        for plen, level in list(self._short_levels.items()):
            shift = 32 - plen
            for key, entry in level.items():
                yield (entry.prefix if entry.__class__ is Route else (key << shift, plen)), entry
        for block in list(self._blocks.values()):
            for key, entry in block.items():
                if entry.__class__ is Route:
                    yield entry.prefix, entry
                else:
                    plen = key.bit_length() - 1
                    yield ((key ^ 1 << plen) << (32 - plen), plen), entry

    # -- where a destination's entry is ----------------------------------------------------------------

    def _entry(self, p: Prefix) -> Entry | None:
        net, plen = p
        if plen > 16:
            block = self._blocks.get(net >> 16)
            return None if block is None else block.get(1 << plen | net >> (32 - plen))
        level = self._short_levels.get(plen)
        return None if level is None else level.get(net >> (32 - plen))

    def _store(self, p: Prefix, entry: Entry) -> None:
        """Replace the entry of a destination the table has."""
        net, plen = p
        if plen > 16:
            held, key = self._blocks[net >> 16], 1 << plen | net >> (32 - plen)
        else:
            held, key = self._short_levels[plen], net >> (32 - plen)
        self._active += _is_active(entry) - _is_active(held[key])
        held[key] = entry

    def _insert(self, p: Prefix, entry: Entry) -> bool:
        """File a new destination; False, and nothing done, when the table has it."""
        net, plen = p
        if plen > 16:
            block = self._blocks.get(net >> 16)
            if block is None:
                block = self._new_block(net >> 16)
            key = 1 << plen | net >> (32 - plen)
            if key in block:
                return False
            block[key] = entry
            self._destinations += 1
            cls = entry.__class__  # (inline: a million-route feed files through here)
            if cls is Route or (cls is _Dest and entry.active is not None):  # type: ignore[union-attr]
                self._active += 1
            if not block.mask >> plen & 1:
                block.mask |= 1 << plen
                block.levels = _levels(block.mask)
            return True
        level = self._short_levels.get(plen)
        if level is None:
            level = self._short_levels[plen] = {}
        key = net >> (32 - plen)
        if key in level:
            return False
        level[key] = entry
        self._destinations += 1
        self._active += _is_active(entry)
        if len(level) == 1:
            self._reshort()
        return True

    def _delete(self, p: Prefix) -> None:
        """A destination is gone."""
        net, plen = p
        if plen > 16:
            block = self._blocks[net >> 16]
            self._forget(block.pop(1 << plen | net >> (32 - plen)))
            if not block:
                del self._blocks[net >> 16]
                if self._index is not None:
                    self._index[net >> 16] = None
            else:
                for k in block:  # (a loop: any() over a generator takes twice as long)
                    if k >> plen == 1:
                        break
                else:  # its last /plen
                    block.mask ^= 1 << plen
                    block.levels = _levels(block.mask)
            return
        level = self._short_levels[plen]
        self._forget(level.pop(net >> (32 - plen)))
        if not level:
            self._reshort()

    def _forget(self, entry: Entry) -> None:
        self._destinations -= 1
        self._active -= _is_active(entry)

    def _new_block(self, number: int) -> _Block:
        block = self._blocks[number] = _Block()
        if self._index is not None:
            self._index[number] = block
        elif len(self._blocks) >= _INDEXED:
            self._index = [None] * 65536
            for n, held in self._blocks.items():
                self._index[n] = held
        return block

    def _reshort(self) -> None:
        levels = self._short_levels
        self._short = tuple((32 - n, levels[n]) for n in range(16, -1, -1) if levels.get(n))

    # -- the candidates, as `routes` reads and writes them --------------------------------------------

    def _held(self, p: Prefix) -> Route | list[Route] | None:
        entry = self._entry(p)
        if entry is None or entry.__class__ is Route:
            return entry
        if entry.__class__ is _Dest:
            return entry.held
        entry.unpack(p)
        return self._held(p)

    def _set_held(self, p: Prefix, held: Route | list[Route]) -> None:
        entry, _, active = self._parts(p)
        self._put(p, entry, held, active)

    def _del_held(self, p: Prefix) -> None:
        entry, held, active = self._parts(p)
        if held is None:
            raise KeyError(p)
        self._put(p, entry, None, active)  # still active until the selection that follows

    def _parts(self, p: Prefix) -> tuple[Entry | None, Route | list[Route] | None, Route | None]:
        """A destination's entry, its candidates and its active route (a packed one unpacked first)."""
        entry = self._entry(p)
        if entry is None:
            return None, None, None
        if entry.__class__ is Route:
            return entry, entry, entry
        if entry.__class__ is not _Dest:
            entry.unpack(p)
            return self._parts(p)
        return entry, entry.held, entry.active

    def _put(self, p: Prefix, entry: Entry | None, held: Route | list[Route] | None, active: Route | None) -> None:
        """File a destination in its smallest form: its one route when that is all it holds and
        active, a _Dest otherwise, nothing when it holds nothing (`entry`: how it is filed now)."""
        if held is None and active is None:
            if entry is not None:
                self._delete(p)
            return
        if held is active:
            form: Entry = held  # type: ignore[assignment]  (a single Route: a list is never the active route)
        elif entry.__class__ is _Dest:
            self._active += (active is not None) - (entry.active is not None)  # type: ignore[union-attr]
            entry.held, entry.active = held, active  # type: ignore[union-attr]
            return
        else:
            form = _Dest(held, active)
        if entry is None:
            self._insert(p, form)
        elif form is not entry:
            self._store(p, form)

    # -- changing -------------------------------------------------------------------------------------

    def add(self, route: Route, resolver: Resolver) -> Change | None:
        """Add a route; returns (old active, new active) when the active route changed."""
        p = route.prefix
        if p not in self.routes:
            self.routes[p] = route
            resolver(self, route)
            if route.resolved is None:
                return None
            self._fib_set(p, route)
            return None, route
        self.file(route)
        return self.select(p, resolver)

    def insert_new(self, route: Route) -> bool:
        """File a route for a destination this table has no route for, active when resolved, without a
        selection (bulk loading). False, and nothing filed, when the destination has routes."""
        return self._insert(route.prefix, route if route.resolved is not None else _Dest(route, None))

    def remove(self, route: Route, resolver: Resolver) -> Change | None:
        if not self.unfile(route):
            return None
        return self.select(route.prefix, resolver)

    def select(self, p: Prefix, resolver: Resolver, re_resolve: bool = True) -> Change | None:
        """Choose the active route for `p` again; returns (old, new) when it changed."""
        old = self.active(p)
        if re_resolve:
            for r in self.candidates(p):
                resolver(self, r)
        best = self.choose(p)
        return None if best is old else (old, best)

    # -- deferred selection (the routing engine's batches) ------------------------------------------

    def file(self, route: Route) -> None:
        """Put a route among the candidates for its destination, without selecting."""
        p = route.prefix
        held = self.routes.get(p)
        if held is None:
            self.routes[p] = route
        elif isinstance(held, list):
            held.append(route)
            self._extra += 1
        else:
            self.routes[p] = [held, route]
            self._extra += 1

    def unfile(self, route: Route) -> bool:
        """Take a route out of the candidates, without selecting; False when it was not there."""
        p = route.prefix
        held = self.routes.get(p)
        if held is None:
            return False
        if isinstance(held, list):
            if route not in held:
                return False
            held.remove(route)
            self._extra -= 1
            if len(held) == 1:
                self.routes[p] = held[0]
        elif held is route:
            del self.routes[p]
        else:
            return False
        return True

    def choose(self, p: Prefix) -> Route | None:
        """Make the best usable candidate for `p` (as resolved now) the active route; returns it."""
        held = self.routes.get(p)
        best: Route | None
        if held is None:
            best = None
        elif isinstance(held, list):
            name = self.name
            best = min(held, key=lambda r: selection_key(r, name))
        else:
            best = held
        if best is not None and best.resolved is None:
            best = None
        if best is None:
            if self.active(p) is not None:
                self._fib_remove(p)
        elif self.active(p) is not best:
            self._fib_set(p, best)
        return best

    # -- forwarding -----------------------------------------------------------------------------------

    def _fib_set(self, p: Prefix, route: Route) -> None:
        """Make `route` (a candidate for `p`) the active route."""
        entry, held, _ = self._parts(p)
        self._put(p, entry, held, route)

    def _fib_remove(self, p: Prefix) -> None:
        """`p` has no active route (its candidates stay)."""
        entry, held, _ = self._parts(p)
        self._put(p, entry, held, None)

    def lookup(self, address: int) -> Route | None:
        """Longest-prefix match among the active routes."""
        index = self._index
        block = self._blocks.get(address >> 16) if index is None else index[address >> 16]
        if block is not None:
            get = block.get
            for shift, bit in block.levels:
                entry = get(bit | address >> shift)
                if entry is not None:
                    if entry.__class__ is Route:
                        return entry
                    route = entry.found(address, shift)
                    if route is not None:
                        return route
        for shift, level in self._short:
            entry = level.get(address >> shift)
            if entry is not None:
                if entry.__class__ is Route:
                    return entry
                route = entry.found(address, shift)
                if route is not None:
                    return route
        return None

    def lookup_where(self, address: int, accept: Callable[[Route], bool]) -> Route | None:
        """Longest match among active routes that `accept` likes (next-hop resolution)."""
        index = self._index
        block = self._blocks.get(address >> 16) if index is None else index[address >> 16]
        if block is not None:
            get = block.get
            for shift, bit in block.levels:
                entry = get(bit | address >> shift)
                if entry is not None:
                    route = entry if entry.__class__ is Route else entry.found(address, shift)
                    if route is not None and accept(route):
                        return route
        for shift, level in self._short:
            entry = level.get(address >> shift)
            if entry is not None:
                route = entry if entry.__class__ is Route else entry.found(address, shift)
                if route is not None and accept(route):
                    return route
        return None

    # -- packed routes (packed.py) --------------------------------------------------------------------

    def file_packed(self, p: Prefix, pack: Pack) -> bool:
        """File a packed route for `p`; False, and nothing filed, when the destination has routes."""
        return self._insert(p, pack)

    def holds(self, p: Prefix) -> bool:
        """Has the table an entry for `p` (any candidates, packed or not)?"""
        return self._entry(p) is not None

    def holds_pack(self, p: Prefix, pack: Pack) -> bool:
        return self._entry(p) is pack

    def replace_packed(self, p: Prefix, pack: Pack, route: Route) -> None:
        """The packed route at `p` became `route` (Pack.unpack does this in every table holding it)."""
        if self._entry(p) is pack:
            self._store(p, route if pack.live else _Dest(route, None))

    def remove_packed(self, p: Prefix, pack: Pack) -> bool:
        """Take `pack`'s entry at `p` out (a bulk withdrawal); False, and nothing done, when the
        destination holds anything else. A packed entry is the destination's only candidate: no
        selection follows."""
        if self._entry(p) is not pack:
            return False
        self._delete(p)
        return True

    def packed(self, pack: Pack) -> list[Prefix]:
        """The destinations where this table holds `pack`."""
        return [p for p, entry in self._entries() if entry is pack]

    # -- counts for `show route` ------------------------------------------------------------------------

    def tally(self) -> tuple[int, int, int]:
        """(destinations, routes, active routes not packed) kept as the table changes: what `counts`
        finds by reading every entry, at no cost, once a batch of the engine has ended. (Packed
        routes are active as their pack is: the engine adds those.)"""
        return self._destinations, self._destinations + self._extra, self._active

    def counts(self) -> tuple[int, int, int, int]:
        """(destinations, routes, active, hidden)."""
        destinations = routes = active = hidden = 0
        for held_entries in (*self._short_levels.values(), *self._blocks.values()):
            for entry in held_entries.values():
                cls = entry.__class__
                if cls is Route:
                    destinations += 1
                    routes += 1
                    active += 1
                    hidden += entry.resolved is None
                elif cls is _Dest:
                    held = entry.held
                    active += entry.active is not None
                    if held is None:
                        continue
                    destinations += 1
                    for r in held if isinstance(held, list) else (held,):
                        routes += 1
                        hidden += r.resolved is None
                else:
                    destinations += 1
                    routes += 1
                    if entry.live:
                        active += 1
                    else:
                        hidden += 1
        return destinations, routes, active, hidden


def _is_active(entry: Entry) -> int:
    """1 when the entry is an active route that is not packed."""
    cls = entry.__class__
    return 1 if cls is Route else (entry.active is not None) if cls is _Dest else 0  # type: ignore[union-attr]


__all__ = ["Change", "Resolver", "Rib"]
