"""The CLI side of the client tests: BranchC's `show` output over SSH, and readers for its text.

The client tests hold what a library reports (PyEZ tables, napalm getters, ntc
templates) against what the CLI prints for the same thing, so these readers
pick values out of the text the way an engineer reads it, nothing more.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sshclient import Shell

USER, PASSWORD = "lab", "lab123"  # BranchC's login (demo-configs/dual-isp/branchc.conf)

_TABLE = re.compile(r"^(\S+): \d+ destinations, \d+ routes")
_ROUTE = re.compile(r"^(\S+)?\s+([*+\- ])\[(\w+)/(\d+)\] (\S+)")
_HOP = re.compile(r"^\s+(>)?\s*(?:to (\S+) )?via (\S+)$")
_LOCAL = re.compile(r"^\s+Local via (\S+)$")


class Cli:
    """An operational session on the device: `show(line)` is the command's output, without echo or prompt."""

    def __init__(self, port: int, user: str, password: str):
        self.shell = Shell(port, user, password)

    def show(self, line: str) -> str:
        out = self.shell.run(f"{line} | no-more").replace("\r\n", "\n")
        lines = out.split("\n")
        return "\n".join(lines[1:-1]).strip("\n")  # the echoed command, and the prompt after the output

    def close(self) -> None:
        self.shell.close()


@dataclass(frozen=True)
class Route:
    """One next hop of a route as `show route` prints it."""

    table: str
    prefix: str
    protocol: str
    preference: int
    age: int  # seconds
    next_hop: str | None  # `to X`
    interface: str  # `via X`, `Local via X`
    selected: bool  # `>`


def seconds(age: str) -> int:
    """`00:01:30`, `2d 03:00:00`, `1w2d 03:00:00` as seconds."""
    weeks = re.search(r"(\d+)w", age)
    days = re.search(r"(\d+)d", age)
    h, m, s = (int(x) for x in age.split()[-1].split(":"))
    return (
        (int(weeks.group(1)) if weeks else 0) * 604800
        + (int(days.group(1)) if days else 0) * 86400
        + h * 3600
        + m * 60
        + s
    )


def routes(text: str) -> list[Route]:
    """Every next hop of every route in `show route` output (all tables)."""
    out: list[Route] = []
    table = prefix = protocol = ""
    preference = age = 0
    for line in text.split("\n"):
        if m := _TABLE.match(line):
            table = m.group(1)
        elif m := _ROUTE.match(line):
            prefix = m.group(1) or prefix
            protocol, preference, age = m.group(3), int(m.group(4)), seconds(m.group(5))
        elif m := _LOCAL.match(line):
            out.append(Route(table, prefix, protocol, preference, age, None, m.group(1), False))
        elif m := _HOP.match(line):
            out.append(Route(table, prefix, protocol, preference, age, m.group(2), m.group(3), m.group(1) == ">"))
    return out


def arp(text: str) -> set[tuple[str, str, str]]:
    """(MAC, IP, interface) of each `show arp no-resolve` entry."""
    rows = [line.split() for line in text.split("\n")[1:] if re.match(r"[0-9a-f]{2}:", line)]
    return {(row[0], row[1], row[2]) for row in rows}


def physical(text: str) -> dict[str, str]:
    """The physical interface's fields in plain `show interfaces NAME` output."""
    head = re.search(r"Physical interface: (\S+), (\w+), Physical link is (\w+)", text)
    assert head is not None, text
    fields = {"name": head.group(1), "admin": head.group(2), "oper": head.group(3)}
    for key, pattern in (
        ("description", r"\n  Description: (.*)"),
        ("mtu", r"MTU: (\d+|Unlimited)"),
        ("link_mode", r"Link-mode: ([\w-]+)"),
        ("speed", r"Speed: (\w+)"),
        ("macaddr", r"Current address: ([0-9a-f:]+)"),
        ("flapped", r"Last flapped   : (.*)"),
    ):
        m = re.search(pattern, text)
        if m:
            fields[key] = m.group(1)
    return fields


def terse_names(text: str) -> list[str]:
    """The physical interfaces `show interfaces terse` lists."""
    return [
        line.split()[0]
        for line in text.split("\n")[1:]
        if line and not line[0].isspace() and "." not in line.split()[0]
    ]


__all__ = ["PASSWORD", "USER", "Cli", "Route", "arp", "physical", "routes", "seconds", "terse_names"]
