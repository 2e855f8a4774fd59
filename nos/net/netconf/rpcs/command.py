"""`<command>`: an operational CLI command run by the session's user, its text in `<output>`.

PyEZ's `dev.cli()` and ncclient's `m.command()` use it. The CLI engine runs the
line exactly as a terminal session would (rights, pipes, errors); a few
commands also have their XML form (`show version` is `get-software-information`),
which is what PyEZ's facts ask for and what `| display xml rpc` names.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import TYPE_CHECKING

from nos.cli.commands import CommandError, parse_command
from nos.cli.session import CliError, split_line
from nos.net.netconf.rpcs import operational
from nos.net.netconf.rpcs.system import route_engine_information, software_information
from nos.net.netconf.xml import element, failed, sub

if TYPE_CHECKING:
    from nos.net.netconf.session import NetconfSession

# Commands with an XML form: their words (abbreviations allowed), RPC name, renderer.
XML_FORMS: list[tuple[tuple[str, ...], str, Callable[[NetconfSession], ET.Element]]] = [
    (("show", "version"), "get-software-information", software_information),
    (("show", "chassis", "routing-engine"), "get-route-engine-information", route_engine_information),
]

# What would change the session itself rather than report something.
_REFUSED = frozenset({"configure", "quit", "start-shell", "request-system-logout"})


def _xml_form(words: list[str]) -> tuple[tuple[str, ...], str, Callable[[NetconfSession], ET.Element]] | None:
    for form in XML_FORMS:
        key = form[0]
        if len(words) >= len(key) and all(w and k.startswith(w) for w, k in zip(words, key, strict=False)):
            return form
    return None


async def command(session: NetconfSession, op: ET.Element) -> list[ET.Element]:
    line = (op.text or "").strip()
    fmt = (op.get("format") or "xml").lower()
    words = [w for w, _, _ in split_line(line)]
    main = words[: words.index("|")] if "|" in words else words
    pipes = " ".join(words[len(main) :])
    try:
        parsed = parse_command(session.device.schema.commands["operational"], main)
        action = parsed.action
    except CommandError:
        parsed, action = None, ""  # the CLI run below reports the error the Junos way
    spec = next((s for s in session.device.features.rpcs.values() if s.action == action), None)
    if parsed is not None and spec is not None:
        if "display xml rpc" in pipes:
            rpc = element("rpc")
            sub(rpc, spec.name)
            return [rpc]
        if fmt == "xml" and not pipes:  # the command's XML form, from the same handler
            if not session.cli.rights.may_run(parsed.full):
                raise failed("permission denied", tag="access-denied")
            return await operational.run(session, spec, dict(parsed.args))
    form = _xml_form(main)
    if "display xml rpc" in pipes:
        if form is None:
            raise failed(f"xml rpc equivalent of this command is not available: {' '.join(main)}")
        rpc = element("rpc")
        sub(rpc, form[1])
        return [rpc]
    if fmt == "json":
        raise failed("json output is not supported by this device", tag="operation-not-supported")
    if fmt == "xml" and form is not None:
        if not session.cli.rights.may_run(list(form[0]) + main[len(form[0]) :]):  # spelled out, as the CLI judges it
            raise failed("permission denied", tag="access-denied")
        return [form[2](session)]
    if action in _REFUSED:
        raise failed(f"command is not valid in a NETCONF session: {line}", tag="operation-not-supported")
    session.io.take()
    try:
        lines = await session.cli.run_operational(line)
    except CliError as err:
        raise failed(err.message.removeprefix("error: "), type="protocol") from None
    text = session.io.take() + "".join(f"{line}\n" for line in lines or [])
    return [element("output", "\n" + text)]


HANDLERS = {"command": command}
