"""Structured output: a show command's data as the Junos XML element tree, and its three renderings.

A feature's show command builds its answer once, as the element Junos
returns for the command's RPC (`<route-summary-information>`, ...), and gives
the text renderer that reads it back: the CLI's text, `| display xml`, `|
display json` and the NETCONF reply all come from that one tree, so they
cannot disagree. Elements are lxml's; `E`/`sub` keep building them short.

`| display xml` prints the tree inside `<rpc-reply>` with 4-space indentation
and the `<cli><banner>` trailer; `| display json` follows Junos' JSON of XML
(every element a key holding a list of objects, text as {"data": ...},
attributes under "attributes", empty elements as {"data": [null]});
`| display xml rpc` prints the RPC that asks for the same data
(junos-xml/INDEX.md in the reference lists these rules with samples).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from lxml import etree

from nos import JUNOS_RELEASE

JUNOS = f"http://xml.juniper.net/junos/{JUNOS_RELEASE}/junos"
NSMAP = {"junos": JUNOS}
_JUNOS_ATTR = f"{{{JUNOS}}}"

Element = etree._Element


def namespace(module: str) -> str:
    """The default namespace of a reply element: `junos-routing`, `junos-interface` ..."""
    release = JUNOS_RELEASE.split("R")[0] + "R0"  # 24.4R1.9 -> 24.4R0, as replies carry it
    return f"http://xml.juniper.net/junos/{release}/{module}"


def E(tag: str, text: object = None, *, ns: str | None = None, **attrs: object) -> Element:
    """A new element; `junos_x=...` keyword attributes become `junos:x` (style, seconds, format)."""
    element = etree.Element(tag, nsmap=NSMAP if ns is None else {None: ns, **NSMAP})  # type: ignore[dict-item]
    _fill(element, text, attrs)
    return element


def sub(parent: Element, tag: str, text: object = None, **attrs: object) -> Element:
    """A child element (an empty one when text is None: a flag such as `<current-active/>`)."""
    element = etree.SubElement(parent, tag)
    _fill(element, text, attrs)
    return element


def _fill(element: Element, text: object, attrs: dict[str, object]) -> None:
    if text is not None:
        element.text = str(text)
    for name, value in attrs.items():
        key = _JUNOS_ATTR + name[6:].replace("_", "-") if name.startswith("junos_") else name.replace("_", "-")
        element.set(key, str(value))


def text_of(element: Element | None, path: str, default: str = "") -> str:
    """The text of the first element at `path` under `element` (renderers read their tree with it)."""
    if element is None:
        return default
    found = element.find(path)
    return default if found is None or found.text is None else found.text


@dataclass
class Structured:
    """A command's answer: the reply element, how its text reads, and the RPC that asks for it."""

    xml: Element
    render: Callable[[Element], list[str]]
    rpc: str
    rpc_args: dict[str, str | bool] = field(default_factory=dict)  # the request, for `| display xml rpc`

    def text(self) -> list[str]:
        return self.render(self.xml)

    def display_xml(self) -> list[str]:
        """`| display xml` of this answer."""
        return [XML_HEAD, *element_lines(self.xml, 1), *XML_TAIL]


class Deferred(Structured):
    """An answer that may be big (a million-route `show route`): its XML is made only when asked for
    (`| display json`, NETCONF), and its text (`text_from`) and `| display xml` (`xml_from`) are made
    from the same XML a slice at a time, so the whole tree never stands at once for them."""

    def __init__(
        self,
        build: Callable[[], Element],
        text_from: Callable[[], list[str]],
        rpc: str,
        rpc_args: dict[str, str | bool] | None = None,
        xml_from: Callable[[], list[str]] | None = None,
    ):
        self._build = build
        self._text = text_from
        self._xml: Element | None = None
        self.render = lambda _: text_from()
        self.rpc = rpc
        self.rpc_args = rpc_args or {}
        self._xml_from = xml_from

    @property  # type: ignore[override]
    def xml(self) -> Element:
        if self._xml is None:
            self._xml = self._build()
        return self._xml

    def text(self) -> list[str]:
        return self._text()

    def display_xml(self) -> list[str]:
        """`| display xml`, a slice at a time when the answer knows how (the same lines)."""
        return self._xml_from() if self._xml_from is not None else super().display_xml()


# -- | display xml ------------------------------------------------------------------------------------


XML_HEAD = f'<rpc-reply xmlns:junos="{JUNOS}">'
XML_TAIL = ["    <cli>", "        <banner></banner>", "    </cli>", "</rpc-reply>"]


def xml_lines(structured: Structured) -> list[str]:
    """`| display xml`: the reply as the CLI prints it."""
    return structured.display_xml()


def element_lines(element: Element, depth: int) -> list[str]:
    """One element as `| display xml` prints it at `depth` inside `<rpc-reply>` (4 spaces a level;
    `xmlns:junos` is declared once, on `<rpc-reply>`)."""
    body = etree.tostring(element, pretty_print=True, encoding="unicode")
    body = body.replace(f' xmlns:junos="{JUNOS}"', "")
    pad = "    " * depth
    return [pad + line for line in _four_spaces(body.rstrip("\n").split("\n"))]


def rpc_lines(structured: Structured) -> list[str]:
    """`| display xml rpc`: the request (its arguments indented as Junos indents them)."""
    lines = [f'<rpc-reply xmlns:junos="{JUNOS}">', "    <rpc>", f"        <{structured.rpc}>"]
    for name, value in structured.rpc_args.items():
        lines.append(f"{'':16}<{name}/>" if value is True else f"{'':16}<{name}>{_escape(value)}</{name}>")
    lines.append(f"        </{structured.rpc}>")
    lines += ["    </rpc>", "    <cli>", "        <banner></banner>", "    </cli>", "</rpc-reply>"]
    return lines


def _four_spaces(lines: Iterable[str]) -> Iterable[str]:
    """lxml indents by two spaces; Junos by four."""
    for line in lines:
        stripped = line.lstrip(" ")
        yield " " * (2 * (len(line) - len(stripped))) + stripped


def _indent(line: str) -> str:
    return "    " + line


def _escape(value: object) -> str:
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# -- | display json -------------------------------------------------------------------------------


def json_value(element: Element) -> dict[str, list[dict]]:
    """Junos JSON of an element: {tag: [object]} (siblings of one tag share a list)."""
    return {etree.QName(element).localname: [_json_object(element)]}


def _json_object(element: Element) -> dict:
    obj: dict = {}
    attrs = _json_attributes(element)
    if attrs:
        obj["attributes"] = attrs
    children = [c for c in element if isinstance(c.tag, str)]
    comments = [c for c in element if c.tag is etree.Comment]
    for comment in comments:
        obj["comment"] = (comment.text or "").strip()
    if not children:
        obj["data"] = element.text if element.text else [None]  # an empty element: a flag
        return obj
    for child in children:
        obj.setdefault(etree.QName(child).localname, []).append(_json_object(child))
    return obj


def _json_attributes(element: Element) -> dict[str, str]:
    attrs: dict[str, str] = {}
    ns = element.nsmap.get(None) if element.getparent() is None else None
    if ns:
        attrs["xmlns"] = ns
    for key, value in element.attrib.items():
        name = "junos:" + key[len(_JUNOS_ATTR) :] if key.startswith(_JUNOS_ATTR) else key
        attrs[name] = value
    return attrs


def json_lines(structured: Structured) -> list[str]:
    """`| display json`: valid JSON, laid out as Junos lays it out (a list's objects at its key's
    indentation, `"key" : value`, attributes on one line)."""
    lines = ["{"]
    _json_members(json_value(structured.xml), 1, lines)
    lines.append("}")
    return lines


def _json_members(obj: dict, depth: int, lines: list[str]) -> None:
    pad = "    " * depth
    items = list(obj.items())
    for k, (key, value) in enumerate(items):
        comma = "," if k < len(items) - 1 else ""
        name = json.dumps(key)
        if key == "attributes":
            inner = ", ".join(f"{json.dumps(a)} : {json.dumps(v)}" for a, v in value.items())
            lines.append(f"{pad}{name} : {{{inner}}}{comma}")
        elif key in ("data", "comment"):
            lines.append(f"{pad}{name} : {'[null]' if value == [None] else json.dumps(value)}{comma}")
        else:  # a list of objects
            lines.append(f"{pad}{name} : [")
            for n, child in enumerate(value):
                lines.append(f"{pad}{{")
                _json_members(child, depth + 1, lines)
                lines.append(f"{pad}}}" + ("," if n < len(value) - 1 else ""))
            lines.append(f"{pad}]{comma}")


# -- NETCONF ----------------------------------------------------------------------------------------


def to_text(element: Element) -> str:
    """The element serialised as text, as a NETCONF reply carries it."""
    return etree.tostring(element, encoding="unicode")


__all__ = [
    "JUNOS",
    "Deferred",
    "E",
    "Element",
    "Structured",
    "element_lines",
    "json_lines",
    "json_value",
    "namespace",
    "rpc_lines",
    "sub",
    "text_of",
    "to_text",
    "xml_lines",
]
