"""Scenario scripts: parsing, transcripts with lab times, expectations, and `nos run`'s exit status."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from clihelpers import nos_command, nos_env
from labhelpers import DUAL_ISP, run, small_lab

from nos.lab.script import ScriptError, ScriptRunner, parse_script
from nos.main import device_cli

HOSTS_LAB = """\
[lab]
name = "hosts"
seed = 3

[nodes.H1]
kind = "host"
address = "192.0.2.2/30"
gateway = "192.0.2.1"

[nodes.Net]
kind = "internet"
address = "192.0.2.1/30"
serves = ["8.8.8.8"]

[[links]]
a = "H1:eth0"
b = "Net:eth0"
latency = 3
"""

PASSING = """\
# H1 reaches 8.8.8.8 through the Internet node
H1> ping 8.8.8.8 count 2
expect 2 packets received, 0% packet loss
link H1:eth0 down
expect is now down
lab> wait 10s
H1$ ping 8.8.8.8 count 1
expect 100% packet loss
"""


def test_parse_script():
    lines = parse_script(PASSING, {"H1", "Net"})
    assert [(x.number, x.kind, x.node, x.text) for x in lines] == [
        (2, "node", "H1", "ping 8.8.8.8 count 2"),
        (3, "expect", "", "2 packets received, 0% packet loss"),
        (4, "lab", "", "link H1:eth0 down"),
        (5, "expect", "", "is now down"),
        (6, "lab", "", "wait 10s"),
        (7, "node", "H1", "ping 8.8.8.8 count 1"),
        (8, "expect", "", "100% packet loss"),
    ]


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("expect x\n", "s.txt:1: expect without a command before it"),
        ("clock\nexpect (\n", "s.txt:2: bad expression: missing ), unterminated subpattern at position 0"),
        ("Router9> show route\n", "s.txt:1: unknown node 'Router9'"),
    ],
)
def test_script_errors(text: str, error: str):
    with pytest.raises(ScriptError) as info:
        parse_script(text, {"H1"}, "s.txt")
    assert str(info.value) == error


def run_script(text: str) -> tuple[bool, str]:
    lab = small_lab()
    out: list[str] = []
    runner = ScriptRunner(lab, device_cli(), out.append, "s.txt")
    ok = run(runner.run, parse_script(text, set(lab.nodes), "s.txt"))
    return ok, "".join(out)


def test_a_transcript_has_lab_times_and_failed_expectations():
    ok, out = run_script("wait 1m5s\nexpect 00:01:05\nclock\nexpect 00:02\nexpect manual\nH1> traceroute 8.8.8.8\n")
    assert not ok
    assert (
        out
        == """\
[00:00:00] lab> wait 1m5s
Lab time: 2026-01-01 00:01:05 UTC
[00:01:05] lab> clock
Lab time: 2026-01-01 00:01:05 UTC (clock: manual, 65.000 s since start)
FAILED s.txt:4: expect /00:02/ did not match the output of line 3
[00:01:05] H1$ traceroute 8.8.8.8
traceroute to 8.8.8.8 (8.8.8.8), 30 hops max, 40 byte packets
 1  192.0.2.1 (192.0.2.1)  6.000 ms  6.000 ms  6.000 ms
 2  8.8.8.8 (8.8.8.8)  6.000 ms  6.000 ms  6.000 ms
"""
    )


def test_a_passing_script():
    ok, out = run_script(PASSING)
    assert ok, out
    assert "[00:00:01] lab> link H1:eth0 down\n" in out
    assert "[00:00:11] H1$ ping 8.8.8.8 count 1\n" in out


def nos_run(tmp_path: Path, script: str, lab: str = HOSTS_LAB) -> subprocess.CompletedProcess[str]:
    (tmp_path / "lab.toml").write_text(lab)
    (tmp_path / "s.txt").write_text(script)
    return subprocess.run(
        [*nos_command(), "run", str(tmp_path / "lab.toml"), str(tmp_path / "s.txt"), "--clock", "virtual"],
        capture_output=True,
        text=True,
        env=nos_env(),
        timeout=60,
    )


def test_nos_run_exits_0_when_every_expectation_matches(tmp_path: Path):
    done = nos_run(tmp_path, PASSING)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("[00:00:00] H1$ ping 8.8.8.8 count 2\nPING 8.8.8.8 (8.8.8.8): 56 data bytes\n")
    assert done.stderr == "nos run: 3 expectations matched\n"


def test_nos_run_exits_1_when_one_does_not(tmp_path: Path):
    done = nos_run(tmp_path, PASSING.replace("expect is now down", "expect is now up"))
    assert done.returncode == 1
    assert "FAILED " in done.stdout and "s.txt:5: expect /is now up/ did not match the output of line 4" in done.stdout
    assert done.stderr == f"nos run: 1 of 3 expectations failed (first at {tmp_path / 's.txt'}:5)\n"


def test_nos_run_reports_a_bad_lab_file(tmp_path: Path):
    done = nos_run(tmp_path, PASSING, HOSTS_LAB.replace('b = "Net:eth0"', 'b = "Nett:eth0"'))
    assert done.returncode == 1
    assert done.stderr == f"{tmp_path / 'lab.toml'}:17: unknown node 'Nett' in link\n"


def test_the_dual_isp_scenario_passes():
    done = subprocess.run(
        [*nos_command(), "run", str(DUAL_ISP / "lab.toml"), str(DUAL_ISP / "scenario-traceroute.txt")],
        capture_output=True,
        text=True,
        env=nos_env(),
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert " 2  10.1.1.1 (10.1.1.1)" in done.stdout and " 2  10.2.2.1 (10.2.2.1)" in done.stdout


def test_the_same_lab_and_script_give_the_same_transcript(tmp_path: Path):
    script = "link ISP1:ge-0/0/1 loss 30\nDebian1> ping 8.8.8.8 count 10\nexpect 10 packets transmitted\nshow links\n"
    (tmp_path / "lossy.txt").write_text(script)
    runs = [
        subprocess.run(
            [*nos_command(), "run", str(DUAL_ISP / "lab.toml"), str(tmp_path / "lossy.txt")],
            capture_output=True,
            text=True,
            env=nos_env(),
            timeout=60,
        )
        for _ in range(2)
    ]
    assert runs[0].returncode == 0, runs[0].stdout + runs[0].stderr
    assert runs[0].stdout == runs[1].stdout
    assert "10 packets transmitted, 5 packets received, 50% packet loss" in runs[0].stdout  # seed 1
