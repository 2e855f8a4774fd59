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

from nos.lab.console import COMMANDS, SHOW_WHAT, HostShell, command_name, plural
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
        io.write(line + "\n")
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
            io.write(line + "\n")
            await session.execute(line)
        session.close()
        io.write(f"\nLeft {node.name}.\n")
        return True
    if isinstance(node, HostNode | InternetNode):
        shell = HostShell(lab, node)
        while shell.alive:
            io.write(shell.prompt)
            line = await io.readline()
            if line is None:
                io.write("\n")
                return False
            io.write(line + "\n")
            await shell.execute(line, lambda text: io.write(text + "\n"))
        io.write(f"Left {node.name}.\n")
        return True
    io.write(f"error: cannot attach to '{node.name}'\n")
    return True


# -- terminal -----------------------------------------------------------------------------------------------------


def _write(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


async def run_terminal_console(lab: Lab, cli: DeviceCli) -> None:
    """The interactive console: prompt_toolkit in a worker thread, the lab on Trio (as the device CLI does)."""
    from prompt_toolkit import PromptSession
    from prompt_toolkit.completion import NestedCompleter
    from prompt_toolkit.history import InMemoryHistory

    nodes: dict[str, Any] = dict.fromkeys(lab.nodes)
    ends: dict[str, Any] = dict.fromkeys(f"{a[0]}:{a[1]}" for link in lab.links for a in (link.a, link.b))
    tree: dict[str, Any] = {c.name: None for c in COMMANDS}
    tree.update(
        show=dict.fromkeys(SHOW_WHAT),
        attach=nodes,
        blackhole=nodes,
        unblackhole=nodes,
        link=ends,
        events={"node": nodes},
    )
    session: PromptSession[str] = PromptSession(
        history=InMemoryHistory(), completer=NestedCompleter.from_nested_dict(tree)
    )
    for line in banner(lab):
        _write(line + "\n")
    interrupts = Interrupts()
    async with trio.open_nursery() as nursery:
        await nursery.start(deliver_sigint, interrupts)  # Ctrl-C stops the running command
        await _console_loop(lab, cli, session, interrupts)
        nursery.cancel_scope.cancel()


async def _console_loop(lab: Lab, cli: DeviceCli, session: Any, interrupts: Interrupts) -> None:
    script = ScriptRunner(lab, cli, _write, "console", stamps=False)  # `NODE> command` and `expect` lines
    while True:
        try:
            line = await trio.to_thread.run_sync(lambda: session.prompt(LAB_PROMPT))
        except KeyboardInterrupt:
            continue
        except EOFError:
            _write("quit\n")
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
                _write(f"error: {exc}\n")
                continue
            await _attach_terminal(lab, cli, node, interrupts)
            continue
        with trio.CancelScope() as command, interrupts.stop_with(command.cancel):
            output = await lab.console.execute(line)
            for out in output:
                _write(out + "\n")
            script.note_output("".join(out + "\n" for out in output))
        if command.cancelled_caught:
            _write("\n")


async def _attach_terminal(lab: Lab, cli: DeviceCli, node: Any, interrupts: Interrupts) -> None:
    if isinstance(node, DeviceNode):
        if cli.terminal is None:
            _write("error: no terminal CLI available\n")
            return
        await cli.terminal(node.device)
        _write(f"\nLeft {node.name}.\n")
        return
    if not isinstance(node, HostNode | InternetNode):
        _write(f"error: cannot attach to '{node.name}'\n")
        return
    from prompt_toolkit import PromptSession
    from prompt_toolkit.history import InMemoryHistory

    shell = HostShell(lab, node, interrupts)
    prompt: PromptSession[str] = PromptSession(history=InMemoryHistory())
    while shell.alive:
        try:
            line = await trio.to_thread.run_sync(lambda: prompt.prompt(shell.prompt))
        except KeyboardInterrupt:
            continue
        except EOFError:
            break
        with trio.CancelScope() as command, interrupts.stop_with(command.cancel):
            await shell.execute(line, lambda text: _write(text + "\n"))
        if command.cancelled_caught:
            _write("\n")
    _write(f"Left {node.name}.\n")


__all__ = ["LAB_PROMPT", "DeviceCli", "banner", "run_plain_console", "run_terminal_console"]
