"""What a route change does to live sessions (path.py, "Route changes"), in a lab on a manual clock.

    H 10.0.1.10 -- ge-0/0/0 10.0.1.1 (trust)        SRX
                   ge-0/0/1 192.0.2.1 (untrust) -- 192.0.2.2 R1 198.51.100.1 -- eth0 Net (8.8.8.8)
                   ge-0/0/2 192.0.2.5 (untrust) -- 192.0.2.6 R2 198.51.100.5 -- eth1 Net

The SRX translates trust to untrust to the egress interface's address (source NAT interface); its
default route goes by R1 until a commit moves it to R2. Net answers by the port a packet came in on;
R1 and R2 route H's LAN back to the SRX, but neither routes the other's uplink address there: an
answer to the address of the other uplink is lost, as it is between two ISPs.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from featurelab import commit_set

from nos.features.flow import path
from nos.features.flow.sessions.table import INVALIDATED_TIMEOUT
from nos.lab.labfile import load_lab_file
from nos.lab.packet import Packet, ipv4_int, ipv4_text
from nos.lab.topology import build_lab
from nos.runtime.clock import ManualScheduler

SRX = """\
set system host-name SRX
set system root-authentication encrypted-password "$6$lab$x"
set interfaces ge-0/0/0 unit 0 family inet address 10.0.1.1/24
set interfaces ge-0/0/1 unit 0 family inet address 192.0.2.1/30
set interfaces ge-0/0/2 unit 0 family inet address 192.0.2.5/30
set routing-options static route 0.0.0.0/0 next-hop 192.0.2.2
set security zones security-zone trust interfaces ge-0/0/0.0
set security zones security-zone untrust interfaces ge-0/0/1.0
set security zones security-zone untrust interfaces ge-0/0/2.0
set security policies from-zone trust to-zone untrust policy out match source-address any
set security policies from-zone trust to-zone untrust policy out match destination-address any
set security policies from-zone trust to-zone untrust policy out match application any
set security policies from-zone trust to-zone untrust policy out then permit
set security nat source rule-set out from zone trust
set security nat source rule-set out to zone untrust
set security nat source rule-set out rule all match source-address 0.0.0.0/0
set security nat source rule-set out rule all then source-nat interface
"""

ROUTER = """\
set system host-name {name}
set system root-authentication encrypted-password "$6$lab$x"
set interfaces ge-0/0/0 unit 0 family inet address {inside}/30
set interfaces ge-0/0/1 unit 0 family inet address {outside}/30
set routing-options static route 0.0.0.0/0 next-hop {net}
set routing-options static route 10.0.1.0/24 next-hop {srx}
"""

LAB = """\
[lab]
name = "reroute"
clock = "virtual"

[nodes.SRX]
kind = "device"
config = "srx.conf"

[nodes.R1]
kind = "device"
platform = "router"
config = "r1.conf"

[nodes.R2]
kind = "device"
platform = "router"
config = "r2.conf"

[nodes.Net]
kind = "internet"
address = ["198.51.100.2/30", "198.51.100.6/30"]
serves = ["8.8.8.8"]

[nodes.H]
kind = "host"
address = "10.0.1.10/24"
gateway = "10.0.1.1"

[nodes.H2]
kind = "host"
address = "10.0.9.2/24"

[[links]]
a = "SRX:ge-0/0/0"
b = "H:eth0"

[[links]]
a = "SRX:ge-0/0/1"
b = "R1:ge-0/0/0"

[[links]]
a = "SRX:ge-0/0/2"
b = "R2:ge-0/0/0"

[[links]]
a = "SRX:ge-0/0/3"
b = "H2:eth0"

[[links]]
a = "R1:ge-0/0/1"
b = "Net:eth0"

[[links]]
a = "R2:ge-0/0/1"
b = "Net:eth1"
"""

TO_R2 = "delete routing-options static route 0.0.0.0/0\nset routing-options static route 0.0.0.0/0 next-hop 192.0.2.6\n"
TO_R1 = "delete routing-options static route 0.0.0.0/0\nset routing-options static route 0.0.0.0/0 next-hop 192.0.2.2\n"
NO_ROUTE = "delete routing-options static route 0.0.0.0/0\n"
ROUTE_BACK = "set routing-options static route 0.0.0.0/0 next-hop 192.0.2.2\n"
UPLINK1, UPLINK2 = "192.0.2.1", "192.0.2.5"


class RerouteLab:
    def __init__(self, folder: Path, srx: str):
        (folder / "srx.conf").write_text(srx)
        (folder / "r1.conf").write_text(
            ROUTER.format(name="R1", inside="192.0.2.2", outside="198.51.100.1", net="198.51.100.2", srx=UPLINK1)
        )
        (folder / "r2.conf").write_text(
            ROUTER.format(name="R2", inside="192.0.2.6", outside="198.51.100.5", net="198.51.100.6", srx=UPLINK2)
        )
        (folder / "lab.toml").write_text(LAB)
        self.clock = ManualScheduler()
        self.lab = build_lab(load_lab_file(folder / "lab.toml"), scheduler=self.clock, state_dir=folder / "state")
        self.srx = self.lab.nodes["SRX"].device

    @property
    def table(self):  # type: ignore[no-untyped-def]
        return self.srx.flow_sessions.table

    def commit(self, text: str) -> None:
        commit_set(self.srx, text)

    def send(self, proto: str, sport: int, dport: int, code: str = "", dst: str = "8.8.8.8"):  # type: ignore[no-untyped-def]
        """One packet of H's to `dst` and what came back (the exchange)."""
        packet = Packet(0, ipv4_int(dst), proto, sport=sport, dport=dport, code=code, size=100)
        return self.lab.exchange("H", packet)

    def session(self):  # type: ignore[no-untyped-def]
        (found,) = self.table.select()
        return found

    def close(self) -> None:
        self.lab.close()


@pytest.fixture
def reroute(tmp_path):  # type: ignore[no-untyped-def]
    made: list[RerouteLab] = []

    def make(extra: str = "") -> RerouteLab:
        folder = tmp_path / f"lab{len(made)}"
        folder.mkdir()
        made.append(RerouteLab(folder, SRX + extra))
        return made[-1]

    yield make
    for lab in made:
        lab.close()


def ssh(lab: RerouteLab, sport: int = 40000):  # type: ignore[no-untyped-def]
    """An established SSH session of H's to 8.8.8.8 (SYN, then data): the session."""
    assert lab.send("tcp", sport, 22).reply.code == "syn-ack"
    assert lab.send("tcp", sport, 22, "psh").reply.code == "ack"
    return lab.session()


def test_the_route_unchanged_the_session_goes_on(reroute):
    lab = reroute()
    s = ssh(lab)
    lab.commit("set routing-options static route 192.0.2.128/25 next-hop 192.0.2.6\n")  # a change elsewhere
    assert lab.send("tcp", 40000, 22, "psh").reply.code == "ack"
    assert s.valid and s.out_wing.ifl == "ge-0/0/1.0" and lab.table.stats.drops == {}


def test_tcp_with_interface_nat_is_invalidated_as_seed_000_tells(reroute):
    """The new egress is in the same zone but the session's source is the old uplink's address: the
    packet is dropped, the session lives 6 s more (4 s later it shows 2), and the client's next
    segments, no SYN among them, can make no new one."""
    lab = reroute()
    s = ssh(lab)
    lab.clock.advance(100)
    lab.commit(TO_R2)
    assert lab.send("tcp", 40000, 22, "psh").reply is None
    assert (s.valid, s.remaining(lab.clock.now()), s.out_wing.ifl) == (False, INVALIDATED_TIMEOUT, "ge-0/0/1.0")
    assert lab.table.stats.drops == {path.REROUTE: 1}
    lab.clock.advance(4)
    assert lab.send("tcp", 40000, 22, "psh").reply is None  # dropped; it does not refresh the session
    assert s.remaining(lab.clock.now()) == INVALIDATED_TIMEOUT - 4 and lab.table.summary().invalidated == 1
    lab.clock.advance(INVALIDATED_TIMEOUT - 4)
    assert not s.alive and len(lab.table) == 0
    assert lab.send("tcp", 40000, 22, "psh").reply is None
    assert lab.table.stats.drops == {path.REROUTE: 2, path.SYN_CHECK: 1}
    fresh = ssh(lab, 40001)  # a new connection leaves by R2, translated to its uplink
    assert (fresh.out_wing.ifl, ipv4_text(fresh.out_wing.dst)) == ("ge-0/0/2.0", UPLINK2)


def test_udp_with_interface_nat_is_rerouted_with_its_old_translation(reroute):
    """The stream keeps its session: its packets leave by R2 translated to R1's uplink, Net answers
    that address, and the answers never come back; each packet refreshes the session."""
    lab = reroute()
    assert lab.send("udp", 5000, 5004).reply is not None
    s = lab.session()
    lab.commit(TO_R2)
    lab.clock.advance(50)
    ex = lab.send("udp", 5000, 5004)
    assert ex.reply is None and s.valid and lab.table.stats.drops == {}
    assert (s.out_wing.ifl, s.out_wing.zone, ipv4_text(s.out_wing.dst)) == ("ge-0/0/2.0", "untrust", UPLINK1)
    assert s.remaining(lab.clock.now()) == 60  # refreshed: it will not age out while the stream runs
    assert ex.forward is not None and ex.forward.node == "Net"  # Net answered, to R1's uplink:
    assert ipv4_text(ex.forward.packet.dst) == UPLINK1
    # Its answers would come to the new interface: the out wing is found there.
    assert lab.table.lookup("udp", ipv4_int("8.8.8.8"), 5004, ipv4_int(UPLINK1), s.out_wing.dport) == (s, "out")
    # Cleared, the next packet makes a session through R2, translated to R2's uplink: answered.
    assert lab.table.clear() == 1
    assert lab.send("udp", 5000, 5004).reply is not None
    assert ipv4_text(lab.session().out_wing.dst) == UPLINK2


def test_the_route_back_brings_the_old_translation_home(reroute):
    """The UDP session moved to R2 with R1's address: when the route comes back to R1 it moves back,
    and its translation fits again."""
    lab = reroute()
    lab.send("udp", 5000, 5004)
    s = lab.session()
    lab.commit(TO_R2)
    assert lab.send("udp", 5000, 5004).reply is None
    lab.commit(TO_R1)
    assert lab.send("udp", 5000, 5004).reply is not None
    assert s.valid and s.out_wing.ifl == "ge-0/0/1.0" and s.id == lab.session().id


def test_tcp_without_source_nat_follows_the_route(reroute):
    """Nothing ties the session to R1's uplink (NAT off): it moves to R2 and goes on."""
    lab = reroute(
        "set security nat source rule-set out rule none match destination-address 8.8.8.8/32\n"
        "set security nat source rule-set out rule none then source-nat off\n"
        "insert security nat source rule-set out rule none before rule all\n"
    )
    s = ssh(lab)
    assert s.out_wing.dst == s.in_wing.src  # untranslated
    lab.commit(TO_R2)
    assert lab.send("tcp", 40000, 22, "psh").reply.code == "ack"  # Net knows the connection: same source
    assert s.valid and s.out_wing.ifl == "ge-0/0/2.0" and lab.table.stats.drops == {}


def test_another_zone_fails_the_reroute_for_every_protocol(reroute):
    lab = reroute(
        "delete security zones security-zone untrust interfaces ge-0/0/2.0\n"
        "set security zones security-zone backup interfaces ge-0/0/2.0\n"
    )
    lab.send("udp", 5000, 5004)
    s = lab.session()
    lab.commit(TO_R2)
    assert lab.send("udp", 5000, 5004).reply is None
    assert (s.valid, s.out_wing.ifl) == (False, "ge-0/0/1.0") and lab.table.stats.drops == {path.REROUTE: 1}
    lab.clock.advance(INVALIDATED_TIMEOUT)
    assert len(lab.table) == 0
    # What comes next takes the first path: trust to backup has no policy, the default denies.
    assert lab.send("udp", 5000, 5004).reply is None and lab.table.stats.drops[path.POLICY] == 1


def test_no_route_keeps_the_timeout_unless_route_change_timeout_says(reroute):
    """Junos: a session whose route is gone ages out by its own timeout; `route-change-timeout N`
    gives it N s at most."""
    lab = reroute()
    s = ssh(lab)
    lab.commit(NO_ROUTE)
    assert lab.send("tcp", 40000, 22, "psh").reply is None
    assert s.valid and s.remaining(lab.clock.now()) == 1800
    lab.commit(ROUTE_BACK + "set security flow route-change-timeout 10\n")
    lab.commit(NO_ROUTE)
    lab.send("tcp", 40000, 22, "psh")
    assert not s.valid and s.remaining(lab.clock.now()) == 10
    lab.commit(ROUTE_BACK)  # the route comes back: packets pass while the session runs out
    assert lab.send("tcp", 40000, 22, "psh").reply.code == "ack"
    lab.clock.advance(10)
    assert len(lab.table) == 0


def test_the_answer_direction_reroutes_too(reroute):
    """Answers leave by the in wing's interface: when the route toward the client moves (to another
    trust interface), the in wing moves with it."""
    lab = reroute(
        "set interfaces ge-0/0/3 unit 0 family inet address 10.0.9.1/24\n"
        "set security zones security-zone trust interfaces ge-0/0/3.0\n"
    )
    s = ssh(lab)
    dp = lab.srx.dataplane
    lab.commit("set routing-options static route 10.0.1.10/32 next-hop 10.0.9.2\n")
    answer = Packet(ipv4_int("8.8.8.8"), ipv4_int(UPLINK1), "tcp", ttl=60, code="ack", sport=22, dport=s.out_wing.dport)
    verdict = dp.flow.arrive(answer, dp.interfaces.units["ge-0/0/1.0"], "inet.0")
    assert s.valid and (s.in_wing.ifl, s.out_wing.ifl) == ("ge-0/0/3.0", "ge-0/0/1.0")
    assert (verdict.action, verdict.port) == ("forward", "ge-0/0/3")
    assert ipv4_text(verdict.packet.dst) == "10.0.1.10"  # translated back as before
