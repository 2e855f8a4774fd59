"""Golden transcripts of `show security nat ...`, text and `| display xml`.

Two devices on a manual clock, their NAT driven through the feature as the flow's first packets
would drive it (rule lookups, allocations, hits, session ends):

- `capture`, configured like the boxes of the captures in shared/reference/junos-output
  (show_security_nat_source_rule_all__vsrx_24.4, show_security_nat_destination_rule_all__vsrx_24.4,
  show_security_nat_source_summary__vsrx_24.4, and the static rule of
  show_security_flow_session_nat__vsrx_jp) with the captures' hit counts: its output must be the
  captured text (data/nat_capture_*.golden are verbatim copies; the captures' totals lines count
  rules and IPv6 prefixes of their boxes that are not reproduced, so those tests compare the rule
  block and the pool table);
- `srx1`, a branch with PAT and no-PAT pools, interface NAT, `off`, an interface rule set,
  destination NAT and static NAT: data/nat_*.golden, checked by eye against the captures' layout
  (run with NOS_UPDATE_GOLDEN=1 to rewrite them after a deliberate change, and read the diff).
"""

from __future__ import annotations

import pytest
from transcripts import DATA, Transcript, assert_golden, file_stem

from nos.config.load import parse_set
from nos.features import install
from nos.lab.packet import ipv4_int as ip
from nos.runtime.clock import ManualScheduler
from nos.runtime.device import Device

CAPTURE = """\
set system host-name capture
set interfaces ge-0/0/0 unit 0 family inet address 192.168.99.1/24
set interfaces ge-0/0/1 unit 0 family inet address 192.168.98.1/24
set interfaces ge-0/0/2 unit 0 family inet address 50.247.115.21/24
set interfaces ge-0/0/3 unit 0 family inet address 108.85.109.1/24
set interfaces ge-0/0/4 unit 0 family inet address 172.17.42.254/24
set security zones security-zone guest interfaces ge-0/0/0.0
set security zones security-zone lan interfaces ge-0/0/1.0
set security zones security-zone Internet-BCI interfaces ge-0/0/2.0
set security zones security-zone Internet-ATT interfaces ge-0/0/3.0
set security zones security-zone untrust interfaces ge-0/0/4.0
set security nat source pool bci_pool address 50.247.115.21/32
set security nat source rule-set bci-to-internet from zone [ guest lan ]
set security nat source rule-set bci-to-internet to zone Internet-BCI
set security nat source rule-set bci-to-internet rule source-as-bci match source-address 0.0.0.0/0
set security nat source rule-set bci-to-internet rule source-as-bci match destination-address 0.0.0.0/0
set security nat source rule-set bci-to-internet rule source-as-bci then source-nat pool bci_pool
set security nat destination pool host_syslog_container address 192.168.99.14/32
set security nat destination rule-set internet-in-dmz-dnat from zone [ Internet-ATT Internet-BCI ]
set security nat destination rule-set internet-in-dmz-dnat rule firehouse-syslog match destination-address 108.85.109.0/32
set security nat destination rule-set internet-in-dmz-dnat rule firehouse-syslog match destination-port 514
set security nat destination rule-set internet-in-dmz-dnat rule firehouse-syslog then destination-nat pool host_syslog_container
set security nat static rule-set StaticNat-RS1 from zone untrust
set security nat static rule-set StaticNat-RS1 rule StaticNatR1 match destination-address 172.17.42.1/32
set security nat static rule-set StaticNat-RS1 rule StaticNatR1 then static-nat prefix 10.0.0.2/32
"""

SRX1 = """\
set system host-name srx1
set interfaces ge-0/0/0 unit 0 family inet address 10.0.1.1/24
set interfaces ge-0/0/1 unit 0 family inet address 198.51.100.1/24
set interfaces ge-0/0/3 unit 0 family inet address 10.0.3.1/24
set security address-book global address mail-server 10.0.1.25/32
set security zones security-zone trust interfaces ge-0/0/0.0
set security zones security-zone guest interfaces ge-0/0/3.0
set security zones security-zone untrust interfaces ge-0/0/1.0
set security nat source pool pat-pool address 198.51.100.64/30
set security nat source pool pat-pool port range 20000 to 20999
set security nat source pool fixed address 198.51.100.80/32 to 198.51.100.81/32
set security nat source pool fixed port no-translation
set security nat source pool fixed overflow-pool interface
set security nat source rule-set lan-out from zone trust
set security nat source rule-set lan-out to zone untrust
set security nat source rule-set lan-out rule web match source-address 10.0.1.0/24
set security nat source rule-set lan-out rule web match destination-port 80
set security nat source rule-set lan-out rule web match destination-port 443
set security nat source rule-set lan-out rule web match protocol tcp
set security nat source rule-set lan-out rule web then source-nat pool pat-pool
set security nat source rule-set lan-out rule dns-direct match destination-address 198.51.100.53/32
set security nat source rule-set lan-out rule dns-direct then source-nat off
set security nat source rule-set lan-out rule rest match source-address 0.0.0.0/0
set security nat source rule-set lan-out rule rest then source-nat interface
set security nat source rule-set guests from interface ge-0/0/3.0
set security nat source rule-set guests to zone untrust
set security nat source rule-set guests rule guest-hosts match source-address 10.0.3.0/24
set security nat source rule-set guests rule guest-hosts then source-nat pool fixed
set security nat destination pool web address 10.0.1.80/32 port 8080
set security nat destination rule-set from-internet from zone untrust
set security nat destination rule-set from-internet rule http match destination-address 198.51.100.1/32
set security nat destination rule-set from-internet rule http match destination-port 80
set security nat destination rule-set from-internet rule http match protocol tcp
set security nat destination rule-set from-internet rule http then destination-nat pool web
set security nat static rule-set inbound from zone untrust
set security nat static rule-set inbound rule mail match destination-address 198.51.100.25/32
set security nat static rule-set inbound rule mail then static-nat prefix-name mail-server
set security nat proxy-arp interface ge-0/0/1.0 address 198.51.100.64/30
"""


def device_with(schema, config: str, tmp_path_factory, name: str) -> Device:  # type: ignore[no-untyped-def]
    device = Device(schema, ManualScheduler(), hostname=name, state_dir=tmp_path_factory.mktemp(name))
    install(device)
    tree = device.db.new_candidate()
    assert not parse_set(tree, config).messages
    assert device.db.commit(tree, "lab").ok
    return device


def session(  # type: ignore[no-untyped-def]
    device: Device, kind: str, *where: object, ok: bool = True, ends: bool = False, proto: str = "tcp", from_ifl=None
):
    """One session's first packet through NAT (and, with `ends`, its end)."""
    nat = device.nat
    if kind == "source":
        from_zone, to_zone, to_ifl, src, dst, sport, dport = where
        match = nat.source(from_zone, to_zone, to_ifl, None, ip(src), ip(dst), proto, sport, dport, from_ifl=from_ifl)
        assert match is not None
        binding = nat.allocate(match, proto, ip(src), sport, interface=ip("198.51.100.1"))
        nat.hit(match, ok=binding is not None or match.action == "off")
        if ends:
            nat.closed(match)
            if binding is not None:
                nat.release(binding)
        return match
    zone, src, dst, sport, dport = where
    match = getattr(nat, kind)(zone, "ge-0/0/1.0", None, ip(src), ip(dst), proto, sport, dport)
    assert match is not None
    nat.hit(match, ok=ok)
    if ends and ok:
        nat.closed(match)
    return match


@pytest.fixture(scope="module")
def capture(schema, tmp_path_factory) -> Transcript:  # type: ignore[no-untyped-def]
    device = device_with(schema, CAPTURE, tmp_path_factory, "capture")
    for n in range(18564):  # the capture's counts: 18491 translated, 73 failed, one session left
        ok = n < 18491
        session(
            device,
            "destination",
            "Internet-ATT",
            "8.8.8.8",
            "108.85.109.0",
            1000 + n % 60000,
            514,
            ok=ok,
            ends=ok and n > 0,
        )
    for n in range(29):
        session(device, "static", "untrust", "172.17.42.2", "172.17.42.1", n + 1, 0, proto="icmp", ends=True)
    yield Transcript(device)
    device.close()


def output(transcript: Transcript, command: str) -> list[str]:
    """The command's output lines (the transcript without its prompt line)."""
    lines = transcript.run(command).splitlines()
    return lines[next(n for n, line in enumerate(lines) if line.endswith("> " + command)) + 1 :]


def captured(name: str) -> list[str]:
    return (DATA / name).read_text(encoding="utf-8").splitlines()


def test_static_rule_all_is_the_capture(capture):
    assert output(capture, "show security nat static rule all") == captured("nat_capture_static_rule_all.golden")


def test_destination_rule_is_the_capture(capture):
    lines = output(capture, "show security nat destination rule all")
    assert lines[0] == "Total destination-nat rules: 1"
    assert lines[1] == "Total referenced IPv4/IPv6 ip-prefixes: 1/0"
    assert lines[2:] == captured("nat_capture_destination_rule.golden")


def test_source_rule_is_the_capture(capture):
    lines = output(capture, "show security nat source rule all")
    assert lines[:2] == ["Total rules: 1", "Total referenced IPv4/IPv6 ip-prefixes: 2/0"]
    assert lines[2:] == captured("nat_capture_source_rule.golden")


def test_source_summary_pools_are_the_capture(capture):
    lines = output(capture, "show security nat source summary")
    expected = captured("nat_capture_source_summary_pools.golden")
    assert lines[: len(expected)] == expected
    assert lines[len(expected) :] == [
        "Total rules: 1",
        "Rule name : source-as-bci",
        "    Rule set  : bci-to-internet",
        "    Action    : bci_pool",
        "    From      : guest                 To : Internet-BCI",
        "    From      : lan",
    ]


# -- srx1 ------------------------------------------------------------------------------------------------

COMMANDS = [
    "show security nat source rule all",
    "show security nat source rule web",
    "show security nat source summary",
    "show security nat source pool all",
    "show security nat destination rule all",
    "show security nat destination summary",
    "show security nat destination pool all",
    "show security nat static rule all",
    "show security nat source rule web | display xml",
    "show security nat source pool pat-pool | display xml",
    "show security nat destination rule all | display xml",
    "show security nat destination pool all | display xml",
    "show security nat destination summary | display xml",
    "show security nat source summary | display xml",
]


@pytest.fixture(scope="module")
def srx1(schema, tmp_path_factory) -> Transcript:  # type: ignore[no-untyped-def]
    device = device_with(schema, SRX1, tmp_path_factory, "srx1")
    out = ("trust", "untrust", "ge-0/0/1.0")
    for n in range(3):  # web from one host: PAT ports of pat-pool, one session over
        session(device, "source", *out, "10.0.1.5", "93.184.216.34", 40000 + n, 443, ends=n == 0)
    session(device, "source", *out, "10.0.1.6", "198.51.100.53", 5353, 53, proto="udp")  # dns-direct: off
    session(device, "source", *out, "10.0.1.7", "8.8.8.8", 7, 0, proto="icmp")  # rest: interface
    guests = ("guest", "untrust", "ge-0/0/1.0")
    for host in ("10.0.3.5", "10.0.3.6", "10.0.3.7"):  # two addresses without PAT, then the interface
        session(device, "source", *guests, host, "8.8.8.8", 33000, 443, from_ifl="ge-0/0/3.0")
    for n in range(4):
        session(device, "destination", "untrust", "203.0.113.9", "198.51.100.1", 50000 + n, 80, ends=n < 3)
    session(device, "static", "untrust", "203.0.113.9", "198.51.100.25", 40001, 25)
    yield Transcript(device)
    device.close()


def golden_name(command: str) -> str:
    return "nat_" + file_stem(command) + ".golden"


@pytest.mark.parametrize("command", COMMANDS)
def test_golden(srx1, command):
    assert_golden(srx1.run(command), golden_name(command))


def test_every_nat_golden_file_has_a_test():
    captures = {p.name for p in DATA.glob("nat_capture_*")}
    assert {p.name for p in DATA.glob("nat_*")} - captures == {golden_name(c) for c in COMMANDS}
