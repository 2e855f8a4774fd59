"""Golden transcripts of `show services rpm ...`, `show services ip-monitoring status` and `show log
messages` on srx1, a branch SRX with two ISPs and a VPN routing instance, in a lab on a manual clock.
Each expected file (data/services_*.golden) was checked by eye against the captures in
shared/reference/junos-output (show_services_rpm_probe_results__*, show_services_rpm_history_results__*,
show_services_ip_monitoring_status__*); run with NOS_UPDATE_GOLDEN=1 to rewrite them after a
deliberate change, and read the diff.

    srx1 ge-0/0/1 198.51.100.1 --3 ms-- eth0 198.51.100.2  (ISP1)
         ge-0/0/2 203.0.113.1  --9 ms-- eth1 203.0.113.2   (ISP2)   Net: 8.8.8.8, 8.8.4.4
    [VPN]ge-0/0/3 192.0.2.1    --5 ms-- eth2 192.0.2.2
         ge-0/0/5 10.0.5.1     --20 ms- eth0 10.0.5.2      LTE (a backup uplink)

RPM: `isp1 icmp` pings 8.8.8.8 through ISP1 (pinned with next-hop, source-address set), 5 probes 2 s
apart, 10 s between tests, failing when all 5 are lost; `vpn icmp` pings 8.8.4.4 in routing instance
VPN, 5 probes 1 s apart, 20 s between tests, with the test-completion trap.
ip-monitoring: `failover` (isp1) moves inet.0's default route to ISP2 and enables ge-0/0/5;
`isp1-only` (isp1) withdraws 10.30.0.0/16; `vpn-watch` (vpn) would add a discard route in VPN.

Timeline (from Thu Jan 1 00:00:00 2026): the VPN link's latency changes a few times (jitter);
ISP1 loses everything from 00:01:00. isp1's test of 00:01:14 loses all 5 probes: the third lost in
a row is a probe failure when it times out, at 00:01:20; the test fails at 00:01:24 and the policies
act then. The transcripts are taken at 00:01:39.5, with a probe of isp1 and one of vpn in flight.
"""

from __future__ import annotations

import pytest
from transcripts import DATA, Transcript, assert_golden, file_stem, manual_lab

SNAPSHOT = 99.5

SRX1 = """\
set system host-name srx1
set system root-authentication encrypted-password "$6$golden$x"
set interfaces ge-0/0/1 unit 0 family inet address 198.51.100.1/30
set interfaces ge-0/0/2 unit 0 family inet address 203.0.113.1/30
set interfaces ge-0/0/3 unit 0 family inet address 192.0.2.1/30
set interfaces ge-0/0/5 unit 0 family inet address 10.0.5.1/24
set routing-options static route 0.0.0.0/0 next-hop 198.51.100.2
set routing-instances VPN instance-type virtual-router
set routing-instances VPN interface ge-0/0/3.0
set routing-instances VPN routing-options static route 0.0.0.0/0 next-hop 192.0.2.2
set services rpm probe isp1 test icmp probe-type icmp-ping
set services rpm probe isp1 test icmp target address 8.8.8.8
set services rpm probe isp1 test icmp source-address 198.51.100.1
set services rpm probe isp1 test icmp next-hop 198.51.100.2
set services rpm probe isp1 test icmp probe-count 5
set services rpm probe isp1 test icmp probe-interval 2
set services rpm probe isp1 test icmp test-interval 10
set services rpm probe isp1 test icmp thresholds successive-loss 3
set services rpm probe isp1 test icmp thresholds total-loss 5
set services rpm probe isp1 test icmp traps [ probe-failure test-failure ]
set services rpm probe vpn test icmp target address 8.8.4.4
set services rpm probe vpn test icmp routing-instance VPN
set services rpm probe vpn test icmp probe-count 5
set services rpm probe vpn test icmp probe-interval 1
set services rpm probe vpn test icmp test-interval 20
set services rpm probe vpn test icmp traps test-completion
set services ip-monitoring policy failover match rpm-probe isp1
set services ip-monitoring policy failover then preferred-route route 0.0.0.0/0 next-hop 203.0.113.2
set services ip-monitoring policy failover then interface ge-0/0/5 enable
set services ip-monitoring policy isp1-only match rpm-probe isp1
set services ip-monitoring policy isp1-only then preferred-route withdraw
set services ip-monitoring policy isp1-only then preferred-route route 10.30.0.0/16 next-hop 198.51.100.2
set services ip-monitoring policy vpn-watch match rpm-probe vpn
set services ip-monitoring policy vpn-watch then preferred-route routing-instances VPN route 10.20.0.0/16 discard
"""

LAB = """\
[lab]
name = "golden-services"
clock = "virtual"

[nodes.srx1]
kind = "device"
platform = "router"
config = "srx1.conf"

[nodes.Net]
kind = "internet"
address = ["198.51.100.2/30", "203.0.113.2/30", "192.0.2.2/30"]
serves = ["8.8.8.8", "8.8.4.4"]

[nodes.LTE]
kind = "host"
address = "10.0.5.2/24"
gateway = "10.0.5.1"

[[links]]
a = "srx1:ge-0/0/5"
b = "LTE:eth0"
latency = 20

[[links]]
a = "srx1:ge-0/0/1"
b = "Net:eth0"
latency = 3

[[links]]
a = "srx1:ge-0/0/2"
b = "Net:eth1"
latency = 9

[[links]]
a = "srx1:ge-0/0/3"
b = "Net:eth2"
latency = 5
"""

# (lab time, link end, what changes)
CHANGES = [
    (1.5, "srx1:ge-0/0/3", {"latency_ms": 6.0}),
    (2.5, "srx1:ge-0/0/3", {"latency_ms": 5.5}),
    (25.5, "srx1:ge-0/0/3", {"latency_ms": 4.0}),
    (50.5, "srx1:ge-0/0/3", {"latency_ms": 7.0}),
    (60.0, "srx1:ge-0/0/1", {"loss_pct": 100.0}),
    (73.5, "srx1:ge-0/0/3", {"latency_ms": 4.5}),
    (97.5, "srx1:ge-0/0/3", {"latency_ms": 6.0}),
]

COMMANDS = [
    "show services rpm probe-results",
    "show services rpm probe-results owner vpn test icmp",
    "show services rpm history-results",
    "show services rpm history-results brief owner isp1",
    "show services rpm history-results detail owner vpn since 2026-01-01.00:01:30",
    "show services ip-monitoring status",
    "show services ip-monitoring status failover",
    "show route 0.0.0.0/0 exact",
    "show log messages",
]


@pytest.fixture(scope="module")
def services_cli(tmp_path_factory) -> Transcript:  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("golden-services")
    lab, clock = manual_lab(folder, {"srx1.conf": SRX1, "lab.toml": LAB})
    for when, end, change in CHANGES:
        clock.advance(when - clock.now())
        lab.set_link_quality(lab.find_link(end), **change)
    clock.advance(SNAPSHOT - clock.now())
    yield Transcript(lab.nodes["srx1"].device)
    lab.close()


def golden_name(command: str) -> str:
    return "services_" + file_stem(command) + ".golden"


@pytest.mark.parametrize("command", COMMANDS)
def test_golden(services_cli, command):
    """The transcript of one command (prompt, command, output) at 00:01:39.5 is the pinned one."""
    assert_golden(services_cli.run(command), golden_name(command))


def test_every_services_golden_file_has_a_command():
    assert {p.name for p in DATA.glob("services_*")} == {golden_name(c) for c in COMMANDS}
