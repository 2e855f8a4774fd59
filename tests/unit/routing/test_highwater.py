"""The highwater marks of `show route summary`: the most the tables held, when, and the time average."""

from __future__ import annotations

from routinglab import Lab

from nos.routing.highwater import Mark
from nos.routing.prefix import addr, prefix
from nos.routing.route import VIA, NextHop, Route

CONFIG = """
set interfaces ge-0/0/0 unit 0 family inet address 10.0.0.1/24
set routing-instances A instance-type virtual-router
set routing-options rib-groups FEED import-rib [ inet.0 A.inet.0 ]
"""


def feed() -> Route:
    return Route((0, 0), "BGP", (NextHop(VIA, addr("10.0.0.2")),), source="feed", table="inet.0", since=0)


def prefixes(n: int) -> list:
    return [prefix(f"198.51.{i // 256}.{i % 256}/32") for i in range(n)]


def test_a_mark_keeps_the_first_time_it_reached_its_highest_and_a_time_weighted_average():
    mark = Mark(at=0.0, since=0.0)
    mark.update(10, 0.0)
    mark.update(30, 10.0)  # 10 for 10 s
    mark.update(30, 15.0)  # no change
    mark.update(5, 20.0)  # 30 for 10 s
    mark.update(30, 40.0)  # 5 for 20 s: equal to the high, not a new one
    assert (mark.high, mark.at) == (30, 10.0)
    assert mark.average(0.0, 50.0) == round((100 + 300 + 100 + 300) / 50)


def test_a_feed_and_its_withdrawal_raise_the_marks_and_the_average_remembers_how_long(schema):
    lab = Lab(schema, CONFIG)
    engine, clock = lab.engine, lab.clock
    start = engine.highwater.start
    base = engine.totals()  # the interface's Direct and Local routes (and their copies)
    clock.now = start + 100
    engine.add_prefixes(feed(), prefixes(1000), "FEED")  # packed, into inet.0 and A.inet.0
    assert engine.totals() == (base[0] + 2000, base[1] + 2000, base[2] + 2000)
    clock.now = start + 400
    engine.withdraw_prefixes("feed", prefixes(1000))
    assert engine.totals() == base
    marks = engine.highwater.marks
    assert (marks["destinations"].high, marks["destinations"].at) == (base[0] + 2000, start + 100)
    assert (marks["fib"].high, marks["fib"].at) == (base[2] + 2000, start + 100)
    clock.now = start + 600
    # 2000 more for 300 of 600 seconds
    assert engine.highwater.average("destinations") == base[0] + 1000
    assert engine.highwater.average("vrf") == 0


def test_a_cut_to_the_feeds_gateway_takes_the_forwarding_count_down_but_not_its_mark(schema):
    lab = Lab(schema, CONFIG)
    engine, clock = lab.engine, lab.clock
    engine.add_prefixes(feed(), prefixes(50), "FEED")
    high = engine.totals()
    clock.now += 30
    lab.link("ge-0/0/0.0", False)  # the gateway is unreachable: the packed routes are hidden
    active = engine.totals()[2]
    assert active < high[2] - 100 and engine.highwater.marks["fib"].high == high[2]
    assert engine.highwater.marks["fib"].value == active
