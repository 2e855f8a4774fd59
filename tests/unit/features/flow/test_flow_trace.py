"""The packet walk explained (`trace NODE PROTO ADDRESS [PORT]`, nos/lab/tracing.py): each hop's line
and the SRX's flow decisions as Junos flow traceoptions tell them (nos/features/flow/trace.py), on
test_flow_path's lab (trust H, dmz Srv behind destination NAT, Stray in no zone, untrust toward R
and Net).

The traced packet is a real one: what it leaves behind (sessions, counters, hits) is what the same
packet sent untraced leaves."""

from __future__ import annotations

import pytest
import trio
from test_flow_path import SRX, FlowLab

from nos.lab.packet import Packet, ipv4_int


@pytest.fixture
def lab(tmp_path):  # type: ignore[no-untyped-def]
    made = FlowLab(tmp_path, SRX)
    yield made
    made.close()


def trace(lab: FlowLab, line: str) -> list[str]:
    return trio.run(lab.lab.console.execute, "trace " + line)


def srx_lines(lines: list[str], leg: int = 0) -> list[str]:
    """The SRX's flow lines of one crossing (0: the packet, 1: its answer), without the hop lines."""
    starts = [i for i, line in enumerate(lines) if line.startswith("SRX ge-")]
    start = starts[leg] + 1
    end = next(i for i in range(start, len(lines)) if not lines[i].startswith("  "))
    return lines[start:end]


def test_a_permitted_packet_through_source_nat_and_its_answer_through_the_session(lab):
    lines = trace(lab, "H icmp 8.8.8.8")
    assert lines[:2] == [
        "H: sends icmp 10.0.1.10 -> 8.8.8.8 echo request out of eth0",
        "SRX ge-0/0/0: icmp 10.0.1.10 -> 8.8.8.8 echo request",
    ]
    assert srx_lines(lines) == [
        "    ge-0/0/0.0:10.0.1.10->8.8.8.8, icmp, (8/0)",
        "   find flow: sa 10.0.1.10, da 8.8.8.8, sp 0, dp 1, proto 1",
        "    no session found, start first path.",
        "    flow_first_create_session",
        "    in ifp ge-0/0/0.0 is in zone trust",
        "    flow_first_in_dst_nat: in <ge-0/0/0.0>, out <N/A> dst_adr 8.8.8.8, sp 0, dp 1",
        "  flow_first_rule_dst_xlate: DST no-xlate: 0.0.0.0(0) to 8.8.8.8(1)",
        "  flow_first_routing: call flow_route_lookup(): src_ip 10.0.1.10, x_dst_ip 8.8.8.8, in ifp ge-0/0/0.0, "
        "out ifp N/A sp 0, dp 1, ip_proto 1",
        "  Doing DESTINATION addr route-lookup",
        "    routed (x_dst_ip 8.8.8.8) from trust (ge-0/0/0.0 in inet.0) to ge-0/0/1.0, Next-hop: 192.0.2.2",
        "  flow_first_policy_search: policy search from zone trust-> zone untrust",
        "  Policy lkup: vsys 0 zone(trust) -> zone(untrust) scope:0",
        "               10.0.1.10/0 -> 8.8.8.8/1 proto 1",
        "    app junos-icmp-ping, timeout 60s",
        "    permitted by policy out(5)",
        "    packet passed, Permitted by policy.",
        f"  flow_first_src_xlate: source rule out/all, pool interface: 10.0.1.10/0 -> 192.0.2.1/{_port(lab)}",
        "    choose interface ge-0/0/1.0 as outgoing phy if",
        "    session id 1 created for first pak",
        "    post addr xlation: 192.0.2.1->8.8.8.8.",
    ]
    assert "SRX: forwarded out of ge-0/0/1 as icmp 192.0.2.1 -> 8.8.8.8 echo request" in lines
    assert "R ge-0/0/0: forwarded out of ge-0/0/1" in lines
    assert "Net eth0: answers" in lines
    assert srx_lines(lines, 1) == [
        "    ge-0/0/1.0:8.8.8.8->192.0.2.1, icmp, (0/0)",
        f"   find flow: sa 8.8.8.8, da 192.0.2.1, sp 1, dp {_port(lab)}, proto 1",
        "    flow got session.",
        "    flow session id 1",
        "    post addr xlation: 8.8.8.8->10.0.1.10.",
    ]
    assert lines[-1] == "Result: icmp 8.8.8.8 -> 10.0.1.10 echo reply reached H (12.000 ms there and back)"


def _port(lab: FlowLab) -> int:
    """The translated "port" of the first session (the echo's sequence through source NAT)."""
    (session,) = lab.table.select()
    return session.out_wing.dport


def test_a_packet_denied_by_a_policy_and_the_drop_that_ends_the_walk(lab):
    lines = trace(lab, "H icmp 8.8.4.4")
    assert srx_lines(lines)[-7:] == [
        "  flow_first_policy_search: policy search from zone trust-> zone untrust",
        "  Policy lkup: vsys 0 zone(trust) -> zone(untrust) scope:0",
        "               10.0.1.10/0 -> 8.8.4.4/1 proto 1",
        "    app junos-icmp-ping, timeout 60s",
        "    packet dropped, denied by policy",
        "    denied by policy no-dns-2(3), dropping pkt",
        "    packet dropped,  policy deny.",
    ]
    assert lines[-2:] == [
        "SRX: dropped: denied by policy no-dns-2",
        "Result: no answer: the packet was dropped at SRX (denied by policy no-dns-2)",
    ]
    assert len(lab.table) == 0 and lab.table.stats.drops == {"policy deny": 1}


def test_destination_nat_then_the_default_policy_and_a_permitted_nat_session(lab):
    lines = trace(lab, "Net tcp 203.0.113.10 80")  # to-srv permits junos-ping only
    flow = srx_lines(lines)
    assert "  flow_first_rule_dst_xlate: DST xlate: 203.0.113.10(80) to 10.0.2.10(80), destination rule in/srv" in flow
    assert (
        "    routed (x_dst_ip 10.0.2.10) from untrust (ge-0/0/1.0 in inet.0) to ge-0/0/2.0, Next-hop: 10.0.2.10" in flow
    )
    assert flow[-3:] == [
        "    packet dropped, denied by policy",
        "    denied by policy default-policy-logical-system-00(2), dropping pkt",
        "    packet dropped,  policy deny.",
    ]
    lines = trace(lab, "Net icmp 203.0.113.10")
    flow = srx_lines(lines)
    assert flow[-6:] == [
        "    permitted by policy to-srv(6)",
        "    packet passed, Permitted by policy.",
        "  flow_first_src_xlate:  nat_src_xlated: False (no source NAT rule applies)",
        "    choose interface ge-0/0/2.0 as outgoing phy if",
        "    session id 1 created for first pak",
        "    post addr xlation: 198.51.100.2->10.0.2.10.",
    ]
    assert "SRX: forwarded out of ge-0/0/2 as icmp 198.51.100.2 -> 10.0.2.10 echo request" in lines
    assert srx_lines(lines, 1)[-1] == "    post addr xlation: 203.0.113.10->198.51.100.2."
    assert lines[-1] == "Result: icmp 203.0.113.10 -> 198.51.100.2 echo reply reached Net (12.000 ms there and back)"


def test_a_packet_from_an_interface_in_no_zone(lab):
    lines = trace(lab, "Stray icmp 8.8.8.8")
    assert srx_lines(lines) == [
        "    ge-0/0/3.0:10.0.3.10->8.8.8.8, icmp, (8/0)",
        "   find flow: sa 10.0.3.10, da 8.8.8.8, sp 0, dp 1, proto 1",
        "    no session found, start first path.",
        "    flow_first_create_session",
        "    in ifp ge-0/0/3.0 is in no zone",
        "    packet dropped, ge-0/0/3.0 is not in a security zone",
    ]
    assert lines[-1] == "Result: no answer: the packet was dropped at SRX (ge-0/0/3.0 is not in a security zone)"


def test_a_rejected_tcp_packet_is_answered_with_a_reset(lab):
    lines = trace(lab, "H tcp 9.9.9.9 443 source-port 40000")
    assert lines[0] == "H: sends tcp 10.0.1.10/40000 -> 9.9.9.9/443 syn out of eth0"
    assert srx_lines(lines)[0] == "    ge-0/0/0.0:10.0.1.10/40000->9.9.9.9/443, tcp, flag 2 syn"
    assert srx_lines(lines)[-2:] == [
        "    packet dropped, rejected by policy",
        "    rejected by policy no-quad9(4), dropping pkt",
    ]
    assert lines[-4:] == [
        "SRX: answers",
        "SRX: sends tcp 9.9.9.9/443 -> 10.0.1.10/40000 rst out of ge-0/0/0",
        "H eth0: received",
        "Result: tcp 9.9.9.9/443 -> 10.0.1.10/40000 rst reached H (2.000 ms there and back)",
    ]


def test_host_inbound_traffic_for_a_packet_to_the_device(lab):
    lines = trace(lab, "Net tcp 192.0.2.1 22")
    assert srx_lines(lines)[-3:] == [
        "    routed (x_dst_ip 192.0.2.1) from untrust (ge-0/0/1.0 in inet.0) to .local..0, Next-hop: 192.0.2.1",
        "    packet to self: host-inbound-traffic of ge-0/0/1.0 does not allow ssh",
        "    packet dropped, ge-0/0/1.0: host-inbound-traffic does not allow ssh",
    ]
    lines = trace(lab, "H icmp 10.0.1.1")
    assert "    packet to self: host-inbound-traffic of ge-0/0/0.0 allows ping" in srx_lines(lines)
    assert lines[-1] == "Result: icmp 10.0.1.1 -> 10.0.1.10 echo reply reached H (2.000 ms there and back)"


def test_a_traced_packet_leaves_what_the_same_packet_untraced_leaves(tmp_path):
    """Sessions, NAT bindings, statistics, hit counts and link counters: the same after a trace as
    after the same packet sent without one (the trace only listens)."""
    states = []
    for traced in (True, False):
        folder = tmp_path / str(traced)
        folder.mkdir()
        lab = FlowLab(folder, SRX)
        try:
            if traced:
                trace(lab, "H tcp 8.8.8.8 443 source-port 40000")
            else:  # the SYN `trace` sends
                packet = Packet(0, ipv4_int("8.8.8.8"), "tcp", code="", sport=40000, dport=443)
                assert lab.lab.exchange("H", packet).reply is not None
            (session,) = lab.table.select()
            stats = lab.table.stats
            states.append(
                (
                    session.state, session.in_wing, session.out_wing, session.in_packets, session.out_packets,
                    stats.received, stats.transmitted, stats.dropped, lab.cli("show security policies hit-count"),
                    [(link.packets, link.lost) for link in lab.lab.links],
                )
            )  # fmt: skip
            assert lab.srx.dataplane.flow.trace is None  # the tracer is gone with the packet
        finally:
            lab.close()
    assert states[0] == states[1]


def test_the_console_refuses_what_it_cannot_send(lab):
    assert trace(lab, "H tcp 8.8.8.8") == ["error: trace tcp needs a destination port"]
    assert trace(lab, "Nobody icmp 8.8.8.8") == ["error: unknown node 'Nobody'"]
    assert trace(lab, "H gre 8.8.8.8") == ["error: unknown protocol 'gre'"]
    assert trace(lab, "H icmp 8.8.8.8 source-port 5") == ["error: source-port is for tcp and udp"]
    assert trace(lab, "H udp 8.8.8.8 53 ttl 0") == ["error: bad ttl '0' (1 to 255)"]
    assert trace(lab, "H icmp") == ["error: usage: trace NODE icmp|tcp|udp ADDRESS [PORT] [options]"]


def test_an_icmp_error_comes_back_through_the_session_of_the_packet_it_is_about(lab):
    lines = trace(lab, "H udp 8.8.8.8 33434 ttl 2 source-port 40000")  # the TTL runs out at R
    port = _port(lab)
    assert f"SRX: forwarded out of ge-0/0/1 as udp 192.0.2.1/{port} -> 8.8.8.8/33434" in lines
    assert "R ge-0/0/0: answers" in lines
    assert srx_lines(lines, 1) == [
        "    ge-0/0/1.0:192.0.2.2->192.0.2.1, icmp, (11/0)",
        f"   find flow of the packet inside the icmp error: sa 8.8.8.8, da 192.0.2.1, sp 33434, dp {port}, proto 17",
        "    flow got session.",
        "    flow session id 1",
        "    post addr xlation: 192.0.2.2->10.0.1.10.",
    ]
    assert lines[-1] == "Result: icmp 192.0.2.2 -> 10.0.1.10 time exceeded reached H (6.000 ms there and back)"
