"""`commit at` in a lab on the virtual clock: the configuration, and what the device does with it (a
static route in its routing table), change at exactly the scheduled lab time, not a moment before."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import pytest
from clidriver import Cli

from nos.lab.labfile import load_lab_file
from nos.lab.topology import build_lab
from nos.runtime.clock import ManualScheduler

LAB = """\
[lab]
name = "commit-at"

[nodes.R1]
kind = "device"
platform = "router"
config = "r1.conf"

[nodes.Net]
kind = "internet"
address = ["198.51.100.2/30"]
serves = ["8.8.8.8"]

[[links]]
a = "R1:ge-0/0/0"
b = "Net:eth0"
"""
R1 = (
    "set system host-name R1\n"
    'set system root-authentication encrypted-password "$6$x"\n'
    "set interfaces ge-0/0/0 unit 0 family inet address 198.51.100.1/30\n"
)
EIGHT = int(ipaddress.IPv4Address("8.8.8.8"))


@pytest.fixture
def lab(tmp_path: Path):  # type: ignore[no-untyped-def]
    (tmp_path / "lab.toml").write_text(LAB)
    (tmp_path / "r1.conf").write_text(R1)
    clock = ManualScheduler()
    lab = build_lab(load_lab_file(tmp_path / "lab.toml"), scheduler=clock)
    yield lab, clock
    lab.close()


def test_the_route_appears_at_the_scheduled_lab_time(lab):
    lab, clock = lab
    r1 = lab.devices["R1"]
    cli = Cli(r1)
    clock.advance(90)  # 00:01:30
    out = cli.run(
        "configure",
        "set routing-options static route 0.0.0.0/0 next-hop 198.51.100.2",
        'commit at "2026-01-01 00:05:00"',
    )
    assert "commit at will be executed at 2026-01-01 00:05:00 UTC\nExiting configuration mode\n" in out
    clock.advance(209.999)  # a millisecond before 00:05:00
    assert r1.routing.lookup("inet.0", EIGHT) is None
    assert "static" not in cli.output("show configuration routing-options")
    clock.advance(0.001)
    route = r1.routing.lookup("inet.0", EIGHT)
    assert route is not None and route.protocol == "Static"
    assert r1.db.store.records[0].time == clock.epoch() == 1_767_225_600 + 300
    assert cli.output("show route 8.8.8.8").count("Static") == 1
