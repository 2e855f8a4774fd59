"""The packet walk: latency adds up, loss is seeded, down links stop packets, loops end."""

from __future__ import annotations

import pytest
from labhelpers import host, internet, small_lab

from nos.lab.packet import ECHO_REPLY, ECHO_REQUEST, Packet, Verdict, ipv4_int
from nos.lab.topology import Lab, LabError
from nos.lab.walk import HOP_LIMIT
from nos.runtime.clock import ManualScheduler


class Wire:
    """A two-port stub router: what comes in on one port leaves by the other, one TTL less."""

    def __init__(self, name: str):
        self.name = name

    def ports(self) -> list[str]:
        return ["p0", "p1"]

    def addresses(self) -> list[int]:
        return []

    def receive(self, packet: Packet, port: str) -> Verdict:
        out = "p1" if port == "p0" else "p0"
        return Verdict.forward(out, packet.evolve(ttl=packet.ttl - 1))

    def originate(self, packet: Packet) -> Verdict:
        return Verdict.forward("p0", packet)


class Mirror(Wire):
    """Sends everything back out of the port it came in on, TTL untouched (two of them: a loop no TTL catches)."""

    def receive(self, packet: Packet, port: str) -> Verdict:
        return Verdict.forward(port, packet)


def echo(dst: str, seq: int = 0) -> Packet:
    return Packet(0, ipv4_int(dst), "icmp", icmp=ECHO_REQUEST, ident=9, seq=seq)


def chain(seed: int = 1, loss: float = 0.0) -> Lab:
    """H1:eth0 --3ms-- p0:W1:p1 --4ms(loss)-- eth0:Net"""
    lab = Lab("chain", ManualScheduler(), seed)
    lab.add_node(host("H1", "192.0.2.2/30", "192.0.2.1"))
    lab.add_node(Wire("W1"))
    lab.add_node(internet("Net", ["198.51.100.2/30"], ["8.8.8.8"]))
    lab.add_link(("H1", "eth0"), ("W1", "p0"), latency_ms=3)
    lab.add_link(("W1", "p1"), ("Net", "eth0"), latency_ms=4, loss_pct=loss)
    return lab


def test_latencies_add_up_both_ways():
    lab = chain()
    ex = lab.exchange("H1", echo("8.8.8.8"))
    assert ex.reply is not None and ex.reply.icmp == ECHO_REPLY
    assert ex.reply.src == ipv4_int("8.8.8.8") and ex.reply.dst == ipv4_int("192.0.2.2")
    assert ex.rtt_ms == 14.0
    assert ex.forward is not None and ex.forward.hops == ["H1", "W1", "Net"] and ex.forward.latency_ms == 7
    assert ex.back is not None and ex.back.hops == ["Net", "W1", "H1"] and ex.back.outcome == "kept"
    assert ex.reply.ttl == 62  # one off at the Internet (a router before 8.8.8.8), one at W1
    assert [link.packets for link in lab.links] == [2, 2]


def test_loss_is_seeded_and_reproducible():
    def pattern(seed: int) -> list[bool]:
        lab = chain(seed, loss=50)
        return [lab.exchange("H1", echo("8.8.8.8", seq)).reply is not None for seq in range(40)]

    first = pattern(3)
    assert first == pattern(3)
    assert first != pattern(4)
    assert 0 < sum(first) < 40
    lab = chain(3, loss=50)
    for seq in range(40):
        lab.exchange("H1", echo("8.8.8.8", seq))
    assert lab.links[1].lost == 40 - sum(first)  # each failed exchange lost one crossing, out or back


def test_a_lost_packet_is_reported_as_lost():
    lab = chain(1, loss=100)
    ex = lab.exchange("H1", echo("8.8.8.8"))
    assert ex.reply is None
    assert ex.forward is not None and (ex.forward.outcome, ex.forward.node) == ("lost", "W1")


def test_a_down_link_stops_the_packet_and_its_answer():
    lab = chain()
    lab.set_link_state(lab.links[1], False)
    ex = lab.exchange("H1", echo("8.8.8.8"))
    assert ex.reply is None
    assert ex.forward is not None and (ex.forward.outcome, ex.forward.node) == ("link-down", "W1")
    assert lab.set_link_state(lab.links[1], False) is False  # already down
    lab.set_link_state(lab.links[1], True)
    assert lab.exchange("H1", echo("8.8.8.8")).reply is not None


def test_a_port_without_link():
    lab = Lab("lonely", ManualScheduler())
    lab.add_node(host("H1", "192.0.2.2/30", "192.0.2.1"))
    ex = lab.exchange("H1", echo("8.8.8.8"))
    assert ex.forward is not None and ex.forward.outcome == "link-down" and "has no link" in ex.forward.reason


def test_the_hop_limit_ends_a_loop_no_ttl_catches():
    lab = Lab("loop", ManualScheduler())
    lab.add_node(Mirror("A"))
    lab.add_node(Mirror("B"))
    lab.add_link(("A", "p0"), ("B", "p0"), latency_ms=1)
    ex = lab.exchange("A", echo("8.8.8.8"))
    assert ex.reply is None
    assert ex.forward is not None and ex.forward.outcome == "ttl"
    assert len(ex.forward.hops) == HOP_LIMIT + 1


def test_a_ttl_that_runs_out_gets_time_exceeded_from_the_internet():
    lab = small_lab()
    ex = lab.exchange("H1", echo("8.8.8.8").evolve(ttl=1))
    assert ex.reply is not None and ex.reply.icmp == "time-exceeded" and ex.reply.src == ipv4_int("192.0.2.1")


def test_links_refuse_unknown_nodes_and_reused_ports():
    lab = small_lab()
    with pytest.raises(LabError, match="unknown node 'X'"):
        lab.add_link(("X", "eth0"), ("H1", "eth1"))
    with pytest.raises(LabError, match="port H1:eth0 already has a link"):
        lab.add_link(("H1", "eth0"), ("Net", "eth1"))
    with pytest.raises(LabError, match="unknown node 'Nobody'"):
        lab.exchange("Nobody", echo("8.8.8.8"))
