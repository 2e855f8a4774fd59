"""The lab console's front-ends: plain (a pipe or file: echo each command, print its output) and a terminal.

`attach NODE` runs that node's CLI on the same front-end until the user
leaves it: a device's Junos CLI (until `exit`/`quit` in operational mode) or
a host's shell. The lab may not import `nos.cli` (DESIGN.md: lab never
imports cli), so the entry point hands in a `DeviceCli`: how to open a CLI
session on a device, and the CLI's own front-ends.
"""

from __future__ import annotations

import sys
from typing import Any

import trio

from nos.lab.console import COMMANDS, HOST_COMMANDS, HOST_HELP, HOST_USAGE, SHOW_WHAT, HostShell, command_name, plural
from nos.lab.devicecli import DeviceCli
from nos.lab.nodes import DeviceNode, HostNode, InternetNode
from nos.lab.script import ScriptRunner
from nos.lab.topology import Lab, LabError
from nos.runtime.interrupt import Interrupts, deliver_sigint

LAB_PROMPT = "lab> "


def banner(lab: Lab) -> list[str]:
    clock = getattr(lab.scheduler, "mode", "manual")
    size = f"{plural(len(lab.nodes), 'node')}, {plural(len(lab.links), 'link')}"
    lines = [f"Lab {lab.name}: {size}, clock {clock}. Type 'help' for commands, 'quit' to leave."]
    return lines + [line for line in lab.guide.strip("\n").splitlines()]


def _attach_target(lab: Lab, line: str) -> Any:
    words = line.split()
    if len(words) != 2:
        raise LabError("usage: attach NODE")
    return lab.node(words[1])


# -- plain ----------------------------------------------------------------------------------------------------


def _echo(io: Any, line: str) -> None:
    """Show the line read after its prompt, unless a terminal echoed it as it was typed (`--plain`)."""
    if not getattr(io, "echoed", False):
        io.write(line + "\n")


async def run_plain_console(lab: Lab, cli: DeviceCli, io: Any) -> None:
    """Read console commands line by line until `quit` or the end of input."""
    for line in banner(lab):
        io.write(line + "\n")
    script = ScriptRunner(lab, cli, io.write, "console", stamps=False)  # `NODE> command` and `expect` lines
    while True:
        io.write(LAB_PROMPT)
        line = await io.readline()
        if line is None:
            io.write("\n")
            return
        _echo(io, line)
        if script.is_script_line(line):
            await script.run_line(line)
            continue
        name = command_name(line)
        if name == "quit":
            return
        if name == "attach":
            try:
                node = _attach_target(lab, line)
            except LabError as exc:
                io.write(f"error: {exc}\n")
                continue
            if not await _attach_plain(lab, cli, io, node):
                return  # input ended inside the node's CLI
            continue
        output = await lab.console.execute(line)
        for out in output:
            io.write(out + "\n")
        script.note_output("".join(out + "\n" for out in output))


async def _attach_plain(lab: Lab, cli: DeviceCli, io: Any, node: Any) -> bool:
    """Run a node's CLI on the plain front-end; False when the input ended there."""
    if isinstance(node, DeviceNode):
        session = cli.session(node.device, io)
        while session.alive:
            io.write(session.prompt())
            line = await io.readline()
            if line is None:
                session.close()
                io.write("\n")
                return False
            _echo(io, line)
            await session.execute(line)
        session.close()
        io.write(f"\nLeft {node.name}.\n")
        return True
    if isinstance(node, HostNode | InternetNode):
        shell = HostShell(lab, node)
        while shell.alive:
            for notice in shell.notices():  # connections that broke since the last prompt
                io.write(notice + "\n")
            io.write(shell.prompt)
            line = await io.readline()
            if line is None:
                io.write("\n")
                return False
            _echo(io, line)
            await shell.execute(line, lambda text: io.write(text + "\n"))
        io.write(f"Left {node.name}.\n")
        return True
    io.write(f"error: cannot attach to '{node.name}'\n")
    return True


# -- terminal -----------------------------------------------------------------------------------------------------


class WordKeys:
    """Tab and `?` on a line of words (console commands, node names, link ends): what may come next.

    `tree` maps each word to the words that may follow it (None: free arguments); words may be
    abbreviated, as the console accepts them."""

    def __init__(self, tree: dict[str, Any], helps: dict[str, str] | None = None, usages: dict[str, str] | None = None):
        self.tree = tree
        self.helps = helps or {}
        self.usages = usages or {}

    def _place(self, text: str) -> tuple[list[str], str, dict[str, Any] | None]:
        """The words before the one being typed, that word, and the choices for it (None: free text)."""
        words = text.split()
        partial = "" if not text or text[-1].isspace() else words.pop()
        node: Any = self.tree
        for word in words:
            if not isinstance(node, dict):
                return words, partial, None
            if word not in node:
                matches = [k for k in node if k.startswith(word)]
                if len(matches) != 1:
                    return words, partial, None
                word = matches[0]
            node = node[word]
        return words, partial, node if isinstance(node, dict) else None

    def complete(self, text: str) -> tuple[str, list[str]]:
        _words, partial, node = self._place(text)
        choices = sorted(k for k in node or {} if k.startswith(partial))
        if len(choices) == 1:
            return choices[0][len(partial) :] + " ", []
        common = _common_start(choices)
        if len(common) > len(partial):
            return common[len(partial) :], []
        return "", self._list(choices) if choices else []

    def help(self, text: str) -> list[str]:
        words, partial, node = self._place(text)
        if node is None:
            usage = self.usages.get(_pick(words[0], list(self.tree))) if words else None
            return [f"Usage: {usage}"] if usage else []
        choices = sorted(k for k in node if k.startswith(partial))
        return self._list(choices) if choices else [f"error: nothing here starts with '{partial}'"]

    def _list(self, choices: list[str]) -> list[str]:
        width = max(20, *(len(c) + 2 for c in choices))
        return ["Possible completions:"] + [f"  {c:<{width}} {self.helps.get(c, '')}".rstrip() for c in choices]


def _common_start(words: list[str]) -> str:
    first, last = min(words, default=""), max(words, default="")
    n = 0
    while n < min(len(first), len(last)) and first[n] == last[n]:
        n += 1
    return first[:n]


def _pick(word: str, choices: list[str]) -> str:
    matches = [c for c in choices if c.startswith(word)]
    return word if word in choices or len(matches) != 1 else matches[0]


def console_keys(lab: Lab) -> WordKeys:
    nodes: dict[str, Any] = dict.fromkeys(lab.nodes)
    ends: dict[str, Any] = dict.fromkeys(f"{a[0]}:{a[1]}" for link in lab.links for a in (link.a, link.b))
    tree: dict[str, Any] = {c.name: None for c in COMMANDS}
    tree.update(
        show=dict.fromkeys(SHOW_WHAT),
        attach=nodes,
        blackhole=nodes,
        unblackhole=nodes,
        restart=nodes,
        link=ends,
        events={"node": nodes, "since": None},
    )
    return WordKeys(tree, {c.name: c.help for c in COMMANDS}, {c.name: c.usage for c in COMMANDS})


HOST_KEYS = WordKeys(dict.fromkeys(HOST_COMMANDS), HOST_HELP, HOST_USAGE)


async def run_terminal_console(lab: Lab, cli: DeviceCli) -> None:
    """The interactive console: the CLI's line editor on the terminal (prompts and echo literal, as over SSH).

    The lab may not import it: the entry point hands it in as the console IO of a terminal
    (`cli.plain_io`); anything else read from there gets the plain console."""
    io = cli.plain_io(sys.stdin, sys.stdout)
    if not hasattr(io, "read_line"):
        await run_plain_console(lab, cli, io)
        return
    interrupts = Interrupts()
    io.on_interrupt = interrupts.fire  # Ctrl-C typed while a console command runs
    async with io.attached(), trio.open_nursery() as nursery:
        await nursery.start(deliver_sigint, interrupts)  # and SIGINT from elsewhere
        for line in banner(lab):
            io.write(line + "\n")
        await _console_loop(lab, cli, io, interrupts)
        nursery.cancel_scope.cancel()


async def _console_loop(lab: Lab, cli: DeviceCli, io: Any, interrupts: Interrupts) -> None:
    script = ScriptRunner(lab, cli, io.write, "console", stamps=False)  # `NODE> command` and `expect` lines
    keys = console_keys(lab)
    shells: dict[str, Any] = {}  # a host's shell IO, kept so its history survives leaving it
    while True:
        try:
            line = await io.read_line(LAB_PROMPT, keys.complete, keys.help)
        except KeyboardInterrupt:
            continue
        except EOFError:
            io.write("quit\n")
            return
        if script.is_script_line(line):
            with trio.CancelScope() as command, interrupts.stop_with(command.cancel):
                await script.run_line(line)
            continue
        name = command_name(line)
        if name == "quit":
            return
        if name == "attach":
            try:
                node = _attach_target(lab, line)
            except LabError as exc:
                io.write(f"error: {exc}\n")
                continue
            await _attach_terminal(lab, cli, node, io, shells, interrupts)
            continue
        with trio.CancelScope() as command, interrupts.stop_with(command.cancel):
            output = await lab.console.execute(line)
            for out in output:
                io.write(out + "\n")
            script.note_output("".join(out + "\n" for out in output))
        if command.cancelled_caught:
            io.write("\n")


async def _attach_terminal(
    lab: Lab, cli: DeviceCli, node: Any, io: Any, shells: dict[str, Any], interrupts: Interrupts
) -> None:
    if isinstance(node, DeviceNode):
        if cli.terminal is None:
            io.write("error: no terminal CLI available\n")
            return
        await cli.terminal(node.device)  # its own IO on the terminal until the user leaves
        io.write(f"\nLeft {node.name}.\n")
        return
    if not isinstance(node, HostNode | InternetNode):
        io.write(f"error: cannot attach to '{node.name}'\n")
        return
    shell = HostShell(lab, node, interrupts)
    shell_io = shells.get(node.name) or cli.plain_io(sys.stdin, sys.stdout)
    shells[node.name] = shell_io
    shell_io.on_interrupt = interrupts.fire
    async with shell_io.attached():
        while shell.alive:
            for notice in shell.notices():  # connections that broke since the last prompt
                shell_io.write(notice + "\n")
            try:
                line = await shell_io.read_line(shell.prompt, HOST_KEYS.complete, HOST_KEYS.help)
            except KeyboardInterrupt:
                continue
            except EOFError:
                break
            with trio.CancelScope() as command, interrupts.stop_with(command.cancel):
                await shell.execute(line, lambda text: shell_io.write(text + "\n"))
            if command.cancelled_caught:
                shell_io.write("\n")
    io.write(f"Left {node.name}.\n")


__all__ = ["LAB_PROMPT", "DeviceCli", "banner", "run_plain_console", "run_terminal_console"]
