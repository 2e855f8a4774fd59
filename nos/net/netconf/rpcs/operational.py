"""Operational RPCs by their Junos names: each runs the command a feature registered for it.

`<get-route-summary-information/>` is `show route summary`: the same handler,
with the RPC's child elements as the command's arguments (`<table>ISP1</table>`
a value, `<detail/>` a flag; `RpcSpec.args` renames those whose names differ).
The login class judges the command spelled out, as at the CLI. A structured
answer (nos/runtime/structured.py) is returned as its XML; a text-only one
inside `<output>`, as Junos does for commands without an XML form. The RPC's
`format` attribute picks the form: `xml` (the default), `text` (`<output>` with
the CLI's text) or `json` (the Junos JSON of the same XML as the text of
`<rpc-reply>`, which PyEZ's `{'format': 'json'}` reads with json.loads).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from nos.net.netconf.xml import Verbatim, element, failed, local, verbatim
from nos.runtime.features import CommandContext, RpcSpec
from nos.runtime.structured import E, Structured, json_lines, to_text

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


async def run(session: NetconfSession, spec: RpcSpec, args: dict[str, object], fmt: str = "xml") -> list[ET.Element]:
    """Run the command behind `spec` for the session's user; its answer as reply elements."""
    if not session.cli.rights.may_run(list(spec.words)):
        raise failed("permission denied", tag="access-denied")
    handler = session.device.features.commands.get(spec.action)
    if handler is None:
        raise failed(f"{spec.name} is not available on this device", tag="operation-not-supported")
    ctx = CommandContext(session.device, args, session.user)
    answer: Any = await handler(ctx)
    return [as_element(answer, fmt)]


def reply_format(op: ET.Element) -> str:
    """The `format` an RPC asks for (`xml` without one); anything else is refused as Junos refuses it."""
    fmt = (op.get("format") or "xml").lower()
    if fmt not in ("xml", "text", "json", "ascii"):
        raise failed(f"invalid format: {fmt}", type="protocol", tag="bad-attribute", bad_element=local(op.tag))
    return "text" if fmt == "ascii" else fmt


def as_element(answer: Any, fmt: str = "xml") -> ET.Element:
    """A handler's answer as an element of the reply, in the format asked for."""
    structured = isinstance(answer, Structured)
    if fmt == "json":
        holder = answer if structured else Structured(E("output", _text(answer)), lambda _: [], "")
        return as_json(json_lines(holder))
    if structured and fmt == "xml":
        return verbatim(to_text(answer.xml))
    return element("output", "\n" + _text(answer.text() if structured else answer))


def _text(lines: list[str] | None) -> str:
    return "".join(f"{line}\n" for line in lines or [])


def as_json(lines: list[str]) -> Verbatim:
    """JSON as the text of `<rpc-reply>` (where Junos puts it), not inside an element."""
    holder = Verbatim("json")
    holder.text = "\n".join(lines)
    holder.raw = escape(holder.text)
    return holder


def handler_for(spec: RpcSpec):  # type: ignore[no-untyped-def]
    async def handle(session: NetconfSession, op: ET.Element) -> list[ET.Element]:
        return await run(session, spec, arguments(op, spec), reply_format(op))

    return handle


__all__ = ["arguments", "as_element", "as_json", "handler_for", "reply_format", "run"]
