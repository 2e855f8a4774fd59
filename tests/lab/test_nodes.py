"""Hosts, the Internet node and the device adapter: what each does with a packet; blackholes."""

from __future__ import annotations

import ipaddress

from labhelpers import host, internet

from nos.lab.nodes import DeviceNode
from nos.lab.packet import ECHO_REPLY, ECHO_REQUEST, TIME_EXCEEDED, UNREACHABLE, Packet, Verdict, ipv4_int

H = ipv4_int("10.0.1.10")
OTHER = ipv4_int("10.0.9.9")


def ping_to(dst: int, src: int = OTHER, ttl: int = 64) -> Packet:
    return Packet(src, dst, "icmp", ttl=ttl, icmp=ECHO_REQUEST, ident=5, seq=3)


def udp_to(dst: int, dport: int, proto: str = "udp") -> Packet:
    return Packet(OTHER, dst, proto, sport=40001, dport=dport, ident=5, seq=4)


def test_a_host_answers_pings_to_its_address():
    h = host("H", "10.0.1.10/24", "10.0.1.1")
    v = h.receive(ping_to(H), "eth0")
    assert v.action == "answer" and v.port is None  # routed back like the host's own packet
    assert v.packet is not None
    assert (v.packet.icmp, v.packet.src, v.packet.dst, v.packet.ident, v.packet.seq) == (ECHO_REPLY, H, OTHER, 5, 3)


def test_a_host_answers_with_its_own_initial_ttl():
    """Answers start at the host's TTL (64 by default; `ttl = 255` in the lab file for long chains)."""
    assert host("H", "10.0.1.10/24").receive(ping_to(H, ttl=3), "eth0").packet.ttl == 64  # type: ignore[union-attr]
    tall = host("H", "10.0.1.10/24", ttl=255).receive(ping_to(H), "eth0").packet
    assert tall is not None and tall.ttl == 255


def test_a_host_answers_listened_ports_and_refuses_others():
    h = host("H", "10.0.1.10/24", "10.0.1.1", listen=[("tcp", 22), ("udp", 53)])
    udp = h.receive(udp_to(H, 53), "eth0").packet
    assert udp is not None and (udp.proto, udp.code, udp.sport, udp.dport) == ("udp", "reply", 53, 40001)
    closed = h.receive(udp_to(H, 33434), "eth0").packet
    assert closed is not None and (closed.icmp, closed.code, closed.src) == (UNREACHABLE, "port", H)
    assert closed.inner is not None and closed.inner.dport == 33434
    syn = h.receive(udp_to(H, 22, "tcp"), "eth0").packet
    assert syn is not None and (syn.proto, syn.code) == ("tcp", "syn-ack")
    rst = h.receive(udp_to(H, 80, "tcp"), "eth0").packet
    assert rst is not None and rst.code == "rst"


def test_a_host_keeps_answers_and_drops_what_is_not_for_it():
    h = host("H", "10.0.1.10/24", "10.0.1.1")
    assert h.receive(Packet(OTHER, H, "icmp", icmp=ECHO_REPLY), "eth0").action == "keep"
    assert h.receive(Packet(OTHER, H, "icmp", icmp=TIME_EXCEEDED), "eth0").action == "keep"
    assert h.receive(ping_to(ipv4_int("10.0.1.11")), "eth0").action == "drop"


def test_a_host_sends_through_its_gateway_or_not_at_all():
    h = host("H", "10.0.1.10/24", "10.0.1.1")
    v = h.originate(ping_to(ipv4_int("8.8.8.8"), src=0))
    assert v.action == "forward" and v.port == "eth0" and v.packet is not None and v.packet.src == H
    lone = host("L", "10.0.1.10/24")
    assert lone.originate(ping_to(ipv4_int("10.0.1.20"), src=0)).action == "forward"  # on its subnet
    assert lone.originate(ping_to(ipv4_int("8.8.8.8"), src=0)).reason == "no route to host"
    assert h.originate(ping_to(H, src=0)).action == "answer"  # itself


def test_the_internet_answers_for_what_it_serves_out_of_the_port_asked():
    net = internet("Net", ["198.51.100.2/30", "203.0.113.2/30"], ["8.8.8.8", "208.67.220.0/24"])
    for dst in ("8.8.8.8", "208.67.220.220", "203.0.113.2"):
        v = net.receive(ping_to(ipv4_int(dst)), "eth1")
        assert v.action == "answer" and v.port == "eth1", dst
        assert v.packet is not None and v.packet.icmp == ECHO_REPLY and v.packet.src == ipv4_int(dst)
    assert net.receive(ping_to(ipv4_int("9.9.9.9")), "eth0").action == "drop"
    trace = net.receive(udp_to(ipv4_int("8.8.8.8"), 33434), "eth0").packet
    assert trace is not None and (trace.icmp, trace.code) == (UNREACHABLE, "port")


def test_the_internet_is_one_hop_before_what_it_serves():
    net = internet("Net", ["198.51.100.2/30", "203.0.113.2/30"], ["8.8.8.8"])
    v = net.receive(ping_to(ipv4_int("8.8.8.8"), ttl=1), "eth1")
    assert v.packet is not None and v.packet.icmp == TIME_EXCEEDED and v.packet.src == ipv4_int("203.0.113.2")
    own = net.receive(ping_to(ipv4_int("203.0.113.2"), ttl=1), "eth1")
    assert own.packet is not None and own.packet.icmp == ECHO_REPLY


def test_blackholes_swallow_traffic_to_a_prefix_but_not_to_the_node_itself():
    net = internet("Net", ["198.51.100.2/30"], ["8.8.8.8", "8.8.4.4"])
    assert net.blackhole(ipaddress.IPv4Network("8.8.8.8/32"))
    assert not net.blackhole(ipaddress.IPv4Network("8.8.8.8/32"))
    assert net.receive(ping_to(ipv4_int("8.8.8.8")), "eth0") == Verdict.drop("blackhole")
    assert net.receive(ping_to(ipv4_int("8.8.4.4")), "eth0").action == "answer"
    net.blackhole(ipaddress.IPv4Network("0.0.0.0/0"))
    assert net.receive(ping_to(ipv4_int("198.51.100.2")), "eth0").action == "answer"  # its own address
    assert net.unblackhole(ipaddress.IPv4Network("0.0.0.0/0"))
    assert net.unblackhole(ipaddress.IPv4Network("8.8.8.8/32"))
    assert not net.unblackhole(ipaddress.IPv4Network("8.8.8.8/32"))
    assert net.receive(ping_to(ipv4_int("8.8.8.8")), "eth0").action == "answer"
    h = host("H", "10.0.1.10/24", "10.0.1.1")
    h.blackhole(ipaddress.IPv4Network("8.0.0.0/8"))
    assert h.originate(ping_to(ipv4_int("8.8.8.8"), src=0)).reason == "blackhole"


class FakeDataplane:
    """The duck-typed device.dataplane the adapter talks to."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, object]] = []

    def ports(self) -> list[str]:
        return ["ge-0/0/0", "ge-0/0/1"]

    def addresses(self) -> list[int]:
        return [ipv4_int("10.1.1.2")]

    def receive(self, packet: Packet, port: str) -> Verdict:
        self.calls.append(("receive", port))
        return Verdict.forward("ge-0/0/1", packet)

    def originate(self, packet: Packet) -> Verdict:
        self.calls.append(("originate", packet.dst))
        return Verdict.forward("ge-0/0/0", packet)

    def set_link(self, port: str, up: bool) -> None:
        self.calls.append(("set_link", (port, up)))


class FakeDevice:
    def __init__(self, dataplane: FakeDataplane | None) -> None:
        self.dataplane = dataplane


def test_a_device_node_hands_packets_to_the_dataplane_after_its_blackholes():
    dp = FakeDataplane()
    node = DeviceNode("R1", FakeDevice(dp), ["ge-0/0/0"])
    assert node.ports() == ["ge-0/0/0", "ge-0/0/1"] and node.addresses() == [ipv4_int("10.1.1.2")]
    assert node.receive(ping_to(ipv4_int("8.8.8.8")), "ge-0/0/0").action == "forward"
    assert node.originate(ping_to(ipv4_int("8.8.4.4"))).action == "forward"
    node.set_link("ge-0/0/1", False)
    node.blackhole(ipaddress.IPv4Network("8.8.0.0/16"))
    assert node.receive(ping_to(ipv4_int("8.8.8.8")), "ge-0/0/0").reason == "blackhole"
    assert node.originate(ping_to(ipv4_int("8.8.4.4"))).reason == "blackhole"
    node.blackhole(ipaddress.IPv4Network("0.0.0.0/0"))
    assert node.receive(ping_to(ipv4_int("10.1.1.2")), "ge-0/0/0").action == "forward"  # its own address
    assert dp.calls == [
        ("receive", "ge-0/0/0"),
        ("originate", ipv4_int("8.8.4.4")),
        ("set_link", ("ge-0/0/1", False)),
        ("receive", "ge-0/0/0"),
    ]


def test_a_device_without_dataplane_drops_and_shows_its_linked_ports():
    node = DeviceNode("R1", FakeDevice(None), ["ge-0/0/3"])
    assert node.ports() == ["ge-0/0/3"] and node.addresses() == []
    assert node.receive(ping_to(H), "ge-0/0/3").reason == "R1 has no dataplane"
    assert node.originate(ping_to(H)).action == "drop"
    node.set_link("ge-0/0/3", False)  # nothing to tell; no error
