"""`flows ADDRESS PORT count N` (connections.py, the host shell) and the flow statistics a benchmark
asks `nos run` for (NOS_FLOW_STATS, flowstats.py): N UDP flows at once, one from each source port
from 1024 up; through an SRX they make N sessions, and the same command again follows them."""

from __future__ import annotations

from pathlib import Path

import pytest
from labhelpers import run, small_lab

from nos.lab import connections, flowstats
from nos.lab.console import HostShell
from nos.lab.labfile import load_lab_file
from nos.lab.topology import Lab, build_lab
from nos.runtime.clock import ManualScheduler

SRX = """\
set system host-name SRX
set system root-authentication encrypted-password "$6$lab$x"
set interfaces ge-0/0/0 unit 0 family inet address 10.0.1.1/24
set interfaces ge-0/0/1 unit 0 family inet address 192.0.2.1/30
set routing-options static route 0.0.0.0/0 next-hop 192.0.2.2
set security zones security-zone trust interfaces ge-0/0/0.0
set security zones security-zone untrust interfaces ge-0/0/1.0
set security policies from-zone trust to-zone untrust policy out match source-address any
set security policies from-zone trust to-zone untrust policy out match destination-address any
set security policies from-zone trust to-zone untrust policy out match application any
set security policies from-zone trust to-zone untrust policy out then permit
set security nat source rule-set out from zone trust
set security nat source rule-set out to zone untrust
set security nat source rule-set out rule all match source-address 0.0.0.0/0
set security nat source rule-set out rule all then source-nat interface
"""

LAB = """\
[lab]
name = "flows"
clock = "virtual"

[nodes.SRX]
kind = "device"
config = "srx.conf"

[nodes.Net]
kind = "internet"
address = "192.0.2.2/30"
serves = ["8.8.8.8"]

[nodes.H]
kind = "host"
address = "10.0.1.10/24"
gateway = "10.0.1.1"

[[links]]
a = "SRX:ge-0/0/1"
b = "Net:eth0"

[[links]]
a = "SRX:ge-0/0/0"
b = "H:eth0"
"""


def shell_lines(lab: Lab, node: str, *lines: str) -> list[str]:
    shell = HostShell(lab, lab.nodes[node])
    out: list[str] = []

    async def go() -> None:
        for line in lines:
            await shell.execute(line, out.append)

    run(go)
    return out


@pytest.fixture
def srx_lab(tmp_path: Path):  # type: ignore[no-untyped-def]
    (tmp_path / "srx.conf").write_text(SRX)
    (tmp_path / "lab.toml").write_text(LAB)
    lab = build_lab(load_lab_file(tmp_path / "lab.toml"), scheduler=ManualScheduler(), state_dir=tmp_path / "state")
    yield lab
    lab.close()


def test_flows_are_answered_one_from_each_port():
    lab = small_lab()
    assert shell_lines(lab, "H1", "flows 8.8.8.8 5000 count 300") == [
        "300 flows to 8.8.8.8 port 5000 from ports 1024-1323: 300 answered"
    ]
    assert lab.links[0].packets == 600  # each flow's datagram and its answer
    assert lab.nodes["H1"].clients.listing() == []  # nothing is held
    # Traceroute's ports are unreachable on the Internet node: sent, not answered.
    assert shell_lines(lab, "H1", "flows 8.8.8.8 33434 count 2") == [
        "2 flows to 8.8.8.8 port 33434 from ports 1024-1025: 0 answered"
    ]


@pytest.mark.parametrize(
    ("line", "error"),
    [
        ("flows 8.8.8.8", "flows: usage: flows ADDRESS PORT [count N] [size N]"),
        (
            f"flows 8.8.8.8 5000 count {connections.MAX_FLOWS + 1}",
            "flows: bad count '64513' (1 to 64,512 flows from one address)",
        ),
        ("flows 8.8.8.8 0", "flows: bad port '0' (1 to 65535)"),
    ],
)
def test_flows_refuses(line, error):
    assert shell_lines(small_lab(), "H1", line) == [error]


def test_through_an_srx_the_flows_make_sessions_and_follow_them_again(srx_lab, monkeypatch):
    monkeypatch.setenv(flowstats.ENV, "1")
    stats = flowstats.install(srx_lab)
    assert stats is not None
    table = srx_lab.nodes["SRX"].device.flow_sessions.table
    line = "flows 8.8.8.8 5000 count 500"
    assert (
        shell_lines(srx_lab, "H", line, line)
        == ["500 flows to 8.8.8.8 port 5000 from ports 1024-1523: 500 answered"] * 2
    )
    assert len(table) == 500
    assert {s.in_wing.sport for s in table} == set(range(1024, 1524))
    report = stats.report()
    # The first pass: 500 misses and their answers' 500 hits; the second: 1,000 hits.
    assert report[0].startswith("flow-stats SRX: sessions 500 now; lookups found 1500 median ")
    assert ", missed 500 median " in report[0]
    assert report[1] == "flow-stats SRX: aging wheel: 1 scheduler callbacks armed, 0 re-filed"
    before = stats.callbacks
    srx_lab.scheduler.advance(61)
    assert len(table) == 0
    # All 500 aged out by the wheel's one callback; the rest are the lab's own periodic timers.
    assert stats.callbacks - before < 50 and table.wheel.callbacks == 1
    assert stats.report()[-1] == f"flow-stats scheduler: {stats.callbacks} callbacks run"


def test_without_the_variable_nothing_is_wrapped(srx_lab, monkeypatch):
    monkeypatch.delenv(flowstats.ENV, raising=False)
    table = srx_lab.nodes["SRX"].device.flow_sessions.table
    assert flowstats.install(srx_lab) is None
    assert "lookup" not in vars(table)
