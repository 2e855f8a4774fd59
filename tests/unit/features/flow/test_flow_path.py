"""The flow path of an SRX in a lab on a manual clock: zones, host-inbound-traffic, policies, sessions,
source and destination NAT, ICMP errors through NAT, and the statistics.

    H     10.0.1.10 -- ge-0/0/0 10.0.1.1   (trust)
    Srv   10.0.2.10 -- ge-0/0/2 10.0.2.1   (dmz; 203.0.113.10 outside: destination NAT)   SRX
    Stray 10.0.3.10 -- ge-0/0/3 10.0.3.1   (in no zone)
                       ge-0/0/1 192.0.2.1  (untrust, source NAT interface) -- 192.0.2.2 R (a router)
                                                           R 198.51.100.1 -- 198.51.100.2 Net (8.8.8.8 ...)

R has no route to 10.0.0.0/8: an answer reaches a LAN host only through the SRX's NAT.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import trio
from featurelab import commit_set

from nos.cli.io import BufferIO
from nos.cli.session import CliSession
from nos.features.flow import path
from nos.lab import icmp, tools
from nos.lab.labfile import load_lab_file
from nos.lab.packet import ECHO_REPLY, ECHO_REQUEST, TIME_EXCEEDED, UNREACHABLE, Packet, ipv4_int, ipv4_text
from nos.lab.topology import build_lab
from nos.runtime.clock import ManualScheduler

SRX = """\
set system host-name SRX
set system root-authentication encrypted-password "$6$lab$x"
set interfaces ge-0/0/0 unit 0 family inet address 10.0.1.1/24
set interfaces ge-0/0/1 unit 0 family inet address 192.0.2.1/30
set interfaces ge-0/0/2 unit 0 family inet address 10.0.2.1/24
set interfaces ge-0/0/3 unit 0 family inet address 10.0.3.1/24
set routing-options static route 0.0.0.0/0 next-hop 192.0.2.2
set security zones security-zone trust interfaces ge-0/0/0.0
set security zones security-zone trust host-inbound-traffic system-services ping
set security zones security-zone trust host-inbound-traffic system-services traceroute
set security zones security-zone untrust interfaces ge-0/0/1.0
set security zones security-zone dmz interfaces ge-0/0/2.0
set security address-book global address google-dns-2 8.8.4.4/32
set security address-book global address quad9 9.9.9.9/32
set security address-book global address srv 10.0.2.10/32
set security policies from-zone trust to-zone untrust policy no-dns-2 match source-address any
set security policies from-zone trust to-zone untrust policy no-dns-2 match destination-address google-dns-2
set security policies from-zone trust to-zone untrust policy no-dns-2 match application any
set security policies from-zone trust to-zone untrust policy no-dns-2 then deny
set security policies from-zone trust to-zone untrust policy no-quad9 match source-address any
set security policies from-zone trust to-zone untrust policy no-quad9 match destination-address quad9
set security policies from-zone trust to-zone untrust policy no-quad9 match application any
set security policies from-zone trust to-zone untrust policy no-quad9 then reject
set security policies from-zone trust to-zone untrust policy out match source-address any
set security policies from-zone trust to-zone untrust policy out match destination-address any
set security policies from-zone trust to-zone untrust policy out match application any
set security policies from-zone trust to-zone untrust policy out then permit
set security policies from-zone untrust to-zone dmz policy to-srv match source-address any
set security policies from-zone untrust to-zone dmz policy to-srv match destination-address srv
set security policies from-zone untrust to-zone dmz policy to-srv match application junos-ping
set security policies from-zone untrust to-zone dmz policy to-srv then permit
set security nat source rule-set out from zone trust
set security nat source rule-set out to zone untrust
set security nat source rule-set out rule all match source-address 0.0.0.0/0
set security nat source rule-set out rule all then source-nat interface
set security nat destination pool srv address 10.0.2.10/32
set security nat destination rule-set in from zone untrust
set security nat destination rule-set in rule srv match destination-address 203.0.113.10/32
set security nat destination rule-set in rule srv then destination-nat pool srv
"""

R = """\
set system host-name R
set system root-authentication encrypted-password "$6$lab$x"
set interfaces ge-0/0/0 unit 0 family inet address 192.0.2.2/30
set interfaces ge-0/0/1 unit 0 family inet address 198.51.100.1/30
set routing-options static route 0.0.0.0/0 next-hop 198.51.100.2
set routing-options static route 203.0.113.0/24 next-hop 192.0.2.1
"""

LAB = """\
[lab]
name = "flow"
clock = "virtual"

[nodes.SRX]
kind = "device"
config = "srx.conf"

[nodes.R]
kind = "device"
platform = "router"
config = "r.conf"

[nodes.Net]
kind = "internet"
address = "198.51.100.2/30"
serves = ["8.8.8.8", "8.8.4.4", "9.9.9.9"]

[nodes.H]
kind = "host"
address = "10.0.1.10/24"
gateway = "10.0.1.1"

[nodes.Srv]
kind = "host"
address = "10.0.2.10/24"
gateway = "10.0.2.1"

[nodes.Stray]
kind = "host"
address = "10.0.3.10/24"
gateway = "10.0.3.1"

[[links]]
a = "SRX:ge-0/0/0"
b = "H:eth0"

[[links]]
a = "SRX:ge-0/0/2"
b = "Srv:eth0"

[[links]]
a = "SRX:ge-0/0/3"
b = "Stray:eth0"

[[links]]
a = "SRX:ge-0/0/1"
b = "R:ge-0/0/0"
latency = 2

[[links]]
a = "R:ge-0/0/1"
b = "Net:eth0"
latency = 3
"""


class FlowLab:
    def __init__(self, folder: Path, srx: str = SRX):
        (folder / "srx.conf").write_text(srx)
        (folder / "r.conf").write_text(R)
        (folder / "lab.toml").write_text(LAB)
        self.clock = ManualScheduler()
        self.lab = build_lab(load_lab_file(folder / "lab.toml"), scheduler=self.clock, state_dir=folder / "state")
        self.srx = self.lab.nodes["SRX"].device
        self.io = BufferIO()
        self.cli_session = CliSession(self.srx, "lab", self.io)

    @property
    def table(self):  # type: ignore[no-untyped-def]
        return self.srx.flow_sessions.table

    def cli(self, line: str) -> list[str]:
        trio.run(self.cli_session.execute, line)
        return self.io.take().splitlines()

    def send(self, origin: str, dst: str, proto: str = "icmp", **fields: object):  # type: ignore[no-untyped-def]
        """One exchange from `origin`: an echo request, or a UDP/TCP request to `dport`."""
        kind = {"icmp": ECHO_REQUEST}.get(proto)
        packet = Packet(0, ipv4_int(dst), proto, icmp=kind, ident=77, **fields)  # type: ignore[arg-type]
        return self.lab.exchange(origin, packet)

    async def sleep(self, seconds: float) -> None:
        """The tools' sleep on the manual clock: time jumps."""
        self.clock.advance(seconds)

    def ping(self, origin: str, dst: str, count: int = 1) -> list[str]:
        out: list[str] = []
        opts = tools.PingOptions(count=count)
        statistics = trio.run(tools.ping, self.lab, origin, ipv4_int(dst), opts, self.sleep, out.append)
        return out + statistics

    def close(self) -> None:
        self.lab.close()


@pytest.fixture
def flow(tmp_path):  # type: ignore[no-untyped-def]
    made: list[FlowLab] = []

    def make(srx: str = SRX) -> FlowLab:
        folder = tmp_path / f"lab{len(made)}"
        folder.mkdir()
        made.append(FlowLab(folder, srx))
        return made[-1]

    yield make
    for lab in made:
        lab.close()


def test_ping_through_source_nat_makes_a_session_and_the_far_side_answers_the_nat_address(flow):
    lab = flow()
    ex = lab.send("H", "8.8.8.8", seq=3)
    assert ex.reply is not None and ex.reply.icmp == ECHO_REPLY and ipv4_text(ex.reply.src) == "8.8.8.8"
    assert (ex.reply.seq, ex.reply.ident) == (3, 77)  # the host gets its own sequence back
    # What Net answered (the far side's answer, as it left Net): to the SRX's interface address.
    assert ex.forward is not None and ex.forward.node == "Net"
    assert ipv4_text(ex.forward.packet.dst) == "192.0.2.1"
    (session,) = lab.table.select()
    assert (session.policy, session.application, session.nat_pool) == ("out", "junos-icmp-ping", "interface")
    w_in, w_out = session.in_wing, session.out_wing
    assert (ipv4_text(w_in.src), w_in.sport, ipv4_text(w_in.dst), w_in.dport) == ("10.0.1.10", 3, "8.8.8.8", 77)
    assert (w_in.ifl, w_in.zone, w_out.ifl, w_out.zone) == ("ge-0/0/0.0", "trust", "ge-0/0/1.0", "untrust")
    assert (ipv4_text(w_out.src), w_out.sport, ipv4_text(w_out.dst)) == ("8.8.8.8", 77, "192.0.2.1")
    assert 1024 <= w_out.dport <= 65535  # the translated "port" (the echo's sequence)
    assert (session.in_packets, session.out_packets) == (1, 1)


def test_an_icmp_session_ends_2_seconds_after_its_reply(flow):
    lab = flow()
    lab.clock.advance(10.0)
    lab.send("H", "8.8.8.8")
    assert len(lab.table) == 1 and lab.cli("show security flow session")[1].endswith("Timeout: 2, Session State: Valid")
    lab.clock.advance(1.999)
    assert len(lab.table) == 1
    lab.clock.advance(0.001)
    assert len(lab.table) == 0  # at 12.000 exactly
    assert lab.srx.nat.allocator.ports_used(ipv4_int("192.0.2.1")) == 0  # its port is free again


def test_an_unanswered_udp_session_ends_after_60_seconds(flow):
    lab = flow()
    ex = lab.send("H", "7.7.7.7", "udp", sport=5000, dport=5000)  # nobody serves 7.7.7.7: no answer
    assert ex.reply is None
    (session,) = lab.table.select()
    assert (session.timeout, session.expires) == (60, 60.0)
    lab.clock.advance(59.999)
    assert len(lab.table) == 1
    lab.clock.advance(0.001)
    assert len(lab.table) == 0


def test_traceroute_through_source_nat(flow):
    """Each hop's ICMP error comes back through the probe's session: inner packet and destination translated."""
    lab = flow()
    out: list[str] = []
    opts = tools.TraceOptions(max_hops=5, wait=1)
    trio.run(tools.traceroute, lab.lab, "H", ipv4_int("8.8.8.8"), opts, lab.sleep, out.append)
    hops = [line.split()[1] for line in out[1:]]
    assert hops == ["10.0.1.1", "192.0.2.2", "198.51.100.2", "8.8.8.8"]
    # The SRX's own hop (TTL 1) made no session; every other probe made one, ended by its ICMP error.
    assert len(lab.table) == 9 and all(s.reason == "ICMP error" for s in lab.table.select())


def test_an_icmp_error_about_a_session_has_its_inner_packet_translated_back(flow):
    lab = flow()
    ex = lab.send("H", "8.8.8.8", "udp", ttl=2, sport=4000, dport=33434)
    assert ex.reply is not None and ex.reply.icmp == TIME_EXCEEDED and ipv4_text(ex.reply.src) == "192.0.2.2"
    inner = ex.reply.inner
    assert inner is not None
    as_sent = ("10.0.1.10", 4000, "8.8.8.8", 33434)  # not as R saw it (192.0.2.1 and a translated port)
    assert (ipv4_text(inner.src), inner.sport, ipv4_text(inner.dst), inner.dport) == as_sent
    assert ipv4_text(ex.reply.dst) == "10.0.1.10"


def test_an_interface_in_no_zone_drops_everything(flow):
    lab = flow()
    assert lab.send("Stray", "8.8.8.8").reply is None
    assert lab.send("Stray", "10.0.3.1").reply is None  # not even the device itself answers
    assert lab.table.stats.drops == {path.NO_ZONE: 2}
    assert len(lab.table) == 0


def test_a_policy_deny_drops_and_is_counted(flow):
    lab = flow()
    out = lab.ping("H", "8.8.4.4", count=2)
    assert "2 packets transmitted, 0 packets received, 100% packet loss" in out
    assert lab.table.stats.drops == {path.POLICY: 2} and lab.table.stats.dropped == 2
    assert len(lab.table) == 0
    hits = lab.cli("show security policies hit-count")
    assert any(line.split()[1:4] == ["trust", "untrust", "no-dns-2"] and line.split()[4] == "2" for line in hits)
    statistics = lab.cli("show security flow statistics")
    assert "    Packets dropped: 2" in statistics and "    Packets received: 2" in statistics


def test_a_policy_reject_answers_udp_with_port_unreachable(flow):
    lab = flow()
    ex = lab.send("H", "9.9.9.9", "udp", sport=4000, dport=53)
    assert ex.reply is not None and (ex.reply.icmp, ex.reply.code) == (UNREACHABLE, "port")
    assert ipv4_text(ex.reply.src) == "9.9.9.9" and ex.forward is not None and ex.forward.node == "SRX"
    assert lab.send("H", "9.9.9.9").reply is None  # ICMP: dropped without a word
    tcp = lab.send("H", "9.9.9.9", "tcp", sport=4000, dport=443)
    assert tcp.reply is not None and tcp.reply.code == "rst" and ipv4_text(tcp.reply.src) == "9.9.9.9"


def test_a_tcp_packet_that_is_not_a_syn_makes_no_session(flow):
    lab = flow()
    ex = lab.send("H", "8.8.8.8", "tcp", sport=4000, dport=443, code="ack")
    assert ex.reply is None and lab.table.stats.drops == {path.SYN_CHECK: 1}
    syn = lab.send("H", "8.8.8.8", "tcp", sport=4000, dport=443)
    assert syn.reply is not None and syn.reply.code == "syn-ack"
    (session,) = lab.table.select()
    assert (session.state, session.application) == ("syn-received", "junos-https")


def test_host_inbound_traffic_decides_what_reaches_the_device(flow):
    lab = flow()
    assert lab.send("H", "10.0.1.1").reply is not None  # trust allows ping
    assert lab.send("H", "192.0.2.1").reply is not None  # ... to any of the device's addresses
    assert lab.send("Net", "192.0.2.1").reply is None  # untrust allows nothing
    assert lab.table.stats.drops == {path.HOST_INBOUND: 1}
    assert len(lab.table) == 0  # host-inbound traffic makes no listed session
    commit_set(lab.srx, "set security zones security-zone untrust host-inbound-traffic system-services ping\n")
    assert lab.send("Net", "192.0.2.1").reply is not None
    # An interface's own host-inbound-traffic replaces its zone's.
    commit_set(
        lab.srx,
        "set security zones security-zone untrust interfaces ge-0/0/1.0 host-inbound-traffic system-services ssh\n",
    )
    assert lab.send("Net", "192.0.2.1").reply is None


def test_the_device_s_own_traffic_comes_back_whatever_host_inbound_traffic_says(flow):
    """untrust lets nothing in, yet the SRX's own ping and traceroute are answered."""
    lab = flow()
    assert lab.send("SRX", "8.8.8.8").reply is not None
    udp = lab.send("SRX", "8.8.8.8", "udp", sport=4000, dport=33434, ttl=1)
    assert udp.reply is not None and udp.reply.icmp == TIME_EXCEEDED
    assert len(lab.table) == 0 and lab.table.stats.dropped == 0


def test_traceroute_to_the_srx_hop_needs_host_inbound_traceroute(flow):
    lab = flow()
    assert lab.send("H", "8.8.8.8", "udp", sport=4000, dport=33434, ttl=1).reply is not None
    commit_set(lab.srx, "delete security zones security-zone trust host-inbound-traffic system-services traceroute\n")
    assert lab.send("H", "8.8.8.8", "udp", sport=4000, dport=33435, ttl=1).reply is None


def test_destination_nat_to_a_dmz_host(flow):
    lab = flow()
    ex = lab.send("Net", "203.0.113.10", seq=5)
    assert ex.reply is not None and ex.reply.icmp == ECHO_REPLY and ipv4_text(ex.reply.src) == "203.0.113.10"
    assert ex.forward is not None and ex.forward.node == "Srv"  # the server answered
    (session,) = lab.table.select()
    assert session.destination_nat and not session.source_nat
    assert (ipv4_text(session.in_wing.dst), ipv4_text(session.out_wing.src)) == ("203.0.113.10", "10.0.2.10")
    rules = lab.cli("show security nat destination rule all")
    assert any("Translation hits" in line and line.split()[-1] == "1" for line in rules)
    assert lab.send("Net", "10.0.2.10").reply is None  # no route to it at R, and no policy for it either


def test_nat_hits_and_ports_follow_the_sessions(flow):
    lab = flow()
    lab.send("H", "8.8.8.8", seq=1)
    lab.send("H", "8.8.8.8", seq=2)
    assert lab.srx.nat.allocator.ports_used(ipv4_int("192.0.2.1")) == 2
    rules = lab.cli("show security nat source rule all")
    assert any("Translation hits" in line and line.split()[-1] == "2" for line in rules)
    assert lab.cli("clear security flow session all") == ["2 active sessions cleared"]
    assert lab.srx.nat.allocator.ports_used(ipv4_int("192.0.2.1")) == 0
    assert lab.srx.nat.counters[("source", "out", "all")].sessions == 0


def test_packet_based_mode_makes_the_srx_a_router(flow):
    lab = flow(SRX + "set security forwarding-options family mpls mode packet-based\n")
    assert lab.send("Stray", "10.0.3.1").reply is not None  # no zone needed
    assert lab.send("H", "8.8.4.4").reply is None  # forwarded untranslated: R has no route back
    assert len(lab.table) == 0 and lab.table.stats.received == 0


def test_a_router_forwards_without_zones(flow):
    lab = flow()
    r = lab.lab.nodes["R"].device
    assert r.platform == "router" and not r.dataplane.flow_mode and lab.srx.dataplane.flow_mode


def test_probes_through_an_srx_are_walked_every_time(flow):
    """A probe journey that crossed the SRX's sessions is not replayed: each probe refreshes them."""
    lab = flow()
    packet = Packet(0, ipv4_int("8.8.8.8"), "udp", sport=6000, dport=6000)  # no answer: a 60 s session
    memo: object = None
    for _ in range(3):
        _, _, memo = lab.lab.probe("H", packet, memo)
        lab.clock.advance(30)
    (session,) = lab.table.select()
    assert session.in_packets == 3 and session.remaining(lab.clock.now()) == 30


def test_the_srx_s_own_probes_are_replayed(flow):
    """RPM-style probes of the SRX itself match its self session: recorded once, replayed, counted."""
    lab = flow()
    packet = Packet(0, ipv4_int("8.8.8.8"), "icmp", icmp=ECHO_REQUEST, ident=9)
    reply, _, memo = lab.lab.probe("SRX", packet, None)
    assert reply is not None and not memo.stateful  # type: ignore[attr-defined]
    for _ in range(4):
        reply, _, again = lab.lab.probe("SRX", packet, memo)
        assert again is memo and reply is not None
    lab.lab.settle()
    assert lab.table.stats.received == 5  # every answer, replayed ones too


@pytest.mark.parametrize(
    ("packet", "flags"),
    [
        (Packet(1, 2, "tcp"), "syn"),
        (Packet(1, 2, "tcp", payload=object()), "data"),
        (Packet(1, 2, "tcp", code="syn-ack"), "syn-ack"),
        (Packet(1, 2, "tcp", code="ack"), "ack"),
        (Packet(1, 2, "tcp", code="rst"), "rst"),
        (Packet(1, 2, "tcp", code="fin"), "fin"),
        (Packet(1, 2, "tcp", code="psh"), "data"),
        (Packet(1, 2, "tcp", code="fin-ack"), "fin"),
        (Packet(1, 2, "udp"), "data"),
    ],
)
def test_tcp_flags_of_lab_packets(packet: Packet, flags: str):
    assert path.tcp_flags(packet) == flags


@pytest.mark.parametrize(
    ("packet", "service"),
    [
        (Packet(1, 2, "icmp", icmp=ECHO_REQUEST), "ping"),
        (Packet(1, 2, "udp", dport=33434), "traceroute"),
        (Packet(1, 2, "udp", dport=123), "ntp"),
        (Packet(1, 2, "tcp", dport=22), "ssh"),
        (Packet(1, 2, "tcp", dport=830), "netconf"),
        (Packet(1, 2, "tcp", dport=179), "bgp"),
        (Packet(1, 2, "udp", dport=500), "ike"),
        (Packet(1, 2, "tcp", dport=12345), "other"),
    ],
)
def test_services_of_requests_to_the_device(packet: Packet, service: str):
    assert path.service_of(packet) == service


def test_echo_ports_are_sequence_and_identifier():
    request = Packet(1, 2, "icmp", icmp=ECHO_REQUEST, ident=7, seq=3)
    assert path.ports(request) == (3, 7)
    reply = icmp.echo_reply(request)
    assert path.ports(reply) == (7, 3)
    assert path.with_ports(reply, 7, 40000).seq == 40000


BGP_LAB = Path(__file__).resolve().parents[4] / "demo-configs" / "bgp-upstream"
BGP_INBOUND = """                protocols {
                    bgp;
                }
"""


@pytest.mark.parametrize("allowed", [True, False])
def test_bgp_to_an_srx_needs_host_inbound_protocols_bgp(tmp_path: Path, allowed: bool):
    """demo-configs/bgp-upstream: R1 is an SRX whose zone untrust lets BGP in. Without it, the answers
    to R1's own packets still come back (its self session), but ISP1's messages to R1 are dropped:
    the session never comes up."""
    config = (BGP_LAB / "r1.conf").read_text()
    assert BGP_INBOUND in config
    (tmp_path / "r1.conf").write_text(config if allowed else config.replace(BGP_INBOUND, ""))
    (tmp_path / "lab.toml").write_text((BGP_LAB / "lab.toml").read_text())
    clock = ManualScheduler()
    lab = build_lab(load_lab_file(tmp_path / "lab.toml"), scheduler=clock, state_dir=tmp_path / "state")
    try:
        clock.advance(120.0)
        ((_, session),) = lab.devices["R1"].bgp.sessions.items()
        assert (session.state == "Established") == allowed
        stats = lab.devices["R1"].flow_sessions.table.stats
        assert (path.HOST_INBOUND in stats.drops) != allowed
    finally:
        lab.close()
