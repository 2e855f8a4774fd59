"""Golden transcripts of what event policies leave behind on srx1, in a lab on a manual clock: the
commit in `show system commit`, eventd's lines in `show log messages` (and the PING_PROBE_FAILED
lines a policy's `ignore` keeps out), the execute-commands file in `file list` / `file show`, and
`show configuration event-options`. Run with NOS_UPDATE_GOLDEN=1 to rewrite the expected files
(data/events_*.golden) after a deliberate change, and read the diff.

    srx1 ge-0/0/1 198.51.100.1 --3 ms-- eth0 198.51.100.2  (ISP1)
         ge-0/0/2 203.0.113.1  --9 ms-- eth1 203.0.113.2   (ISP2)   Net: 8.8.8.8

RPM `isp1 icmp` pings 8.8.8.8 through ISP1: 3 probes 1 s apart, 6 s between tests, failing when all
3 are lost (successive-loss 1: each lost probe is a PING_PROBE_FAILED). Policy `isp1-down` commits inet.0's default route via ISP2 on its first PING_TEST_FAILED
and saves two commands' output in /var/tmp; `quiet` ignores PING_PROBE_FAILED.

Timeline (from Thu Jan 1 00:00:00 2026): tests start at 0, 8.006, 16.012, 24.018 (each lasts 2.006 s:
6 ms round trips); ISP1 loses everything from 25.5: the test of 24.018 loses its last probe only and
passes at 27.018; the test of 33.018 loses all 3 and fails at 36.018 (its last probe's timeout): the
policy commits then, and saves its file, named after that second. The transcripts are taken at
00:00:40.
"""

from __future__ import annotations

import pytest
from transcripts import DATA, Transcript, assert_golden, file_stem, manual_lab

SNAPSHOT = 40.0
OUTAGE = 25.5

SRX1 = """\
set system host-name srx1
set system root-authentication encrypted-password "$6$golden$x"
set system login user lab uid 2000
set system login user lab class super-user
set interfaces ge-0/0/1 unit 0 family inet address 198.51.100.1/30
set interfaces ge-0/0/2 unit 0 family inet address 203.0.113.1/30
set routing-options static route 0.0.0.0/0 next-hop 198.51.100.2
set services rpm probe isp1 test icmp target address 8.8.8.8
set services rpm probe isp1 test icmp next-hop 198.51.100.2
set services rpm probe isp1 test icmp probe-count 3
set services rpm probe isp1 test icmp probe-interval 1
set services rpm probe isp1 test icmp test-interval 6
set services rpm probe isp1 test icmp thresholds total-loss 3
set event-options policy isp1-down events ping_test_failed
set event-options policy isp1-down attributes-match ping_test_failed.test-owner matches "^isp1$"
set event-options policy isp1-down then change-configuration commands "delete routing-options static route 0.0.0.0/0"
set event-options policy isp1-down then change-configuration commands "set routing-options static route 0.0.0.0/0 next-hop 203.0.113.2"
set event-options policy isp1-down then change-configuration commit-options log "isp1-down: default route via ISP2"
set event-options policy isp1-down then change-configuration user-name lab
set event-options policy isp1-down then execute-commands commands "show route 0.0.0.0/0 exact"
set event-options policy isp1-down then execute-commands commands "show services rpm probe-results owner {$$.test-owner}"
set event-options policy isp1-down then execute-commands output-filename isp1-down
set event-options policy isp1-down then execute-commands destination local
set event-options policy isp1-down then execute-commands output-format text
set event-options policy quiet events ping_probe_failed
set event-options policy quiet then ignore
set event-options destinations local archive-sites /var/tmp
"""

LAB = """\
[lab]
name = "golden-events"
clock = "virtual"

[nodes.srx1]
kind = "device"
platform = "router"
config = "srx1.conf"

[nodes.Net]
kind = "internet"
address = ["198.51.100.2/30", "203.0.113.2/30"]
serves = ["8.8.8.8"]

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
    "show system commit",
    "show log messages",
    "file list /var/tmp detail",
    "file show /var/tmp/srx1_isp1-down_20260101_000036",
    "show configuration event-options",
    "show route 0.0.0.0/0 exact",
]


@pytest.fixture(scope="module")
def events_cli(tmp_path_factory) -> Transcript:  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("golden-events")
    lab, clock = manual_lab(folder, {"srx1.conf": SRX1, "lab.toml": LAB})
    clock.advance(OUTAGE)
    lab.set_link_quality(lab.find_link("srx1:ge-0/0/1"), loss_pct=100.0)
    clock.advance(SNAPSHOT - clock.now())
    yield Transcript(lab.nodes["srx1"].device)
    lab.close()


def golden_name(command: str) -> str:
    return "events_" + file_stem(command) + ".golden"


@pytest.mark.parametrize("command", COMMANDS)
def test_golden(events_cli, command):
    """The transcript of one command (prompt, command, output) at 00:00:40 is the pinned one."""
    assert_golden(events_cli.run(command), golden_name(command))


def test_every_events_golden_file_has_a_command():
    assert {p.name for p in DATA.glob("events_*")} == {golden_name(c) for c in COMMANDS}
