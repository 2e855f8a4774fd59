"""`nos lab` as an expect script sees it: TERM=xterm-256color, literal prompts for the console,
an attached device and a host's shell, and no escape codes around them."""

from __future__ import annotations

from pathlib import Path

import pytest
from clihelpers import REPO, nos_command, nos_env

pexpect = pytest.importorskip("pexpect")

LAB = REPO / "demo-configs" / "dual-isp" / "lab.toml"


@pytest.fixture
def child(tmp_path: Path):  # type: ignore[no-untyped-def]
    env = nos_env(TERM="xterm-256color")
    env.pop("PROMPT_TOOLKIT_NO_CPR", None)
    cmd = nos_command()
    args = [*cmd[1:], "lab", "--clock", "virtual", "--state-dir", str(tmp_path / "state"), str(LAB)]
    c = pexpect.spawn(cmd[0], args, env=env, encoding="utf-8", timeout=15, dimensions=(24, 120))
    yield c
    if c.isalive():
        c.terminate(force=True)


def upto(c, text: str) -> str:  # type: ignore[no-untyped-def]
    """Output before `text`, checked to be plain."""
    c.expect_exact(text)
    before: str = c.before
    assert "\x1b" not in before, f"escape code before {text!r}: {before!r}"
    assert "CPR" not in before and "WARNING" not in before, before
    return before


def prompt(c, text: str) -> str:  # type: ignore[no-untyped-def]
    """Output up to the prompt `text`, which must start its line."""
    before = upto(c, text)
    assert before.endswith("\r\n"), f"{text!r} does not start its line: {before!r}"
    return before


def test_console_device_and_host_prompts_are_literal(child) -> None:  # type: ignore[no-untyped-def]
    c = child
    out = prompt(c, "lab> ")
    assert out.startswith("Lab dual-isp: 6 nodes, 6 links, clock virtual.")

    # Tab completes console commands and node names.
    c.send("att\t")
    assert upto(c, "attach ") == ""
    c.send("Bra\t")
    assert upto(c, "BranchC ") == ""
    c.send("\r")
    assert prompt(c, "lab@BranchC> ") == "\r\n\r\n"
    c.send("show route table ISP1.inet.0 0.0.0.0/0 exact\r")
    out = prompt(c, "lab@BranchC> ")
    assert out.startswith("show route table ISP1.inet.0 0.0.0.0/0 exact\r\n")
    assert "to 10.1.1.1 via ge-0/0/1.0" in out
    c.send("ping 10.1.1.1\r")  # no count, and the lab's virtual clock stands still: it waits for Ctrl-C
    upto(c, "PING 10.1.1.1 (10.1.1.1): 56 data bytes\r\n")
    c.send("\x03")
    assert "^C\r\n--- 10.1.1.1 ping statistics ---\r\n" in prompt(c, "lab@BranchC> ")
    c.send("exit\r")
    assert prompt(c, "lab> ") == "exit\r\n\r\nLeft BranchC.\r\n"

    c.send("attach Debian1\r")
    assert prompt(c, "Debian1$ ") == "attach Debian1\r\n"
    c.send("ping 8.8.8.8 count 2\r")
    out = prompt(c, "Debian1$ ")
    assert "64 bytes from 8.8.8.8: icmp_seq=1 ttl=61 time=22.000 ms\r\n" in out
    assert "2 packets transmitted, 2 packets received, 0% packet loss\r\n" in out
    c.send("\x1b[A")  # history
    assert upto(c, "ping 8.8.8.8 count 2") == ""
    c.send("\x15exit\r")
    out = prompt(c, "lab> ")
    assert out.endswith("exit\r\nLeft Debian1.\r\n")

    # A paste runs through attach and exit in order: what one CLI did not read goes to the next.
    c.send("attach BranchC\rshow system uptime | count\rexit\rattach Debian1\rexit\r")
    out = upto(c, "Left Debian1.\r\nlab> ")
    assert out == (
        "attach BranchC\r\n\r\nlab@BranchC> show system uptime | count\r\nCount: 6 lines\r\n"
        "\r\nlab@BranchC> exit\r\n\r\nLeft BranchC.\r\nlab> attach Debian1\r\nDebian1$ exit\r\n"
    )

    c.send("sh?")
    assert upto(c, "Possible completions:") == "sh?\r\n"
    assert "  show" in prompt(c, "lab> ")
    c.send("\x03")
    assert prompt(c, "lab> ") == "sh^C\r\n"
    c.send("quit\r")
    c.expect(pexpect.EOF)
    assert "\x1b" not in c.before
    c.close()
    assert c.exitstatus == 0
