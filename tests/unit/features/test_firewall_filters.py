"""Firewall filters (semantics.md 3.8): term matching, actions, the implicit discard, counters, and
filter-based forwarding into a routing instance (seed 000) through the device's data plane."""

from __future__ import annotations

import pytest

from nos.config.groups import expand
from nos.config.load import parse_set
from nos.config.tree import ConfigTree
from nos.features.firewall.filters import compile_filters, run_filter
from nos.lab.packet import ECHO_REQUEST, UNREACHABLE, Packet, ipv4_int, ipv4_text

FILTER = """
set policy-options prefix-list MGMT 192.0.2.0/24
set firewall family inet filter EDGE term ssh-from-mgmt from source-prefix-list MGMT
set firewall family inet filter EDGE term ssh-from-mgmt from protocol tcp
set firewall family inet filter EDGE term ssh-from-mgmt from destination-port ssh
set firewall family inet filter EDGE term ssh-from-mgmt then accept
set firewall family inet filter EDGE term no-ssh from protocol tcp
set firewall family inet filter EDGE term no-ssh from destination-port 22
set firewall family inet filter EDGE term no-ssh then reject
set firewall family inet filter EDGE term web from destination-address 203.0.113.0/24
set firewall family inet filter EDGE term web from destination-address 203.0.113.66/32 except
set firewall family inet filter EDGE term web from protocol tcp
set firewall family inet filter EDGE term web from destination-port [ http https 8000-8080 ]
set firewall family inet filter EDGE term web then count web-hits
set firewall family inet filter EDGE term web then accept
set firewall family inet filter EDGE term bad-host from source-address 198.51.100.13/32
set firewall family inet filter EDGE term bad-host then discard
set firewall family inet filter EDGE term ping from protocol icmp
set firewall family inet filter EDGE term ping then accept
set firewall family inet filter EDGE term dns from protocol udp
set firewall family inet filter EDGE term dns from port domain
set firewall family inet filter EDGE term dns then accept
"""


@pytest.fixture
def edge(schema):  # type: ignore[no-untyped-def]
    tree = ConfigTree(schema.root)
    report = parse_set(tree, FILTER)
    assert not report.messages, report.messages
    from nos.routing.policy import compile_policies

    _, lists, _ = compile_policies(expand(tree.root))
    flt = compile_filters(expand(tree.root))["EDGE"]
    return lambda packet: run_filter(flt, packet, "ge-0/0/0.0", lists), flt


def pkt(src: str, dst: str, proto: str = "tcp", dport: int = 0, sport: int = 40000) -> Packet:
    icmp = ECHO_REQUEST if proto == "icmp" else None
    return Packet(ipv4_int(src), ipv4_int(dst), proto=proto, icmp=icmp, sport=sport, dport=dport)


def test_first_matching_term_decides(edge):
    """Terms are tried in order; SSH from the management list is accepted before the `no-ssh` term."""
    run, _ = edge
    decision = run(pkt("192.0.2.10", "10.0.0.1", dport=22))
    assert (decision.action, decision.term) == ("accept", "ssh-from-mgmt")
    decision = run(pkt("198.51.100.7", "10.0.0.1", dport=22))
    assert (decision.action, decision.term) == ("reject", "no-ssh")


def test_conditions_of_a_term_are_anded(edge):
    """A term needs every condition: SSH port over UDP is not `ssh-from-mgmt`, nor `no-ssh`."""
    run, _ = edge
    assert run(pkt("192.0.2.10", "10.0.0.1", "udp", dport=22)).term == "implicit"


def test_destination_address_with_except_and_port_ranges(edge):
    """`destination-address` with an `except` entry, and named and ranged destination ports."""
    run, _ = edge
    for port in (80, 443, 8000, 8080):
        assert run(pkt("198.51.100.7", "203.0.113.10", dport=port)).term == "web", port
    assert run(pkt("198.51.100.7", "203.0.113.10", dport=8081)).action == "discard"
    assert run(pkt("198.51.100.7", "203.0.113.66", dport=80)).action == "discard"  # the except entry
    assert run(pkt("198.51.100.7", "198.51.100.10", dport=80)).action == "discard"


def test_source_address_discard(edge):
    """`then discard` drops silently; it applies to every protocol of the source."""
    run, _ = edge
    decision = run(pkt("198.51.100.13", "10.0.0.1", "icmp"))
    assert (decision.action, decision.term) == ("discard", "bad-host")


def test_protocol_and_either_port(edge):
    """`protocol icmp` matches pings; `port domain` matches the source or the destination port."""
    run, _ = edge
    assert run(pkt("198.51.100.7", "10.0.0.1", "icmp")).term == "ping"
    assert run(pkt("198.51.100.7", "10.0.0.1", "udp", dport=53)).term == "dns"
    assert run(pkt("8.8.8.8", "10.0.0.1", "udp", sport=53, dport=33000)).term == "dns"


def test_filter_ends_with_an_implicit_discard(edge):
    """A packet no term matches is discarded."""
    run, _ = edge
    decision = run(pkt("198.51.100.7", "10.0.0.1", "udp", dport=123))
    assert (decision.action, decision.term) == ("discard", "implicit")


def test_count_action_names_the_counter_of_the_matching_term(edge):
    """`then count C`: the decision names the counter of the term that matched (the feature counts it
    through the verdict, test_firewall_actions.py); a packet of another term names none."""
    run, flt = edge
    assert run(pkt("198.51.100.7", "203.0.113.10", dport=443)).counters == ("web-hits",)
    assert run(pkt("198.51.100.7", "203.0.113.66", dport=443)).counters == ()
    assert flt.counter_names == ["web-hits"] and flt.counters == {}


# -- filter-based forwarding on a device (seed 000), in packet mode (no zones: a router) ----------------

BRANCHC = """
set security forwarding-options family mpls mode packet-based
set interfaces ge-0/0/1 unit 0 family inet address 10.1.1.2/24
set interfaces ge-0/0/2 unit 0 family inet address 10.2.2.2/24
set interfaces ge-0/0/3 unit 0 family inet address 10.0.1.1/24
set interfaces ge-0/0/3 unit 0 family inet filter input FBF
set interfaces ge-0/0/4 unit 0 family inet address 10.0.2.1/24
set interfaces ge-0/0/4 unit 0 family inet filter input FBF
set routing-options interface-routes rib-group inet LAN-to-ISPs
set routing-options rib-groups LAN-to-ISPs import-rib [ inet.0 ISP1.inet.0 ISP2.inet.0 ]
set routing-options rib-groups ISP1-to-ISP2 import-rib [ ISP1.inet.0 ISP2.inet.0 ]
set routing-options rib-groups ISP2-to-ISP1 import-rib [ ISP2.inet.0 ISP1.inet.0 ]
set routing-instances ISP1 instance-type virtual-router
set routing-instances ISP1 interface ge-0/0/1.0
set routing-instances ISP1 routing-options interface-routes rib-group inet ISP1-to-ISP2
set routing-instances ISP1 routing-options static route 0.0.0.0/0 next-hop 10.1.1.1
set routing-instances ISP2 instance-type virtual-router
set routing-instances ISP2 interface ge-0/0/2.0
set routing-instances ISP2 routing-options interface-routes rib-group inet ISP2-to-ISP1
set routing-instances ISP2 routing-options static route 0.0.0.0/0 next-hop 10.2.2.1
set firewall family inet filter FBF term debian1-via-isp1 from source-address 10.0.1.10/32
set firewall family inet filter FBF term debian1-via-isp1 then routing-instance ISP1
set firewall family inet filter FBF term hostc-via-isp2 from source-address 10.0.2.10/32
set firewall family inet filter FBF term hostc-via-isp2 then routing-instance ISP2
set firewall family inet filter FBF term blocked from source-address 10.0.1.66/32
set firewall family inet filter FBF term blocked then reject
set firewall family inet filter FBF term default then accept
"""


def test_fbf_sends_each_host_to_its_isp(srx):
    """Seed 000: Debian1's packets are looked up in ISP1.inet.0, HostC's in ISP2.inet.0."""
    device = srx(BRANCHC)
    out = device.dataplane.receive(pkt("10.0.1.10", "8.8.8.8", "icmp"), "ge-0/0/3")
    assert (out.action, out.port, out.packet.ttl) == ("forward", "ge-0/0/1", 63)
    out = device.dataplane.receive(pkt("10.0.2.10", "8.8.8.8", "icmp"), "ge-0/0/4")
    assert (out.action, out.port) == ("forward", "ge-0/0/2")


def test_fbf_default_term_uses_the_interface_table(srx):
    """Other LAN hosts stay in inet.0, which has no default route: ICMP net unreachable from the LAN address."""
    device = srx(BRANCHC)
    out = device.dataplane.receive(pkt("10.0.1.20", "8.8.8.8", "icmp"), "ge-0/0/3")
    assert out.action == "answer"
    assert (out.packet.icmp, out.packet.code, ipv4_text(out.packet.src)) == (UNREACHABLE, "net", "10.0.1.1")
    out = device.dataplane.receive(pkt("10.0.1.20", "10.0.2.10", "icmp"), "ge-0/0/3")
    assert (out.action, out.port) == ("forward", "ge-0/0/4")  # LAN to LAN in inet.0


def test_fbf_follows_the_instance_failover(srx):
    """When ISP1's link fails, Debian1's packets find no route in ISP1.inet.0 (no ip-monitoring configured)."""
    device = srx(BRANCHC)
    device.dataplane.set_link("ge-0/0/1", False)
    for port in ("ge-0/0/2", "ge-0/0/3", "ge-0/0/4"):
        device.dataplane.set_link(port, True)
    out = device.dataplane.receive(pkt("10.0.1.10", "8.8.8.8", "icmp"), "ge-0/0/3")
    assert (out.action, out.packet.code) == ("answer", "net")
    out = device.dataplane.receive(pkt("10.0.1.10", "10.2.2.1", "icmp"), "ge-0/0/3")
    assert (out.action, out.port) == ("forward", "ge-0/0/2")  # ISP2's subnet is still known in ISP1


def test_reject_answers_and_discard_drops(srx):
    """`then reject` answers with ICMP administratively prohibited; the implicit discard answers nothing."""
    device = srx(BRANCHC)
    out = device.dataplane.receive(pkt("10.0.1.66", "8.8.8.8", "icmp"), "ge-0/0/3")
    assert (out.action, out.packet.icmp, out.packet.code) == ("answer", UNREACHABLE, "admin")
    device = srx(BRANCHC.replace("set firewall family inet filter FBF term default then accept\n", ""))
    out = device.dataplane.receive(pkt("10.0.1.20", "10.0.2.10", "icmp"), "ge-0/0/3")
    assert out.action == "drop" and "implicit" in out.reason


def test_routing_instance_default_means_the_master_table(srx):
    """`then routing-instance default` looks the packet up in inet.0."""
    default = "set firewall family inet filter FBF term default then accept\n"
    extra = """set firewall family inet filter FBF term to-master from source-address 10.0.2.20/32
set firewall family inet filter FBF term to-master then routing-instance default
set routing-options static route 0.0.0.0/0 next-hop 10.0.1.254
"""
    device = srx(BRANCHC.replace(default, extra + default))
    out = device.dataplane.receive(pkt("10.0.2.20", "8.8.8.8", "icmp"), "ge-0/0/4")
    assert (out.action, out.port) == ("forward", "ge-0/0/3")
