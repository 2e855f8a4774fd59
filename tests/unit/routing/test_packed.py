"""Packed routes (add_prefixes): the same tables, lookups and listener account as the same routes added
one Route object each, without the objects until something needs them."""

from __future__ import annotations

import gc
import random

import pytest
from reference import summed_counts
from routinglab import Lab

from nos.routing.engine import RoutingEngine
from nos.routing.prefix import Prefix, addr, interface_address, prefix
from nos.routing.route import DISCARD, VIA, NextHop, Route

CONFIG = """
set interfaces ge-0/0/0 unit 0 family inet address 10.0.0.1/24
set interfaces ge-0/0/1 unit 0 family inet address 10.1.0.1/24
set routing-instances A instance-type virtual-router
set routing-instances B instance-type virtual-router
set routing-options rib-groups FEED import-rib [ inet.0 A.inet.0 ]
"""
REGROUPED = [  # commits that change what the rib-group FEED copies to
    CONFIG,
    CONFIG.replace("[ inet.0 A.inet.0 ]", "[ inet.0 A.inet.0 B.inet.0 ]"),
    CONFIG.replace("[ inet.0 A.inet.0 ]", "[ inet.0 B.inet.0 ]"),
]

ISP = addr("10.0.0.2")  # the feed's gateway, on ge-0/0/0.0
VIA_ISP = NextHop(VIA, ISP)


def feed(hop: NextHop = VIA_ISP) -> Route:
    """The template of a feed: a BGP route from one neighbour."""
    return Route((0, 0), "BGP", (hop,), source="feed", table="inet.0", since=0, as_path="64500 64501")


def pool(rng: random.Random, n: int) -> list[Prefix]:
    """Prefixes of every length, nested, some inside the interfaces' subnets' neighbourhood."""
    out = {prefix("0.0.0.0/0"), prefix("198.51.100.7/32")}
    while len(out) < n:
        plen = rng.choice([8, 12, 16, 19, 22, 24, 24, 24, 26, 30, 32])
        net = (rng.choice([198, 203, 100]) << 24 | rng.getrandbits(24)) & (0xFFFFFFFF << (32 - plen)) & 0xFFFFFFFF
        out.add((net, plen))
    return sorted(out)


def describe(route: Route | None) -> tuple | None:
    if route is None:
        return None
    return (repr(route.source), route.table, route.prefix, route.protocol, route.preference, route.resolved)


class Twin:
    """One engine; its listener's account as (table, prefix, old, new) descriptions."""

    def __init__(self, schema, packed: bool):  # type: ignore[no-untyped-def]
        self.lab = Lab(schema, CONFIG)
        self.engine: RoutingEngine = self.lab.engine
        self.packed = packed
        self.heard: list[tuple] = []
        self.engine.listeners.append(self.listen)

    def listen(self, table: str, p: Prefix, old: Route | None, new: Route | None) -> None:
        self.heard.append((table, p, describe(old), describe(new)))

    def add_feed(self, prefixes: list[Prefix], group: str | None, template: Route | None = None) -> None:
        template = template or feed()
        if self.packed:
            self.engine.add_prefixes(template, prefixes, group)
        else:
            self.engine.add_many([template.at(p, (template.source, p)) for p in prefixes], group)

    def tables(self) -> dict:
        """Every table as listings, counts and active routes read without unpacking anything."""
        assert self.engine.totals() == summed_counts(self.engine), "the running tallies are the tables'"
        return {
            name: (
                sorted((p, sorted(describe(r) for r in rs)) for p, rs in rib.all()),
                sorted((p, describe(r)) for p, r in rib.active_items()),
                rib.counts(),
            )
            for name, rib in self.engine.tables.items()
        }

    def lookups(self, addresses: list[int]) -> list:
        return [describe(rib.lookup(a)) for rib in self.engine.tables.values() for a in addresses]


def step(rng: random.Random, twins: list[Twin], prefixes: list[Prefix]) -> None:
    """One random change, made the same in both engines."""
    kind = rng.choices(["feed", "other", "withdraw", "link", "address", "commit", "batch"], [2, 3, 3, 2, 2, 1, 1])[0]
    if kind == "batch":
        draws = [rng.random() for _ in range(40)]
        for twin in twins:
            with twin.engine.batch():
                sub = random.Random(draws[0])
                for _ in range(3):
                    step_one(sub, twin, prefixes, nested=True)
        return
    draw = rng.random()
    for twin in twins:
        step_one(random.Random(draw), twin, prefixes, kind=kind)


def step_one(rng: random.Random, twin: Twin, prefixes: list[Prefix], kind: str = "", nested: bool = False) -> None:
    engine = twin.engine
    kind = kind or rng.choice(["feed", "other", "withdraw", "link", "address"])
    if kind == "feed":  # more of the feed: new destinations and some it has (again)
        twin.add_feed(rng.sample(prefixes, 12), rng.choice(["FEED", "FEED", None]))
    elif kind == "other":  # another route where the feed has one (better or worse), or not
        p = rng.choice(prefixes)
        hop = NextHop(DISCARD) if rng.random() < 0.5 else NextHop(VIA, addr("10.1.0.2"))
        route = Route(
            p, "Static", (hop,), source=("other", p), table="inet.0", since=0, preference=rng.choice([5, 200])
        )
        engine.add(route, rng.choice(["FEED", None]))
    elif kind == "withdraw":
        p = rng.choice(prefixes)
        engine.withdraw(("feed", p) if rng.random() < 0.7 else ("other", p))
    elif kind == "commit":
        twin.lab.reconfigure(rng.choice(REGROUPED))
    elif kind == "link":
        ifl = rng.choice(["ge-0/0/0.0", "ge-0/0/0.0", "ge-0/0/1.0"])
        twin.lab.link(ifl, not engine.interface_up(ifl))
    else:  # the feed's gateway stays covered (another Direct route), or no longer is
        address = rng.choice(["10.0.0.1/24", "10.0.0.1/16", "10.5.0.1/24"])
        engine.set_interface("ge-0/0/0.0", [interface_address(address)], engine.interface_up("ge-0/0/0.0"))


@pytest.mark.parametrize("seed", range(8))
def test_packed_and_unpacked_feeds_give_the_same_tables_lookups_and_listener_account(schema, seed):
    rng = random.Random(seed)
    prefixes = pool(rng, 60)
    twins = [Twin(schema, packed=True), Twin(schema, packed=False)]
    for twin in twins:
        twin.add_feed(prefixes[:40], "FEED")
    addresses = [p[0] + 1 for p in prefixes] + [rng.getrandbits(32) for _ in range(100)]
    packed, plain = twins
    assert packed.engine._packs and not plain.engine._packs
    for _ in range(60):
        for twin in twins:
            twin.heard.clear()
        step(rng, twins, prefixes)
        assert sorted(packed.heard, key=repr) == sorted(plain.heard, key=repr)
        assert packed.lookups(addresses) == plain.lookups(addresses)
        assert packed.tables() == plain.tables()
    for twin in twins:  # and with every route a Route object (active() unpacks)
        for rib in twin.engine.tables.values():
            for p, _ in list(rib.all()):
                rib.active(p)
    assert packed.tables() == plain.tables()


@pytest.mark.parametrize("packed", [True, False], ids=["add_prefixes", "add_many"])
def test_listeners_hear_every_new_route_once_in_every_table(schema, packed):
    """A bulk add with a listener attached: each destination, in its table and where it is copied, once."""
    twin = Twin(schema, packed)
    prefixes = pool(random.Random(1), 500)
    twin.add_feed(prefixes, "FEED")
    assert sorted((t, p) for t, p, old, _ in twin.heard if old is None) == sorted(
        (t, p) for t in ("inet.0", "A.inet.0") for p in prefixes
    )
    assert len(twin.heard) == 2 * len(prefixes)


def test_packed_routes_are_not_route_objects_until_something_needs_them(schema):
    """A feed of thousands of destinations adds a handful of Route objects; asking for one's active
    route makes that one, once, shared by the tables holding it."""
    lab = Lab(schema, CONFIG)
    engine = lab.engine
    prefixes = pool(random.Random(2), 5000)

    def route_objects() -> int:
        gc.collect()
        return sum(1 for o in gc.get_objects() if type(o) is Route)

    before = route_objects()
    engine.add_prefixes(feed(), prefixes, "FEED")
    assert route_objects() - before < 10
    assert engine.lookup("inet.0", prefixes[100][0]).source == ("feed", prefixes[100])
    assert route_objects() - before < 10  # a lookup's route is made for it, not kept
    p = prefixes[200]
    route = engine.tables["inet.0"].active(p)
    assert engine.tables["inet.0"].active(p) is route is engine.tables["A.inet.0"].active(p)
    assert route.copies == ("A.inet.0",) and engine._placed[("feed", p)] is route
    assert route_objects() - before < 11


def test_a_packed_route_is_withdrawn_and_replaced_by_its_source(schema):
    lab = Lab(schema, CONFIG)
    engine = lab.engine
    prefixes = pool(random.Random(3), 50)
    engine.add_prefixes(feed(), prefixes, "FEED")
    heard: list[tuple] = []
    engine.listeners.append(lambda table, p, old, new: heard.append((table, p, describe(old), describe(new))))
    p = prefixes[10]
    engine.withdraw(("feed", p))
    assert [(t, q, new) for t, q, _, new in heard] == [("inet.0", p, None), ("A.inet.0", p, None)]
    assert engine.tables["inet.0"].candidates(p) == [] and engine.lookup("inet.0", p[0]) != p
    heard.clear()
    q = prefixes[11]
    again = feed(NextHop(DISCARD)).at(q, ("feed", q))
    engine.add(again)  # the same source again, without the rib-group: replaces it, in inet.0 only
    assert engine.tables["inet.0"].candidates(q) == [again]
    assert engine.tables["A.inet.0"].candidates(q) == []
    assert [(t, new is not None) for t, _, _, new in heard] == [
        ("inet.0", False),
        ("A.inet.0", False),
        ("inet.0", True),
    ]


def test_a_cut_to_the_feeds_gateway_takes_every_packed_route_down_and_back(schema):
    lab = Lab(schema, CONFIG)
    engine = lab.engine
    prefixes = pool(random.Random(4), 300)
    engine.add_prefixes(feed(), prefixes)
    changes: list[tuple[Prefix, bool]] = []
    engine.listeners.append(lambda table, p, old, new: changes.append((p, new is not None)))
    lab.link("ge-0/0/0.0", False)
    assert sorted(p for p, up in changes if not up) == sorted([*prefixes, prefix("10.0.0.0/24"), prefix("10.0.0.1/32")])
    assert engine.lookup("inet.0", prefixes[5][0]) is None
    n = len(prefixes) + 2  # and ge-0/0/1.0's Direct and Local routes
    assert engine.tables["inet.0"].counts() == (n, n, 2, len(prefixes))
    changes.clear()
    lab.link("ge-0/0/0.0", True)
    assert sorted(p for p, up in changes if up) == sorted([*prefixes, prefix("10.0.0.0/24"), prefix("10.0.0.1/32")])
    assert engine.lookup("inet.0", prefixes[5][0]).resolved == (NextHop(VIA, ISP, "ge-0/0/0.0"),)


def test_a_feed_into_watched_tables_or_inside_a_batch_is_not_packed(schema):
    """Where a table is imported from, or the call is part of a batch, the routes are Route objects."""
    lab = Lab(
        schema,
        CONFIG + "set routing-instances A routing-options instance-import ALL\n"
        "set policy-options policy-statement ALL then accept\n",
    )
    engine = lab.engine
    prefixes = pool(random.Random(5), 30)
    engine.add_prefixes(feed(), prefixes)
    assert not engine._packs and all(("feed", p) in engine._placed for p in prefixes)
    assert engine.tables["A.inet.0"].active(prefixes[3]).primary is engine._placed[("feed", prefixes[3])]
    other = Lab(schema, CONFIG).engine
    with other.batch():
        other.add_prefixes(feed(), prefixes)
    assert not other._packs and len(other.tables["inet.0"].candidates(prefixes[3])) == 1


def test_removing_a_table_takes_its_packed_routes_and_their_copies_along(schema):
    lab = Lab(schema, CONFIG)
    engine = lab.engine
    prefixes = pool(random.Random(6), 40)
    engine.add_prefixes(feed(), prefixes, "FEED")  # in inet.0, copied into A.inet.0
    in_a = Route((0, 0), "Static", (NextHop(DISCARD),), source="in-a", table="A.inet.0", since=0)
    engine.add_prefixes(in_a, [prefix("192.0.2.0/24"), prefix("192.0.2.128/25")])
    heard: list[tuple[str, Prefix]] = []
    engine.listeners.append(lambda table, p, old, new: heard.append((table, p)))
    lab.reconfigure("\n".join(line for line in CONFIG.splitlines() if "routing-instances A" not in line))
    assert "A.inet.0" not in engine.tables
    assert not any(source[0] == "in-a" for source in engine._placed if isinstance(source, tuple))
    assert "in-a" not in engine._packs
    heard.clear()
    p = prefixes[20]
    engine.withdraw(("feed", p))
    assert heard == [("inet.0", p)]
    assert engine.lookup("inet.0", prefixes[21][0]).copies == ()


def test_a_lookup_of_a_packed_destination_reads_like_the_route_itself(schema):
    """What a lookup finds at a packed destination (packed.PackedRoute, made cheaply for forwarding)
    has the attributes of the route the destination holds, and cannot be changed."""
    lab = Lab(schema, CONFIG)
    engine = lab.engine
    engine.add_prefixes(feed(), [prefix("198.51.100.0/24"), prefix("203.0.113.0/25")])
    found = engine.lookup("inet.0", addr("203.0.113.77"))
    assert found is not None and type(found).__name__ == "PackedRoute"
    real = engine.tables["inet.0"].candidates(prefix("203.0.113.0/25"))[0]  # unpacks: a Route from now on
    for name in ("prefix", "source", "protocol", "next_hops", "table", "preference", "as_path", "resolved", "seq"):
        assert getattr(found, name) == getattr(real, name), name
    assert found.same_spec(real) and found.origin is found
    with pytest.raises(AttributeError):
        found.resolved = None  # type: ignore[misc]
    assert engine.lookup("inet.0", addr("198.51.100.9")).prefix == prefix("198.51.100.0/24")  # type: ignore[union-attr]
