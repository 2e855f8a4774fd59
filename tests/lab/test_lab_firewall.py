"""Firewall filters in a lab on the virtual clock: a host's pings through an input filter that counts and
logs, and the router's own RPM probes through an output filter that counts and logs. Each logged packet
carries the lab time it crossed the router; replayed probes are logged and counted one by one.

    H1 10.0.1.10 --2 ms-- ge-0/0/0 10.0.1.1  R1  ge-0/0/1 198.51.100.1 --5 ms-- Net (8.8.8.8, 8.8.4.4)
"""

from __future__ import annotations

from pathlib import Path

import pytest
import trio

from nos.cli.io import BufferIO
from nos.cli.session import CliSession
from nos.lab.console import HostShell
from nos.lab.labfile import load_lab_file
from nos.lab.topology import Lab, build_lab
from nos.runtime.clock import ManualScheduler

R1 = """\
set system host-name R1
set system root-authentication encrypted-password "$6$lab$x"
set interfaces ge-0/0/0 unit 0 family inet address 10.0.1.1/24
set interfaces ge-0/0/0 unit 0 family inet filter input LAN-IN
set interfaces ge-0/0/1 unit 0 family inet address 198.51.100.1/30
set routing-options static route 0.0.0.0/0 next-hop 198.51.100.2
set firewall family inet filter LAN-IN term ping from protocol icmp
set firewall family inet filter LAN-IN term ping from destination-address 8.8.8.8/32
set firewall family inet filter LAN-IN term ping then count pings
set firewall family inet filter LAN-IN term ping then log
set firewall family inet filter LAN-IN term ping then accept
set firewall family inet filter LAN-IN term no-dns from destination-address 8.8.4.4/32
set firewall family inet filter LAN-IN term no-dns then count dropped
set firewall family inet filter LAN-IN term no-dns then log
set firewall family inet filter LAN-IN term no-dns then discard
set firewall family inet filter LAN-IN term rest then accept
"""

PROBES = """\
set interfaces ge-0/0/1 unit 0 family inet filter output WAN-OUT
set firewall family inet filter WAN-OUT term probes from source-address 198.51.100.1/32
set firewall family inet filter WAN-OUT term probes then count probes
set firewall family inet filter WAN-OUT term probes then log
set firewall family inet filter WAN-OUT term probes then accept
set firewall family inet filter WAN-OUT term rest then count transit
set firewall family inet filter WAN-OUT term rest then accept
set services rpm probe isp test icmp target address 8.8.8.8
set services rpm probe isp test icmp probe-count 3
set services rpm probe isp test icmp probe-interval 2
set services rpm probe isp test icmp test-interval 10
"""

LAB = """\
[lab]
name = "firewall"
clock = "virtual"

[nodes.R1]
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
a = "R1:ge-0/0/0"
b = "H1:eth0"
latency = 2

[[links]]
a = "R1:ge-0/0/1"
b = "Net:eth0"
latency = 5
"""


class FirewallLab:
    def __init__(self, folder: Path, config: str):
        (folder / "r1.conf").write_text(config)
        (folder / "lab.toml").write_text(LAB)
        self.clock = ManualScheduler()
        self.lab: Lab = build_lab(load_lab_file(folder / "lab.toml"), scheduler=self.clock, state_dir=folder / "s")
        self.device = self.lab.nodes["R1"].device
        self.shell = HostShell(self.lab, self.lab.nodes["H1"])

    def at(self, when: float) -> None:
        self.clock.advance(when - self.clock.now())

    def host(self, line: str) -> list[str]:
        out: list[str] = []
        trio.run(self.shell.execute, line, out.append)
        return out

    def cli(self, line: str) -> list[str]:
        io = BufferIO()
        trio.run(CliSession(self.device, "lab", io).execute, line)
        return io.take().splitlines()


@pytest.fixture
def firewall_lab(tmp_path):  # type: ignore[no-untyped-def]
    made: list[FirewallLab] = []

    def make(config: str) -> FirewallLab:
        made.append(FirewallLab(tmp_path, config))
        return made[-1]

    yield make
    for lab in made:
        lab.lab.close()


def counter_rows(lines: list[str]) -> dict[str, tuple[int, int]]:
    """`show firewall` rows as name -> (bytes, packets)."""
    rows = {}
    for line in lines:
        words = line.split()
        if len(words) == 3 and words[1].isdigit():
            rows[words[0]] = (int(words[1]), int(words[2]))
    return rows


def log_rows(lines: list[str]) -> list[tuple[str, str, str, str]]:
    """`show firewall log` rows as (time, action, interface, destination)."""
    return [(w[0], w[2], w[3], w[6]) for w in (line.split() for line in lines[2:])]


def test_pings_through_a_counting_and_logging_input_filter(firewall_lab):
    """H1 pings 8.8.8.8 three times from 00:00:10 (one a second) and 8.8.4.4 twice from 00:01:00 (the
    filter discards those: the ping waits out each 1 s timeout). The counters and the log's times say
    exactly that; the log lists newest first."""
    lab = firewall_lab(R1)
    lab.at(10)
    out = lab.host("ping 8.8.8.8 count 3")
    assert "3 packets transmitted, 3 packets received, 0% packet loss" in out
    lab.at(60)
    out = lab.host("ping 8.8.4.4 count 2")
    assert "2 packets transmitted, 0 packets received, 100% packet loss" in out
    assert lab.clock.now() == pytest.approx(62.0)  # two probes, one interval and one final wait
    assert counter_rows(lab.cli("show firewall")) == {"dropped": (128, 2), "pings": (192, 3)}
    assert log_rows(lab.cli("show firewall log")) == [
        ("00:01:01", "D", "ge-0/0/0.0", "8.8.4.4"),
        ("00:01:00", "D", "ge-0/0/0.0", "8.8.4.4"),
        ("00:00:12", "A", "ge-0/0/0.0", "8.8.8.8"),
        ("00:00:11", "A", "ge-0/0/0.0", "8.8.8.8"),
        ("00:00:10", "A", "ge-0/0/0.0", "8.8.8.8"),
    ]
    entries = lab.device.firewall.log.newest_first()
    epoch0 = lab.clock.epoch0
    assert [round(e.time - epoch0, 3) for e in entries] == [61.0, 60.0, 12.0, 11.0, 10.0]
    assert lab.cli("clear firewall all") == []
    assert counter_rows(lab.cli("show firewall")) == {"dropped": (0, 0), "pings": (0, 0)}
    assert len(log_rows(lab.cli("show firewall log"))) == 5  # clearing counters leaves the log


def test_replayed_probes_are_counted_and_logged_one_by_one(firewall_lab):
    """RPM sends its probes through the logging output filter: each probe is logged at its own time
    (probes at 0, 2 and 4 s, the next test 10 s after the last answer), and counted, though the lab
    replays the journeys of identical probes rather than walk each."""
    lab = firewall_lab(R1 + PROBES)
    lab.at(20)
    times = [round(e.time - lab.clock.epoch0, 3) for e in lab.device.firewall.log.newest_first()]
    assert times == [18.01, 16.01, 14.01, 4.0, 2.0, 0.0]
    assert counter_rows(lab.cli("show firewall filter WAN-OUT")) == {"probes": (168, 6), "transit": (0, 0)}
    lab.at(25)
    lab.host("ping 8.8.8.8 count 1")  # transit: the host's ping through both filters
    rows = counter_rows(lab.cli("show firewall"))
    assert rows == {"dropped": (0, 0), "pings": (64, 1), "probes": (168, 6), "transit": (64, 1)}
