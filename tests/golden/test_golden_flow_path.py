"""Golden transcripts of BranchC's flow in the default lab (demo-configs/dual-isp), fed by real traffic
through its packet path on a manual clock: the sessions with their source-NAT wings, the flow
statistics, the policies' and NAT rules' hits. Checked by eye against the captures in
shared/reference/junos-output (show_security_flow_session__plain_three_sessions: an ICMP session's
ports are its sequence and identifier, its Out wing the translated one; show_security_flow_session_nat
__vsrx_jp). NOS_UPDATE_GOLDEN=1 rewrites them after a deliberate change: read the diff.

Timeline (from 2026-01-01 00:00:00): at 0 Debian1 pings 8.8.8.8 (out through ISP1, translated to
10.1.1.2); at 0.5 HostC pings 8.8.8.8 (through ISP2, 10.2.2.2); at 0.6 Debian1 opens TCP to 8.8.8.8
port 443 (SYN, SYN-ACK) and sends a UDP datagram to 8.8.8.8 port 33500, a traceroute port (answered
port unreachable: its session ends 2 s later); at 0.7 Debian1 pings HostC (trust to trust, no NAT); at 0.8 the Internet
node pings BranchC's ISP1 address (host-inbound: answered, no session). Transcripts at 00:00:01
(the packets flow received include the answers to BranchC's own RPM probes, 0 and 1 s).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from transcripts import DATA, Transcript, assert_golden, file_stem

from nos.lab.labfile import load_lab_file
from nos.lab.packet import ECHO_REQUEST, Packet, ipv4_int
from nos.lab.topology import build_lab
from nos.runtime.clock import ManualScheduler

LAB = Path(__file__).resolve().parents[2] / "demo-configs" / "dual-isp" / "lab.toml"
SNAPSHOT = 1.0

# (lab time, node, destination, protocol, fields)
TRAFFIC: list[tuple[float, str, str, str, dict[str, object]]] = [
    (0.0, "Debian1", "8.8.8.8", "icmp", {"seq": 0}),
    (0.5, "HostC", "8.8.8.8", "icmp", {"seq": 0}),
    (0.6, "Debian1", "8.8.8.8", "tcp", {"sport": 50022, "dport": 443}),
    (0.6, "Debian1", "8.8.8.8", "udp", {"sport": 50053, "dport": 33500}),
    (0.7, "Debian1", "10.0.2.10", "icmp", {"seq": 0}),
    (0.8, "Internet", "10.1.1.2", "icmp", {"seq": 0}),
]

COMMANDS = [
    "show security flow session",
    "show security flow session nat",
    "show security flow session protocol tcp extensive",
    "show security flow session summary",
    "show security flow statistics",
    "show security policies hit-count",
    "show security nat source rule all",
    "show security flow session source-prefix 10.0.2.10 | display xml",
]


@pytest.fixture(scope="module")
def branchc(tmp_path_factory) -> Transcript:  # type: ignore[no-untyped-def]
    clock = ManualScheduler()
    lab = build_lab(load_lab_file(LAB), scheduler=clock, state_dir=tmp_path_factory.mktemp("flow-path"))
    for when, node, dst, proto, fields in TRAFFIC:
        clock.advance(when - clock.now())
        kind = ECHO_REQUEST if proto == "icmp" else None
        packet = Packet(0, ipv4_int(dst), proto, icmp=kind, ident=0x4D2, **fields)  # type: ignore[arg-type]
        assert lab.exchange(node, packet).reply is not None
    clock.advance(SNAPSHOT - clock.now())
    yield Transcript(lab.nodes["BranchC"].device)
    lab.close()


def golden_name(command: str) -> str:
    return "flowpath_" + file_stem(command) + ".golden"


@pytest.mark.parametrize("command", COMMANDS)
def test_golden(branchc, command):
    assert_golden(branchc.run(command), golden_name(command))


def test_every_flow_path_golden_file_has_a_command():
    assert {p.name for p in DATA.glob("flowpath_*")} == {golden_name(c) for c in COMMANDS}
