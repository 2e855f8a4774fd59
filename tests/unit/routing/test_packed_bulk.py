"""What happens to a packed feed all at once stays packed: a bulk withdrawal (withdraw_prefixes) and the
feed's gateway going unreachable and back (the pack flips). Each is checked against the same feed
added one Route object each (add_many) and withdrawn source by source (withdraw): the same tables,
counts, lookups, `show route` and listener account, with no Route object made per destination."""

from __future__ import annotations

import gc
import random

import pytest
from reference import summed_counts
from routinglab import Lab

from nos.routing.engine import RoutingEngine
from nos.routing.prefix import Prefix, addr, interface_address, prefix
from nos.routing.route import DISCARD, VIA, NextHop, Route
from nos.routing.show import RouteQuery, show_route, show_route_summary

CONFIG = """
set interfaces ge-0/0/0 unit 0 family inet address 10.0.0.1/24
set interfaces ge-0/0/1 unit 0 family inet address 10.1.0.1/24
set routing-instances A instance-type virtual-router
set routing-instances B instance-type virtual-router
set routing-options rib-groups FEED import-rib [ inet.0 A.inet.0 ]
"""
IMPORTING = (  # B imports everything from inet.0: a flip is recomputed route by route
    CONFIG
    + "set routing-instances B routing-options instance-import ALL\n"
    + "set policy-options policy-statement ALL then accept\n"
)
ISP = addr("10.0.0.2")  # the feed's gateway, on ge-0/0/0.0


def feed(family: object = "feed", hop: NextHop | None = None) -> Route:
    """The template of a feed: BGP routes from one neighbour with one set of attributes."""
    hop = hop or NextHop(VIA, ISP)
    return Route((0, 0), "BGP", (hop,), source=family, table="inet.0", since=0, as_path="64500 64501")


def pool(rng: random.Random, n: int) -> list[Prefix]:
    """Prefixes of every length, nested, one of them holding 198.51.100.7 (a `resolve` route's gateway)."""
    out = {prefix("0.0.0.0/0"), prefix("198.51.100.0/24")}
    while len(out) < n:
        plen = rng.choice([8, 12, 16, 19, 22, 24, 24, 24, 26, 30, 32])
        net = (rng.choice([198, 203, 100]) << 24 | rng.getrandbits(24)) & (0xFFFFFFFF << (32 - plen)) & 0xFFFFFFFF
        out.add((net, plen))
    return sorted(out)


def describe(route: Route | None) -> tuple | None:
    if route is None:
        return None
    return (repr(route.source), route.table, route.prefix, route.protocol, route.preference, route.resolved)


def route_objects() -> int:
    gc.collect()
    return sum(1 for o in gc.get_objects() if type(o) is Route)


class Twin:
    """One engine fed packed (add_prefixes, withdraw_prefixes) or one Route object each (add_many,
    withdraw); its listener's account as (table, prefix, old, new) descriptions."""

    def __init__(self, schema, packed: bool, config: str = CONFIG):  # type: ignore[no-untyped-def]
        self.lab = Lab(schema, config)
        self.engine: RoutingEngine = self.lab.engine
        self.packed = packed
        self.heard: list[tuple] = []
        self.engine.listeners.append(self.listen)

    def listen(self, table: str, p: Prefix, old: Route | None, new: Route | None) -> None:
        self.heard.append((table, p, describe(old), describe(new)))

    def add(self, prefixes: list[Prefix], group: str | None = "FEED", template: Route | None = None) -> None:
        template = template or feed()
        if self.packed:
            self.engine.add_prefixes(template, prefixes, group)
        else:
            self.engine.add_many([template.at(p, (template.source, p)) for p in prefixes], group)

    def withdraw(self, prefixes: list[Prefix], family: object = "feed") -> None:
        if self.packed:
            self.engine.withdraw_prefixes(family, prefixes)
        else:
            with self.engine.batch():
                for p in prefixes:
                    self.engine.withdraw((family, p))

    def tables(self) -> dict:
        """Every table as listings, active routes and counts, read without unpacking anything."""
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
        out = []
        for rib in self.engine.tables.values():
            for a in addresses:
                out.append(describe(rib.lookup(a)))
                out.append(describe(rib.lookup_where(a, lambda r: r.protocol == "BGP")))
        return out

    def feed_objects(self) -> int:
        """Feed routes the engine holds as Route objects (unpacked)."""
        return sum(1 for s in self.engine._placed if isinstance(s, tuple) and s[0] == "feed")


def twins(schema, config: str = CONFIG) -> tuple[Twin, Twin]:  # type: ignore[no-untyped-def]
    return Twin(schema, True, config), Twin(schema, False, config)


def same(packed: Twin, plain: Twin, addresses: list[int]) -> None:
    """Both engines hold and told the same (the account is cleared for the next step)."""
    assert sorted(packed.heard, key=repr) == sorted(plain.heard, key=repr)
    assert packed.tables() == plain.tables()
    assert packed.lookups(addresses) == plain.lookups(addresses)
    for twin in (packed, plain):
        twin.heard.clear()


def probes(prefixes: list[Prefix]) -> list[int]:
    rng = random.Random(7)
    return [p[0] + 1 for p in prefixes] + [rng.getrandbits(32) for _ in range(50)]


# -- bulk withdrawal -------------------------------------------------------------------------------------


@pytest.mark.parametrize("group", ["FEED", None], ids=["copied", "one-table"])
def test_withdrawing_part_of_a_pack_then_the_rest_matches_withdrawing_each_source(schema, group):
    prefixes = pool(random.Random(1), 200)
    packed, plain = twins(schema)
    addresses = probes(prefixes)
    for twin in (packed, plain):
        twin.add(prefixes, group)
    same(packed, plain, addresses)
    pack = packed.engine._packs["feed"]
    before = route_objects()
    never = [prefix("192.0.2.0/24"), prefix("203.0.113.77/32")]  # never added: nothing to withdraw
    first = prefixes[::3] + never
    for twin in (packed, plain):
        twin.withdraw(first)
    assert route_objects() - before < 5  # nothing unpacked
    assert pack.count == len(prefixes) - len(prefixes[::3]) and packed.feed_objects() == 0
    assert len(packed.heard) == len(prefixes[::3]) * (2 if group else 1)
    assert all(new is None for _, _, _, new in packed.heard)
    same(packed, plain, addresses)
    for twin in (packed, plain):
        twin.withdraw(first + prefixes)  # the rest, and again what is gone
    same(packed, plain, addresses)
    assert "feed" not in packed.engine._packs and not packed.engine._pack_gateways["inet.0"]
    assert all(rib.counts() == (4, 4, 4, 0) for name, rib in packed.engine.tables.items() if name == "inet.0")
    for twin in (packed, plain):  # the family can be fed again
        twin.add(prefixes[:50], group)
    same(packed, plain, addresses)
    assert packed.engine._packs["feed"] is not pack and packed.engine._packs["feed"].count == 50


def test_a_withdrawal_of_prefixes_never_added_or_of_an_unknown_family_changes_nothing(schema):
    prefixes = pool(random.Random(2), 40)
    packed, plain = twins(schema)
    for twin in (packed, plain):
        twin.add(prefixes[:20])
        twin.heard.clear()
        twin.withdraw(prefixes[20:])
        twin.withdraw(prefixes, family="nobody")
    same(packed, plain, probes(prefixes))
    assert packed.heard == [] and packed.engine._packs["feed"].count == 20


def test_destinations_made_route_objects_since_are_withdrawn_the_usual_way(schema):
    """Some destinations were unpacked (looked at, a second route filed there, the source replaced):
    those are withdrawn as routes are, the rest straight from the tables, with one account."""
    prefixes = pool(random.Random(3), 120)
    packed, plain = twins(schema)
    addresses = probes(prefixes)
    for twin in (packed, plain):
        twin.add(prefixes)
        engine = twin.engine
        engine.tables["inet.0"].active(prefixes[5])  # looked at: a Route object from now on
        for p in prefixes[10:14]:  # a better and a worse route beside the feed's
            pref = 5 if p[1] % 2 else 200
            engine.add(
                Route(p, "Static", (NextHop(DISCARD),), source=("other", p), table="inet.0", since=0, preference=pref)
            )
        q = prefixes[20]
        engine.add(feed(hop=NextHop(DISCARD)).at(q, ("feed", q)))  # the same source, replaced
    same(packed, plain, addresses)
    assert packed.feed_objects() == 6
    for twin in (packed, plain):
        twin.withdraw(prefixes[:60])
    same(packed, plain, addresses)
    assert packed.feed_objects() == 0 and packed.engine._packs["feed"].count == len(prefixes) - 60
    for twin in (packed, plain):
        for p in prefixes[10:14]:
            twin.engine.withdraw(("other", p))
    same(packed, plain, addresses)


def test_a_withdrawal_inside_a_batch_is_told_when_the_batch_ends(schema):
    prefixes = pool(random.Random(4), 60)
    packed, plain = twins(schema)
    for twin in (packed, plain):
        twin.add(prefixes)
        twin.heard.clear()
        with twin.engine.batch():
            twin.withdraw(prefixes[:30])
            assert twin.heard == []
    same(packed, plain, probes(prefixes))


def test_withdrawing_a_hidden_pack_tells_nothing(schema):
    """With the gateway unreachable the routes are hidden: their withdrawal changes no active route."""
    prefixes = pool(random.Random(5), 80)
    packed, plain = twins(schema)
    addresses = probes(prefixes)
    for twin in (packed, plain):
        twin.add(prefixes)
        twin.lab.link("ge-0/0/0.0", False)
    same(packed, plain, addresses)
    for twin in (packed, plain):
        twin.withdraw(prefixes[:40])
    assert packed.heard == []
    same(packed, plain, addresses)
    assert packed.engine.tables["inet.0"].counts() == (42, 42, 2, 40)
    for twin in (packed, plain):
        twin.lab.link("ge-0/0/0.0", True)
    same(packed, plain, addresses)


def test_a_resolve_route_via_a_withdrawn_destination_resolves_again(schema):
    """A `resolve` route whose gateway lies in a packed destination (added after the feed was packed)
    follows that destination's withdrawal, and the gateway's going and coming back."""
    prefixes = pool(random.Random(6), 50)
    packed, plain = twins(schema)
    addresses = probes(prefixes) + [addr("192.0.2.9")]
    resolving = Route(
        prefix("192.0.2.0/24"),
        "Static",
        (NextHop(VIA, addr("198.51.100.7")),),
        source="resolving",
        table="inet.0",
        since=0,
        resolve=True,
    )
    for twin in (packed, plain):
        twin.add(prefixes)
        twin.engine.add(resolving.at(resolving.prefix, "resolving"))
    same(packed, plain, addresses)
    for twin in (packed, plain):
        twin.lab.link("ge-0/0/0.0", False)
    same(packed, plain, addresses)
    for twin in (packed, plain):
        twin.lab.link("ge-0/0/0.0", True)
    same(packed, plain, addresses)
    assert packed.engine.lookup("inet.0", addr("192.0.2.9")).resolved == (NextHop(VIA, ISP, "ge-0/0/0.0"),)
    for twin in (packed, plain):
        twin.withdraw([prefix("198.51.100.0/24")])
    same(packed, plain, addresses)
    assert packed.feed_objects() == 0


# -- the gateway going and coming back: the pack flips -----------------------------------------------------


@pytest.mark.parametrize("group", ["FEED", None], ids=["copied", "one-table"])
def test_a_pack_goes_dead_and_alive_again_without_unpacking(schema, group):
    prefixes = pool(random.Random(8), 300)
    packed, plain = twins(schema)
    addresses = probes(prefixes)
    for twin in (packed, plain):
        twin.add(prefixes, group)
    same(packed, plain, addresses)
    pack = packed.engine._packs["feed"]
    before = route_objects()
    for up in (False, True, False, True):
        for twin in (packed, plain):
            twin.lab.link("ge-0/0/0.0", up)
        assert pack.live is up and (pack.template.resolved is not None) is up
        changed = [(t, p) for t, p, old, new in packed.heard if p in set(prefixes)]
        assert len(changed) == len(prefixes) * (2 if group else 1)
        assert all((old is None) is up and (new is None) is not up for _, p, old, new in packed.heard)
        same(packed, plain, addresses)
        assert route_objects() - before < 5 and packed.feed_objects() == 0
    assert packed.engine._packs["feed"] is pack and pack.count == len(prefixes)


def test_a_hidden_pack_reads_as_hidden_everywhere(schema):
    """Counts, listings, lookups, `show route` (hidden or not, summary) of a dead pack are those of
    hidden routes; looking at one destination's active route unpacks it as a hidden route."""
    prefixes = pool(random.Random(9), 40)
    packed, plain = twins(schema)
    for twin in (packed, plain):
        twin.add(prefixes)
        twin.lab.link("ge-0/0/0.0", False)
    rib = packed.engine.tables["inet.0"]
    assert rib.counts() == (42, 42, 2, 40) == plain.engine.tables["inet.0"].counts()
    assert packed.engine.tables["A.inet.0"].counts() == (40, 40, 0, 40)
    assert rib.lookup(prefixes[7][0]) is None is packed.engine.lookup("A.inet.0", prefixes[7][0])
    assert not any(p in set(prefixes) for p, _ in rib.active_items())
    same(packed, plain, probes(prefixes))
    p = prefixes[3]
    assert rib.active(p) is None and [r.resolved for r in rib.candidates(p)] == [None]
    assert packed.feed_objects() == 1
    for query in (
        RouteQuery(),
        RouteQuery(hidden=True),
        RouteQuery(destination=prefix("198.51.100.0/24"), hidden=True),
    ):
        assert show_route(packed.engine, 1_000.0, query) == show_route(plain.engine, 1_000.0, query)
    assert show_route_summary(packed.engine, None, None).text() == show_route_summary(plain.engine, None, None).text()


def test_changes_at_a_hidden_packs_destinations(schema):
    """While the pack is dead: another route at one of its destinations, one destination withdrawn
    alone, some in bulk; then the gateway comes back."""
    prefixes = pool(random.Random(10), 100)
    packed, plain = twins(schema)
    addresses = probes(prefixes)
    for twin in (packed, plain):
        twin.add(prefixes)
        twin.lab.link("ge-0/0/0.0", False)
    same(packed, plain, addresses)
    for twin in (packed, plain):
        engine = twin.engine
        for p in prefixes[:3]:
            engine.add(Route(p, "Static", (NextHop(DISCARD),), source=("other", p), table="inet.0", since=0), "FEED")
        engine.withdraw(("feed", prefixes[5]))
    same(packed, plain, addresses)
    for twin in (packed, plain):
        twin.withdraw(prefixes[40:60])
    same(packed, plain, addresses)
    for twin in (packed, plain):
        twin.lab.link("ge-0/0/0.0", True)
    same(packed, plain, addresses)
    for twin in (packed, plain):
        twin.add(prefixes[40:50])  # fed again while alive
        twin.engine.withdraw(("other", prefixes[0]))
    same(packed, plain, addresses)
    assert packed.feed_objects() == 3  # only where the other routes came
    assert packed.engine._packs["feed"].count == 100 - 3 - 1 - 10


def test_a_gateway_that_stays_reachable_within_a_batch_tells_nothing(schema):
    """The subnet is renumbered in one batch: the gateway is covered before and after. And a
    renumbering that leaves it uncovered: the pack flips once."""
    prefixes = pool(random.Random(11), 60)
    packed, plain = twins(schema)
    addresses = probes(prefixes)
    for twin in (packed, plain):
        twin.add(prefixes)
        twin.heard.clear()
        engine = twin.engine
        with engine.batch():
            engine.set_interface("ge-0/0/0.0", [], True)
            engine.set_interface("ge-0/0/0.0", [interface_address("10.0.0.1/16")], True)
    assert not any(p in set(prefixes) for _, p, _, _ in packed.heard)
    same(packed, plain, addresses)
    for twin in (packed, plain):
        twin.engine.set_interface("ge-0/0/0.0", [interface_address("10.5.0.1/24")], True)
    same(packed, plain, addresses)
    assert not packed.engine._packs["feed"].live


def test_two_feeds_via_one_gateway_and_one_via_another(schema):
    """Packs are refreshed by gateway: the other neighbour's stay as they are."""
    prefixes = pool(random.Random(12), 90)
    packed, plain = twins(schema)
    addresses = probes(prefixes)
    other = feed("other-feed", NextHop(VIA, addr("10.1.0.2")))
    for twin in (packed, plain):
        twin.add(prefixes[:30], template=feed("feed"))
        twin.add(prefixes[30:60], template=feed("second"))
        twin.add(prefixes[60:], None, template=other)
    same(packed, plain, addresses)
    for up in (False, True):
        for twin in (packed, plain):
            twin.lab.link("ge-0/0/0.0", up)
        assert not any(p in set(prefixes[60:]) for _, p, _, _ in packed.heard)
        same(packed, plain, addresses)
    for twin in (packed, plain):
        twin.withdraw(prefixes[30:45], family="second")
        twin.lab.link("ge-0/0/1.0", False)
    same(packed, plain, addresses)


def test_where_an_instance_imports_from_the_table_a_flip_is_recomputed_route_by_route(schema):
    """instance-import configured after the feed was packed: the routes it may take are unpacked."""
    prefixes = pool(random.Random(13), 50)
    packed, plain = twins(schema)
    addresses = probes(prefixes)
    for twin in (packed, plain):
        twin.add(prefixes)
        twin.lab.link("ge-0/0/0.0", False)
        twin.lab.reconfigure(IMPORTING)
    same(packed, plain, addresses)
    for up in (True, False, True):
        for twin in (packed, plain):
            twin.lab.link("ge-0/0/0.0", up)
        same(packed, plain, addresses)
    assert packed.engine.tables["B.inet.0"].counts() == plain.engine.tables["B.inet.0"].counts()


def test_a_destination_unpacked_after_its_pack_flipped_in_the_same_batch_is_told_once(schema, monkeypatch):
    """If something makes a flipped pack's destination a Route object before the batch ends, that
    destination is told as a route would be, from what it was when the batch began."""
    prefixes = pool(random.Random(14), 30)
    packed, plain = twins(schema)
    engine = packed.engine
    refresh = engine._refresh_packs

    def and_touch(table, p, parent):  # type: ignore[no-untyped-def]
        refresh(table, p, parent)
        for q in prefixes[:4]:
            engine._touch(table, q, parent)

    for twin in (packed, plain):
        twin.add(prefixes)
    same(packed, plain, probes(prefixes))
    monkeypatch.setattr(engine, "_refresh_packs", and_touch)
    for up in (False, True):
        for twin in (packed, plain):
            twin.lab.link("ge-0/0/0.0", up)
        assert len([1 for t, p, _, _ in packed.heard if p == prefixes[2]]) == 2  # inet.0 and A.inet.0
        same(packed, plain, probes(prefixes))
    assert packed.feed_objects() == 4


# -- everything at random ----------------------------------------------------------------------------------


def step(rng: random.Random, packed: Twin, plain: Twin, prefixes: list[Prefix]) -> None:
    """One random change, made the same in both engines."""
    kind = rng.choices(["feed", "bulk", "other", "withdraw", "link", "address", "look"], [3, 3, 2, 1, 3, 1, 1])[0]
    draw = rng.random()
    for twin in (packed, plain):
        r = random.Random(draw)
        engine = twin.engine
        if kind == "feed":
            twin.add(r.sample(prefixes, 15), r.choice(["FEED", "FEED", None]))
        elif kind == "bulk":
            twin.withdraw(r.sample(prefixes, r.choice([3, 20, 60])))
        elif kind == "other":
            p = r.choice(prefixes)
            hop = NextHop(DISCARD) if r.random() < 0.5 else NextHop(VIA, addr("10.1.0.2"))
            pref = r.choice([5, 200])
            engine.add(Route(p, "Static", (hop,), source=("other", p), table="inet.0", since=0, preference=pref))
        elif kind == "withdraw":
            p = r.choice(prefixes)
            engine.withdraw(("feed", p) if r.random() < 0.5 else ("other", p))
        elif kind == "link":
            ifl = r.choice(["ge-0/0/0.0", "ge-0/0/0.0", "ge-0/0/1.0"])
            twin.lab.link(ifl, not engine.interface_up(ifl))
        elif kind == "address":
            address = r.choice(["10.0.0.1/24", "10.0.0.1/16", "10.5.0.1/24"])
            engine.set_interface("ge-0/0/0.0", [interface_address(address)], engine.interface_up("ge-0/0/0.0"))
        else:  # something looks at one destination's active route (which unpacks it)
            engine.tables["inet.0"].active(r.choice(prefixes))


@pytest.mark.parametrize("seed", range(6))
def test_bulk_withdrawals_and_flips_at_random_match_the_route_by_route_engine(schema, seed):
    rng = random.Random(seed)
    prefixes = pool(rng, 80)
    packed, plain = twins(schema)
    addresses = probes(prefixes)
    for twin in (packed, plain):
        twin.add(prefixes[:60])
    same(packed, plain, addresses)
    for _ in range(60):
        step(rng, packed, plain, prefixes)
        same(packed, plain, addresses)
        for pack in packed.engine._packs.values():  # its count is what the tables hold
            assert pack.count == sum(1 for _, entry in pack.ribs[0]._entries() if entry is pack) > 0
            assert sorted(pack.destinations()) == sorted(pack.ribs[0].packed(pack))
