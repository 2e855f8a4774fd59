"""The demo labs' scenarios on the virtual clock, pinned as whole transcripts.

Each transcript carries the lab time of every command and the timeline of
what changed (links, interfaces, routes, RPM and ip-monitoring verdicts) with
exact virtual times, so a change in timing, forwarding or output format shows
up here as a diff. Regenerate after a deliberate change with
NOS_UPDATE_GOLDEN=1 and read the diff. (test_failover_scenarios.py checks the
failover times of these scenarios against times computed from the
configurations.)
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from nos.main import main

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "demo-configs"
DATA = Path(__file__).resolve().parent / "data"

SCENARIOS = {
    # FBF: Debian1 leaves through ISP1, HostC through ISP2; cutting ISP1's link breaks Debian1's
    # traffic until RPM and ip-monitoring move ISP1's default route to ISP2; restored, it comes back.
    "dual_isp_traceroute": (DEMO / "dual-isp" / "lab.toml", DEMO / "dual-isp" / "scenario-traceroute.txt"),
    # ISP1's gateway answers while 8.8.8.8 behind it is blackholed (no failover); a slow ISP2
    # uplink, loss behind ISP2; a one-minute cut of ISP1 with its failover and revert.
    "dual_isp_blackhole": (DEMO / "dual-isp" / "lab.toml", DATA / "dual_isp_blackhole.txt"),
    # BranchC's flow: sessions with their source-NAT wings, aging at computed instants (ICMP 2 s after
    # the reply, UDP 60 s, on whole seconds), a policy that denies, the statistics and hit counts.
    "dual_isp_flow": (DEMO / "dual-isp" / "lab.toml", DEMO / "dual-isp" / "scenario-flow.txt"),
    # Seed 000's section 6: an SSH session and a UDP stream through the failover (the TCP session
    # invalidated, 6 s then 2 s then gone; the UDP one re-routed with its old NAT, silent until cleared).
    "dual_isp_session": (DEMO / "dual-isp" / "lab.toml", DEMO / "dual-isp" / "scenario-session.txt"),
    # Seed 000's failover, step by step around the computed instants (scenario a).
    "dual_isp_failover": (DEMO / "dual-isp" / "lab.toml", DEMO / "dual-isp" / "scenario-failover.txt"),
    # Probes that follow the route ip-monitoring put in place: flapping; pinned: held (scenario b).
    "dual_isp_pitfall": (DEMO / "dual-isp-pitfall" / "lab.toml", DEMO / "dual-isp-pitfall" / "scenario-pitfall.txt"),
    # Seed 002's four scenarios with two monitored hosts per ISP (scenario c).
    "remote_hosts": (DEMO / "remote-hosts" / "lab.toml", DEMO / "remote-hosts" / "scenario-remote-hosts.txt"),
}


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_scenario_transcript(name, tmp_path, capsys):
    """The scenario passes its own expect lines and prints exactly the pinned transcript."""
    lab, script = SCENARIOS[name]
    status = main(["run", str(lab), str(script), "--state-dir", str(tmp_path)])
    out = capsys.readouterr().out
    golden = DATA / f"{name}.golden"
    if os.environ.get("NOS_UPDATE_GOLDEN"):
        golden.write_text(out)
    assert status == 0, out
    assert out == golden.read_text()
