"""Golden transcripts of `show ntp associations|status` (text, `| display xml|json|xml rpc`) and of
`show system uptime` / `show chassis routing-engine` (time source, load averages) on srx1, whose NTP
client polls three servers through a lab on a manual clock. Each expected file (data/ntp_*.golden)
was checked by eye against the references (shared/reference/junos-output/show_ntp_associations__netedu.txt,
genie's ShowNtpAssociations and ShowNtpStatus fixtures, the 24.4 `<ntp-status>` capture); run with
NOS_UPDATE_GOLDEN=1 to rewrite them after a deliberate change, and read the diff.

    srx1 ge-0/0/1 198.51.100.1 --3 ms-- eth0 198.51.100.2  Net: 8.8.8.8, 8.8.4.4
    [ISP2] ge-0/0/2 203.0.113.1 --9 ms-- eth1 203.0.113.2

NTP: 8.8.8.8 in inet.0 (round trip 6 ms), 8.8.4.4 through routing instance ISP2 (18 ms, prefer),
192.0.2.123, which nothing answers (Net serves no such address); polls of inet.0 leave from
198.51.100.1; 8.8.8.8 is also the boot server. Both uplinks are in zone untrust: the answers to the
device's own polls pass flow as its own sessions (no host-inbound-traffic needed).

Timeline (from Thu Jan 1 00:00:00 2026): the servers poll first at 1, 2 and 3 s, then every 64 s;
8.8.4.4 (prefer) is the system peer from its first answer. After six clock updates the system poll
grows to 7 (128 s). The transcripts are taken at 00:10:00.
"""

from __future__ import annotations

import pytest
from transcripts import DATA, Transcript, assert_golden, file_stem, manual_lab

SNAPSHOT = 600.0

SRX1 = """\
set system host-name srx1
set system root-authentication encrypted-password "$6$golden$x"
set system ntp boot-server 8.8.8.8
set system ntp server 8.8.8.8
set system ntp server 8.8.4.4 routing-instance ISP2 prefer
set system ntp server 192.0.2.123
set system ntp source-address 198.51.100.1
set interfaces ge-0/0/1 unit 0 family inet address 198.51.100.1/30
set interfaces ge-0/0/2 unit 0 family inet address 203.0.113.1/30
set routing-options static route 0.0.0.0/0 next-hop 198.51.100.2
set routing-instances ISP2 instance-type virtual-router
set routing-instances ISP2 interface ge-0/0/2.0
set routing-instances ISP2 routing-options static route 0.0.0.0/0 next-hop 203.0.113.2
set security zones security-zone untrust interfaces ge-0/0/1.0
set security zones security-zone untrust interfaces ge-0/0/2.0
"""

LAB = """\
[lab]
name = "golden-ntp"
clock = "virtual"

[nodes.srx1]
kind = "device"
config = "srx1.conf"

[nodes.Net]
kind = "internet"
address = ["198.51.100.2/30", "203.0.113.2/30"]
serves = ["8.8.8.8", "8.8.4.4"]

[[links]]
a = "srx1:ge-0/0/1"
b = "Net:eth0"
latency = 3

[[links]]
a = "srx1:ge-0/0/2"
b = "Net:eth1"
latency = 9
"""

COMMANDS = [
    "show configuration system ntp",
    "show ntp associations",
    "show ntp associations no-resolve | display xml",
    "show ntp associations | display json",
    "show ntp associations no-resolve | display xml rpc",
    "show ntp status",
    "show ntp status | display xml",
    "show system uptime",
    "show chassis routing-engine",
]


@pytest.fixture(scope="module")
def ntp_cli(tmp_path_factory) -> Transcript:  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("golden-ntp")
    lab, clock = manual_lab(folder, {"srx1.conf": SRX1, "lab.toml": LAB})
    clock.advance(SNAPSHOT)
    yield Transcript(lab.nodes["srx1"].device)
    lab.close()


def golden_name(command: str) -> str:
    return "ntp_" + file_stem(command) + ".golden"


@pytest.mark.parametrize("command", COMMANDS)
def test_golden(ntp_cli, command):
    """The transcript of one command (prompt, command, output) at 00:10:00 is the pinned one."""
    assert_golden(ntp_cli.run(command), golden_name(command))


def test_every_ntp_golden_file_has_a_command():
    assert {p.name for p in DATA.glob("ntp_*")} == {golden_name(c) for c in COMMANDS}
