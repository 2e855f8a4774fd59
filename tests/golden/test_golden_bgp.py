"""Golden transcripts of `show bgp summary`, `show bgp neighbor` and `show route receive-protocol /
advertising-protocol bgp` on R1, a router with two upstreams in a lab on a manual clock. Each expected
file (data/bgp_*.golden) was checked by eye against the captures (reference/junos-output
show_bgp_summary__vsrx_24.4, show_route_receive_protocol_bgp__prefix__mnha_rtr, and `show bgp neighbor`
/ receive / advertising outputs of vMX and MX labs); run with NOS_UPDATE_GOLDEN=1 to rewrite them
after a deliberate change, and read the diff.

    R1 ge-0/0/0 198.51.100.1 --2 ms-- eth0 198.51.100.2  ISP1, AS 65001
       ge-0/0/1 203.0.113.1  --4 ms-- eth0 203.0.113.2   ISP2, AS 65002 (R1's hold time 30 s)
       neighbour 192.0.2.66 (AS 65003): no route to it, Active

ISP1 announces 16.0.0.0/24 .. 16.0.4.0/24 (path 174) and 8.8.8.0/24 (15169, MED 10); ISP2 announces
8.8.8.0/24 on a longer path (3356 15169), 9.9.9.0/24, and 10.99.0.0/16 with R1's own AS in the path
(a loop: received, not accepted). R1 exports its static 10.10.0.0/16 to ISP2 (policy to-isp2).

Timeline (from Thu Jan 1 00:00:00 2026): both sessions come up at once; the neighbour 192.0.2.66 is
added at 1d 01:50:30; the `up` transcripts are taken at 1d 02:03:04. ISP1's link then loses every
packet from 1d 02:03:45 (a silent failure: R1's interface stays up). ISP1's last keepalive reached R1
at 1d 02:03:30.0, so R1's hold timer (90 s) expires at 1d 02:05:00.0; the `down` transcripts are
taken at 1d 02:06:40.
"""

from __future__ import annotations

import ipaddress

import pytest
from transcripts import DATA, Transcript, assert_golden, file_stem, manual_lab

from nos.config.load import parse_set
from nos.features.bgp.labpeer import Announcement, LabPeer
from nos.features.bgp.messages import key_of
from nos.routing.prefix import prefix

DAY = 86_400
LATE_COMMIT = DAY + 6_630  # 1d 01:50:30
UP = DAY + 7_384  # 1d 02:03:04
CUT = DAY + 7_425  # 1d 02:03:45
HOLD_EXPIRY = DAY + 7_500.0  # 1d 02:05:00
DOWN = DAY + 7_600  # 1d 02:06:40

R1 = """\
set system host-name R1
set system root-authentication encrypted-password "$6$golden$x"
set interfaces ge-0/0/0 unit 0 family inet address 198.51.100.1/30
set interfaces ge-0/0/1 unit 0 family inet address 203.0.113.1/30
set interfaces lo0 unit 0 family inet address 192.0.2.1/32
set routing-options router-id 192.0.2.1
set routing-options autonomous-system 65000
set routing-options static route 10.10.0.0/16 discard
set policy-options policy-statement to-isp2 term statics from protocol static
set policy-options policy-statement to-isp2 term statics then accept
set protocols bgp group isp1 type external
set protocols bgp group isp1 peer-as 65001
set protocols bgp group isp1 neighbor 198.51.100.2
set protocols bgp group isp2 type external
set protocols bgp group isp2 peer-as 65002
set protocols bgp group isp2 hold-time 30
set protocols bgp group isp2 export to-isp2
set protocols bgp group isp2 neighbor 203.0.113.2 description "transit two"
"""

LATE = """\
set protocols bgp group lost type external
set protocols bgp group lost peer-as 65003
set protocols bgp group lost neighbor 192.0.2.66
"""

LAB = """\
[lab]
name = "golden-bgp"
clock = "virtual"

[nodes.R1]
kind = "device"
platform = "router"
config = "r1.conf"

[nodes.ISP1]
kind = "internet"
address = ["198.51.100.2/30"]

[nodes.ISP2]
kind = "internet"
address = ["203.0.113.2/30"]

[[links]]
a = "R1:ge-0/0/0"
b = "ISP1:eth0"
latency = 2

[[links]]
a = "R1:ge-0/0/1"
b = "ISP2:eth0"
latency = 4
"""

ISP1, ISP2, LOST = "198.51.100.2", "203.0.113.2", "192.0.2.66"


def _ip(text: str) -> int:
    return int(ipaddress.IPv4Address(text))


def _keys(*prefixes: str) -> tuple[int, ...]:
    return tuple(key_of(prefix(p)) for p in prefixes)


def _speakers(lab) -> None:  # type: ignore[no-untyped-def]
    """The two upstreams' BGP speakers, attached by hand (the lab file's `bgp` table is another matter)."""
    feed = range(key_of(prefix("16.0.0.0/24")), key_of(prefix("16.0.5.0/24")), 256 << 6)
    one = lab.nodes["ISP1"]
    one.bgp = LabPeer(
        one,
        lab,
        65001,
        _ip(ISP1),
        {_ip("198.51.100.1"): 65000},
        [Announcement(feed, (174,)), Announcement(_keys("8.8.8.0/24"), (15169,), med=10)],
    )
    two = lab.nodes["ISP2"]
    two.bgp = LabPeer(
        two,
        lab,
        65002,
        _ip(ISP2),
        {_ip("203.0.113.1"): 65000},
        [
            Announcement(_keys("8.8.8.0/24"), (3356, 15169)),
            Announcement(_keys("9.9.9.0/24"), (19281,)),
            Announcement(_keys("10.99.0.0/16"), (65000,)),
        ],
    )
    one.bgp.start()
    two.bgp.start()


def _lab(folder):  # type: ignore[no-untyped-def]
    lab, clock = manual_lab(folder, {"r1.conf": R1, "lab.toml": LAB})
    _speakers(lab)
    clock.advance(LATE_COMMIT)
    device = lab.nodes["R1"].device
    tree = device.db.new_candidate()
    assert not parse_set(tree, LATE).messages
    assert device.db.commit(tree, "lab").ok
    clock.advance(UP - clock.now())
    return lab, clock, device


@pytest.fixture(scope="module")
def bgp_up(tmp_path_factory):  # type: ignore[no-untyped-def]
    lab, _, device = _lab(tmp_path_factory.mktemp("golden-bgp-up"))
    yield Transcript(device)
    lab.close()


@pytest.fixture(scope="module")
def bgp_down(tmp_path_factory):  # type: ignore[no-untyped-def]
    lab, clock, device = _lab(tmp_path_factory.mktemp("golden-bgp-down"))
    clock.advance(CUT - clock.now())
    lab.set_link_quality(lab.find_link("R1:ge-0/0/0"), loss_pct=100.0)
    session = device.bgp.sessions[("master", _ip(ISP1))]
    clock.advance(HOLD_EXPIRY - clock.now() - 0.001)
    assert session.state == "Established"
    clock.advance(0.002)
    assert session.counters.flaps == 1 and session.since == HOLD_EXPIRY
    assert session.last_error == "Hold Timer Expired Error"
    clock.advance(DOWN - clock.now())
    yield Transcript(device)
    lab.close()


UP_COMMANDS = [
    "show bgp summary",
    "show bgp neighbor",
    f"show bgp neighbor {ISP2}",
    f"show bgp neighbor {LOST}",
    "show bgp neighbor 10.9.9.9",
    f"show route receive-protocol bgp {ISP1}",
    f"show route receive-protocol bgp {ISP2}",
    f"show route receive-protocol bgp {ISP2} 8.8.8.8",
    f"show route 16.0.0.0/22 receive-protocol bgp {ISP1}",
    f"show route receive-protocol bgp {ISP1} 16.0.2.0/24 exact",
    f"show route receive-protocol bgp {LOST}",
    f"show route advertising-protocol bgp {ISP2}",
    f"show route advertising-protocol bgp {ISP1}",
]

DOWN_COMMANDS = [
    "show bgp summary",
    f"show bgp neighbor {ISP1}",
    f"show route receive-protocol bgp {ISP1}",
    f"show route receive-protocol bgp {ISP2}",
    f"show route advertising-protocol bgp {ISP2}",
]


def golden_name(phase: str, command: str) -> str:
    return f"bgp_{phase}_{file_stem(command)}.golden"


@pytest.mark.parametrize("command", UP_COMMANDS)
def test_golden_up(bgp_up, command):
    """Both upstreams established, the third neighbour Active, at 1d 02:03:04."""
    assert_golden(bgp_up.run(command), golden_name("up", command))


@pytest.mark.parametrize("command", DOWN_COMMANDS)
def test_golden_down(bgp_down, command):
    """ISP1's session closed by its hold timer at 1d 02:05:00, 100 s before: Active again, its routes gone."""
    assert_golden(bgp_down.run(command), golden_name("down", command))


def test_golden_not_running(srx_cli):
    """srx1 (tests/golden/data/srx.conf) has no `protocols bgp`."""
    assert_golden(srx_cli.run("show bgp summary"), "bgp_not_running_show_bgp_summary.golden")


def test_every_bgp_golden_file_has_a_command():
    expected = {golden_name("up", c) for c in UP_COMMANDS} | {golden_name("down", c) for c in DOWN_COMMANDS}
    expected.add("bgp_not_running_show_bgp_summary.golden")
    assert {p.name for p in DATA.glob("bgp_*")} == expected
