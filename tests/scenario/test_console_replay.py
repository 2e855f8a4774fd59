"""Every scenario replays by hand: its lines typed at `nos lab --clock virtual` give the same results
as `nos run` (each `expect` matches at the console too)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cli"))
from clihelpers import nos_command, nos_env

DEMO = Path(__file__).resolve().parents[2] / "demo-configs"
SCENARIOS = [
    ("dual-isp/lab.toml", "dual-isp/scenario-traceroute.txt"),
    ("dual-isp/lab.toml", "dual-isp/scenario-failover.txt"),
    ("dual-isp/lab.toml", "dual-isp/scenario-flow.txt"),
    ("dual-isp/lab.toml", "dual-isp/scenario-session.txt"),
    ("dual-isp-pitfall/lab.toml", "dual-isp-pitfall/scenario-pitfall.txt"),
    ("remote-hosts/lab.toml", "remote-hosts/scenario-remote-hosts.txt"),
    ("bgp-upstream/lab.toml", "bgp-upstream/scenario-bgp.txt"),
    ("dual-isp-event-policy/lab.toml", "dual-isp-event-policy/scenario-event-policy.txt"),
]


@pytest.mark.parametrize(("lab", "script"), SCENARIOS, ids=[s for _, s in SCENARIOS])
def test_a_scenario_typed_at_the_console(lab, script, tmp_path):
    lines = [line for line in (DEMO / script).read_text().splitlines() if line.strip() and not line.startswith("#")]
    expects = sum(line.startswith("expect") for line in lines)
    done = subprocess.run(
        [*nos_command(), "lab", str(DEMO / lab), "--clock", "virtual", "--state-dir", str(tmp_path)],
        input="\n".join([*lines, "quit"]) + "\n",
        capture_output=True,
        text=True,
        env=nos_env(),
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "expect: NOT matched" not in done.stdout
    assert done.stdout.count("expect: matched") == expects > 0
