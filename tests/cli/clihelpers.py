"""Shared by the CLI tests: a short configuration for golden transcripts, and the `nos` executable."""

from __future__ import annotations

import os
import re
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

# A configuration short enough to print in golden transcripts (no long password hashes).
SMALL_CONFIG = """\
version 24.4R1.9;
system {
    host-name r1;
    root-authentication {
        encrypted-password "$6$salt$hash";
    }
    services {
        ssh;
    }
}
interfaces {
    ge-0/0/0 {
        description uplink;
        unit 0 {
            family inet {
                address 192.0.2.1/24;
            }
        }
    }
    lo0 {
        unit 0 {
            family inet {
                address 10.255.0.1/32;
            }
        }
    }
}
routing-options {
    static {
        route 0.0.0.0/0 next-hop 192.0.2.254;
    }
}
"""

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07|\x1b[=>]|\r")


def plain(text: str) -> str:
    """Terminal output without escape codes and carriage returns."""
    return ANSI.sub("", text)


def nos_command() -> list[str]:
    """The installed `nos` console script, or `python -m nos` when the package is not installed."""
    exe = Path(sys.executable).parent / "nos"
    if exe.exists():
        return [str(exe)]
    return [sys.executable, "-m", "nos"]


def nos_env(**extra: str) -> dict[str, str]:
    """The environment for a child `nos`: this checkout importable (when not installed)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.update(extra)
    return env


class Screen:
    """A `nos` child (`nos cli ...`, `nos lab ...`) in a pseudo-terminal, read as plain text.

    The screen is read with any escape codes removed and prompts are matched
    without their trailing space (the terminal front-end prints neither today;
    tests/cli/test_pexpect_terminal.py holds it to the exact bytes).
    """

    def __init__(self, *args: str, timeout: float = 10.0, rows: int = 40, columns: int = 120):
        import pexpect

        self._pexpect = pexpect
        self.timeout = timeout
        cmd = nos_command()
        self.child = pexpect.spawn(
            cmd[0],
            [*cmd[1:], *args],
            env=nos_env(TERM="xterm"),
            encoding="utf-8",
            timeout=timeout,
            dimensions=(rows, columns),
        )
        self.raw = ""
        self.pos = 0  # how much of the plain text earlier `expect` calls consumed

    def send(self, keys: str) -> None:
        self.child.send(keys)

    def line(self, text: str) -> None:
        self.child.send(text + "\r")

    def expect(self, text: str) -> str:
        """Wait for `text` after what earlier calls consumed; return the plain text up to and including it."""
        deadline = time.monotonic() + self.timeout
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
            except self._pexpect.TIMEOUT:
                continue
            except self._pexpect.EOF as exc:
                raise AssertionError(f"nos ended before {text!r}; the screen shows:\n{screen[self.pos :]}") from exc

    def expect_eof(self) -> None:
        self.child.expect(self._pexpect.EOF)
        self.child.close()

    def close(self) -> None:
        if self.child.isalive():
            self.child.terminate(force=True)
