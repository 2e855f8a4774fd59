"""Golden transcripts of the packet walk explained and of the session logs, in the default lab
(demo-configs/dual-isp) on a manual clock. The trace lines follow Junos flow traceoptions
(nos/features/flow/trace.py: the first-path lines checked against a published basic-datapath trace);
the RT_FLOW lines the layout of an SRX's non-structured session logs (sessionlog.py).
NOS_UPDATE_GOLDEN=1 rewrites them after a deliberate change: read the diff.

Timeline (from 2026-01-01 00:00:00): at 0 BranchC commits policy no-dns-2 (Debian1 may not reach
8.8.4.4; `log session-init`) before default-permit, which now logs session-init and session-close;
at 1 the console traces an echo request from Debian1 to 8.8.4.4 (denied); at 2 BranchC's CLI
traces a TCP SYN from Debian1 to 8.8.8.8 port 443 (`request lab trace`: permitted, source NAT
through ISP1, the session it leaves is listed); at 3 the Internet node pings BranchC's ISP1 address
(host-inbound-traffic); at 30 the log: the denial, the SYN's session created at 2 and closed at 22
(tcp-initial-timeout 20 s: no ACK ever followed the SYN-ACK).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import trio
from transcripts import DATA, Transcript, assert_golden, file_stem

from nos.lab.labfile import load_lab_file
from nos.lab.topology import build_lab
from nos.runtime.clock import ManualScheduler

LAB = Path(__file__).resolve().parents[2] / "demo-configs" / "dual-isp" / "lab.toml"
POLICY = [
    "configure",
    "set security address-book global address google-dns-2 8.8.4.4/32",
    "set security policies from-zone trust to-zone untrust policy no-dns-2 match source-address any",
    "set security policies from-zone trust to-zone untrust policy no-dns-2 match destination-address google-dns-2",
    "set security policies from-zone trust to-zone untrust policy no-dns-2 match application any",
    "set security policies from-zone trust to-zone untrust policy no-dns-2 then deny",
    "set security policies from-zone trust to-zone untrust policy no-dns-2 then log session-init",
    "insert security policies from-zone trust to-zone untrust policy no-dns-2 before policy default-permit",
    "set security policies from-zone trust to-zone untrust policy default-permit then log session-init",
    "set security policies from-zone trust to-zone untrust policy default-permit then log session-close",
    "commit and-quit",
]
# (lab time, where: "lab" for the console or a device's name, command)
STEPS = [
    (1.0, "lab", "trace Debian1 icmp 8.8.4.4"),
    (2.0, "BranchC", "request lab trace Debian1 tcp 8.8.8.8 443 source-port 40000"),
    (2.0, "BranchC", "show security flow session"),
    (3.0, "lab", "trace Internet icmp 10.1.1.2"),
    (30.0, "BranchC", "show log messages | match RT_FLOW"),
]


@pytest.fixture(scope="module")
def transcripts(tmp_path_factory) -> dict[str, str]:  # type: ignore[no-untyped-def]
    clock = ManualScheduler()
    lab = build_lab(load_lab_file(LAB), scheduler=clock, state_dir=tmp_path_factory.mktemp("flow-trace"))
    try:
        branchc = Transcript(lab.nodes["BranchC"].device)
        for line in POLICY:
            branchc.run(line)
        out: dict[str, str] = {}
        for when, where, command in STEPS:
            clock.advance(when - clock.now())
            if where == "lab":
                lines = trio.run(lab.console.execute, command)
                out[command] = "".join(f"{line}\n" for line in [f"lab> {command}", *lines])
            else:
                out[command] = branchc.run(command)
        return out
    finally:
        lab.close()


def golden_name(command: str) -> str:
    return "flowtrace_" + file_stem(command) + ".golden"


@pytest.mark.parametrize("command", [command for _, _, command in STEPS])
def test_golden(transcripts, command):
    assert_golden(transcripts[command], golden_name(command))


def test_every_flow_trace_golden_file_has_a_command():
    assert {p.name for p in DATA.glob("flowtrace_*")} == {golden_name(c) for _, _, c in STEPS}
