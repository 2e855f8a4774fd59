"""BGP between nos devices: what one advertises (default and export policies, AS path, next hop self),
what the other installs (import policy, AS loops), and what a cut does, at exact lab times."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import pytest

from nos.lab.labfile import load_lab_file
from nos.lab.topology import build_lab
from nos.runtime.clock import ManualScheduler

LAB = """\
[lab]
name = "bgp-devices"

[nodes.R1]
kind = "device"
platform = "router"
config = "r1.conf"

[nodes.R2]
kind = "device"
platform = "router"
config = "r2.conf"

[nodes.ISP]
kind = "internet"
address = ["198.51.100.2/30"]

[nodes.ISP.bgp]
as = 65001
neighbors = { "198.51.100.1" = 65000 }
announce = ["9.9.9.0/24"]
feeds = [ { from = "16.0.0.0", length = 24, count = 100, path = [174] } ]

[[links]]
a = "R1:ge-0/0/0"
b = "ISP:eth0"

[[links]]
a = "R1:ge-0/0/1"
b = "R2:ge-0/0/1"
latency = 2
"""
PASSWORD = 'set system root-authentication encrypted-password "$6$x"\n'
R1 = (
    "set system host-name R1\n"
    + PASSWORD
    + "set interfaces ge-0/0/0 unit 0 family inet address 198.51.100.1/30\n"
    + "set interfaces ge-0/0/1 unit 0 family inet address 10.0.12.1/30\n"
    + "set routing-options autonomous-system 65000\n"
    + "set routing-options static route 192.168.1.0/24 discard\n"
    + "set policy-options policy-statement EXPORT term statics from protocol static\n"
    + "set policy-options policy-statement EXPORT term statics then as-path-prepend 65000\n"
    + "set policy-options policy-statement EXPORT term statics then accept\n"
    + "set protocols bgp group isp type external peer-as 65001 neighbor 198.51.100.2\n"
    + "set protocols bgp group r2 type external peer-as 65002 neighbor 10.0.12.2\n"
)
R2 = (
    "set system host-name R2\n"
    + PASSWORD
    + "set interfaces ge-0/0/1 unit 0 family inet address 10.0.12.2/30\n"
    + "set routing-options autonomous-system 65002\n"
    + "set protocols bgp group r1 type external peer-as 65000 neighbor 10.0.12.1\n"
)


def ip(text: str) -> int:
    return int(ipaddress.IPv4Address(text))


class Pair:
    def __init__(self, tmp_path: Path, r1: str = R1, r2: str = R2):
        for name, text in (("lab.toml", LAB), ("r1.conf", r1), ("r2.conf", r2)):
            (tmp_path / name).write_text(text)
        self.clock = ManualScheduler()
        self.lab = build_lab(load_lab_file(tmp_path / "lab.toml"), scheduler=self.clock)
        self.r1, self.r2 = self.lab.devices["R1"], self.lab.devices["R2"]

    def until(self, t: float) -> None:
        self.clock.advance(t - self.clock.now())

    def route(self, device, address: str):  # type: ignore[no-untyped-def]
        r = device.routing.lookup("inet.0", ip(address))
        return None if r is None else (r.protocol, r.as_path, r.resolved[0].gateway if r.resolved else None)

    def session(self, device, peer: str):  # type: ignore[no-untyped-def]
        return device.bgp.sessions[("master", ip(peer))]


@pytest.fixture
def pair(tmp_path: Path):  # type: ignore[no-untyped-def]
    p = Pair(tmp_path)
    yield p
    p.lab.close()


def test_r2_learns_the_feed_through_r1_with_r1s_as_first_and_r1_as_next_hop(pair):  # type: ignore[no-untyped-def]
    pair.until(0.0)
    assert pair.session(pair.r2, "10.0.12.1").state == "Established"
    assert pair.route(pair.r2, "16.0.5.1") == ("BGP", "65000 65001 174", ip("10.0.12.1"))
    assert pair.route(pair.r2, "9.9.9.9") == ("BGP", "65000 65001", ip("10.0.12.1"))
    # The static route only by the export policy (a static is not BGP's to advertise), prepended once more.
    assert pair.route(pair.r2, "192.168.1.1") is None  # the r2 group has no export policy yet
    r2_session = pair.session(pair.r2, "10.0.12.1")
    assert (len(r2_session.adj_in), r2_session.accepted) == (101, 101)
    # Nothing goes back to the ISP that it sent (R1 -> ISP carries no BGP route of the ISP's).
    assert pair.lab.nodes["ISP"].bgp.heard == {}


def test_an_export_policy_adds_the_static_with_its_prepend(tmp_path: Path):  # type: ignore[no-untyped-def]
    pair = Pair(tmp_path, r1=R1 + "set protocols bgp group r2 export EXPORT\n")
    try:
        pair.until(0.0)
        # What EXPORT neither accepts nor rejects falls to BGP's default policy: the feed goes on too.
        assert pair.route(pair.r2, "192.168.1.1") == ("BGP", "65000 65000", ip("10.0.12.1"))
        assert pair.route(pair.r2, "16.0.5.1") == ("BGP", "65000 65001 174", ip("10.0.12.1"))
    finally:
        pair.lab.close()


def test_an_import_policy_keeps_routes_out_and_counts_them_received(tmp_path: Path):  # type: ignore[no-untyped-def]
    r2 = (
        R2
        + "set policy-options policy-statement NO-16 term t from route-filter 16.0.0.0/8 orlonger\n"
        + "set policy-options policy-statement NO-16 term t then reject\n"
        + "set protocols bgp group r1 import NO-16\n"
    )
    pair = Pair(tmp_path, r2=r2)
    try:
        pair.until(0.0)
        session = pair.session(pair.r2, "10.0.12.1")
        assert (len(session.adj_in), session.accepted) == (101, 1)
        assert pair.route(pair.r2, "16.0.5.1") is None and pair.route(pair.r2, "9.9.9.9") is not None
    finally:
        pair.lab.close()


def test_a_path_with_our_own_as_is_a_loop(tmp_path: Path):  # type: ignore[no-untyped-def]
    (tmp_path / "lab.toml").write_text(LAB)
    pair = Pair(tmp_path)
    pair.lab.close()
    text = LAB.replace("path = [174]", "path = [65002]")  # the feed has been through R2's AS already
    (tmp_path / "lab.toml").write_text(text)
    pair.lab = build_lab(load_lab_file(tmp_path / "lab.toml"), scheduler=pair.clock)
    pair.r1, pair.r2 = pair.lab.devices["R1"], pair.lab.devices["R2"]
    try:
        pair.until(pair.clock.now() + 1.0)
        session = pair.session(pair.r2, "10.0.12.1")
        assert (len(session.adj_in), session.accepted) == (101, 1)  # received, kept out: only 9.9.9.0/24
        assert pair.route(pair.r2, "16.0.5.1") is None
    finally:
        pair.lab.close()


def test_a_peer_as_other_than_the_configured_one_is_refused(tmp_path: Path):  # type: ignore[no-untyped-def]
    pair = Pair(tmp_path, r2=R2.replace("autonomous-system 65002", "autonomous-system 65003"))
    try:
        pair.until(1.0)
        r1_side = pair.session(pair.r1, "10.0.12.2")  # R1's group r2 says peer-as 65002
        assert r1_side.state != "Established" and r1_side.last_error == "Open Message Error"
    finally:
        pair.lab.close()


def test_cutting_r1_r2_closes_both_sessions_and_the_routes_leave_at_once(pair):  # type: ignore[no-untyped-def]
    pair.until(5.0)
    link = pair.lab.find_link("R1:ge-0/0/1")
    pair.lab.set_link_state(link, False)
    pair.until(5.0)
    assert pair.session(pair.r2, "10.0.12.1").state == "Idle"
    assert pair.session(pair.r1, "10.0.12.2").state == "Idle"
    assert pair.route(pair.r2, "16.0.5.1") is None
    assert pair.route(pair.r1, "16.0.5.1") is not None  # R1's own feed is another session's
    pair.until(6.5)  # both tried at 6 s (after the idle hold), lost: again 32 s later
    pair.lab.set_link_state(link, True)
    pair.until(37.999)
    assert pair.route(pair.r2, "16.0.5.1") is None
    pair.until(38.0)
    assert pair.session(pair.r2, "10.0.12.1").state == "Established"
    assert pair.route(pair.r2, "16.0.5.1") == ("BGP", "65000 65001 174", ip("10.0.12.1"))
    assert pair.session(pair.r2, "10.0.12.1").counters.flaps == 1
