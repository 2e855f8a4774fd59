"""Source NAT allocation (ports and addresses, deterministic, released, exhausted, overflowing) and the
feature's counters through commits and `clear`."""

from __future__ import annotations

from nos.features.nat.pools import PORT_HIGH, PORT_LOW, Allocator, SourcePool
from nos.lab.packet import ipv4_int as ip
from nos.lab.packet import ipv4_text


def pool(name: str = "p", first: str = "203.0.113.10", last: str | None = None, **options: object) -> SourcePool:
    return SourcePool(name=name, id=4, ranges=((ip(first), ip(last or first)),), **options)  # type: ignore[arg-type]


def test_pat_ports_are_unique_in_range_and_deterministic():
    p = pool()
    first, second = Allocator(), Allocator()
    got = [first.allocate(p, "tcp", ip("10.0.1.5"), 40000 + n) for n in range(200)]
    again = [second.allocate(p, "tcp", ip("10.0.1.5"), 40000 + n) for n in range(200)]
    assert got == again  # the same sessions get the same translations
    ports = [b.port for b in got]
    assert len(set(ports)) == 200
    assert all(PORT_LOW <= port <= PORT_HIGH for port in ports)
    assert ports != sorted(ports)  # random-like, as Junos' port randomization
    assert first.ports_used(ip("203.0.113.10")) == 200
    assert first.hits["p"] == 200


def test_a_released_port_is_free_again_and_a_full_range_fails():
    p = pool(port_low=2000, port_high=2003)
    allocator = Allocator()
    bindings = [allocator.allocate(p, "udp", ip("10.0.1.5"), 5000 + n) for n in range(4)]
    assert sorted(b.port for b in bindings) == [2000, 2001, 2002, 2003]
    assert allocator.allocate(p, "udp", ip("10.0.1.6"), 1) is None
    assert allocator.failures["p"] == 1
    allocator.release(bindings[2])
    again = allocator.allocate(p, "udp", ip("10.0.1.6"), 1)
    assert again is not None and again.port == bindings[2].port


def test_pat_addresses_are_used_in_turn_or_kept_per_host_when_paired():
    turns = Allocator()
    p = pool(last="203.0.113.12")
    assert [ipv4_text(turns.allocate(p, "tcp", ip("10.0.1.5"), n).address) for n in range(4)] == [
        "203.0.113.10",
        "203.0.113.11",
        "203.0.113.12",
        "203.0.113.10",
    ]
    paired = Allocator()
    q = pool(last="203.0.113.12", paired=True)
    a = [paired.allocate(q, "tcp", ip("10.0.1.5"), n).address for n in range(3)]
    b = paired.allocate(q, "tcp", ip("10.0.1.6"), 1).address
    assert len(set(a)) == 1 and b != a[0]


def test_without_port_translation_each_host_holds_an_address():
    p = pool(last="203.0.113.11", translate_ports=False)
    allocator = Allocator()
    one = allocator.allocate(p, "tcp", ip("10.0.1.5"), 33000)
    same_host = allocator.allocate(p, "udp", ip("10.0.1.5"), 53)
    other = allocator.allocate(p, "tcp", ip("10.0.1.6"), 33000)
    assert (one.port, same_host.port) == (33000, 53)  # the host's ports are kept
    assert one.address == same_host.address != other.address
    assert allocator.allocate(p, "tcp", ip("10.0.1.7"), 1) is None  # two addresses, two hosts
    allocator.release(one)
    assert allocator.allocate(p, "tcp", ip("10.0.1.7"), 1) is None  # the host still has a session
    allocator.release(same_host)
    assert ipv4_text(allocator.allocate(p, "tcp", ip("10.0.1.7"), 1).address) == ipv4_text(one.address)


def test_exhausted_pools_overflow_to_another_pool_or_the_interface():
    small = pool("small", translate_ports=False, overflow_pool="big")
    big = pool("big", "198.51.100.20")
    allocator = Allocator()
    pools = {"small": small, "big": big}
    allocator.allocate(small, "tcp", ip("10.0.1.5"), 1, pools=pools)
    spilled = allocator.allocate(small, "tcp", ip("10.0.1.6"), 1, pools=pools)
    assert spilled.pool == "big" and ipv4_text(spilled.address) == "198.51.100.20" and spilled.pat
    to_interface = pool("small", translate_ports=False, overflow_interface=True)
    allocator = Allocator()
    allocator.allocate(to_interface, "tcp", ip("10.0.1.5"), 1, interface=ip("192.0.2.1"))
    spilled = allocator.allocate(to_interface, "tcp", ip("10.0.1.6"), 1, interface=ip("192.0.2.1"))
    assert spilled.pool is None and ipv4_text(spilled.address) == "192.0.2.1"


def test_host_address_base_shifts_hosts_onto_the_pool():
    p = pool(last="203.0.113.17", translate_ports=False, host_address_base=ip("10.0.1.0"))
    allocator = Allocator()
    assert ipv4_text(allocator.allocate(p, "tcp", ip("10.0.1.3"), 1).address) == "203.0.113.13"
    assert allocator.allocate(p, "tcp", ip("10.0.1.9"), 1) is None  # beyond the pool


def test_interface_nat_is_pat_on_the_egress_address():
    allocator = Allocator()
    a = allocator.allocate(None, "icmp", ip("10.0.1.5"), 7, interface=ip("198.51.100.1"))
    b = allocator.allocate(None, "icmp", ip("10.0.1.6"), 7, interface=ip("198.51.100.1"))
    assert a.address == b.address == ip("198.51.100.1") and a.port != b.port
    assert allocator.allocate(None, "tcp", ip("10.0.1.5"), 1) is None  # no egress address given


# -- the feature -------------------------------------------------------------------------------------------

CONFIG = """\
set interfaces ge-0/0/0 unit 0 family inet address 10.0.1.1/24
set interfaces ge-0/0/1 unit 0 family inet address 198.51.100.1/24
set security zones security-zone trust interfaces ge-0/0/0.0
set security zones security-zone untrust interfaces ge-0/0/1.0
set security nat source pool p1 address 203.0.113.10/32
set security nat source rule-set out from zone trust
set security nat source rule-set out to zone untrust
set security nat source rule-set out rule lan match source-address 10.0.1.0/24
set security nat source rule-set out rule lan then source-nat pool p1
set security nat source rule-set out rule other match source-address 0.0.0.0/0
set security nat source rule-set out rule other then source-nat interface
"""


def first_packet(device, src: str, sport: int):  # type: ignore[no-untyped-def]
    """What the flow does with a new session's first packet: the rule, the translation, the hit."""
    nat = device.nat
    match = nat.source("trust", "untrust", "ge-0/0/1.0", None, ip(src), ip("8.8.8.8"), "tcp", sport, 443)
    binding = nat.allocate(match, "tcp", ip(src), sport, interface=ip("198.51.100.1"))
    nat.hit(match, ok=binding is not None)
    return match, binding


def test_hits_sessions_and_pool_usage(srx, cli_of):
    device = srx(CONFIG)
    sessions = [first_packet(device, "10.0.1.5", 40000 + n) for n in range(3)]
    first_packet(device, "10.0.9.9", 1)
    match, binding = sessions[0]
    device.nat.closed(match)
    device.nat.release(binding)
    counters = device.nat.counters["source", "out", "lan"]
    assert (counters.translation_hits, counters.successful, counters.failed, counters.sessions) == (3, 3, 0, 2)
    assert device.nat.counters["source", "out", "other"].sessions == 1
    pool_text = cli_of(device).output("show security nat source pool p1")
    assert "Translation hits   : 3" in pool_text
    assert "    203.0.113.10 - 203.0.113.10           2              0" in pool_text


def test_counters_survive_a_commit_that_keeps_the_rule(srx, recommit):
    device = srx(CONFIG)
    first_packet(device, "10.0.1.5", 40000)
    recommit(device, "set security nat source rule-set out rule lan match destination-port 443\n")
    assert device.nat.counters["source", "out", "lan"].translation_hits == 1
    recommit(device, "delete security nat source rule-set out rule lan\n")
    assert ("source", "out", "lan") not in device.nat.counters


def test_clear_puts_hits_back_to_zero_but_keeps_sessions(srx, cli_of):
    device = srx(CONFIG)
    first_packet(device, "10.0.1.5", 40000)
    cli = cli_of(device)
    cli.output("clear security nat source rule all")
    cli.output("clear security nat source pool p1")
    counters = device.nat.counters["source", "out", "lan"]
    assert (counters.translation_hits, counters.successful, counters.sessions) == (0, 0, 1)
    assert device.nat.allocator.hits["p1"] == 0
