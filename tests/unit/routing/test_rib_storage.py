"""How a Rib stores its destinations, checked against the obvious model: a dict of candidates per prefix.

Longest-prefix match (lookup, lookup_where) over seeded random tables, with /0 and /32, nested
prefixes, hidden routes, several candidates per destination and removals; the `routes` mapping;
and a destination going from one route to several and back (stored differently, behaving the same).
"""

from __future__ import annotations

import random

import pytest

from nos.routing.prefix import MASKS, Prefix, prefix
from nos.routing.rib import Rib
from nos.routing.route import VIA, NextHop, Route, selection_key

UNUSABLE = 0  # gateway of routes that do not resolve


def usable(rib: Rib, route: Route) -> None:
    route.resolved = None if route.next_hops[0].gateway == UNUSABLE else route.next_hops


def mk(p: Prefix, gateway: int, preference: int = 5, source: object = None) -> Route:
    return Route(p, "Static", (NextHop(VIA, gateway),), source=source, table="t", since=0, preference=preference)


class Model:
    """The candidates of each destination, and the active route the selection rules give."""

    def __init__(self) -> None:
        self.held: dict[Prefix, list[Route]] = {}

    def active(self, p: Prefix) -> Route | None:
        routes = self.held.get(p)
        if not routes:
            return None
        best = min(routes, key=lambda r: selection_key(r, "t"))
        return best if best.resolved is not None else None

    def lookup(self, address: int, accept=lambda r: True) -> Route | None:  # type: ignore[no-untyped-def]
        for plen in range(32, -1, -1):
            route = self.active((address & MASKS[plen], plen))
            if route is not None and accept(route):
                return route
        return None


def random_prefix(rng: random.Random) -> Prefix:
    """Clustered in a few /8s and /16s, so that prefixes nest; every length, /0 and /32 included."""
    plen = rng.choice([0, 1, 8, 12, 15, 16, 17, 20, 23, 24, 24, 24, 25, 28, 31, 32, 32])
    base = rng.choice([10, 172, 192]) << 24 | rng.choice([0, 1, 168]) << 16
    net = (base | rng.getrandbits(16)) if rng.random() < 0.8 else rng.getrandbits(32)
    return net & MASKS[plen], plen


def probes(rng: random.Random, model: Model) -> list[int]:
    """Random addresses, and the first, last and next-after addresses of every prefix held."""
    out = [rng.getrandbits(32) for _ in range(200)]
    out += [rng.choice([10, 172, 192]) << 24 | rng.getrandbits(24) for _ in range(200)]
    for net, plen in model.held:
        last = net | (0xFFFFFFFF >> plen if plen else 0xFFFFFFFF)
        out += [net, last, (last + 1) & 0xFFFFFFFF, (net - 1) & 0xFFFFFFFF]
    return out


def check_blocks(rib: Rib) -> None:
    """Each /16 block lists exactly the lengths it holds (no length left behind by a removal)."""
    for number, block in rib._blocks.items():
        assert block, "an empty block is dropped"
        lengths = {key.bit_length() - 1 for key in block}
        assert {32 - shift for shift, _ in block.levels} == lengths
        assert [32 - shift for shift, _ in block.levels] == sorted(lengths, reverse=True)
        if rib._index is not None:
            assert rib._index[number] is block
    if rib._index is not None:
        assert sum(b is not None for b in rib._index) == len(rib._blocks)


def check(rib: Rib, model: Model, rng: random.Random) -> None:
    for address in probes(rng, model):
        assert rib.lookup(address) is model.lookup(address), hex(address)
        odd = model.lookup(address, lambda r: r.prefix[1] % 2 == 1)
        assert rib.lookup_where(address, lambda r: r.prefix[1] % 2 == 1) is odd
    for p, routes in model.held.items():
        assert sorted(map(id, rib.candidates(p))) == sorted(map(id, routes))
        assert rib.active(p) is model.active(p)
    assert {p: sorted(map(id, rs)) for p, rs in rib.all()} == {p: sorted(map(id, rs)) for p, rs in model.held.items()}
    actives = {p: model.active(p) for p in model.held}
    assert dict(rib.active_items()) == {p: r for p, r in actives.items() if r is not None}
    every = [r for rs in model.held.values() for r in rs]
    assert rib.counts() == (
        len(model.held),
        len(every),
        sum(r is not None for r in actives.values()),
        sum(r.resolved is None for r in every),
    )
    check_blocks(rib)


@pytest.mark.parametrize("seed", range(6))
def test_lookups_match_a_longest_match_over_every_length(seed):
    """Random adds and removals: lookups and selections stay what the model says, lengths and blocks follow."""
    rng = random.Random(seed)
    rib, model = Rib("t"), Model()
    for step in range(12):
        for _ in range(rng.randint(20, 120)):  # adds, some hidden, some beside another route
            p = random_prefix(rng)
            route = mk(p, UNUSABLE if rng.random() < 0.15 else rng.randint(1, 9), rng.choice([1, 5, 5, 9]))
            rib.add(route, usable)
            model.held.setdefault(p, []).append(route)
        held = list(model.held.items())
        for p, routes in rng.sample(held, k=len(held) * rng.choice([1, 2, 3]) // 4):  # removals
            route = rng.choice(routes)
            rib.remove(route, usable)
            routes.remove(route)
            if not routes:
                del model.held[p]
        check(rib, model, rng)
        if step == 8:  # the rest of the table goes: every length, block and level with it
            for p, routes in list(model.held.items()):
                for route in list(routes):
                    rib.remove(route, usable)
                del model.held[p]
            assert rib._blocks == {} and rib._short == ()
            check(rib, model, rng)


def test_a_table_of_many_blocks_finds_them_by_index_and_forgets_them_when_emptied():
    """Past some thousands of /16 blocks, a list indexes them; blocks that empty leave it."""
    rng = random.Random(7)
    rib, model = Rib("t"), Model()
    for number in rng.sample(range(65536), 6000):
        p = (number << 16 | rng.getrandbits(8) << 8, 24)
        route = mk(p, 1)
        rib.add(route, usable)
        model.held[p] = [route]
    default = mk((0, 0), 2)
    rib.add(default, usable)
    model.held[(0, 0)] = [default]
    assert rib._index is not None
    check(rib, model, rng)
    for p in rng.sample(sorted(model.held), 3000):
        rib.remove(model.held.pop(p)[0], usable)
    check(rib, model, rng)


def test_the_routes_mapping_reads_and_writes_the_candidates():
    """rib.routes is the mapping prefix -> candidates that selection code files routes in."""
    rib = Rib("t")
    a, b = mk(prefix("10.1.0.0/16"), 1), mk(prefix("10.1.0.0/16"), 2, preference=1)
    host = mk(prefix("10.1.1.1/32"), 3)
    assert rib.routes == {} and len(rib.routes) == 0 and prefix("10.1.0.0/16") not in rib.routes
    rib.add(a, usable)
    rib.add(host, usable)
    assert rib.routes == {prefix("10.1.0.0/16"): a, prefix("10.1.1.1/32"): host}
    rib.add(b, usable)
    assert rib.routes[prefix("10.1.0.0/16")] == [a, b]
    assert sorted(rib.routes) == [prefix("10.1.0.0/16"), prefix("10.1.1.1/32")]
    assert rib.routes.get(prefix("10.2.0.0/16")) is None
    with pytest.raises(KeyError):
        rib.routes[prefix("10.2.0.0/16")]
    with pytest.raises(KeyError):
        del rib.routes[prefix("10.2.0.0/16")]
    rib.remove(host, usable)
    assert prefix("10.1.1.1/32") not in rib.routes and rib.lookup(host.prefix[0]) is b


def test_one_route_or_several_per_destination_behave_the_same():
    """A destination's only active route is stored as itself, several candidates (or none usable) in a
    wrapper: going from one to the other and back changes nothing a reader sees."""
    rib = Rib("t")
    p = prefix("192.0.2.0/24")
    address = p[0] + 7
    first, better, broken = mk(p, 1), mk(p, 2, preference=1), mk(p, UNUSABLE, preference=0)
    assert rib.add(first, usable) == (None, first)
    assert rib._entry(p) is first  # nothing around the route
    seen = []
    for step in (
        lambda: rib.add(better, usable),
        lambda: rib.add(broken, usable),
        lambda: rib.remove(better, usable),
        lambda: rib.remove(first, usable),
        lambda: rib.add(first, usable),
        lambda: rib.remove(broken, usable),
    ):
        step()
        seen.append((rib.active(p), rib.lookup(address), len(rib.candidates(p)), rib.counts()))
    assert seen == [
        (better, better, 2, (1, 2, 1, 0)),
        (better, better, 3, (1, 3, 1, 1)),
        (first, first, 2, (1, 2, 1, 1)),
        (None, None, 1, (1, 1, 0, 1)),
        (first, first, 2, (1, 2, 1, 1)),
        (first, first, 1, (1, 1, 1, 0)),
    ]
    assert rib._entry(p) is first  # back to the route alone
