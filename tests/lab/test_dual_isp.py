"""The dual-ISP demo lab in-process: devices built as `nos cli` builds them, their CLI reaching the lab."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import trio
from labhelpers import DUAL_ISP

from nos.lab.console import HostShell
from nos.lab.labfile import load_lab_file
from nos.lab.topology import Lab, build_lab
from nos.main import device_cli


def in_lab(body: Callable[[Lab], Awaitable[Any]], tmp_path: Any) -> Any:
    """Build the demo lab on the virtual clock and run `body` while its clock runs."""
    lab = build_lab(load_lab_file(DUAL_ISP / "lab.toml"), clock="virtual", state_dir=tmp_path)
    result: list[Any] = []

    async def main() -> None:
        async with lab.running():
            result.append(await body(lab))

    try:
        trio.run(main, clock=lab.scheduler.trio_clock)  # type: ignore[attr-defined]
    finally:
        lab.close()
    return result[0]


class Cli:
    """A device CLI session in the lab, run line by line."""

    def __init__(self, lab: Lab, node: str):
        hooks = device_cli()
        self.io = hooks.buffer_io()
        self.session = hooks.session(lab.devices[node], self.io)

    async def run(self, line: str) -> str:
        await self.session.execute(line)
        return self.io.take()


async def host_says(lab: Lab, node: str, line: str) -> str:
    out: list[str] = []
    await HostShell(lab, lab.nodes[node]).execute(line, out.append)
    return "\n".join(out)


def test_devices_are_wired_into_the_lab(tmp_path):
    async def body(lab: Lab) -> None:
        branch = lab.devices["BranchC"]
        assert branch.lab is lab and branch.network is lab and branch.hostname == "BranchC"
        assert (tmp_path / "BranchC").is_dir()  # --state-dir: one folder per device
        assert branch.dataplane is not None

    in_lab(body, tmp_path)


def test_lab_commands_from_inside_a_device_cli(tmp_path):
    async def body(lab: Lab) -> dict[str, str]:
        cli = Cli(lab, "BranchC")
        out = {}
        for line in (
            "show lab links | match BranchC:ge-0/0/1",
            "request lab link BranchC:ge-0/0/1 down",
            "request lab wait 10s",
            "show lab clock",
            "show lab events node ISP1",
            "show lab devices | match Debian1",
            "show lab nodes | match HostC",
            "show lab frob",
            "request lab blackhole Internet 8.8.8.8",
            "request lab clock",
            "request lab attach Debian1",
        ):
            out[line] = await cli.run(line)
        return out

    out = in_lab(body, tmp_path)
    assert (
        out["show lab links | match BranchC:ge-0/0/1"]
        == "1     BranchC:ge-0/0/1  ISP1:ge-0/0/0  up     5 ms     0%    0        0\n"
    )
    assert out["request lab link BranchC:ge-0/0/1 down"] == "Link BranchC:ge-0/0/1 -- ISP1:ge-0/0/0 is now down\n"
    assert out["request lab wait 10s"] == "Lab time: 2026-01-01 00:00:10 UTC\n"
    assert out["show lab clock"] == "Lab time: 2026-01-01 00:00:10 UTC (clock: virtual, 10.000 s since start)\n"
    assert out["show lab events node ISP1"] == (
        "Time      Node  Kind       Event\n"
        "00:00:00  lab   link       BranchC:ge-0/0/1 -- ISP1:ge-0/0/0 down\n"
        "00:00:00  ISP1  interface  SNMP_TRAP_LINK_DOWN: ifIndex 502, ifAdminStatus up(1),"
        " ifOperStatus down(2), ifName ge-0/0/0\n"
        "00:00:00  ISP1  route      inet.0 10.1.1.0/24: no active route (was Direct/0 via ge-0/0/0.0)\n"
        "00:00:00  ISP1  route      inet.0 10.0.0.0/16: no active route (was Static/5 to 10.1.1.2)\n"
    )
    assert (
        out["show lab devices | match Debian1"]
        == "Debian1   host      eth0                                 10.0.1.10/24 gw 10.0.1.1\n"
    )
    assert (
        out["show lab nodes | match HostC"]
        == "HostC     host      eth0                                 10.0.2.10/24 gw 10.0.2.1\n"
    )
    assert out["show lab frob"] == "error: unknown show item 'frob'\n"
    assert out["request lab blackhole Internet 8.8.8.8"] == "Internet now drops traffic to 8.8.8.8/32\n"
    assert out["request lab clock"].startswith("Lab time: 2026-01-01 00:00:10 UTC")
    assert out["request lab attach Debian1"] == "error: 'attach' is not available inside a device CLI\n"


def test_a_blackholed_internet_behind_a_live_gateway(tmp_path):
    async def body(lab: Lab) -> tuple[str, str, str]:
        await lab.console.execute("blackhole ISP1 8.8.8.8")
        dead = await host_says(lab, "Debian1", "ping 8.8.8.8 count 2")
        gateway = await host_says(lab, "Debian1", "ping 10.1.1.1 count 2")
        other = await host_says(lab, "HostC", "ping 8.8.8.8 count 2")
        return dead, gateway, other

    dead, gateway, other = in_lab(body, tmp_path)
    assert "2 packets transmitted, 0 packets received, 100% packet loss" in dead
    assert "64 bytes from 10.1.1.1: icmp_seq=0 ttl=63 time=12.000 ms" in gateway
    assert "2 packets received, 0% packet loss" in other


def test_a_device_pings_through_the_lab(tmp_path):
    async def body(lab: Lab) -> str:
        return await Cli(lab, "ISP2").run("ping 8.8.4.4 count 1")

    out = in_lab(body, tmp_path)
    assert "64 bytes from 8.8.4.4: icmp_seq=0 ttl=63 time=16.000 ms" in out


def test_outside_a_lab_only_wait_and_clock_work(cli):  # the `nos cli` device of tests/conftest.py
    assert cli.output("request lab wait 5") == "Lab time: 2026-01-01 00:00:05 UTC\n"
    assert cli.output("show lab clock") == "Lab time: 2026-01-01 00:00:05 UTC (clock: virtual, 5.000 s since start)\n"
    assert cli.output("show lab links") == "error: this device is not in a lab\n"
    assert cli.output("request lab link A:ge-0/0/0 down") == "error: this device is not in a lab\n"
