"""One NETCONF session: hello exchange, then RPCs answered one at a time, in order.

The session is transport-free: whatever carries it (an SSH `netconf`
subsystem, or `xml-mode netconf need-trailer` on an exec channel) feeds it
text with `feed` and sends what it returns through `send`. It acts as the
logged-in user through a CLI session of its own (client `netconf`), so login
class rights, the configuration locks and commit records are the CLI's.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import replace

import trio

from nos.cli.io import BufferIO
from nos.cli.session import CliSession
from nos.net.netconf import xml
from nos.net.netconf.framing import Framer, FramingError, TooBig
from nos.net.netconf.rpcs import HANDLERS, operational
from nos.runtime.accounts import Rights
from nos.runtime.device import Device

_END = None  # queued when the peer goes away


class _Refused(str):
    """Queued instead of a message that could not be read: the error text to answer with, then hang up."""


PARSE_SLICE = 1 << 20  # characters of XML parsed before other sessions get a turn


async def _parse(message: str) -> ET.Element:
    """`xml.parse`, in slices with a checkpoint between them: a big edit-config takes a while."""
    if len(message) <= PARSE_SLICE:
        return xml.parse(message)
    parser = ET.XMLParser()
    for i in range(0, len(message), PARSE_SLICE):
        parser.feed(message[i : i + PARSE_SLICE])
        await trio.sleep(0)
    return parser.close()


class NetconfSession:
    def __init__(
        self,
        device: Device,
        user: str,
        *,
        send: Callable[[str], None],
        hang_up: Callable[[], None] = lambda: None,
        rights: Rights | None = None,
        terminal: str = "",
        origin: str = "",
    ):
        self.device = device
        self.user = user
        self._send = send
        self._hang_up = hang_up
        self.io = BufferIO()
        if rights is not None:  # idle-timeout is a CLI matter: a script's session is not logged out
            rights = replace(rights, idle_timeout=None)
        self.cli = CliSession(device, user, self.io, client="netconf", terminal=terminal, origin=origin, rights=rights)
        self.id = self.cli.id
        self.framer = Framer()
        self.greeted = False  # the client's hello came
        self.closing = False
        self._in, self._out = trio.open_memory_channel[str | None](math.inf)
        self._writable = trio.Event()  # cleared while the client does not read the replies
        self._writable.set()

    # -- transport side ------------------------------------------------------------------------

    def start(self) -> None:
        """Our hello goes out at once, without waiting for the client's (RFC 6241 8.1)."""
        self._send(self.framer.frame(xml.hello(self.id)))

    def feed(self, data: str) -> None:
        """Input as it arrives; complete messages are queued for `run`."""
        if self.closing:
            return
        self.framer.feed(data)
        try:
            while (message := self.framer.next()) is not None:
                if not self.greeted:
                    self._client_hello(message)  # decides the framing of what follows at once
                    continue
                self._in.send_nowait(message)
        except TooBig as exc:  # RFC 6241 `too-big`; what follows cannot be framed, so the session ends
            self.closing = True
            self._in.send_nowait(_Refused(f"message too big: {exc}"))  # [G] Junos's wording
        except FramingError:
            self.end()

    def set_writable(self, writable: bool) -> None:
        """The transport's word on output: while the client lags behind, no further RPC is answered
        (a small request can have a big reply), so replies cannot pile up."""
        if writable:
            self._writable.set()
        elif self._writable.is_set():
            self._writable = trio.Event()

    def end(self) -> None:
        """The peer went away (or broke the framing): `run` finishes."""
        if not self.closing:
            self.closing = True
            self._in.send_nowait(_END)
            self._writable.set()

    def _client_hello(self, message: str) -> None:
        try:
            root = xml.parse(message)
        except ET.ParseError:
            self.end()
            return
        if xml.local(root.tag) != "hello":
            self.end()  # anything before the hello is a protocol error: the session ends
            return
        caps = {(c.text or "").strip() for c in root.iter() if xml.local(c.tag) == "capability"}
        self.framer.chunked = xml.BASE_1_1 in caps
        self.greeted = True

    # -- the session --------------------------------------------------------------------------------

    async def run(self) -> None:
        """Answer RPCs until `<close-session/>` or the end of input; then let go of everything."""
        self.device.event("mgd", "UI_LOGIN_EVENT", f"User '{self.user}' login, class '{self.cli.rights.class_name}'")
        try:
            while True:
                if not self._writable.is_set() and not self.closing:
                    await self._writable.wait()
                message = await self._out.receive()
                if message is None:
                    break
                if isinstance(message, _Refused):
                    error = xml.Error(str(message), type="rpc", tag="too-big")
                    self._send(self.framer.frame(xml.reply({}, [error.xml()])))
                    break
                self._send(self.framer.frame(await self.answer(message)))
                if self.closing:
                    break
        finally:
            self.cli.close()
            self.device.event("mgd", "UI_LOGOUT_EVENT", f"User '{self.user}' logout")
            self._hang_up()

    async def answer(self, message: str) -> str:
        """The reply to one message; every request gets one, errors included."""
        try:
            root = await _parse(message)
        except ET.ParseError as exc:
            return xml.reply({}, [xml.Error(f"malformed XML: {exc}", type="rpc", tag="malformed-message").xml()])
        attrs = dict(root.attrib)
        if xml.local(root.tag) != "rpc":
            error = xml.Error(f"expected <rpc>, got <{xml.local(root.tag)}>", type="rpc", tag="unknown-element")
            return xml.reply(attrs, [error.xml()])
        ops = list(root)
        if len(ops) != 1:
            return xml.reply(attrs, [xml.Error("an <rpc> holds exactly one operation", type="rpc").xml()])
        op = ops[0]
        name = xml.local(op.tag)
        handler = HANDLERS.get(name)
        if handler is None and name in self.device.features.rpcs:  # a feature's command, by its RPC name
            handler = operational.handler_for(self.device.features.rpcs[name])
        if handler is None:
            error = xml.Error(
                f"syntax error, expecting <rpc> operation: <{name}> is not supported",
                type="protocol",
                tag="operation-not-supported",
                bad_element=name,
            )
            return xml.reply(attrs, [error.xml()])
        try:
            body = await handler(self, op)
        except xml.RpcFailed as exc:
            body = exc.partial + [e.xml() for e in exc.errors]
        except Exception as exc:  # a bug ends this RPC with an error, never the session or a hang
            body = [xml.Error(f"internal error: {type(exc).__name__}: {exc}").xml()]
            self.device.event("mgd", "UI_INTERNAL_ERROR", f"netconf rpc <{name}> of '{self.user}' failed: {exc!r}")
        if name == "close-session":
            self.closing = True
        return xml.reply(attrs, body)


__all__ = ["NetconfSession"]
