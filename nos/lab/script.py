"""Scenario scripts for `nos run LAB.toml SCRIPT`: lab commands, node commands and expectations.

A script is a text file, one line each:

    # a comment (blank lines are skipped too)
    link BranchC:ge-0/0/1 down        a lab console command (`lab> ` in front is allowed)
    BranchC> show route               a command in that device's Junos CLI
    BranchC> configure                (one CLI session per device for the whole script,
    BranchC> set ...                   so configuration mode carries over)
    Debian1> traceroute 8.8.8.8       a command in a host's shell (`Debian1$ ` works too)
    expect 10\\.1\\.1\\.1               a regular expression the previous command's output must match

The same lines typed or pasted at the lab console (`nos lab`) run there too,
so a scenario replays by hand with the same results on the virtual clock; an
`expect` there says whether it matched.

The transcript prints each command with the lab time it started at
(`[00:00:05] lab> wait 5s`), then its output. A failed `expect` is reported
in the transcript (`FAILED ...`) and makes the run exit with status 1.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from nos.lab.console import HostShell
from nos.lab.devicecli import DeviceCli
from nos.lab.nodes import DeviceNode, HostNode, InternetNode
from nos.lab.topology import Lab, format_lab_time

_NODE_LINE = re.compile(r"([A-Za-z0-9][A-Za-z0-9_.-]*)\s*([>$])\s?(.*)\Z")


@dataclass
class ScriptLine:
    number: int
    kind: str  # "lab" | "node" | "expect"
    text: str  # the command, or the expression
    node: str = ""


@dataclass
class Failure:
    line: ScriptLine
    message: str


class ScriptError(Exception):
    pass


def parse_script(text: str, nodes: set[str], label: str = "script") -> list[ScriptLine]:
    """Split a script into its lines; a bad expression or an unknown node is an error here, before anything runs."""
    out = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line == "expect" or line.startswith("expect "):
            expr = raw.strip()[len("expect") :].strip()
            try:
                re.compile(expr)
            except re.error as exc:
                raise ScriptError(f"{label}:{number}: bad expression: {exc}") from None
            if not any(x.kind != "expect" for x in out):
                raise ScriptError(f"{label}:{number}: expect without a command before it")
            out.append(ScriptLine(number, "expect", expr))
            continue
        m = _NODE_LINE.match(line)
        if m and m.group(1) != "lab":
            if m.group(1) not in nodes:
                raise ScriptError(f"{label}:{number}: unknown node '{m.group(1)}'")
            out.append(ScriptLine(number, "node", m.group(3).strip(), m.group(1)))
        elif m:
            out.append(ScriptLine(number, "lab", m.group(3).strip()))
        else:
            out.append(ScriptLine(number, "lab", line))
    return out


class ScriptRunner:
    """Runs a parsed script against a running lab, writing the transcript."""

    def __init__(
        self, lab: Lab, cli: DeviceCli, write: Callable[[str], None], label: str = "script", *, stamps: bool = True
    ):
        self.lab = lab
        self.cli = cli
        self.write = write
        self.label = label
        self.stamps = stamps  # print each command with its lab time (a transcript); off in the console
        self.sessions: dict[str, tuple[Any, Any]] = {}  # node -> (CliSession, its buffer IO)
        self.shells: dict[str, HostShell] = {}
        self.failures: list[Failure] = []
        self.expects = 0
        self._last_output: str | None = None  # for `expect` lines typed at the console

    def is_script_line(self, line: str) -> bool:
        """Is this a script line the console does not know itself (`NODE> command`, `expect RE`)?"""
        text = line.strip()
        if text == "expect" or text.startswith("expect "):
            return True
        m = _NODE_LINE.match(text)
        return m is not None and m.group(1) in self.lab.nodes

    async def run_line(self, line: str) -> None:
        """One script line typed or pasted at the lab console: scenarios replay there as they run."""
        text = line.strip()
        if text == "expect" or text.startswith("expect "):
            expr = text[len("expect") :].strip()
            try:
                pattern = re.compile(expr, re.MULTILINE)
            except re.error as exc:
                self.write(f"error: bad expression: {exc}\n")
                return
            if self._last_output is None:
                self.write("expect: no command before it\n")
            elif pattern.search(self._last_output):
                self.write("expect: matched\n")
            else:
                self.write(f"expect: NOT matched: /{expr}/\n")
            return
        try:
            parsed = parse_script(text, set(self.lab.nodes), "console")
        except ScriptError as exc:
            self.write(f"error: {exc}\n")
            return
        if parsed:
            self._last_output = await self._command(parsed[0])

    def note_output(self, text: str) -> None:
        """The output of a command the console ran itself, for an `expect` after it."""
        self._last_output = text

    async def run(self, lines: list[ScriptLine]) -> bool:
        """Run every line; True when every expectation matched."""
        output = ""
        previous: ScriptLine | None = None
        for line in lines:
            if line.kind == "expect":
                self.expects += 1
                if previous is None or not re.search(line.text, output, re.MULTILINE):
                    where = f"line {previous.number}" if previous else "nothing"
                    message = f"expect /{line.text}/ did not match the output of {where}"
                    self.failures.append(Failure(line, message))
                    self.write(f"FAILED {self.label}:{line.number}: {message}\n")
                continue
            previous = line
            output = await self._command(line)
        self.close()
        return not self.failures

    def close(self) -> None:
        """End the device CLI sessions the script opened."""
        for session, _ in self.sessions.values():
            session.close()
        self.sessions.clear()

    def _echo(self, prompt: str, text: str) -> None:
        if self.stamps:
            self.write(f"[{format_lab_time(self.lab.now())}] {prompt} {text}\n")

    async def _command(self, line: ScriptLine) -> str:
        if line.kind == "lab":
            self._echo("lab>", line.text)
            text = "".join(out + "\n" for out in await self.lab.console.execute(line.text))
            self.write(text)
            return text
        node = self.lab.nodes[line.node]
        if isinstance(node, DeviceNode):
            self._echo(f"{line.node}>", line.text)
            session, io = self._session(line.node, node)
            await session.execute(line.text)
            text = io.take()
            self.write(text)
            return text
        if isinstance(node, HostNode | InternetNode):
            shell = self.shells.setdefault(line.node, HostShell(self.lab, node))
            for notice in shell.notices():  # its connections that broke since, before its prompt
                self.write(notice + "\n")
            self._echo(f"{line.node}$", line.text)
            chunks: list[str] = []

            def out(text: str) -> None:
                chunks.append(text + "\n")
                self.write(text + "\n")

            await shell.execute(line.text, out)
            return "".join(chunks)
        return ""

    def _session(self, name: str, node: DeviceNode) -> tuple[Any, Any]:
        """The device's CLI session for this script (a new one after the script quit the last)."""
        held = self.sessions.get(name)
        if held is None or not held[0].alive:
            io = self.cli.buffer_io()
            held = self.sessions[name] = (self.cli.session(node.device, io), io)
        return held


__all__ = ["Failure", "ScriptError", "ScriptLine", "ScriptRunner", "parse_script"]
