"""The dual-ISP lab's scenarios on the virtual clock, pinned as whole transcripts.

Each transcript carries the lab time of every command and the timeline of
what changed (links, interfaces, routes) with exact virtual times, so a change
in timing, forwarding or output format shows up here as a diff. Regenerate
after a deliberate change with NOS_UPDATE_GOLDEN=1 and read the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from nos.main import main

REPO = Path(__file__).resolve().parents[2]
LAB = REPO / "demo-configs" / "dual-isp" / "lab.toml"
DATA = Path(__file__).resolve().parent / "data"

SCENARIOS = {
    # FBF: Debian1 leaves through ISP1, HostC through ISP2; cutting ISP1's link kills Debian1's traffic only.
    "traceroute": REPO / "demo-configs" / "dual-isp" / "scenario-traceroute.txt",
    # ISP1's gateway answers while 8.8.8.8 behind it is blackholed; latency and loss on ISP2; a cut and a repair.
    "blackhole": DATA / "dual_isp_blackhole.txt",
}


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_scenario_transcript(name, tmp_path, capsys):
    """The scenario passes its own expect lines and prints exactly the pinned transcript."""
    status = main(["run", str(LAB), str(SCENARIOS[name]), "--state-dir", str(tmp_path)])
    out = capsys.readouterr().out
    golden = DATA / f"dual_isp_{name}.golden"
    if os.environ.get("NOS_UPDATE_GOLDEN"):
        golden.write_text(out)
    assert status == 0, out
    assert out == golden.read_text()


def test_cut_and_repair_times_in_the_timeline(tmp_path, capsys):
    """A cut at 00:01:00 and a repair at 00:02:30 move BranchC's ISP1 default route at exactly those times."""
    script = tmp_path / "cut.txt"
    script.write_text("wait 1m\nlink BranchC:ge-0/0/1 down\nwait 90s\nlink BranchC:ge-0/0/1 up\nevents node BranchC\n")
    assert main(["run", str(LAB), str(script), "--state-dir", str(tmp_path / "state")]) == 0
    out = capsys.readouterr().out
    routes = [line for line in out.splitlines() if "ISP1.inet.0 0.0.0.0/0" in line]
    assert routes == [
        "00:01:00  BranchC  route      ISP1.inet.0 0.0.0.0/0: no active route (was Static/5 to 10.1.1.1)",
        "00:02:30  BranchC  route      ISP1.inet.0 0.0.0.0/0: Static/5 to 10.1.1.1 via ge-0/0/1.0",
    ]
