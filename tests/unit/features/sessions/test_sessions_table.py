"""The session table: lookups by either wing, creation refused, timeouts by protocol and TCP state on a
manual clock, invalidation (seed 000's 6 s then 2 s), clear and select filters, summary counts."""

from __future__ import annotations

import pytest

from nos.features.flow.sessions.table import (
    SessionExists,
    SessionFilter,
    SessionTable,
    TableFull,
    Wing,
    protocol_name,
)
from nos.features.flow.sessions.tcp import FlowOptions
from nos.lab.packet import ipv4_int as ip
from nos.routing.prefix import prefix
from nos.runtime.clock import ManualScheduler

CLIENT, SERVER, PUBLIC = ip("10.0.1.10"), ip("8.8.8.8"), ip("198.51.100.1")


def wings(proto: str = "tcp", sport: int = 40000, dport: int = 22, nat_port: int = 1024) -> tuple[Wing, Wing]:
    """Debian1 to the Internet through source NAT on ge-0/0/1 (as seed 000's SSH session)."""
    return (
        Wing(CLIENT, sport, SERVER, dport, proto, "ge-0/0/0.0", "trust"),
        Wing(SERVER, dport, PUBLIC, nat_port, proto, "ge-0/0/1.0", "untrust"),
    )


class Recorder:
    def __init__(self, table: SessionTable, clock: ManualScheduler):
        self.ended: list[tuple[float, int, str]] = []
        table.on_close.append(lambda s, reason: self.ended.append((clock.now(), s.id, reason)))


@pytest.fixture
def table(clock: ManualScheduler) -> SessionTable:
    return SessionTable(clock.now, clock.call_at)


def ssh(table: SessionTable, **kw: object):  # type: ignore[no-untyped-def]
    """An established SSH session (SYN, SYN-ACK, ACK)."""
    s = table.create(*wings(), "trust-to-untrust", "junos-ssh", 1800, policy_index=4, packet_size=60, **kw)  # type: ignore[arg-type]
    table.touch(s, "out", 60, "syn-ack")
    table.touch(s, "in", 52, "ack")
    return s


def test_lookup_finds_the_session_from_either_side(table: SessionTable) -> None:
    s = ssh(table)
    assert table.lookup("tcp", CLIENT, 40000, SERVER, 22) == (s, "in")
    assert table.lookup("tcp", SERVER, 22, PUBLIC, 1024) == (s, "out")
    assert table.lookup("tcp", SERVER, 22, CLIENT, 40000) is None  # the reply before NAT is no key
    assert table.lookup("udp", CLIENT, 40000, SERVER, 22) is None
    assert table.lookup("tcp", CLIENT, 40000, SERVER, 22, "VR") is None  # another routing instance
    assert (s.in_packets, s.in_bytes, s.out_packets, s.out_bytes) == (2, 112, 1, 60)
    assert s.source_nat and not s.destination_nat and s.nat


def test_wings_in_other_routing_instances(table: SessionTable) -> None:
    a, b = wings("udp", 5000, 53)
    s = table.create(Wing(a.src, a.sport, a.dst, a.dport, "udp", "ge-0/0/3.0", instance="VR"), b, "p", None, 60)
    assert table.lookup("udp", CLIENT, 5000, SERVER, 53, "VR") == (s, "in")
    assert table.lookup("udp", SERVER, 53, PUBLIC, 1024) == (s, "out")  # the session's instance: master


def test_creation_refused_when_a_wing_is_taken_or_the_table_is_full(clock: ManualScheduler) -> None:
    table = SessionTable(clock.now, clock.call_at, max_sessions=2)
    table.create(*wings(), "p", None, 1800)
    with pytest.raises(SessionExists):
        table.create(*wings(), "p", None, 1800)
    other_client = Wing(CLIENT + 1, 40000, SERVER, 22, "tcp", "ge-0/0/0.0")
    with pytest.raises(SessionExists):  # its out wing (the NAT port) is the first session's
        table.create(other_client, wings()[1], "p", None, 1800)
    table.create(*wings(sport=40001, nat_port=1025), "p", None, 1800)
    with pytest.raises(TableFull):
        table.create(*wings(sport=40002, nat_port=1026), "p", None, 1800)
    assert table.failed == 3 and len(table) == 2


def test_tcp_timeouts_follow_the_handshake_and_the_close(table: SessionTable, clock: ManualScheduler) -> None:
    rec = Recorder(table, clock)
    s = table.create(*wings(), "p", "junos-ssh", 1800, packet_size=60)
    assert (s.state, s.timeout, s.remaining(clock.now())) == ("syn-sent", 20, 20)
    clock.advance(1)
    table.touch(s, "out", 60, "syn-ack")
    table.touch(s, "in", 52, "ack")
    assert (s.state, s.timeout, s.remaining(clock.now())) == ("established", 1800, 1800)
    clock.advance(100)
    assert s.remaining(clock.now()) == 1700
    table.touch(s, "in", 100)
    assert s.remaining(clock.now()) == 1800
    table.touch(s, "in", 52, "fin")
    table.touch(s, "out", 52, "fin")
    assert (s.state, s.remaining(clock.now())) == ("time-wait", 2)
    clock.advance(1)
    table.touch(s, "in", 52, "ack")  # no refresh once closed
    clock.advance(1)
    assert rec.ended == [(103.0, s.id, "TCP FIN")] and not table.sessions
    assert table.lookup("tcp", CLIENT, 40000, SERVER, 22) is None


def test_an_unanswered_syn_ages_out_after_the_initial_timeout(clock: ManualScheduler) -> None:
    table = SessionTable(clock.now, clock.call_at, FlowOptions(initial_timeout=40))
    rec = Recorder(table, clock)
    s = table.create(*wings(), "p", "junos-ssh", 1800)
    clock.advance(39)
    assert table.sessions
    clock.advance(1)
    assert rec.ended == [(40.0, s.id, "idle Timeout")]


def test_rst(table: SessionTable, clock: ManualScheduler) -> None:
    rec = Recorder(table, clock)
    s = ssh(table)
    clock.advance(10)
    table.touch(s, "out", 40, "rst")
    assert s.remaining(clock.now()) == 2
    clock.advance(2)
    assert rec.ended == [(12.0, s.id, "TCP RST")]
    table.options = FlowOptions(rst_invalidate=True)
    s2 = ssh(table)
    table.touch(s2, "in", 40, "rst")
    assert rec.ended[-1] == (12.0, s2.id, "TCP RST") and not table.sessions


def test_syn_check_of_a_first_packet(table: SessionTable) -> None:
    assert table.first_packet_drop("tcp", "syn") is None
    assert table.first_packet_drop("tcp", "ack") == "first pak not syn"
    assert table.first_packet_drop("udp", None) is None
    table.options = FlowOptions(syn_check=False)
    assert table.first_packet_drop("tcp", "data") is None
    s = table.create(*wings(), "p", "junos-ssh", 1800, tcp_flags="data")
    assert (s.state, s.timeout) == ("established", 1800)


def test_udp_refreshes_with_its_timeout_and_ends_on_an_icmp_error(table: SessionTable, clock: ManualScheduler) -> None:
    rec = Recorder(table, clock)
    s = table.create(*wings("udp", 5000, 53), "p", "junos-dns-udp", 60, packet_size=70)
    clock.advance(59)
    table.touch(s, "out", 120)
    clock.advance(59)
    assert table.sessions and s.remaining(clock.now()) == 1
    table.touch(s, "in", 70, "icmp-error")
    clock.advance(2)
    assert rec.ended == [(120.0, s.id, "ICMP error")]


def test_icmp_ends_two_seconds_after_its_answer(table: SessionTable, clock: ManualScheduler) -> None:
    rec = Recorder(table, clock)
    s = table.create(*wings("icmp", 26, 928), "p", "junos-icmp-all", 60, packet_size=84)
    clock.advance(0.004)
    table.touch(s, "out", 84)
    assert s.remaining(clock.now()) == 2 and (s.in_packets, s.out_packets) == (1, 1)
    table.touch(s, "in", 84)  # the answer ended it: no refresh
    clock.advance(2)
    assert not rec.ended  # 2.004: due, but sessions age by whole seconds
    clock.advance(1)
    assert rec.ended == [(3.0, s.id, "response received")]


def test_unanswered_icmp_waits_its_timeout(table: SessionTable, clock: ManualScheduler) -> None:
    s = table.create(*wings("icmp", 7, 1), "p", "junos-icmp-all", 60, packet_size=84)
    clock.advance(42)
    assert s.remaining(clock.now()) == 18  # the vSRX 24.4 capture: 1 packet in, none out, Timeout: 18


def test_invalidate_counts_down_and_packets_no_longer_refresh(table: SessionTable, clock: ManualScheduler) -> None:
    """Seed 000: after the failover the SSH session's timeout is 6 s, 4 s later 2 s, then it is gone."""
    rec = Recorder(table, clock)
    s = ssh(table)
    clock.advance(300)
    table.invalidate(s, 6)
    assert (s.valid, s.remaining(clock.now())) == (False, 6)
    assert table.summary().invalidated == 1 and table.summary().valid == 0
    clock.advance(4)
    table.touch(s, "in", 100)
    assert s.remaining(clock.now()) == 2
    clock.advance(2)
    assert rec.ended == [(306.0, s.id, "idle Timeout")]
    assert table.summary().invalidated == 0 and table.summary().in_use == 0


def test_reroute_moves_a_wing_and_files_it_under_its_new_instance(table: SessionTable, clock: ManualScheduler) -> None:
    """A route change took the out wing's packets to ge-0/0/2.0 in instance ISP2: its answers are
    looked up there now; the addresses (the NAT) stay."""
    rec = Recorder(table, clock)
    s = table.create(*wings("udp", 5000, 5004), "p", None, 60)
    assert table.reroute(s, "out", "ge-0/0/2.0", "untrust", "ISP2")
    assert (s.out_wing.ifl, s.out_wing.zone, s.out_wing.dst, s.valid) == ("ge-0/0/2.0", "untrust", PUBLIC, True)
    assert table.lookup("udp", SERVER, 5004, PUBLIC, 1024) is None
    assert table.lookup("udp", SERVER, 5004, PUBLIC, 1024, "ISP2") == (s, "out")
    assert table.lookup("udp", CLIENT, 5000, SERVER, 5004) == (s, "in")
    # Another session holds that key in ISP2: the move is refused and nothing changes.
    a = wings("udp", 6000, 5004, 2048)[0]
    other = table.create(a, Wing(SERVER, 5004, PUBLIC, 2048, "udp", "ge-0/0/2.0", "untrust", "ISP2"), "p", None, 60)
    moved = Wing(SERVER, 5004, PUBLIC, 2048, "udp", "ge-0/0/1.0", "untrust")
    third = table.create(Wing(CLIENT, 7000, SERVER, 5004, "udp", "ge-0/0/0.0", "trust"), moved, "p", None, 60)
    assert not table.reroute(third, "out", "ge-0/0/2.0", "untrust", "ISP2")
    assert third.out_wing == moved and table.lookup("udp", SERVER, 5004, PUBLIC, 2048, "ISP2") == (other, "out")
    table.clear()
    assert not table._in and not table._out and len(rec.ended) == 3


def test_invalidate_never_lengthens_a_closing_session(table: SessionTable, clock: ManualScheduler) -> None:
    rec = Recorder(table, clock)
    s = ssh(table)
    table.touch(s, "out", 40, "rst")
    table.invalidate(s, 6)
    clock.advance(2)
    assert rec.ended == [(2.0, s.id, "TCP RST")]
    s2 = ssh(table)
    table.invalidate(s2, 0)
    assert rec.ended[-1] == (2.0, s2.id, "idle Timeout") and table.summary().invalidated == 0


def test_select_and_clear_by_filter(table: SessionTable, clock: ManualScheduler) -> None:
    rec = Recorder(table, clock)
    ssh_session = ssh(table)
    dns = table.create(*wings("udp", 5000, 53, 1025), "p", "junos-dns-udp", 60)
    lan = table.create(
        Wing(CLIENT, 7, ip("10.0.2.20"), 1, "icmp", "ge-0/0/0.0"),
        Wing(ip("10.0.2.20"), 1, CLIENT, 7, "icmp", "ge-0/0/2.0"),
        "lan",
        None,
        60,
    )

    def ids(**kw: object) -> list[int]:
        return [s.id for s in table.select(SessionFilter(**kw))]  # type: ignore[arg-type]

    everything = [ssh_session.id, dns.id, lan.id]
    assert ids() == everything
    assert ids(source_prefix=prefix("10.0.0.0/8")) == everything
    assert ids(source_prefix=prefix("8.8.8.8/32")) == [ssh_session.id, dns.id]  # their out wings
    assert ids(destination_prefix=prefix("198.51.100.0/24")) == [ssh_session.id, dns.id]
    assert ids(source_prefix=prefix("10.0.1.10/32"), destination_prefix=prefix("8.8.8.8/32")) == [
        ssh_session.id,
        dns.id,
    ]
    assert ids(source_prefix=prefix("8.8.8.8/32"), destination_prefix=prefix("8.8.8.8/32")) == []  # one wing, both
    assert ids(protocol="udp") == [dns.id]
    assert ids(destination_port=22) == [ssh_session.id]
    assert ids(source_port=22) == [ssh_session.id]
    assert ids(application="ssh") == [ssh_session.id] and ids(application="junos-ssh") == [ssh_session.id]
    assert ids(interface="ge-0/0/2.0") == [lan.id]
    assert ids(nat=True) == [ssh_session.id, dns.id]
    assert ids(session_id=dns.id) == [dns.id] and ids(session_id=99) == []
    assert table.clear(SessionFilter(protocol="icmp")) == 1
    assert rec.ended == [(0.0, lan.id, "CLI")]
    assert table.clear() == 2 and not table.sessions and table.lookup("tcp", CLIENT, 40000, SERVER, 22) is None


def test_summary_counts(table: SessionTable) -> None:
    s = ssh(table)
    table.create(*wings("udp", 5000, 53, 1025), "p", None, 60)
    table.invalidate(s, 6)
    with pytest.raises(SessionExists):
        table.create(*wings("udp", 5000, 53, 1025), "p", None, 60)
    summary = table.summary()
    assert (summary.unicast, summary.in_use, summary.valid, summary.invalidated, summary.failed) == (1, 2, 1, 1, 1)
    assert summary.maximum == 524288
    only = table.summary([s])
    assert (only.in_use, only.valid, only.invalidated) == (1, 0, 1)


def test_protocol_names() -> None:
    assert protocol_name("tcp") == "tcp" and protocol_name("6") == "tcp" and protocol_name("1") == "icmp"
    assert protocol_name("253") == "253" and protocol_name("256") is None and protocol_name("tcpx") is None


def test_policy_text() -> None:
    table = SessionTable(ManualScheduler().now, ManualScheduler().call_at)
    a = table.create(*wings(), "trust-to-untrust", None, 1800, policy_index=4)
    b = table.create(*wings(sport=1, nat_port=2), None, None, 1800)
    c = table.create(*wings(sport=3, nat_port=4), "self-traffic-policy", None, 1800)
    assert (a.policy_text, b.policy_text, c.policy_text) == ("trust-to-untrust/4", "N/A", "self-traffic-policy")
