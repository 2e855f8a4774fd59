"""The real `nos lab` in a pseudo-terminal: attach to a host and ping, attach to a device and cut a link."""

from __future__ import annotations

from pathlib import Path

import pytest
from clihelpers import Screen
from labhelpers import DUAL_ISP

pytest.importorskip("pexpect")


@pytest.fixture
def screen(tmp_path: Path):  # type: ignore[no-untyped-def]
    s = Screen(
        "lab",
        str(DUAL_ISP / "lab.toml"),
        "--clock",
        "virtual",
        "--state-dir",
        str(tmp_path / "state"),
        timeout=15.0,
        rows=50,
        columns=160,
    )
    yield s
    s.close()


def test_attach_a_host_then_a_device(screen: Screen):
    s = screen
    s.expect("Lab dual-isp: 6 nodes, 6 links, clock virtual.")
    s.expect("attach BranchC")  # the guide
    s.expect("lab>")

    s.line("attach Debian1")
    s.expect("Debian1$")
    s.line("ping 8.8.8.8 count 2")
    s.expect("64 bytes from 8.8.8.8: icmp_seq=1 ttl=61 time=22.000 ms")
    s.expect("2 packets transmitted, 2 packets received, 0% packet loss")
    s.expect("Debian1$")
    s.line("exit")
    s.expect("Left Debian1.")
    s.expect("lab>")

    s.line("attach BranchC")
    s.expect("lab@BranchC>")
    s.line("show route table ISP1.inet.0 0.0.0.0/0 exact")
    s.expect("*[Static/5]")
    s.expect("to 10.1.1.1 via ge-0/0/1.0")
    s.expect("lab@BranchC>")
    s.line("request lab link BranchC:ge-0/0/1 down")
    s.expect("Link BranchC:ge-0/0/1 -- ISP1:ge-0/0/0 is now down")
    s.expect("lab@BranchC>")
    s.line("exit")
    s.expect("Left BranchC.")
    s.expect("lab>")

    s.line("attach Debian1")
    s.expect("Debian1$")
    s.line("traceroute 8.8.8.8")
    s.expect(" 1  10.0.1.1 (10.0.1.1)  2.000 ms !N")
    s.expect("Debian1$")
    s.line("exit")
    s.expect("lab>")
    s.line("quit")
    s.expect_eof()
    assert s.child.exitstatus == 0
