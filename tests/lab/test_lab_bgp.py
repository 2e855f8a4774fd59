"""An Internet node with a BGP speaker, from the lab file: its checks, its sessions with a device on the
lab clock (up, cut, restored, blackholed, at exact times) and the routes it brings into the device."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Any

import pytest
import trio
from labhelpers import REPO

from nos.lab.console import LabConsole
from nos.lab.labfile import FeedSpec, LabFileError, load_lab_file
from nos.lab.topology import Lab, build_lab
from nos.main import device_cli
from nos.routing.prefix import Prefix
from nos.runtime.clock import ManualScheduler

LAB = """\
[lab]
name = "bgp"
[nodes.R1]
kind = "device"
platform = "router"
config = "r1.conf"

[nodes.ISP1]
kind = "internet"
address = ["198.51.100.2/30"]
serves = ["8.8.8.8"]

[nodes.ISP1.bgp]
as = 65001
neighbors = { "198.51.100.1" = 65000 }
announce = ["0.0.0.0/0", "9.9.9.0/24"]
feeds = [ { from = "16.0.0.0", length = 24, count = 1000, path = [174, 3356] } ]

[[links]]
a = "R1:ge-0/0/0"
b = "ISP1:eth0"
latency = 5
"""
R1 = """\
set system host-name R1
set system root-authentication encrypted-password "$6$x"
set interfaces ge-0/0/0 unit 0 family inet address 198.51.100.1/30
set routing-options autonomous-system 65000
set protocols bgp group isp type external
set protocols bgp group isp peer-as 65001
set protocols bgp group isp neighbor 198.51.100.2
"""
FEED = 1000
ROUTES = FEED + 2  # the feed, the default route and 9.9.9.0/24
BLACKHOLE = ipaddress.IPv4Network("198.51.100.1/32")


def ip(text: str) -> int:
    return int(ipaddress.IPv4Address(text))


# -- the lab file ----------------------------------------------------------------------------------------------


def errors_of(write_lab, text: str) -> list[str]:  # type: ignore[no-untyped-def]
    path = write_lab(text, {"r1.conf": R1})
    with pytest.raises(LabFileError) as info:
        load_lab_file(path)
    return [e.replace(str(path), "lab.toml") for e in info.value.errors]


def test_a_bgp_table_is_read(write_lab):
    bgp = load_lab_file(write_lab(LAB, {"r1.conf": R1})).nodes["ISP1"].bgp
    assert bgp is not None
    assert (bgp.asn, bgp.router_id, bgp.hold_time, bgp.line) == (65001, ipaddress.IPv4Address("198.51.100.2"), 90, 13)
    assert bgp.neighbors == {ipaddress.IPv4Address("198.51.100.1"): 65000}
    assert [str(n) for n in bgp.announce] == ["0.0.0.0/0", "9.9.9.0/24"]
    (feed,) = bgp.feeds
    assert feed == FeedSpec(ip("16.0.0.0"), 24, 1000, (174, 3356))
    keys = feed.keys()
    assert isinstance(keys, range) and len(keys) == 1000  # never a list
    assert (keys[0], keys[-1]) == (ip("16.0.0.0") << 6 | 24, ip("16.3.231.0") << 6 | 24)
    assert feed.span() == (ip("16.0.0.0"), ip("16.3.232.0"))


def test_a_million_prefixes_cost_nothing_to_read(write_lab):
    text = LAB.replace("count = 1000,", "count = 1000000,").replace('"16.0.0.0"', '"32.0.0.0"')
    (feed,) = load_lab_file(write_lab(text, {"r1.conf": R1})).nodes["ISP1"].bgp.feeds  # type: ignore[union-attr]
    assert len(feed.keys()) == 1_000_000 and feed.span()[1] == ip("32.0.0.0") + (1_000_000 << 8)


def test_the_bgp_table_may_be_written_as_tables(write_lab):
    text = LAB.replace(
        'neighbors = { "198.51.100.1" = 65000 }\n', 'router-id = "192.0.2.99"\nhold-time = 30\n'
    ).replace(
        'feeds = [ { from = "16.0.0.0", length = 24, count = 1000, path = [174, 3356] } ]\n',
        '\n[nodes.ISP1.bgp.neighbors]\n"198.51.100.1" = 65000\n\n'
        '[[nodes.ISP1.bgp.feeds]]\nfrom = "16.0.0.0"\nlength = 24\ncount = 10\n\n'
        '[[nodes.ISP1.bgp.feeds]]\nfrom = "17.0.0.0"\nlength = 16\ncount = 0\n',
    )
    assert errors_of(write_lab, text) == ["lab.toml:27: bad feed count '0' (1..4000000)"]  # the second feed's table
    bgp = load_lab_file(write_lab(text.replace("count = 0", "count = 2"), {"r1.conf": R1})).nodes["ISP1"].bgp
    assert bgp is not None and (str(bgp.router_id), bgp.hold_time, len(bgp.feeds)) == ("192.0.2.99", 30, 2)
    assert bgp.neighbors == {ipaddress.IPv4Address("198.51.100.1"): 65000}


@pytest.mark.parametrize(
    ("old", "new", "error"),
    [
        ("as = 65001", "as = 0", "lab.toml:14: bad AS '0' (1..4294967295)"),
        ("as = 65001", "as = 4294967296", "lab.toml:14: bad AS '4294967296' (1..4294967295)"),
        ("as = 65001", 'as = "65001"', "lab.toml:14: bad AS '65001' (1..4294967295)"),
        ("as = 65001", "", "lab.toml:13: bgp of node 'ISP1' has no 'as'"),
        ("as = 65001", "as = 65001\nrouter-id = 'x'", "lab.toml:15: bad router-id 'x' (expected an IPv4 address)"),
        ("as = 65001", "as = 65001\nhold-time = 2", "lab.toml:15: bad hold-time '2' (0, or 3..65535 seconds)"),
        ("as = 65001", "as = 65001\nhold-time = true", "lab.toml:15: bad hold-time 'True' (0, or 3..65535 seconds)"),
        ("as = 65001", "as = 65001\ncolour = 'red'", "lab.toml:15: unknown key 'colour' in bgp (expected announce,"),
        (
            '"198.51.100.1" = 65000',
            '"198.51.100.1" = 0',
            "lab.toml:15: bad AS for neighbor 198.51.100.1 '0' (1..4294967295)",
        ),
        ('"198.51.100.1" = 65000', '"198.51.100.300" = 65000', "lab.toml:15: bad neighbor address '198.51.100.300'"),
        (
            '"198.51.100.1" = 65000',
            '"192.0.2.1" = 65000',
            "lab.toml:15: neighbor 192.0.2.1 is not on a subnet of node 'ISP1' (198.51.100.0/30): single-hop only",
        ),
        (
            '"198.51.100.1" = 65000',
            '"198.51.100.2" = 65000',
            "lab.toml:15: neighbor 198.51.100.2 is an address of node 'ISP1'",
        ),
        ('{ "198.51.100.1" = 65000 }', "{}", "lab.toml:15: bgp of node 'ISP1' has no neighbors"),
        ('{ "198.51.100.1" = 65000 }', '"198.51.100.1"', "lab.toml:15: 'neighbors' must be a table of address = AS"),
        (
            '"9.9.9.0/24"',
            '"9.9.9.9/24"',
            "lab.toml:16: bad prefix '9.9.9.9/24' in announce (expected network/length, like 8.8.8.0/24; 9.9.9.0/24?)",
        ),
        ('"9.9.9.0/24"', '"nine"', "lab.toml:16: bad prefix 'nine' in announce"),
        ('["0.0.0.0/0", "9.9.9.0/24"]', '"0.0.0.0/0"', "lab.toml:16: 'announce' must be a list"),
        ("count = 1000,", "count = 0,", "lab.toml:17: bad feed count '0' (1..4000000)"),
        ("count = 1000,", "count = 4000001,", "lab.toml:17: bad feed count '4000001' (1..4000000)"),
        ("length = 24", "length = 7", "lab.toml:17: bad feed length '7' (8..32)"),
        ("length = 24", "length = 33", "lab.toml:17: bad feed length '33' (8..32)"),
        ('from = "16.0.0.0"', 'from = "16.0.0.1"', "lab.toml:17: feed start 16.0.0.1 is not a /24 network (16.0.0.0?)"),
        ('from = "16.0.0.0"', 'from = "sixteen"', "lab.toml:17: bad feed start 'sixteen' (expected an IPv4 address)"),
        (
            'from = "16.0.0.0"',
            'from = "255.255.0.0"',
            "lab.toml:17: feed of 1000 /24 networks from 255.255.0.0 runs past 255.255.255.255 (room for 256)",
        ),
        ('from = "16.0.0.0", ', "", "lab.toml:17: feed has no 'from'"),
        ("path = [174, 3356]", "path = [174, 0]", "lab.toml:17: bad AS in feed path '0' (1..4294967295)"),
        ("path = [174, 3356]", "path = 174", "lab.toml:17: a feed's 'path' must be a list of AS numbers"),
        ("path = [174, 3356]", "med = 5", "lab.toml:17: unknown key 'med' in a feed (expected count, from, length,"),
        ("feeds = [ {", "feeds = [ 5, {", "lab.toml:17: a feed must be a table"),
        ('kind = "device"', 'kind = "device"\nbgp = { as = 1 }', "lab.toml:5: unknown key 'bgp' for a device"),
    ],
)
def test_mistakes_in_a_bgp_table(write_lab, old: str, new: str, error: str):
    assert old in LAB
    (message,) = errors_of(write_lab, LAB.replace(old, new, 1))
    assert message.startswith(error), message


def test_every_bgp_mistake_is_reported_at_once(write_lab):
    text = LAB.replace("as = 65001", "as = -1").replace("length = 24", "length = 40").replace("= 65000", "= 1.5")
    assert errors_of(write_lab, text) == [
        "lab.toml:14: bad AS '-1' (1..4294967295)",
        "lab.toml:15: bad AS for neighbor 198.51.100.1 '1.5' (1..4294967295)",
        "lab.toml:17: bad feed length '40' (8..32)",
    ]


def test_the_demo_lab_file_is_valid():
    spec = load_lab_file(REPO / "demo-configs" / "bgp-upstream" / "lab.toml")
    bgp = spec.nodes["ISP1"].bgp
    assert bgp is not None and bgp.asn == 65001 and len(bgp.feeds[0].keys()) == 10_000


# -- the node answers for what it announces ----------------------------------------------------------------------


def test_the_node_answers_for_what_it_announces_but_not_for_its_neighbours(write_lab):
    spec = load_lab_file(write_lab(LAB.replace('"0.0.0.0/0", ', ""), {"r1.conf": R1}))
    lab = build_lab(spec, scheduler=ManualScheduler())
    try:
        isp = lab.nodes["ISP1"]
        served = [isp.serves_address(ip(a)) for a in ("16.0.0.0", "16.3.231.255", "16.3.232.0", "9.9.9.9", "9.9.8.1")]
        assert served == [True, True, False, True, False]
        assert isp.serves_address(ip("8.8.8.8")) and isp.serves_address(ip("198.51.100.2"))
    finally:
        lab.close()
    lab = build_lab(load_lab_file(write_lab(LAB, {"r1.conf": R1})), scheduler=ManualScheduler())
    try:  # with a default route it answers for everything but its ports' subnets (where R1 is)
        isp = lab.nodes["ISP1"]
        assert isp.serves_address(ip("203.0.113.9")) and not isp.serves_address(ip("198.51.100.1"))
    finally:
        lab.close()


# -- sessions and routes on the lab clock --------------------------------------------------------------------------


class BgpLab:
    """The lab of LAB on a manual clock: R1's session and ISP1's, R1's inet.0."""

    def __init__(self, write_lab: Any, text: str = LAB, config: str = R1):
        self.sched = ManualScheduler()
        self.lab: Lab = build_lab(load_lab_file(write_lab(text, {"r1.conf": config})), scheduler=self.sched)
        self.r1 = self.lab.devices["R1"]
        ((_, self.session),) = self.r1.bgp.sessions.items()
        self.isp = self.lab.nodes["ISP1"]
        (self.peer,) = self.isp.bgp.sessions.values()

    def close(self) -> None:
        self.lab.close()

    def until(self, t: float) -> None:
        self.sched.advance(t - self.sched.now())

    def states(self) -> tuple[str, str]:
        return self.session.state, self.peer.state

    def route(self, address: str) -> tuple[Prefix, str] | None:
        route = self.r1.routing.lookup("inet.0", ip(address))
        return None if route is None else (route.prefix, f"{route.protocol} {route.as_path}")

    def bgp_routes(self) -> int:
        return sum(1 for _, r in self.r1.routing.tables["inet.0"].active_items() if r.protocol == "BGP")

    def events(self, since: float = 0.0) -> list[tuple[float, str, str]]:
        return [(e.time, e.node, e.text) for e in self.lab.events if e.time >= since and e.kind != "interface"]


@pytest.fixture
def bgp_lab(write_lab):  # type: ignore[no-untyped-def]
    lab = BgpLab(write_lab)
    yield lab
    lab.close()


def state_change(old: str, new: str, event: str) -> str:
    return (
        "RPD_BGP_NEIGHBOR_STATE_CHANGED: BGP peer 198.51.100.2 (External AS 65001) changed state "
        f"from {old} to {new} (event {event}) (instance master)"
    )


def test_the_session_is_established_when_the_lab_starts(bgp_lab):
    assert bgp_lab.states() == ("Active", "Active")  # started: both connect at the lab's first moment
    bgp_lab.until(0.0)
    assert bgp_lab.sched.now() == 0.0 and bgp_lab.states() == ("Established", "Established")
    assert (bgp_lab.session.since, bgp_lab.session.hold_time, bgp_lab.session.peer_id) == (0.0, 90, ip("198.51.100.2"))
    assert bgp_lab.session.accepted == ROUTES and bgp_lab.isp.bgp.heard == {}
    assert bgp_lab.events() == [
        (0.0, "R1", state_change("OpenConfirm", "Established", "RecvKeepAlive")),
        (0.0, "R1", f"inet.0: BGP routes: {ROUTES} added"),  # a burst of more than 8: one line
    ]


def test_the_routes_are_in_r1s_table(bgp_lab):
    bgp_lab.until(1.0)
    assert bgp_lab.route("16.0.3.7") == ((ip("16.0.3.0"), 24), "BGP 65001 174 3356")
    assert bgp_lab.route("16.3.231.255") == ((ip("16.3.231.0"), 24), "BGP 65001 174 3356")
    assert bgp_lab.route("9.9.9.9") == ((ip("9.9.9.0"), 24), "BGP 65001")
    assert bgp_lab.route("16.3.232.0") == ((0, 0), "BGP 65001")  # past the feed: the default route
    assert bgp_lab.route("198.51.100.2")[1].startswith("Direct")  # type: ignore[index]
    assert bgp_lab.bgp_routes() == ROUTES
    route = bgp_lab.r1.routing.lookup("inet.0", ip("16.0.3.7"))
    assert route.next_hops[0].gateway == ip("198.51.100.2") and route.preference == 170


def on_virtual_clock(path: Path, lines: list[tuple[str, str]], state_dir: Path, at: float = 1.0) -> list[str]:
    """Build a lab on the virtual clock, let `at` seconds pass, run device CLI lines: their outputs."""
    lab = build_lab(load_lab_file(path), clock="virtual", state_dir=state_dir)
    outputs: list[str] = []

    async def main() -> None:
        async with lab.running():
            await lab.sleep(at)
            hooks = device_cli()
            for node, line in lines:
                io = hooks.buffer_io()
                await hooks.session(lab.devices[node], io).execute(line)
                outputs.append(io.take())

    try:
        trio.run(main, clock=lab.scheduler.trio_clock)  # type: ignore[attr-defined]
    finally:
        lab.close()
    return outputs


def test_r1_pings_and_traces_addresses_of_the_feed(write_lab, tmp_path: Path):
    path = write_lab(LAB, {"r1.conf": R1})
    ping, trace = on_virtual_clock(
        path, [("R1", "ping 16.0.3.7 count 2"), ("R1", "traceroute 16.3.231.1")], tmp_path / "state"
    )
    assert "64 bytes from 16.0.3.7: icmp_seq=0 ttl=63 time=10.000 ms" in ping
    assert "2 packets transmitted, 2 packets received, 0% packet loss" in ping
    assert " 1  198.51.100.2 (198.51.100.2)" in trace and " 2  16.3.231.1 (16.3.231.1)" in trace


def test_without_a_default_route_what_is_not_announced_is_not_answered(write_lab, tmp_path: Path):
    config = R1 + "set routing-options static route 0.0.0.0/0 next-hop 198.51.100.2\n"
    path = write_lab(LAB.replace('"0.0.0.0/0", ', ""), {"r1.conf": config})
    inside, outside = on_virtual_clock(
        path, [("R1", "ping 16.0.0.1 count 2"), ("R1", "ping 16.3.232.1 count 2")], tmp_path / "state"
    )
    assert "2 packets received" in inside and "0 packets received" in outside


def test_a_cut_closes_both_sessions_at_once_and_a_repair_brings_them_back(bgp_lab):
    """Cut at 10 s, repaired at 11 s. Both ends see their port go down: each session closes at once
    (a directly connected EBGP session follows its interface), the routes go. After the 1 s idle hold
    each tries to connect (at 11 s, lost), then every 32 s: Established at 43 s."""
    bgp_lab.until(10.0)
    link = bgp_lab.lab.find_link("R1:ge-0/0/0")
    bgp_lab.lab.set_link_state(link, False)
    bgp_lab.until(10.0)
    assert bgp_lab.states() == ("Idle", "Idle")
    assert (bgp_lab.session.last_event, bgp_lab.session.counters.flaps) == ("Interface down", 1)
    assert bgp_lab.peer.last_event == "Interface down"
    assert bgp_lab.bgp_routes() == 0 and bgp_lab.route("16.0.3.7") is None
    bgp_lab.until(11.0)
    assert bgp_lab.states() == ("Active", "Active")  # tried once each, lost: again at 43 s
    bgp_lab.lab.set_link_state(link, True)  # at 11 s
    bgp_lab.until(42.999)
    assert bgp_lab.states() == ("Active", "Active")
    bgp_lab.until(43.0)
    assert bgp_lab.states() == ("Established", "Established") and bgp_lab.bgp_routes() == ROUTES
    assert bgp_lab.events(since=1.0) == [
        (10.0, "lab", "R1:ge-0/0/0 -- ISP1:eth0 down"),
        (10.0, "R1", "inet.0 198.51.100.0/30: no active route (was Direct/0 via ge-0/0/0.0)"),
        (10.0, "R1", state_change("Established", "Idle", "Interface down")),
        (10.0, "R1", f"inet.0: BGP routes: {ROUTES} removed"),
        (11.0, "lab", "R1:ge-0/0/0 -- ISP1:eth0 up"),
        (11.0, "R1", "inet.0 198.51.100.0/30: Direct/0 via ge-0/0/0.0"),
        (43.0, "R1", state_change("OpenConfirm", "Established", "RecvKeepAlive")),
        (43.0, "R1", f"inet.0: BGP routes: {ROUTES} added"),
    ]


def test_a_long_cut_keeps_both_ends_retrying(bgp_lab):
    """Cut at 10 s for 190 s: both ends closed at 10 s and retry at 11, 43, ... 171, 203 s: the link
    is back at 200 s, so the attempt at 203 s brings the session up."""
    bgp_lab.until(10.0)
    link = bgp_lab.lab.find_link("R1:ge-0/0/0")
    bgp_lab.lab.set_link_state(link, False)
    bgp_lab.until(199.999)
    assert bgp_lab.states() == ("Active", "Active")
    bgp_lab.lab.set_link_state(link, True)
    bgp_lab.until(202.999)
    assert bgp_lab.states() == ("Active", "Active")
    bgp_lab.until(203.0)
    assert bgp_lab.states() == ("Established", "Established") and bgp_lab.bgp_routes() == ROUTES
    assert (bgp_lab.session.since, bgp_lab.session.counters.flaps, bgp_lab.peer.counters.flaps) == (203.0, 1, 1)


def test_a_peer_that_restarted_replaces_the_stale_session(bgp_lab):
    """R1's session is reset by hand at 5 s (as a restart would); ISP1 still holds it Established when
    R1 connects again at 6 s: ISP1 refuses, drops its stale side at once, and connects at 7 s."""
    bgp_lab.until(5.0)
    bgp_lab.session.down("Stop", "Cease")
    bgp_lab.until(6.0)
    assert bgp_lab.peer.state == "Idle" and bgp_lab.peer.last_error == "Connection reset"
    bgp_lab.until(7.0)
    assert bgp_lab.states() == ("Established", "Established") and bgp_lab.bgp_routes() == ROUTES


def test_a_blackhole_ends_the_session_when_r1s_hold_timer_expires(bgp_lab):
    """ISP1 drops what it sends to R1 from 40 s: its keepalives (every 30 s) stop arriving after the one
    at 30 s, and R1's hold timer expires 90 s later, at 120 s; the routes go. Unblackholed at 400 s, the
    session is back at 425 s: R1 reconnected at 362 s (its OPEN hold of 240 s, from 121 s, expired) and
    ISP1's OPEN, lost, is sent again 1, 2, 4, 8, 16 and 32 s later (363 ... 425 s)."""
    bgp_lab.until(40.0)
    bgp_lab.lab.set_blackhole("ISP1", BLACKHOLE, True)
    out = trio.run(LabConsole(bgp_lab.lab).execute, "show topology")
    assert any("[ISP1] internet 198.51.100.2/30; serves 8.8.8.8; AS 65001, 1 neighbor" in line for line in out)
    bgp_lab.until(119.999)
    assert bgp_lab.states() == ("Established", "Established") and bgp_lab.bgp_routes() == ROUTES
    bgp_lab.until(120.0)
    assert bgp_lab.session.state == "Idle" and bgp_lab.session.last_error == "Hold Timer Expired Error"
    assert bgp_lab.bgp_routes() == 0
    assert bgp_lab.events(since=40.0) == [
        (40.0, "ISP1", "drops traffic to 198.51.100.1/32"),
        (120.0, "R1", state_change("Established", "Idle", "HoldTime")),
        (120.0, "R1", f"inet.0: BGP routes: {ROUTES} removed"),
    ]
    bgp_lab.until(400.0)
    assert bgp_lab.session.state != "Established"
    bgp_lab.lab.set_blackhole("ISP1", BLACKHOLE, False)
    bgp_lab.until(424.999)
    assert bgp_lab.session.state == "OpenSent"
    bgp_lab.until(425.0)
    assert bgp_lab.states() == ("Established", "Established") and bgp_lab.bgp_routes() == ROUTES


def test_a_few_routes_are_told_one_by_one(write_lab):
    """Up to 8 BGP route changes at one moment: one timeline line each (more: one line per table)."""
    text = LAB.replace('feeds = [ { from = "16.0.0.0", length = 24, count = 1000, path = [174, 3356] } ]\n', "")
    lab = BgpLab(write_lab, text)
    try:
        lab.until(0.0)
        assert lab.events() == [
            (0.0, "R1", state_change("OpenConfirm", "Established", "RecvKeepAlive")),
            (0.0, "R1", "inet.0 0.0.0.0/0: BGP/170 to 198.51.100.2 via ge-0/0/0.0"),
            (0.0, "R1", "inet.0 9.9.9.0/24: BGP/170 to 198.51.100.2 via ge-0/0/0.0"),
        ]
    finally:
        lab.close()


def test_the_demo_lab_runs(tmp_path: Path):
    demo = REPO / "demo-configs" / "bgp-upstream" / "lab.toml"
    lab = build_lab(load_lab_file(demo), scheduler=ManualScheduler(), state_dir=tmp_path / "manual")
    try:
        lab.scheduler.advance(1.0)  # type: ignore[attr-defined]
        (session,) = lab.devices["R1"].bgp.sessions.values()
        assert (session.state, session.since, session.accepted) == ("Established", 0.0, 10_002)
        assert lab.nodes["ISP1"].bgp.heard == {ip("198.51.100.1"): 1}  # R1's LAN, by its export policy
    finally:
        lab.close()
    (ping,) = on_virtual_clock(demo, [("R1", "ping 16.39.15.1 count 2")], tmp_path / "virtual")
    assert "2 packets received" in ping
