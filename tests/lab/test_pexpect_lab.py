"""The real `nos lab` in a pseudo-terminal: attach to a host and ping, attach to a device and cut a link."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from clihelpers import nos_command, nos_env, plain
from labhelpers import DUAL_ISP

pexpect = pytest.importorskip("pexpect")

TIMEOUT = 15.0


class Screen:
    """A `nos lab` child in a pty, read as plain text (prompt_toolkit's escape codes removed)."""

    def __init__(self, *args: str):
        cmd = nos_command()
        self.child = pexpect.spawn(
            cmd[0],
            [*cmd[1:], "lab", *args],
            env=nos_env(PROMPT_TOOLKIT_NO_CPR="1", TERM="xterm"),
            encoding="utf-8",
            timeout=TIMEOUT,
            dimensions=(50, 160),
        )
        self.raw = ""
        self.pos = 0

    def expect(self, text: str) -> str:
        """Wait for `text` on the screen after what earlier calls consumed; return the text up to it."""
        deadline = time.monotonic() + TIMEOUT
        while True:
            screen = plain(self.raw)
            at = screen.find(text, self.pos)
            if at >= 0:
                seen = screen[self.pos : at + len(text)]
                self.pos = at + len(text)
                return seen
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"{text!r} did not appear; the screen shows:\n{screen[self.pos :]}")
            try:
                self.raw += self.child.read_nonblocking(65536, timeout=min(left, 1.0))
            except pexpect.TIMEOUT:
                continue
            except pexpect.EOF as exc:
                raise AssertionError(f"nos ended before {text!r}; the screen shows:\n{screen[self.pos :]}") from exc

    def line(self, text: str) -> None:
        self.child.send(text + "\r")


@pytest.fixture
def screen(tmp_path: Path):  # type: ignore[no-untyped-def]
    s = Screen(str(DUAL_ISP / "lab.toml"), "--clock", "virtual", "--state-dir", str(tmp_path / "state"))
    yield s
    if s.child.isalive():
        s.child.terminate(force=True)


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
    s.child.expect(pexpect.EOF)
    s.child.close()
    assert s.child.exitstatus == 0
