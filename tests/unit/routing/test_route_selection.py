"""Active route selection (semantics.md 3.2, 3.3): preference and its tie-breaks, static next hops,
qualified next hops, discard/reject, `resolve`, and what a withdraw or a link change brings back."""

from __future__ import annotations

from routinglab import hops, route

from nos.routing.prefix import prefix
from nos.routing.route import DISCARD, REJECT

BASE = """
set interfaces ge-0/0/0 unit 0 family inet address 192.168.10.1/24
set interfaces ge-0/0/1 unit 0 family inet address 198.51.100.2/30
set interfaces ge-0/0/2 unit 0 family inet address 203.0.113.2/30
"""
DEFAULT_ROUTE = BASE + "set routing-options static route 0.0.0.0/0 next-hop 198.51.100.1\n"
TO_10_9 = BASE + "set routing-options static route 10.9.0.0/16 next-hop 198.51.100.1\n"
# 8.8.8.0/24 resolves its next hop 10.20.0.1 through 10.20.0.0/16, on ge-0/0/0.
RESOLVE = (
    BASE
    + """
set routing-options static route 10.20.0.0/16 next-hop 192.168.10.254
set routing-options static route 8.8.8.0/24 next-hop 10.20.0.1 resolve
"""
)


def test_lower_preference_wins(build):
    """Of two routes to one destination the lower preference is active; both stay in the table."""
    lab = build(TO_10_9)
    lab.engine.add(route("10.9.0.0/16", "OSPF", "203.0.113.1", ("ospf", 1)))
    assert [(r.protocol, r.preference) for r in lab.routes("inet.0", "10.9.0.0/16")] == [("Static", 5), ("OSPF", 10)]
    assert lab.active("inet.0", "10.9.0.0/16").protocol == "Static"
    assert hops(lab.lookup("inet.0", "10.9.1.1")) == ["to 198.51.100.1 via ge-0/0/1.0"]


def test_configured_preference_overrides_the_default(build):
    """`preference 200` on a static route lets an OSPF route (10) win."""
    lab = build(BASE + "set routing-options static route 10.9.0.0/16 next-hop 198.51.100.1 preference 200\n")
    lab.engine.add(route("10.9.0.0/16", "OSPF", "203.0.113.1", ("ospf", 1)))
    assert lab.active("inet.0", "10.9.0.0/16").protocol == "OSPF"


def test_defaults_preference_applies_to_every_static_route(build):
    """`static defaults preference` is the preference of routes that set none."""
    lab = build(
        BASE
        + """
set routing-options static defaults preference 20
set routing-options static route 10.9.0.0/16 next-hop 198.51.100.1
set routing-options static route 10.8.0.0/16 next-hop 198.51.100.1 preference 7
"""
    )
    assert lab.active("inet.0", "10.9.0.0/16").preference == 20
    assert lab.active("inet.0", "10.8.0.0/16").preference == 7


def test_lower_preference2_breaks_a_preference_tie(build):
    """Equal preference, non-BGP: the lower preference2 wins."""
    lab = build(BASE)
    lab.engine.add(route("10.9.0.0/16", "OSPF", "198.51.100.1", ("a",), preference2=20))
    lab.engine.add(route("10.9.0.0/16", "OSPF", "203.0.113.1", ("b",), preference2=10))
    assert hops(lab.active("inet.0", "10.9.0.0/16")) == ["to 203.0.113.1 via ge-0/0/2.0"]


def test_bgp_higher_local_preference_wins(build):
    """Equal preference, BGP: the higher local-preference wins; a missing one counts as 100."""
    lab = build(BASE)
    lab.engine.add(route("0.0.0.0/0", "BGP", "198.51.100.1", ("isp1",), local_pref=50, as_path="65001"))
    lab.engine.add(route("0.0.0.0/0", "BGP", "203.0.113.1", ("isp2",), as_path="65002"))
    assert hops(lab.active("inet.0", "0.0.0.0/0")) == ["to 203.0.113.1 via ge-0/0/2.0"]
    lab.engine.add(route("0.0.0.0/0", "BGP", "198.51.100.1", ("isp1",), local_pref=150, as_path="65001"))
    assert hops(lab.active("inet.0", "0.0.0.0/0")) == ["to 198.51.100.1 via ge-0/0/1.0"]


def test_bgp_shorter_as_path_wins(build):
    """Equal preference and local-preference: the shorter AS path wins."""
    lab = build(BASE)
    lab.engine.add(route("0.0.0.0/0", "BGP", "198.51.100.1", ("isp1",), as_path="65001 65020 65020"))
    lab.engine.add(route("0.0.0.0/0", "BGP", "203.0.113.1", ("isp2",), as_path="65002"))
    assert lab.active("inet.0", "0.0.0.0/0").as_path == "65002"


def test_primary_route_beats_a_secondary_copy(build):
    """A table's own route wins over an equal route copied in by a rib-group."""
    lab = build(
        BASE
        + """
set routing-instances A instance-type virtual-router
set routing-instances A interface ge-0/0/1.0
set routing-instances A routing-options static rib-group A-TO-B
set routing-instances A routing-options static route 10.9.0.0/16 next-hop 198.51.100.1
set routing-instances B instance-type virtual-router
set routing-instances B interface ge-0/0/2.0
set routing-instances B routing-options static route 10.9.0.0/16 next-hop 203.0.113.1
set routing-instances B routing-options interface-routes rib-group inet B-TO-A
set routing-options rib-groups A-TO-B import-rib [ A.inet.0 B.inet.0 ]
set routing-options rib-groups B-TO-A import-rib [ B.inet.0 A.inet.0 ]
"""
    )
    in_b = lab.routes("B.inet.0", "10.9.0.0/16")
    assert len(in_b) == 2
    assert lab.active("B.inet.0", "10.9.0.0/16").table == "B.inet.0"
    assert hops(lab.active("A.inet.0", "10.9.0.0/16")) == ["to 198.51.100.1 via ge-0/0/1.0"]


def test_first_arrival_breaks_a_complete_tie(build):
    """Routes equal in every criterion: the one that came first stays active."""
    lab = build(BASE)
    lab.engine.add(route("10.9.0.0/16", "OSPF", "198.51.100.1", ("first",)))
    lab.engine.add(route("10.9.0.0/16", "OSPF", "203.0.113.1", ("second",)))
    assert lab.active("inet.0", "10.9.0.0/16").source == ("first",)


def test_withdraw_restores_the_next_best(build):
    """Withdrawing the active route makes the next best active; withdrawing the last empties the destination."""
    lab = build(TO_10_9)
    lab.engine.add(route("10.9.0.0/16", "OSPF", "203.0.113.1", ("ospf",)))
    lab.engine.add(route("10.9.0.0/16", "BGP", "203.0.113.1", ("bgp",), as_path="65002"))
    lab.engine.withdraw(("static", "inet.0", prefix("10.9.0.0/16"), 5))
    assert lab.active("inet.0", "10.9.0.0/16").protocol == "OSPF"
    lab.engine.withdraw(("ospf",))
    assert lab.active("inet.0", "10.9.0.0/16").protocol == "BGP"
    lab.engine.withdraw(("bgp",))
    assert lab.routes("inet.0", "10.9.0.0/16") == []
    assert lab.lookup("inet.0", "10.9.1.1") is None


def test_add_with_the_same_source_replaces(build):
    """A source owns one route: adding again replaces the earlier one."""
    lab = build(BASE)
    lab.engine.add(route("10.9.0.0/16", "Static", "198.51.100.1", ("ipmon",), preference=5))
    lab.engine.add(route("10.9.0.0/16", "Static", "203.0.113.1", ("ipmon",), preference=5))
    assert [hops(r) for r in lab.routes("inet.0", "10.9.0.0/16")] == [["to 203.0.113.1 via ge-0/0/2.0"]]


def test_static_route_with_unreachable_next_hop_is_hidden_until_the_interface_comes_up(build):
    """A static next hop must be directly connected: while its interface is down the route is hidden, not active."""
    lab = build(DEFAULT_ROUTE)
    assert hops(lab.active("inet.0", "0.0.0.0/0")) == ["to 198.51.100.1 via ge-0/0/1.0"]
    lab.link("ge-0/0/1.0", False)
    assert lab.active("inet.0", "0.0.0.0/0") is None
    assert lab.lookup("inet.0", "8.8.8.8") is None
    assert lab.engine.tables["inet.0"].counts() == (5, 5, 4, 1)  # the static is kept, hidden
    lab.link("ge-0/0/1.0", True)
    assert hops(lab.active("inet.0", "0.0.0.0/0")) == ["to 198.51.100.1 via ge-0/0/1.0"]
    assert lab.engine.tables["inet.0"].counts() == (7, 7, 7, 0)


def test_floating_static_takes_over_while_the_primary_next_hop_is_down(build):
    """A higher-preference route (here added by another source) is used while the better one is unusable."""
    lab = build(DEFAULT_ROUTE)
    lab.engine.add(route("0.0.0.0/0", "Static", "203.0.113.1", ("ipmon",), preference=10))
    assert hops(lab.active("inet.0", "0.0.0.0/0")) == ["to 198.51.100.1 via ge-0/0/1.0"]
    lab.link("ge-0/0/1.0", False)
    assert hops(lab.active("inet.0", "0.0.0.0/0")) == ["to 203.0.113.1 via ge-0/0/2.0"]
    lab.link("ge-0/0/1.0", True)
    assert hops(lab.active("inet.0", "0.0.0.0/0")) == ["to 198.51.100.1 via ge-0/0/1.0"]


def test_next_hop_outside_every_subnet_never_resolves(build):
    """Without `resolve`, a next hop that is not on a connected subnet leaves the route hidden."""
    lab = build(BASE + "set routing-options static route 10.9.0.0/16 next-hop 172.16.0.1\n")
    assert lab.active("inet.0", "10.9.0.0/16") is None
    assert [r.resolved for r in lab.routes("inet.0", "10.9.0.0/16")] == [None]


def test_interface_next_hop_follows_the_interface(build):
    """`next-hop ge-0/0/1.0` (a point-to-point style next hop) is usable while the interface is up."""
    lab = build(BASE + "set routing-options static route 10.9.0.0/16 next-hop ge-0/0/1.0\n")
    assert hops(lab.active("inet.0", "10.9.0.0/16")) == ["via ge-0/0/1.0"]
    lab.link("ge-0/0/1.0", False)
    assert lab.active("inet.0", "10.9.0.0/16") is None


def test_two_next_hops_make_one_route_with_both(build):
    """`next-hop [ A B ]` is one route with two forwarding next hops."""
    lab = build(BASE + "set routing-options static route 10.9.0.0/16 next-hop [ 198.51.100.1 203.0.113.1 ]\n")
    assert len(lab.routes("inet.0", "10.9.0.0/16")) == 1
    assert hops(lab.active("inet.0", "10.9.0.0/16")) == [
        "to 198.51.100.1 via ge-0/0/1.0",
        "to 203.0.113.1 via ge-0/0/2.0",
    ]
    lab.link("ge-0/0/1.0", False)
    assert hops(lab.active("inet.0", "10.9.0.0/16")) == ["to 203.0.113.1 via ge-0/0/2.0"]


def test_qualified_next_hop_is_a_backup_with_its_own_preference(build):
    """`qualified-next-hop B preference 7` stands by behind `next-hop A` (5) and takes over when A fails."""
    lab = build(
        DEFAULT_ROUTE + "set routing-options static route 0.0.0.0/0 qualified-next-hop 203.0.113.1 preference 7\n"
    )
    assert sorted(r.preference for r in lab.routes("inet.0", "0.0.0.0/0")) == [5, 7]
    assert hops(lab.active("inet.0", "0.0.0.0/0")) == ["to 198.51.100.1 via ge-0/0/1.0"]
    lab.link("ge-0/0/1.0", False)
    active = lab.active("inet.0", "0.0.0.0/0")
    assert (active.preference, hops(active)) == (7, ["to 203.0.113.1 via ge-0/0/2.0"])
    lab.link("ge-0/0/1.0", True)
    assert lab.active("inet.0", "0.0.0.0/0").preference == 5


def test_qualified_next_hop_can_beat_the_route_preference(build):
    """semantics.md 3.3: `next-hop A; qualified-next-hop B {preference 2;} preference 6` makes B active."""
    lab = build(
        DEFAULT_ROUTE
        + """
set routing-options static route 0.0.0.0/0 qualified-next-hop 203.0.113.1 preference 2
set routing-options static route 0.0.0.0/0 preference 6
"""
    )
    active = lab.active("inet.0", "0.0.0.0/0")
    assert (active.preference, hops(active)) == (2, ["to 203.0.113.1 via ge-0/0/2.0"])


def test_qualified_next_hop_without_preference_shares_the_route(build):
    """A qualified next hop without its own preference is one more next hop of the route."""
    lab = build(DEFAULT_ROUTE + "set routing-options static route 0.0.0.0/0 qualified-next-hop 203.0.113.1\n")
    assert len(lab.routes("inet.0", "0.0.0.0/0")) == 1
    assert len(hops(lab.active("inet.0", "0.0.0.0/0"))) == 2


def test_discard_and_reject_routes_are_active_without_an_interface(build):
    """`discard` and `reject` routes need no interface: they are active and match lookups."""
    lab = build(
        BASE
        + """
set routing-options static route 10.0.0.0/8 discard
set routing-options static route 172.16.0.0/12 reject
"""
    )
    for table_route, kind in (
        (lab.lookup("inet.0", "10.20.30.40"), DISCARD),
        (lab.lookup("inet.0", "172.16.1.1"), REJECT),
    ):
        assert table_route is not None
        assert [nh.kind for nh in table_route.resolved] == [kind]
    lab.link("ge-0/0/0.0", False)
    assert lab.active("inet.0", "10.0.0.0/8") is not None


def test_more_specific_route_wins_over_a_discard_summary(build):
    """A discard summary catches only what no longer prefix covers."""
    lab = build(
        BASE
        + """
set routing-options static route 10.0.0.0/8 discard
set routing-options static route 10.20.0.0/16 next-hop 192.168.10.254
"""
    )
    assert hops(lab.lookup("inet.0", "10.20.1.1")) == ["to 192.168.10.254 via ge-0/0/0.0"]
    assert hops(lab.lookup("inet.0", "10.21.1.1")) == ["discard"]


def test_resolve_finds_the_next_hop_through_another_route(build):
    """`resolve` lets a non-connected next hop resolve through the route that covers it."""
    lab = build(RESOLVE + "set routing-options static route 9.9.9.0/24 next-hop 10.20.0.1\n")
    assert hops(lab.active("inet.0", "8.8.8.0/24")) == ["to 192.168.10.254 via ge-0/0/0.0"]
    assert lab.active("inet.0", "9.9.9.0/24") is None  # the same next hop without `resolve`


def test_resolve_through_a_directly_connected_next_hop(build):
    """A `resolve` route whose next hop is connected forwards straight to it."""
    lab = build(BASE + "set routing-options static route 8.8.8.0/24 next-hop 198.51.100.1 resolve\n")
    assert hops(lab.active("inet.0", "8.8.8.0/24")) == ["to 198.51.100.1 via ge-0/0/1.0"]


def test_resolved_route_follows_the_route_it_resolves_through(build):
    """When the resolving route goes away, a route resolved through it is no longer usable, and comes back with it."""
    lab = build(RESOLVE)
    lab.link("ge-0/0/0.0", False)
    assert lab.active("inet.0", "10.20.0.0/16") is None
    assert lab.active("inet.0", "8.8.8.0/24") is None
    lab.link("ge-0/0/0.0", True)
    assert hops(lab.active("inet.0", "8.8.8.0/24")) == ["to 192.168.10.254 via ge-0/0/0.0"]


def test_resolved_route_moves_when_the_resolving_route_changes(build):
    """A `resolve` route tracks changes of the route under it that are not interface changes."""
    lab = build(RESOLVE)
    lab.engine.add(route("10.20.0.0/24", "Static", "203.0.113.1", ("more-specific",), preference=5))
    assert hops(lab.active("inet.0", "8.8.8.0/24")) == ["to 203.0.113.1 via ge-0/0/2.0"]
    lab.engine.withdraw(("more-specific",))
    assert hops(lab.active("inet.0", "8.8.8.0/24")) == ["to 192.168.10.254 via ge-0/0/0.0"]


def test_next_table_route_points_into_another_table(build):
    """`next-table ISP.inet.0` is active and forwards by a lookup in that table."""
    lab = build(
        BASE
        + """
set routing-instances ISP instance-type virtual-router
set routing-instances ISP interface ge-0/0/1.0
set routing-instances ISP routing-options static route 0.0.0.0/0 next-hop 198.51.100.1
set routing-options static route 0.0.0.0/0 next-table ISP.inet.0
"""
    )
    assert hops(lab.active("inet.0", "0.0.0.0/0")) == ["table ISP.inet.0"]
    assert hops(lab.lookup("ISP.inet.0", "8.8.8.8")) == ["to 198.51.100.1 via ge-0/0/1.0"]


def test_reconfiguring_keeps_unchanged_routes(build):
    """A commit that does not touch a static route keeps it (same object, same age); a changed one is replaced."""
    lab = build(TO_10_9 + "set routing-options static route 10.8.0.0/16 next-hop 198.51.100.1\n")
    kept, changed = lab.active("inet.0", "10.9.0.0/16"), lab.active("inet.0", "10.8.0.0/16")
    lab.clock.now += 60
    lab.reconfigure(TO_10_9 + "set routing-options static route 10.8.0.0/16 next-hop 203.0.113.1\n")
    assert lab.active("inet.0", "10.9.0.0/16") is kept
    new = lab.active("inet.0", "10.8.0.0/16")
    assert new is not changed and new.since == kept.since + 60
    assert hops(new) == ["to 203.0.113.1 via ge-0/0/2.0"]
    lab.reconfigure(BASE)
    assert lab.active("inet.0", "10.9.0.0/16") is None
