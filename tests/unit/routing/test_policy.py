"""Routing policy (semantics.md 3.7): match conditions, route-filter match types, flow control,
attribute actions and the default when nothing accepts or rejects."""

from __future__ import annotations

import pytest
from routinglab import ISP_2_DEFAULT_ROUTE, expanded, route

from nos.routing.engine import table_instance
from nos.routing.policy import Context, RouteFilter, compile_policies, evaluate
from nos.routing.prefix import addr, prefix
from nos.routing.route import DISCARD, REJECT, VIA, NextHop, Route


def rt(dest: str, protocol: str = "Static", table: str = "inet.0", **attrs) -> Route:  # type: ignore[no-untyped-def]
    return route(dest, protocol, "192.0.2.1", dest, table, **attrs)


class Policies:
    """Compiled `policy-options` and a context whose conditions the test sets."""

    def __init__(self, schema, text: str):  # type: ignore[no-untyped-def]
        self.policies, self.prefix_lists, self.conditions = compile_policies(expanded(schema, text))
        self.true: set[str] = set()
        self.ctx = Context(lambda r: table_instance(r.table), self.prefix_lists, lambda name: name in self.true)

    def run(self, chain: str | list[str], route: Route) -> tuple[str | None, dict]:
        return evaluate([chain] if isinstance(chain, str) else chain, self.policies, route, self.ctx)

    def verdict(self, chain: str | list[str], route: Route) -> str | None:
        return self.run(chain, route)[0]


@pytest.fixture
def policies(schema):  # type: ignore[no-untyped-def]
    return lambda text: Policies(schema, text)


def test_from_instance_matches_routes_of_that_instance(policies):
    """`from instance ISP1` matches routes whose primary table is ISP1.inet.0; `master` means inet.0."""
    p = policies(
        """
set policy-options policy-statement P term isp from instance ISP1
set policy-options policy-statement P term isp then accept
set policy-options policy-statement M term master from instance master
set policy-options policy-statement M term master then accept
"""
    )
    assert p.verdict("P", rt("0.0.0.0/0", table="ISP1.inet.0")) == "accept"
    assert p.verdict("P", rt("0.0.0.0/0", table="ISP2.inet.0")) is None
    assert p.verdict("M", rt("0.0.0.0/0", table="inet.0")) == "accept"
    assert p.verdict("M", rt("0.0.0.0/0", table="ISP1.inet.0")) is None


def test_from_protocol_matches_any_listed_protocol(policies):
    """`from protocol [ static direct ]` matches either protocol (names are lowercase)."""
    p = policies(
        """
set policy-options policy-statement P term t from protocol [ static direct ]
set policy-options policy-statement P term t then accept
set policy-options policy-statement A term t from protocol ari-ts
set policy-options policy-statement A term t then accept
"""
    )
    assert p.verdict("P", rt("10.0.0.0/8", "Static")) == "accept"
    assert p.verdict("P", rt("10.0.0.0/24", "Direct")) == "accept"
    assert p.verdict("P", rt("10.0.0.1/32", "Local")) is None
    assert p.verdict("P", rt("0.0.0.0/0", "BGP")) is None
    assert p.verdict("A", rt("192.168.249.0/24", "ARI-TS")) == "accept"


def test_conditions_in_one_from_are_anded(policies):
    """All conditions of a `from` must hold: instance AND protocol AND prefix-list (seed 001's ISP-2-DEFAULT-ROUTE)."""
    p = policies(ISP_2_DEFAULT_ROUTE)
    good = rt("0.0.0.0/0", "BGP", "ISP-2.inet.0")
    assert p.run("ISP-2-DEFAULT-ROUTE", good) == ("accept", {"local_pref": 50})
    assert p.verdict("ISP-2-DEFAULT-ROUTE", rt("0.0.0.0/0", "Static", "ISP-2.inet.0")) is None
    assert p.verdict("ISP-2-DEFAULT-ROUTE", rt("0.0.0.0/0", "BGP", "ISP-1.inet.0")) is None
    assert p.verdict("ISP-2-DEFAULT-ROUTE", rt("10.0.0.0/8", "BGP", "ISP-2.inet.0")) is None


def test_prefix_list_matches_exactly_and_entries_are_ored(policies):
    """`from prefix-list L` matches a route equal to any entry of L, not a longer or shorter one."""
    p = policies(
        """
set policy-options prefix-list L 10.0.0.0/8
set policy-options prefix-list L 192.168.1.0/24
set policy-options policy-statement P term t from prefix-list L
set policy-options policy-statement P term t then accept
"""
    )
    assert p.verdict("P", rt("10.0.0.0/8")) == "accept"
    assert p.verdict("P", rt("192.168.1.0/24")) == "accept"
    assert p.verdict("P", rt("10.1.0.0/16")) is None
    assert p.verdict("P", rt("192.168.0.0/16")) is None


def test_prefix_list_filter_applies_a_match_type(policies):
    """`prefix-list-filter L orlonger` matches the entries and everything under them."""
    p = policies(
        """
set policy-options prefix-list L 10.0.0.0/8
set policy-options policy-statement P term t from prefix-list-filter L orlonger
set policy-options policy-statement P term t then accept
set policy-options policy-statement Q term t from prefix-list-filter L longer
set policy-options policy-statement Q term t then accept
"""
    )
    assert p.verdict("P", rt("10.0.0.0/8")) == "accept"
    assert p.verdict("P", rt("10.9.9.0/24")) == "accept"
    assert p.verdict("P", rt("11.0.0.0/8")) is None
    assert p.verdict("Q", rt("10.0.0.0/8")) is None
    assert p.verdict("Q", rt("10.9.9.0/24")) == "accept"


@pytest.mark.parametrize(
    ("kind", "matching", "not_matching"),
    [
        ("exact", ["10.0.0.0/16"], ["10.0.0.0/8", "10.0.0.0/17", "10.1.0.0/16"]),
        ("longer", ["10.0.0.0/17", "10.0.255.255/32"], ["10.0.0.0/16", "10.1.0.0/24"]),
        ("orlonger", ["10.0.0.0/16", "10.0.1.0/24", "10.0.0.1/32"], ["10.0.0.0/15", "10.1.0.0/24"]),
        ("upto /24", ["10.0.0.0/16", "10.0.128.0/17", "10.0.1.0/24"], ["10.0.1.0/25", "10.0.0.0/8"]),
        ("prefix-length-range /20-/24", ["10.0.16.0/20", "10.0.1.0/24"], ["10.0.0.0/16", "10.0.1.0/25", "10.1.1.0/24"]),
        ("through 10.0.1.0/24", ["10.0.0.0/16", "10.0.0.0/23", "10.0.1.0/24"], ["10.0.2.0/24", "10.0.1.0/25"]),
    ],
)
def test_route_filter_match_types(policies, kind, matching, not_matching):
    """route-filter 10.0.0.0/16 <type>: the table of match types in semantics.md 3.7."""
    p = policies(
        f"""
set policy-options policy-statement P term t from route-filter 10.0.0.0/16 {kind}
set policy-options policy-statement P term t then accept
"""
    )
    for dest in matching:
        assert p.verdict("P", rt(dest)) == "accept", dest
    for dest in not_matching:
        assert p.verdict("P", rt(dest)) is None, dest


def test_route_filter_class(policies):
    """RouteFilter.matches on its own: the high-order bits must agree before the length is looked at."""
    assert RouteFilter(prefix("10.0.0.0/8"), "orlonger").matches(prefix("10.1.0.0/16"))
    assert not RouteFilter(prefix("10.0.0.0/8"), "orlonger").matches(prefix("11.1.0.0/16"))
    assert not RouteFilter(prefix("10.0.0.0/8"), "orlonger").matches(prefix("0.0.0.0/0"))
    assert not RouteFilter(prefix("10.0.0.0/8"), "bogus").matches(prefix("10.0.0.0/8"))


def test_route_filters_are_ored_and_the_longest_match_decides(policies):
    """The longest route-filter prefix covering the route decides; if its match type fails, the term does not match."""
    p = policies(
        """
set policy-options policy-statement P term t from route-filter 10.0.0.0/8 orlonger
set policy-options policy-statement P term t from route-filter 10.1.0.0/16 exact
set policy-options policy-statement P term t from route-filter 172.16.0.0/12 orlonger
set policy-options policy-statement P term t then accept
"""
    )
    assert p.verdict("P", rt("10.2.0.0/16")) == "accept"  # only 10/8 covers it
    assert p.verdict("P", rt("172.16.5.0/24")) == "accept"
    assert p.verdict("P", rt("10.1.0.0/16")) == "accept"  # 10.1/16 covers it, exact holds
    assert p.verdict("P", rt("10.1.2.0/24")) is None  # 10.1/16 is the longest cover; exact fails; no fallback to 10/8


def test_route_filter_action_acts_at_once_and_skips_then(policies):
    """A route-filter with its own action decides immediately; the term's `then` (and its changes) is skipped."""
    p = policies(
        """
set policy-options policy-statement P term t from route-filter 10.0.0.0/8 exact reject
set policy-options policy-statement P term t from route-filter 10.0.0.0/8 longer
set policy-options policy-statement P term t then metric 5
set policy-options policy-statement P term t then accept
"""
    )
    assert p.run("P", rt("10.0.0.0/8")) == ("reject", {})
    assert p.run("P", rt("10.1.0.0/16")) == ("accept", {"metric": 5})


def test_condition_if_route_exists(policies):
    """`from condition C` holds while C is true; a policy without a true condition falls through."""
    p = policies(
        """
set policy-options condition ACTIVE if-route-exists address-family inet 169.254.200.1/32
set policy-options condition ACTIVE if-route-exists address-family inet table inet.0
set policy-options condition OLD if-route-exists 169.254.200.2/32 table ISP.inet.0
set policy-options policy-statement P term 10 from condition ACTIVE
set policy-options policy-statement P term 10 then metric 10
set policy-options policy-statement P term 10 then accept
set policy-options policy-statement P term 20 then metric 20
set policy-options policy-statement P term 20 then accept
"""
    )
    assert p.conditions == {
        "ACTIVE": (prefix("169.254.200.1/32"), "inet.0"),
        "OLD": (prefix("169.254.200.2/32"), "ISP.inet.0"),
    }
    assert p.run("P", rt("203.0.113.0/24")) == ("accept", {"metric": 20})
    p.true.add("ACTIVE")
    assert p.run("P", rt("203.0.113.0/24")) == ("accept", {"metric": 10})


def test_term_without_from_matches_every_route(policies):
    """A term with no `from` matches everything (PROD-S2S-VPN term 900 then reject)."""
    p = policies("set policy-options policy-statement P term 900 then reject\n")
    assert p.verdict("P", rt("1.2.3.0/24", "BGP")) == "reject"


def test_accept_and_reject_end_the_whole_chain(policies):
    """accept/reject stop evaluation: later terms and later policies are not run."""
    p = policies(
        """
set policy-options policy-statement A term 1 then reject
set policy-options policy-statement A term 2 then accept
set policy-options policy-statement B term 1 then accept
"""
    )
    assert p.verdict(["A", "B"], rt("10.0.0.0/8")) == "reject"
    assert p.verdict(["B", "A"], rt("10.0.0.0/8")) == "accept"


def test_next_term_is_the_default_and_keeps_attribute_changes(policies):
    """A matching term without flow control goes on to the next term; its attribute actions still apply."""
    p = policies(
        """
set policy-options policy-statement P term 1 then metric 7
set policy-options policy-statement P term 2 then local-preference 200
set policy-options policy-statement P term 2 then next term
set policy-options policy-statement P term 3 then accept
"""
    )
    assert p.run("P", rt("10.0.0.0/8")) == ("accept", {"metric": 7, "local_pref": 200})


def test_next_policy_skips_the_rest_of_the_policy(policies):
    """`next policy` leaves the current policy (its later terms are skipped) for the next one in the chain."""
    p = policies(
        """
set policy-options policy-statement A term 1 then preference 20
set policy-options policy-statement A term 1 then next policy
set policy-options policy-statement A term 2 then reject
set policy-options policy-statement B term 1 then accept
"""
    )
    assert p.run(["A", "B"], rt("10.0.0.0/8")) == ("accept", {"preference": 20})
    assert p.run("A", rt("10.0.0.0/8")) == (None, {"preference": 20})


def test_later_actions_override_earlier_ones(policies):
    """When two terms set the same attribute the later one wins."""
    p = policies(
        """
set policy-options policy-statement P term 1 then metric 10
set policy-options policy-statement P term 2 then metric 20
set policy-options policy-statement P term 2 then tag 3
set policy-options policy-statement P term 2 then accept
"""
    )
    assert p.run("P", rt("10.0.0.0/8")) == ("accept", {"metric": 20, "tag": 3})


def test_nothing_accepts_or_rejects_leaves_the_default_to_the_caller(policies):
    """No term matches: the verdict is None (the protocol default applies) and nothing is changed."""
    p = policies(
        """
set policy-options prefix-list L 10.0.0.0/8
set policy-options policy-statement P term t from prefix-list L
set policy-options policy-statement P term t then reject
"""
    )
    assert p.run("P", rt("172.16.0.0/12")) == (None, {})
    assert p.run(["MISSING", "P"], rt("172.16.0.0/12")) == (None, {})  # an undefined policy is skipped


def test_unnamed_final_term_runs_after_the_named_terms(policies):
    """`from`/`then` directly under the policy make a final, unnamed term."""
    p = policies(
        """
set policy-options policy-statement P term 1 from protocol static
set policy-options policy-statement P term 1 then accept
set policy-options policy-statement P then reject
"""
    )
    assert p.verdict("P", rt("10.0.0.0/8", "Static")) == "accept"
    assert p.verdict("P", rt("10.0.0.0/8", "BGP")) == "reject"


def test_match_on_attributes(policies):
    """`from metric`, `from local-preference`, `from tag` compare the route's attributes (seed 001's MED policy)."""
    p = policies(
        """
set policy-options policy-statement MNHA-MED-LOCAL-PREF term MED-10 from protocol bgp
set policy-options policy-statement MNHA-MED-LOCAL-PREF term MED-10 from metric 10
set policy-options policy-statement MNHA-MED-LOCAL-PREF term MED-10 then local-preference 200
set policy-options policy-statement MNHA-MED-LOCAL-PREF term MED-10 then accept
set policy-options policy-statement MNHA-MED-LOCAL-PREF term MED-20 from protocol bgp
set policy-options policy-statement MNHA-MED-LOCAL-PREF term MED-20 from metric 20
set policy-options policy-statement MNHA-MED-LOCAL-PREF term MED-20 then local-preference 50
set policy-options policy-statement MNHA-MED-LOCAL-PREF term MED-20 then accept
set policy-options policy-statement T term t from tag 7
set policy-options policy-statement T term t from local-preference 100
set policy-options policy-statement T term t then accept
"""
    )
    chain = "MNHA-MED-LOCAL-PREF"
    assert p.run(chain, rt("10.0.0.0/8", "BGP", metric=10)) == ("accept", {"local_pref": 200})
    assert p.run(chain, rt("10.0.0.0/8", "BGP", metric=20)) == ("accept", {"local_pref": 50})
    assert p.run(chain, rt("10.0.0.0/8", "BGP", metric=30)) == (None, {})
    assert p.verdict("T", rt("10.0.0.0/8", tag=7, local_pref=100)) == "accept"
    assert p.verdict("T", rt("10.0.0.0/8", tag=7)) is None


def test_as_path_prepend_and_next_hop_actions(policies):
    """`then as-path-prepend` adds in front of the AS path; `then next-hop` sets the next hop (address, discard, reject)."""
    p = policies(
        """
set policy-options policy-statement P term 1 from route-filter 203.0.113.100/32 exact
set policy-options policy-statement P term 1 then as-path-prepend "65020 65020"
set policy-options policy-statement P term 1 then next-hop 192.168.99.129
set policy-options policy-statement P term 1 then accept
set policy-options policy-statement P term 2 from route-filter 10.0.0.0/8 exact
set policy-options policy-statement P term 2 then next-hop discard
set policy-options policy-statement P term 2 then accept
set policy-options policy-statement P term 3 then next-hop reject
set policy-options policy-statement P term 3 then accept
"""
    )
    verdict, changes = p.run("P", rt("203.0.113.100/32", "BGP", as_path="65002"))
    assert verdict == "accept"
    assert changes == {"as_path": "65020 65020 65002", "next_hops": (NextHop(VIA, addr("192.168.99.129")),)}
    assert p.run("P", rt("10.0.0.0/8"))[1] == {"next_hops": (NextHop(DISCARD),)}
    assert p.run("P", rt("11.0.0.0/8"))[1] == {"next_hops": (NextHop(REJECT),)}
