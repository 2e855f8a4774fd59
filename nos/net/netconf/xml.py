"""XML of NETCONF messages: parsing requests, building replies and `<rpc-error>`s.

Replies are written the way Junos writes them: `<rpc-reply>` declares the
NETCONF base namespace as the default one (so every element inside is in it,
which ncclient requires to see errors) and the `junos:` prefix; it repeats the
request's attributes, `message-id` first. Only the standard library is used.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass, field
from xml.sax.saxutils import quoteattr

from nos import JUNOS_RELEASE

BASE_NS = "urn:ietf:params:xml:ns:netconf:base:1.0"
JUNOS_NS = f"http://xml.juniper.net/junos/{JUNOS_RELEASE}/junos"
CAPABILITIES = (
    "urn:ietf:params:netconf:base:1.0",
    "urn:ietf:params:netconf:base:1.1",
    "urn:ietf:params:netconf:capability:candidate:1.0",
    "urn:ietf:params:netconf:capability:confirmed-commit:1.0",
    "urn:ietf:params:netconf:capability:validate:1.0",
    "urn:ietf:params:xml:ns:netconf:base:1.0",
    "urn:ietf:params:xml:ns:netconf:capability:candidate:1.0",
    "urn:ietf:params:xml:ns:netconf:capability:confirmed-commit:1.0",
    "urn:ietf:params:xml:ns:netconf:capability:validate:1.0",
    "http://xml.juniper.net/netconf/junos/1.0",
    "http://xml.juniper.net/dmi/system/1.0",
)
BASE_1_1 = "urn:ietf:params:netconf:base:1.1"


def local(tag: str) -> str:
    """An element's name without its namespace: Junos accepts RPCs in any (or no) namespace."""
    return tag.rsplit("}", 1)[-1]


def child(element: ET.Element, name: str) -> ET.Element | None:
    """The first child called `name`, whatever its namespace."""
    return next((c for c in element if local(c.tag) == name), None)


def child_text(element: ET.Element, name: str) -> str | None:
    found = child(element, name)
    return None if found is None else (found.text or "")


def element(tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    e = ET.Element(tag, {k.replace("_", "-"): v for k, v in attrs.items()})
    e.text = text
    return e


def sub(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
    e = ET.SubElement(parent, tag)
    e.text = text
    return e


@dataclass
class Error:
    """One `<rpc-error>`; the defaults are those of a failed operation."""

    message: str
    type: str = "application"
    tag: str = "operation-failed"
    severity: str = "error"
    path: str | None = None
    bad_element: str | None = None
    info: dict[str, str] = field(default_factory=dict)

    def xml(self) -> ET.Element:
        e = element("rpc-error")
        sub(e, "error-type", self.type)
        sub(e, "error-tag", self.tag)
        sub(e, "error-severity", self.severity)
        if self.path:
            sub(e, "error-path", self.path)
        sub(e, "error-message", self.message)
        if self.bad_element or self.info:
            info = sub(e, "error-info")
            if self.bad_element:
                sub(info, "bad-element", self.bad_element)
            for k, v in self.info.items():
                sub(info, k, v)
        return e


class RpcFailed(Exception):
    """Raised by an RPC handler: the reply carries these errors (and `partial`, if any, before them)."""

    def __init__(self, errors: Iterable[Error], partial: Iterable[ET.Element] = ()):
        self.errors = list(errors)
        self.partial = list(partial)
        super().__init__("; ".join(e.message for e in self.errors))


def failed(message: str, **kw: str) -> RpcFailed:
    return RpcFailed([Error(message, **kw)])  # type: ignore[arg-type]


class Verbatim(ET.Element):
    """A reply element that is sent as it was serialised where it was built (lxml, with its default
    namespace `xmlns="...junos-routing"` and `junos:` prefixes as Junos writes them; the standard
    library would rename them ns0:, ns1:), and can still be read as a tree."""

    raw: str = ""


def verbatim(text: str) -> Verbatim:
    parsed = ET.fromstring(text)
    element = Verbatim(parsed.tag, parsed.attrib)
    element.text, element.tail = parsed.text, None
    element.extend(list(parsed))
    element.raw = text
    return element


def reply(attrs: dict[str, str], body: Iterable[ET.Element]) -> str:
    """An `<rpc-reply>` echoing the request's attributes around `body` (`<ok/>` when empty)."""
    items = [e.raw if isinstance(e, Verbatim) else ET.tostring(e, encoding="unicode") for e in body] or ["<ok/>"]
    echoed = "".join(f" {k}={quoteattr(v)}" for k, v in attrs.items() if not k.startswith("{"))
    head = f"<rpc-reply xmlns={quoteattr(BASE_NS)} xmlns:junos={quoteattr(JUNOS_NS)}{echoed}>"
    return head + "\n" + "\n".join(items) + "\n</rpc-reply>"


def hello(session_id: int) -> str:
    caps = "".join(f"    <capability>{c}</capability>\n" for c in CAPABILITIES)
    return (
        f'<hello xmlns="{BASE_NS}">\n  <capabilities>\n{caps}  </capabilities>\n'
        f"  <session-id>{session_id}</session-id>\n</hello>"
    )


def parse(message: str) -> ET.Element:
    """Parse one message; a `ParseError` is answered as malformed, never dropped."""
    return ET.fromstring(message)


__all__ = [
    "BASE_1_1",
    "BASE_NS",
    "CAPABILITIES",
    "Error",
    "RpcFailed",
    "Verbatim",
    "child",
    "child_text",
    "element",
    "failed",
    "hello",
    "local",
    "parse",
    "reply",
    "sub",
    "verbatim",
]
