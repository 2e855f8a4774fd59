"""Shared by the CLI tests: a short configuration for golden transcripts, and the `nos` executable."""

from __future__ import annotations

import os
import re
import sys
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
