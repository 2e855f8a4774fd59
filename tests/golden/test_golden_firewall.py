"""Golden transcripts of `show firewall ...`, `show firewall log [detail]` and the PFE_FW_SYSLOG_IP lines of
`then syslog`, text and `| display xml` / `| display json`.

- `capture`: filters named and counted like three of an MX's in genieparser's ShowFirewall golden
  (src/genie/libs/parser/junos/tests/test_show_firewall.py, whose text is the capture); the counts
  are set on the counters directly. Its output must be the captured text (data/firewall_capture_*
  .golden are verbatim copies, the test's indentation removed).
- `r1`, a router in a lab on a manual clock, with an input filter (count, log, syslog; discard) on
  its LAN and an output filter (count, log, syslog; reject) on its uplink. H1 pings through them:

      H1 10.0.1.10 --2 ms-- ge-0/0/0 10.0.1.1  r1  ge-0/0/1 198.51.100.1 --5 ms-- Net (8.8.8.8, 8.8.4.4)

  Timeline (from Thu Jan 1 00:00:00 2026): 00:00:05 `ping 8.8.8.8 count 3` (probes at :05, :06,
  :07); 00:00:20 `ping 8.8.4.4 count 2` (rejected on the way out, at :20 and :21); 00:00:30 an SSH
  SYN from H1 to 203.0.113.9 (discarded on the way in). The transcripts are taken at 00:01:00.
  data/firewall_*.golden were checked by eye against the layouts of genieparser's ShowFirewall and
  ShowFirewallLog goldens (columns) and Junos' `show firewall log detail` sample; run with
  NOS_UPDATE_GOLDEN=1 to rewrite them after a deliberate change, and read the diff.
"""

from __future__ import annotations

import pytest
import trio
from transcripts import DATA, Transcript, assert_golden, file_stem, manual_lab

from nos.config.load import parse_set
from nos.features import install
from nos.lab.console import HostShell
from nos.lab.packet import Packet, ipv4_int
from nos.runtime.clock import ManualScheduler
from nos.runtime.device import Device

# -- the capture --------------------------------------------------------------------------------------------

CAPTURE = """\
set system host-name mx1
set firewall family inet filter catch_all term all then count cflow_counter_v4
set firewall family inet filter catch_all term all then accept
set firewall family inet filter v4_EXT_inbound term dst then count deny-dst-in
set firewall family inet filter v4_EXT_inbound term p then count deny-p-in
set firewall family inet filter v4_EXT_inbound term src then count deny-src-in
set firewall family inet filter v4_toIPVPN_inbound term flow then count cflow_counter_v4
set firewall family inet filter v4_toIPVPN_inbound term dst then count deny-dst-in
set firewall family inet filter v4_toIPVPN_inbound term rsvp then count deny-rsvp-in
"""

CAPTURED_COUNTS = {("catch_all", "cflow_counter_v4"): (151730215, 28553344730)}


@pytest.fixture(scope="module")
def capture(schema, tmp_path_factory) -> Transcript:  # type: ignore[no-untyped-def]
    device = Device(schema, ManualScheduler(), hostname="mx1", state_dir=tmp_path_factory.mktemp("mx1"))
    install(device)
    tree = device.db.new_candidate()
    assert not parse_set(tree, CAPTURE).messages
    assert device.db.commit(tree, "lab").ok
    for (name, counter), (packets, size) in CAPTURED_COUNTS.items():
        value = device.firewall.filters[name].counter(name, counter)
        value.packets, value.bytes = packets, size
    return Transcript(device)


def test_show_firewall_is_the_capture(capture):
    """The capture's three IPv4 filters with counters only (its others have policers or are IPv6)."""
    assert_golden(capture.run("show firewall"), "firewall_capture_show_firewall.golden")


# -- the lab ------------------------------------------------------------------------------------------------

R1 = """\
set system host-name r1
set system root-authentication encrypted-password "$6$golden$x"
set interfaces ge-0/0/0 unit 0 family inet address 10.0.1.1/24
set interfaces ge-0/0/0 unit 0 family inet filter input LAN-IN
set interfaces ge-0/0/1 unit 0 family inet address 198.51.100.1/30
set interfaces ge-0/0/1 unit 0 family inet filter output WAN-OUT
set routing-options static route 0.0.0.0/0 next-hop 198.51.100.2
set firewall family inet filter LAN-IN term ping from protocol icmp
set firewall family inet filter LAN-IN term ping then count lan-icmp
set firewall family inet filter LAN-IN term ping then log
set firewall family inet filter LAN-IN term ping then accept
set firewall family inet filter LAN-IN term no-ssh from protocol tcp
set firewall family inet filter LAN-IN term no-ssh from destination-port ssh
set firewall family inet filter LAN-IN term no-ssh then count lan-ssh
set firewall family inet filter LAN-IN term no-ssh then log
set firewall family inet filter LAN-IN term no-ssh then syslog
set firewall family inet filter LAN-IN term no-ssh then discard
set firewall family inet filter LAN-IN term rest then accept
set firewall family inet filter WAN-OUT term no-dns from destination-address 8.8.4.4/32
set firewall family inet filter WAN-OUT term no-dns then count blocked
set firewall family inet filter WAN-OUT term no-dns then log
set firewall family inet filter WAN-OUT term no-dns then syslog
set firewall family inet filter WAN-OUT term no-dns then reject
set firewall family inet filter WAN-OUT term rest then count wan-out
set firewall family inet filter WAN-OUT term rest then accept
"""

LAB = """\
[lab]
name = "golden-firewall"
clock = "virtual"

[nodes.r1]
kind = "device"
config = "r1.conf"
platform = "router"

[nodes.H1]
kind = "host"
address = "10.0.1.10/24"
gateway = "10.0.1.1"

[nodes.Net]
kind = "internet"
address = ["198.51.100.2/30"]
serves = ["8.8.8.8", "8.8.4.4"]

[[links]]
a = "r1:ge-0/0/0"
b = "H1:eth0"
latency = 2

[[links]]
a = "r1:ge-0/0/1"
b = "Net:eth0"
latency = 5
"""

SNAPSHOT = 60.0

COMMANDS = [
    "show firewall",
    "show firewall filter WAN-OUT",
    "show firewall counter lan-icmp filter LAN-IN",
    "show firewall | display xml",
    "show firewall filter LAN-IN | display json",
    "show firewall log",
    "show firewall log detail",
    "show firewall log interface ge-0/0/1.0",
    "show firewall log | display xml",
    "show firewall log detail | display xml",
    "show log messages | match PFE_FW",
]


@pytest.fixture(scope="module")
def r1(tmp_path_factory) -> Transcript:  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("golden-firewall")
    lab, clock = manual_lab(folder, {"r1.conf": R1, "lab.toml": LAB})
    shell = HostShell(lab, lab.nodes["H1"])

    def at(when: float) -> None:
        clock.advance(when - clock.now())

    async def ping(line: str) -> None:
        await shell.execute(line, lambda _: None)

    at(5)
    trio.run(ping, "ping 8.8.8.8 count 3")
    at(20)
    trio.run(ping, "ping 8.8.4.4 count 2")
    at(30)
    syn = Packet(ipv4_int("10.0.1.10"), ipv4_int("203.0.113.9"), "tcp", sport=51022, dport=22, size=60)
    assert lab.exchange("H1", syn).reply is None
    at(SNAPSHOT)
    yield Transcript(lab.nodes["r1"].device)
    lab.close()


def golden_name(command: str) -> str:
    return "firewall_" + file_stem(command) + ".golden"


@pytest.mark.parametrize("command", COMMANDS)
def test_golden(r1, command):
    """The transcript of one command (prompt, command, output) at 00:01:00 is the pinned one."""
    assert_golden(r1.run(command), golden_name(command))


def test_every_firewall_golden_file_has_a_command():
    expected = {golden_name(c) for c in COMMANDS} | {"firewall_capture_show_firewall.golden"}
    assert {p.name for p in DATA.glob("firewall_*")} == expected
