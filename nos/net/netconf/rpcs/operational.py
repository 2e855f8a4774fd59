"""Operational RPCs by their Junos names: each runs the command a feature registered for it.

`<get-route-summary-information/>` is `show route summary`: the same handler,
with the RPC's child elements as the command's arguments (`<table>ISP1</table>`
a value, `<detail/>` a flag; `RpcSpec.args` renames those whose names differ).
The login class judges the command spelled out, as at the CLI. A structured
answer (nos/runtime/structured.py) is returned as its XML; a text-only one
inside `<output>`, as Junos does for commands without an XML form.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING, Any

from nos.net.netconf.xml import element, failed, local, verbatim
from nos.runtime.features import CommandContext, RpcSpec
from nos.runtime.structured import Structured, to_text

if TYPE_CHECKING:
    from nos.net.netconf.session import NetconfSession


def arguments(op: ET.Element, spec: RpcSpec) -> dict[str, object]:
    """The RPC's children as the command's arguments."""
    args: dict[str, object] = {}
    for child in op:
        name = local(child.tag)
        name = spec.args.get(name, name)
        text = (child.text or "").strip()
        args[name] = text if text else True
    return args


async def run(session: NetconfSession, spec: RpcSpec, args: dict[str, object]) -> list[ET.Element]:
    """Run the command behind `spec` for the session's user; its answer as reply elements."""
    if not session.cli.rights.may_run(list(spec.words)):
        raise failed("permission denied", tag="access-denied")
    handler = session.device.features.commands.get(spec.action)
    if handler is None:
        raise failed(f"{spec.name} is not available on this device", tag="operation-not-supported")
    ctx = CommandContext(session.device, args, session.user)
    answer: Any = await handler(ctx)
    return [as_element(answer)]


def as_element(answer: Any) -> ET.Element:
    """A handler's answer as an element of the reply."""
    if isinstance(answer, Structured):
        return verbatim(to_text(answer.xml))
    lines = answer or []
    return element("output", "\n" + "".join(f"{line}\n" for line in lines))


def handler_for(spec: RpcSpec):  # type: ignore[no-untyped-def]
    async def handle(session: NetconfSession, op: ET.Element) -> list[ET.Element]:
        return await run(session, spec, arguments(op, spec))

    return handle


__all__ = ["arguments", "as_element", "handler_for", "run"]
