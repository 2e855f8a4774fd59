"""`nos lab` with its input from a pipe: the plain console, attaching to a device and to a host."""

from __future__ import annotations

import subprocess
from pathlib import Path

from clihelpers import nos_command, nos_env


def nos_lab(tmp_path: Path, commands: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*nos_command(), "lab", *args, "--clock", "virtual", "--state-dir", str(tmp_path / "state")],
        input=commands,
        capture_output=True,
        text=True,
        env=nos_env(),
        timeout=60,
    )


def test_the_default_lab_on_a_pipe(tmp_path: Path):
    done = nos_lab(
        tmp_path,
        "attach BranchC\nshow lab clock\nconfigure\nexit\nexit\nattach Nobody\n"
        "attach HostC\nping 8.8.8.8 count 1\nexit\nwait 5\nquit\nclock\n",
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "Lab dual-isp: 6 nodes, 6 links, clock virtual. Type 'help' for commands, 'quit' to leave."
    assert lines[1].startswith("  attach BranchC ")  # the demo lab's guide: three lines
    assert (
        "\n".join(lines[4:])
        == """\
lab> attach BranchC

lab@BranchC> show lab clock
Lab time: 2026-01-01 00:00:00 UTC (clock: virtual, 0.000 s since start)

lab@BranchC> configure
Entering configuration mode

[edit]
lab@BranchC# exit
Exiting configuration mode

lab@BranchC> exit

Left BranchC.
lab> attach Nobody
error: unknown node 'Nobody'
lab> attach HostC
HostC$ ping 8.8.8.8 count 1
PING 8.8.8.8 (8.8.8.8): 56 data bytes
64 bytes from 8.8.8.8: icmp_seq=0 ttl=61 time=34.000 ms

--- 8.8.8.8 ping statistics ---
1 packets transmitted, 1 packets received, 0% packet loss
round-trip min/avg/max/stddev = 34.000/34.000/34.000/0.000 ms
HostC$ exit
Left HostC.
lab> wait 5
Lab time: 2026-01-01 00:00:05 UTC
lab> quit"""
    )


def test_input_that_ends_inside_a_node(tmp_path: Path):
    done = nos_lab(tmp_path, "attach Debian1\nping 8.8.8.8 count 1\n")
    assert done.returncode == 0, done.stderr
    assert done.stdout.endswith(
        "0% packet loss\nround-trip min/avg/max/stddev = 22.000/22.000/22.000/0.000 ms\nDebian1$ \n"
    )


def test_a_bad_lab_file(tmp_path: Path):
    lab = tmp_path / "lab.toml"
    lab.write_text('[nodes.A]\nkind = "router"\n')
    done = nos_lab(tmp_path, "", str(lab))
    assert done.returncode == 1
    assert done.stderr == f"{lab}:2: unknown kind 'router' for node 'A'\n"


def test_scenario_lines_replay_at_the_console(tmp_path: Path):
    """`NODE> command` and `expect` lines, as in a `nos run` script, work when pasted at `lab>`."""
    done = nos_lab(
        tmp_path,
        "BranchC> show route table ISP1.inet.0 0.0.0.0/0 exact\n"
        "expect Static/5\n"
        "expect Static/1\n"
        "link BranchC:ge-0/0/1 down\n"
        "expect is now down\n"
        "Debian1> ping 10.0.1.1 count 1\n"
        "expect 1 packets received\n"
        "Nobody> ping 1.2.3.4\n"
        "quit\n",
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "lab> BranchC> show route table ISP1.inet.0 0.0.0.0/0 exact\n\nISP1.inet.0: " in out
    assert "                    >  to 10.1.1.1 via ge-0/0/1.0\nlab> expect Static/5\nexpect: matched\n" in out
    assert "lab> expect Static/1\nexpect: NOT matched: /Static/1/\n" in out
    assert "lab> expect is now down\nexpect: matched\n" in out  # the console's own output counts too
    assert "1 packets transmitted, 1 packets received, 0% packet loss\n" in out
    assert "lab> Nobody> ping 1.2.3.4\nerror: unknown command 'Nobody>'\n" in out
