"""Long-lived connections from a lab host, through a router, on the virtual clock.

data/connections/: Debian1 and Srv behind R1 (platform router), the Internet
node beyond it. Debian1 holds SSH to 8.8.8.8 and to Srv and a UDP stream to
8.8.8.8; the Internet link is cut, then restored (the SSH connection times out,
the stream goes quiet and comes back, a new SSH connection works), and Srv
restarts (its connection meets a RST at the next keepalive).

The times asserted are computed from the script's moments and the client's
constants (keepalive interval and count, the stream's rate and quiet time):
in-process on a manual clock to the float, and in the `nos run` transcript
to the second, which is also pinned whole (NOS_UPDATE_GOLDEN=1 rewrites it).
"""

from __future__ import annotations

import math
import os
import re
from pathlib import Path

import pytest
import trio

from nos.lab import connections as conns
from nos.lab.console import HostShell
from nos.lab.labfile import load_lab_file
from nos.lab.topology import Lab, build_lab, format_lab_time
from nos.main import main
from nos.runtime.clock import ManualScheduler

DATA = Path(__file__).resolve().parent / "data"
LAB = DATA / "connections" / "lab.toml"
SCRIPT = DATA / "connections" / "scenario.txt"
N, K = conns.KEEPALIVE_INTERVAL, conns.KEEPALIVE_COUNT_MAX


def first_tick_after(start: float, moment: float, period: float) -> float:
    """The first instant of a grid from `start` that comes after `moment` (one on it went before)."""
    return start + (math.floor((moment - start) / period) + 1) * period


def timeout_at(opened: float, cut: float) -> float:
    """When a connection opened at `opened` times out for a cut at `cut`: K keepalives unanswered from
    the first after the cut, and the break when the next would leave."""
    return first_tick_after(opened, cut, N) + K * N


@pytest.fixture
def lab():  # type: ignore[no-untyped-def]
    built = build_lab(load_lab_file(LAB), scheduler=ManualScheduler())
    yield built
    built.close()


def shell(lab: Lab, node: str, line: str) -> list[str]:
    out: list[str] = []
    trio.run(HostShell(lab, lab.nodes[node]).execute, line, out.append)
    return out


def events(lab: Lab, kind: str = "connection") -> list[tuple[float, str]]:
    return [(e.time, e.text) for e in lab.events if e.kind == kind]


def test_the_cut_times_out_at_the_computed_instant_and_ssh_works_after(lab):
    opened, cut, back = 2.0, 13.0, 33.0
    lab.scheduler.advance(opened)
    assert shell(lab, "Debian1", "ssh 8.8.8.8") == ["Connected to 8.8.8.8 port 22, connection 1"]
    lab.scheduler.advance(cut - opened)
    lab.set_link_state(lab.find_link("R1:ge-0/0/0"), False)
    expected = timeout_at(opened, cut)
    lab.scheduler.advance(expected - cut - 0.001)
    assert events(lab)[-1] == (opened, "connection 1 to 8.8.8.8:22 established")
    lab.scheduler.advance(0.001)
    assert events(lab)[-1] == (expected, "connection 1 to 8.8.8.8:22 closed: Connection timed out")
    lab.scheduler.advance(back - lab.now())
    lab.set_link_state(lab.find_link("R1:ge-0/0/0"), True)
    assert shell(lab, "Debian1", "ssh 8.8.8.8") == ["Connected to 8.8.8.8 port 22, connection 2"]
    lab.scheduler.advance(10 * N)
    conn = lab.nodes["Debian1"].clients.by_id[2]
    assert conn.state == "established" and conn.sent == conn.answered == 12  # SYN, data, 10 keepalives


def test_the_server_that_restarted_resets_at_the_next_keepalive(lab):
    opened, restart = 2.0, 40.0
    lab.scheduler.advance(opened)
    shell(lab, "Debian1", "ssh 10.0.2.10")
    lab.scheduler.advance(restart - opened)
    assert lab.nodes["Srv"].tcp.state(*key(lab, 1)) == "established"
    assert trio.run(lab.console.execute, "restart Srv") == [
        "Srv restarted: forgot 1 connection it served, ended 0 of its own"
    ]
    lab.scheduler.advance(N)
    reset = first_tick_after(opened, restart, N)
    assert events(lab)[-1] == (reset, "connection 1 to 10.0.2.10:22 closed: Connection reset by peer")


def test_the_stream_goes_quiet_and_comes_back(lab):
    opened, cut, back, rate = 2.0, 13.0, 33.0, 10.0
    lab.scheduler.advance(opened)
    shell(lab, "Debian1", f"stream 8.8.8.8 5004 rate {rate:g}")
    lab.scheduler.advance(cut - opened)
    lab.set_link_state(lab.find_link("R1:ge-0/0/0"), False)  # the datagram of 13.0 went before
    lab.scheduler.advance(back - cut)
    lab.set_link_state(lab.find_link("R1:ge-0/0/0"), True)
    lab.scheduler.advance(1)
    ticks = round((back - opened) * rate) + 1  # the datagram of `back` went before the link came up
    again = opened + ticks / rate  # (the client's grid: divided, not summed)
    unanswered = round((again - cut) * rate) - 1
    gap = round(again - cut, 3)
    assert events(lab)[1:] == [
        (cut + conns.STREAM_QUIET, f"connection 1 to 8.8.8.8:5004 (udp) no answer for {conns.STREAM_QUIET:g} s"),
        (again, f"connection 1 to 8.8.8.8:5004 (udp) answers again after {gap:g} s, {unanswered} unanswered"),
    ]


def key(lab: Lab, ident: int) -> tuple[int, int, int, int]:
    conn = lab.nodes["Debian1"].clients.by_id[ident]
    return conn.local, conn.local_port, conn.remote, conn.remote_port


def test_the_scenario_transcript(tmp_path, capsys):
    """`nos run` passes the script's expectations, its timeline has the computed times, and it prints
    exactly the pinned transcript."""
    status = main(["run", str(LAB), str(SCRIPT), "--state-dir", str(tmp_path)])
    out = capsys.readouterr().out
    golden = DATA / "connections.golden"
    if os.environ.get("NOS_UPDATE_GOLDEN"):
        golden.write_text(out)
    assert status == 0, out
    timeline = dict(
        (text, when) for when, text in re.findall(r"^(\d\d:\d\d:\d\d)  Debian1  connection  (.*)$", out, re.M)
    )
    assert timeline["connection 1 to 8.8.8.8:22 closed: Connection timed out"] == format_lab_time(timeout_at(2, 13))
    assert timeline["connection 3 to 10.0.2.10:22 closed: Connection reset by peer"] == format_lab_time(
        first_tick_after(2, 40, N)
    )
    assert timeline["connection 2 to 8.8.8.8:5004 (udp) no answer for 3 s"] == format_lab_time(13 + conns.STREAM_QUIET)
    # the notices come before the host's next command, once
    assert out.count("connection 1 to 8.8.8.8:22 closed: Connection timed out\n[00:00:33] Debian1$ connections") == 1
    assert out == golden.read_text()
