"""One routing table (Rib): longest-prefix match over its active routes, selection and counts."""

from __future__ import annotations

import pytest

from nos.routing.prefix import addr, prefix, prefix_text
from nos.routing.rib import Rib
from nos.routing.route import DISCARD, VIA, NextHop, Route


def usable(rib: Rib, route: Route) -> None:
    """A resolver for which every route is usable unless its gateway is 0.0.0.0."""
    route.resolved = None if route.next_hops[0].gateway == 0 else route.next_hops


def mk(dest: str, gateway: str = "192.0.2.1", protocol: str = "Static", **attrs) -> Route:  # type: ignore[no-untyped-def]
    return Route(
        prefix(dest), protocol, (NextHop(VIA, addr(gateway)),), source=(dest, gateway), table="t", since=0, **attrs
    )


@pytest.fixture
def rib() -> Rib:
    table = Rib("t")
    for dest in ("0.0.0.0/0", "10.0.0.0/8", "10.1.0.0/16", "10.1.1.0/24", "10.1.1.1/32"):
        table.add(mk(dest, gateway=f"192.0.2.{int(dest.split('/')[1]) + 1}"), usable)
    return table


def found(rib: Rib, address: str) -> str | None:
    route = rib.lookup(addr(address))
    return None if route is None else prefix_text(route.prefix)


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("10.1.1.1", "10.1.1.1/32"),
        ("10.1.1.2", "10.1.1.0/24"),
        ("10.1.2.1", "10.1.0.0/16"),
        ("10.2.0.1", "10.0.0.0/8"),
        ("11.0.0.1", "0.0.0.0/0"),
        ("255.255.255.255", "0.0.0.0/0"),
    ],
)
def test_lookup_picks_the_longest_matching_prefix(rib, address, expected):
    """Forwarding uses the longest active prefix covering the address; the default catches the rest."""
    assert found(rib, address) == expected


def test_without_a_default_route_an_uncovered_address_has_no_route(rib):
    """No default route: an address outside every prefix finds nothing."""
    rib.remove(rib.active(prefix("0.0.0.0/0")), usable)
    assert found(rib, "11.0.0.1") is None
    assert found(rib, "10.9.9.9") == "10.0.0.0/8"


def test_host_route_matches_only_its_address(rib):
    """A /32 covers exactly one address."""
    assert found(rib, "10.1.1.1") == "10.1.1.1/32"
    assert found(rib, "10.1.1.0") == "10.1.1.0/24"


def test_after_remove_the_next_shorter_prefix_matches(rib):
    """Removing a prefix's only route makes lookups fall back to the covering prefix."""
    rib.remove(rib.active(prefix("10.1.1.0/24")), usable)
    assert found(rib, "10.1.1.2") == "10.1.0.0/16"
    assert found(rib, "10.1.1.1") == "10.1.1.1/32"
    rib.remove(rib.active(prefix("10.1.1.1/32")), usable)
    assert found(rib, "10.1.1.1") == "10.1.0.0/16"
    assert rib.counts() == (3, 3, 3, 0)


def test_removing_a_route_the_table_does_not_hold_changes_nothing(rib):
    """remove() of an unknown route is a no-op."""
    assert rib.remove(mk("10.1.0.0/16", gateway="198.51.100.1"), usable) is None
    assert rib.remove(mk("172.16.0.0/12"), usable) is None
    assert rib.counts() == (5, 5, 5, 0)


def test_an_unusable_route_is_not_in_the_forwarding_table(rib):
    """A route whose next hop does not resolve is hidden: counted, never matched."""
    change = rib.add(mk("10.1.1.128/25", gateway="0.0.0.0"), usable)
    assert change is None
    assert found(rib, "10.1.1.200") == "10.1.1.0/24"
    assert rib.counts() == (6, 6, 5, 1)


def test_lookup_where_skips_active_routes_the_caller_refuses(rib):
    """lookup_where is a longest match among the active routes a predicate accepts (next-hop resolution)."""
    route = rib.lookup_where(addr("10.1.1.1"), lambda r: r.prefix[1] <= 16)
    assert route is not None and route.prefix == prefix("10.1.0.0/16")
    assert rib.lookup_where(addr("10.1.1.1"), lambda r: False) is None


def test_add_reports_the_change_of_active_route(rib):
    """add/remove return (old active, new active) when the destination's active route changes, else None."""
    old = rib.active(prefix("10.1.0.0/16"))
    better = mk("10.1.0.0/16", gateway="198.51.100.1", preference=1)
    assert rib.add(better, usable) == (old, better)
    worse = mk("10.1.0.0/16", gateway="203.0.113.1", preference=9)
    assert rib.add(worse, usable) is None
    assert rib.remove(better, usable) == (better, old)
    assert rib.counts() == (5, 6, 5, 0)


def test_select_prefers_a_usable_route_over_a_better_unusable_one(rib):
    """A route that does not resolve loses to any route that does, whatever its preference."""
    unusable = mk("10.1.0.0/16", gateway="0.0.0.0", preference=1)
    rib.add(unusable, usable)
    assert rib.active(prefix("10.1.0.0/16")) is not unusable
    assert rib.counts() == (5, 6, 5, 1)


def test_destination_with_only_unusable_routes_has_no_active_route():
    """If no route of a destination resolves the destination leaves the forwarding table."""
    rib = Rib("t")
    rib.add(mk("10.0.0.0/8"), usable)
    route = rib.active(prefix("10.0.0.0/8"))
    route.next_hops = (NextHop(VIA, 0),)
    assert rib.select(prefix("10.0.0.0/8"), usable) == (route, None)
    assert rib.lookup(addr("10.0.0.1")) is None
    assert list(rib.active_items()) == []
    assert rib.counts() == (1, 1, 0, 1)


def test_insert_new_files_a_route_without_selection():
    """insert_new (bulk load) files a resolved route as active, an unresolved one as hidden."""
    rib = Rib("t")
    good = Route(prefix("10.0.0.0/8"), "Static", (NextHop(DISCARD),), source=1, table="t", since=0)
    good.resolved = good.next_hops
    bad = Route(prefix("10.2.0.0/16"), "Static", (NextHop(VIA, 1),), source=2, table="t", since=0)
    rib.insert_new(good)
    rib.insert_new(bad)
    assert rib.lookup(addr("10.2.0.1")) is good
    assert rib.counts() == (2, 2, 1, 1)


def test_all_and_active_items_list_every_destination(rib):
    """all() yields every destination with its routes; active_items() the active route of each."""
    rib.add(mk("10.1.0.0/16", gateway="203.0.113.1", preference=9), usable)
    assert sorted(len(routes) for _, routes in rib.all()) == [1, 1, 1, 1, 2]
    assert sorted(p[1] for p, _ in rib.active_items()) == [0, 8, 16, 24, 32]
