"""`nos cli` as an expect script sees it: TERM=xterm-256color, and the prompts exactly as printed.

Unlike test_pexpect.py (which reads the screen with escape codes removed), these
tests match the raw bytes: a prompt starts its line and is followed by nothing,
typing is echoed as typed, and no escape code, reserved blank line or
terminal-capability warning appears anywhere.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from clihelpers import nos_command, nos_env

pexpect = pytest.importorskip("pexpect")

TIMEOUT = 10


class Term:
    """A child in a pseudo-terminal, its output checked to be plain text."""

    def __init__(self, *args: str):
        env = nos_env(TERM="xterm-256color")
        env.pop("PROMPT_TOOLKIT_NO_CPR", None)
        cmd = nos_command()
        self.child = pexpect.spawn(
            cmd[0], [*cmd[1:], *args], env=env, encoding="utf-8", timeout=TIMEOUT, dimensions=(24, 80)
        )

    def send(self, keys: str) -> None:
        self.child.send(keys)

    def upto(self, text: str) -> str:
        """Output before `text` (which then follows), checked to be plain."""
        self.child.expect_exact(text)
        before: str = self.child.before
        assert "\x1b" not in before, f"escape code before {text!r}: {before!r}"
        assert "CPR" not in before and "WARNING" not in before, before
        return before

    def prompt(self, prompt: str) -> str:
        """Output up to `prompt`, which must start a line of its own."""
        before = self.upto(prompt)
        assert before == "" or before.endswith("\r\n"), f"{prompt!r} does not start its line: {before!r}"
        return before

    def end(self) -> None:
        self.child.expect(pexpect.EOF)
        assert "\x1b" not in self.child.before
        self.child.close()
        assert self.child.exitstatus == 0

    def close(self) -> None:
        if self.child.isalive():
            self.child.terminate(force=True)


@pytest.fixture
def term(tmp_path: Path):  # type: ignore[no-untyped-def]
    t = Term("cli", "--state-dir", str(tmp_path / "state"), "--clock", "virtual")
    yield t
    t.close()


def test_prompts_are_literal_and_editing_still_works(term: Term) -> None:
    t = term
    assert t.prompt("lab@nos> ") == "\r\n"  # the blank line Junos prints, nothing else

    t.send("show version\r")
    out = t.prompt("lab@nos> ")
    assert out.startswith("show version\r\n")  # the echo, as typed, right after the prompt
    assert "JUNOS Software Release [24.4R1.9]\r\n" in out
    assert out.endswith("\r\n\r\n")  # a blank line, then the prompt: no lines reserved for a menu

    # Tab completes `sho` to `show `; the echo is just the characters added.
    t.send("sho\t")
    assert t.upto("show ") == ""
    t.send("ver\r")
    assert t.prompt("lab@nos> ").startswith("ver\r\nHostname: nos\r\n")

    # `?` lists what may follow, then the prompt comes back with the line typed so far.
    t.send("show sys?")
    out = t.upto("Possible completions:")
    assert out == "show sys?\r\n"
    out = t.prompt("lab@nos> ")
    assert "  system               Show system information\r\n" in out
    t.upto("show sys")  # the line typed so far, after the prompt
    t.send("tem uptime | count\r")
    assert t.prompt("lab@nos> ").startswith("tem uptime | count\r\nCount: ")

    # Ctrl-C abandons a partly typed line.
    t.send("show ver\x03")
    assert t.prompt("lab@nos> ") == "show ver^C\r\n\r\n"

    # Up recalls the last command (echoed as its text); Left/Right move in it with plain `\b` and the
    # characters written again; keys the editor does not use (Ctrl-Right) leave no trace.
    t.send("\x1b[A")
    assert t.upto("show system uptime | count") == ""
    t.send("\x1b[D\x1b[C\x1b[1;5C\r")
    assert t.prompt("lab@nos> ").startswith("\bt\r\nCount: ")
    # A letter typed inside the line, where it belongs: the rest is written again after it.
    t.send("show system uptme | count\x1b[D\x1b[D\x1b[D\x1b[D\x1b[D\x1b[D\x1b[D\x1b[D\x1b[D\x1b[Di\r")
    out = t.prompt("lab@nos> ")
    assert "\x1b" not in out and "\r\nCount: " in out

    t.send("configure\r")
    out = t.prompt("lab@nos# ")
    assert out == "configure\r\nEntering configuration mode\r\n\r\n[edit]\r\n"
    t.send("set system host-name r9\r")
    assert t.prompt("lab@nos# ") == "set system host-name r9\r\n\r\n[edit]\r\n"
    t.send("commit and-quit\r")
    out = t.prompt("lab@r9> ")
    assert out == "commit and-quit\r\ncommit complete\r\nExiting configuration mode\r\n\r\n"

    t.send("quit\r")
    t.end()


def test_ctrl_c_stops_a_running_command(term: Term) -> None:
    """Ctrl-C is a keystroke in raw mode: it still stops the command that runs, echoed as ^C."""
    t = term
    t.prompt("lab@nos> ")
    t.send("configure\r")
    t.prompt("lab@nos# ")
    t.send("set interfaces lo0 unit 0 family inet address 10.255.0.1/32\r")
    t.prompt("lab@nos# ")
    t.send("commit and-quit\r")
    t.prompt("lab@nos> ")
    t.send("ping 10.255.0.1\r")
    t.upto("icmp_seq=2 ")  # on the virtual clock the replies pour in until Ctrl-C
    t.send("\x03")
    out = t.prompt("lab@nos> ")
    assert "^C\r\n--- 10.255.0.1 ping statistics ---\r\n" in out
    t.send("show system uptime | count\r")
    assert "Count: " in t.prompt("lab@nos> ")
    t.send("\x04")  # Ctrl-D on an empty line: leave
    t.end()


def test_plain_reads_lines_on_a_terminal(tmp_path: Path) -> None:
    """`--plain`: the terminal's own line mode echoes what is typed; nos does not echo it again."""
    t = Term("cli", "--plain", "--state-dir", str(tmp_path / "state"), "--clock", "virtual")
    try:
        assert t.prompt("lab@nos> ") == "\r\n"
        t.send("show version\r")
        out = t.prompt("lab@nos> ")
        assert out.startswith("show version\r\nHostname: nos\r\n")  # once: the terminal's echo
        assert out.count("show version") == 1
        t.send("quit\r")
        t.end()
    finally:
        t.close()
