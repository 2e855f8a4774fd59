"""`<command>`: an operational CLI command run by the session's user, its text in `<output>`.

PyEZ's `dev.cli()` and ncclient's `m.command()` use it. The CLI engine runs the
line exactly as a terminal session would (rights, pipes, errors); a command with
an RPC (a feature's, or one of the device's own: `show version` is
`get-software-information`) answers `format="xml"` with that RPC's reply, from
the same handler, and names the RPC for `| display xml rpc`; `format="json"` with
the Junos JSON of that reply as the text of `<rpc-reply>` (what PyEZ parses).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

from nos.cli.commands import Command, CommandError, parse_command
from nos.cli.session import CliError, split_line
from nos.features import system as device_commands
from nos.net.netconf.rpcs import operational, system
from nos.net.netconf.xml import RpcFailed, element, failed, sub
from nos.runtime.features import RpcSpec

if TYPE_CHECKING:
    from nos.net.netconf.session import NetconfSession

# What would change the session itself rather than report something.
_REFUSED = frozenset({"configure", "quit", "start-shell", "request-system-logout"})


def _parse(session: NetconfSession, words: list[str]) -> Command | None:
    try:
        return parse_command(session.device.schema.commands["operational"], words)
    except CommandError:
        return None  # the CLI run reports the error the Junos way


def _one_engine(words: list[str]) -> list[str]:
    """Without `invoke-on all-routing-engines` (PyEZ facts ask `show version` so first):
    a box with a single routing engine answers for that one."""
    return words[:-2] if len(words) >= 2 and words[-2] == "invoke-on" else words


def _spec(session: NetconfSession, action: str) -> RpcSpec | None:
    own = device_commands.COMMANDS.get(action)
    if own is not None:
        return own[1]
    return session.device.features.rpc_of.get(action)


async def command(session: NetconfSession, op: ET.Element) -> list[ET.Element]:
    line = (op.text or "").strip()
    fmt = (op.get("format") or "xml").lower()
    words = [w for w, _, _ in split_line(line)]
    main = words[: words.index("|")] if "|" in words else words
    pipes = " ".join(words[len(main) :])
    parsed = _parse(session, main)
    if parsed is None and fmt == "xml" and not pipes and _one_engine(main) != main:
        parsed = _parse(session, _one_engine(main))
    action = parsed.action if parsed is not None else ""
    spec = _spec(session, action) if parsed is not None else None
    if parsed is not None and spec is not None:
        if "display xml rpc" in pipes:
            rpc = element("rpc")
            sub(rpc, spec.name)
            return [rpc]
        if fmt in ("xml", "json") and not pipes:  # the command's XML form (or its JSON), from the same handler
            if not session.cli.rights.may_run(parsed.full):
                raise failed("permission denied", tag="access-denied")
            if action in device_commands.COMMANDS:
                return await system.run(session, spec, dict(parsed.args), fmt)
            return await operational.run(session, spec, dict(parsed.args), fmt)
    if "display xml rpc" in pipes:
        raise failed(f"xml rpc equivalent of this command is not available: {' '.join(main)}")
    if fmt == "json" and pipes:
        raise failed("json output of a piped command is not supported", tag="operation-not-supported")
    if action in _REFUSED:
        raise failed(f"command is not valid in a NETCONF session: {line}", tag="operation-not-supported")
    session.io.take()
    try:
        lines = await session.cli.run_operational(line)
    except CliError as err:
        raise _error(err, line) from None
    text = session.io.take() + "".join(f"{line}\n" for line in lines or [])
    if fmt == "json":  # a command without an XML form: the Junos JSON of its <output>
        return [operational.as_element(text.rstrip("\n").split("\n"), "json")]
    return [element("output", "\n" + text)]


def _error(err: CliError, line: str) -> RpcFailed:
    """A CLI error as Junos answers it over NETCONF: a syntax error names the word it stopped at
    in `<bad-element>` and drops the CLI's final period (`syntax error, expecting <command>`);
    PyEZ's switch_style fact reads `show bridge mac-table count` failing at `bridge` so."""
    message = err.message.removeprefix("error: ")
    word = next((w for w, start, _ in split_line(line) if start == err.column), None)
    if word is None or not message.startswith("syntax error"):
        return failed(message, type="protocol")
    return failed(message.removesuffix("."), type="protocol", bad_element=word)


HANDLERS = {"command": command}
