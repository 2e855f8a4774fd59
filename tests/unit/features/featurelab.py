"""Helpers of the feature tests: committing `set` lines, and a lab on a manual clock whose device R1
the RPM and ip-monitoring tests drive (lab file, clock, link quality, commits, CLI)."""

from __future__ import annotations

import json
from pathlib import Path

import trio

from nos.cli.io import BufferIO
from nos.cli.session import CliSession
from nos.config.load import parse_set
from nos.lab.labfile import load_lab_file
from nos.lab.topology import build_lab
from nos.runtime.clock import ManualScheduler
from nos.runtime.device import Device


def commit_set(device: Device, text: str, ok: bool = True) -> list[str]:
    """Load `set` lines into a candidate and commit it, as `load set terminal` + `commit` would; the
    lines must parse and the commit succeed (or, with ok=False, fail). Returns what the commit says."""
    tree = device.db.new_candidate()
    report = parse_set(tree, text)
    assert not report.messages, report.messages
    result = device.db.commit(tree, "lab")
    assert result.ok == ok, result.lines
    return result.lines


def rpm_test(owner: str, test: str, *statements: str) -> str:
    """`set services rpm probe OWNER test TEST ...` lines, one a statement."""
    return "".join(f"set services rpm probe {owner} test {test} {s}\n" for s in statements)


def lab_file(name: str, nodes: dict[str, dict], links: list[tuple[str, str, float]]) -> str:
    """A virtual-clock lab file: device R1 (config r1.conf), the other `nodes` (key -> value), and the
    `links` as (end, end, latency in ms)."""
    out = [
        f'[lab]\nname = "{name}"\nclock = "virtual"\n',
        '[nodes.R1]\nkind = "device"\nplatform = "router"\nconfig = "r1.conf"\n',
    ]
    for node, body in nodes.items():
        out.append(f"[nodes.{node}]\n" + "".join(f"{key} = {json.dumps(value)}\n" for key, value in body.items()))
    out += [f'[[links]]\na = "{a}"\nb = "{b}"\nlatency = {ms}\n' for a, b, ms in links]
    return "\n".join(out)


# R1 with a LAN host H1 and three uplinks to the Internet; the third is routing instance VR's.
#
#     H1 10.0.1.10 -- ge-0/0/0 10.0.1.1     R1 ge-0/0/1 198.51.100.1 -- eth0 198.51.100.2
#                                              ge-0/0/2 203.0.113.1  -- eth1 203.0.113.2   Net
#                                       [VR]   ge-0/0/3 192.0.2.1    -- eth2 192.0.2.2
UPLINKS_R1 = """\
set system host-name R1
set system root-authentication encrypted-password "$6$lab$x"
set interfaces ge-0/0/0 unit 0 family inet address 10.0.1.1/24
set interfaces ge-0/0/1 unit 0 family inet address 198.51.100.1/30
set interfaces ge-0/0/2 unit 0 family inet address 203.0.113.1/30
set interfaces ge-0/0/3 unit 0 family inet address 192.0.2.1/30
set routing-options static route 0.0.0.0/0 next-hop 198.51.100.2
set routing-instances VR instance-type virtual-router
set routing-instances VR interface ge-0/0/3.0
set routing-instances VR routing-options static route 0.0.0.0/0 next-hop 192.0.2.2
"""


def uplinks_lab(name: str, latencies: tuple[float, float, float, float], serves: list[str], **host: object) -> str:
    """The lab file of UPLINKS_R1: the one-way `latencies` of ge-0/0/0..3, the addresses Net `serves`,
    and more settings of H1 (`listen=[...]`)."""
    h1 = {"kind": "host", "address": "10.0.1.10/24", "gateway": "10.0.1.1", **host}
    net = {"kind": "internet", "address": ["198.51.100.2/30", "203.0.113.2/30", "192.0.2.2/30"], "serves": serves}
    ends = ["H1:eth0", "Net:eth0", "Net:eth1", "Net:eth2"]
    links = [(f"R1:ge-0/0/{i}", end, ms) for i, (end, ms) in enumerate(zip(ends, latencies, strict=True))]
    return lab_file(name, {"H1": h1, "Net": net}, links)


class ManualLab:
    """A lab built in `folder` from R1's configuration and a lab file, on a manual clock at time 0."""

    def __init__(self, folder: Path, config: str, lab: str):
        (folder / "r1.conf").write_text(config)
        (folder / "lab.toml").write_text(lab)
        self.clock = ManualScheduler()
        self.lab = build_lab(load_lab_file(folder / "lab.toml"), scheduler=self.clock, state_dir=folder / "state")
        self.device = self.lab.nodes["R1"].device
        self.io = BufferIO()
        self.session = CliSession(self.device, "lab", self.io)

    def until(self, when: float) -> None:
        self.clock.advance(when - self.clock.now())

    def link(self, end: str):  # type: ignore[no-untyped-def]
        return self.lab.find_link(end)

    def loss(self, end: str, pct: float) -> None:
        self.lab.set_link_quality(self.link(end), loss_pct=pct)

    def latency(self, end: str, ms: float) -> None:
        self.lab.set_link_quality(self.link(end), latency_ms=ms)

    def commit(self, text: str, ok: bool = True) -> list[str]:
        return commit_set(self.device, text, ok)

    def cli(self, line: str) -> list[str]:
        """The output lines of one operational command."""

        async def go() -> None:
            await self.session.execute(line)

        trio.run(go)
        return self.io.take().splitlines()

    def close(self) -> None:
        self.lab.close()
