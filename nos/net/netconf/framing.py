"""NETCONF message framing (RFC 6242) over a byte stream.

Every session starts in end-of-message framing (`]]>]]>`), which both hellos
use; once both sides announce `urn:ietf:params:netconf:base:1.1` the session
switches to chunked framing (`\\n#<len>\\n<data>` ... `\\n##\\n`). Chunk
lengths count octets, so the framer works on UTF-8 bytes even though the SSH
channel hands it text.
"""

from __future__ import annotations

import re

EOM = "]]>]]>"
_EOM = EOM.encode()
_CHUNK = re.compile(rb"\n#([1-9][0-9]{0,9})\n")
_END = b"\n##\n"
MAX_CHUNK = 4294967295


class FramingError(Exception):
    """The peer broke the framing: RFC 6242 says to close the session."""


class Framer:
    """Splits incoming bytes into messages and frames outgoing ones, in the session's current mode."""

    def __init__(self) -> None:
        self.chunked = False
        self._buffer = bytearray()
        self._parts: list[bytes] = []  # chunks of the message being read (chunked mode)

    def feed(self, data: str | bytes) -> None:
        self._buffer += data.encode() if isinstance(data, str) else data

    def next(self) -> str | None:
        """The next complete message, or None until more input arrives."""
        return self._next_chunked() if self.chunked else self._next_eom()

    def _next_eom(self) -> str | None:
        end = self._buffer.find(_EOM)
        if end < 0:
            return None
        message = bytes(self._buffer[:end])
        del self._buffer[: end + len(_EOM)]
        return message.decode("utf-8", errors="replace").strip()

    def _next_chunked(self) -> str | None:
        while True:
            buf = self._buffer
            if len(buf) < 4:
                return None
            if buf.startswith(_END):
                del buf[: len(_END)]
                message, self._parts = b"".join(self._parts), []
                return message.decode("utf-8", errors="replace")
            if not buf.startswith(b"\n#"):
                raise FramingError("expected a chunk header")
            m = _CHUNK.match(buf)
            if m is None:
                head = bytes(buf[2:14])
                if b"\n" in head or not head.isdigit() or len(head) > 10:
                    raise FramingError("bad chunk header")
                return None  # the header is still arriving
            size = int(m.group(1))
            if size > MAX_CHUNK:
                raise FramingError("chunk too large")
            if len(buf) < m.end() + size:
                return None
            self._parts.append(bytes(buf[m.end() : m.end() + size]))
            del buf[: m.end() + size]

    def frame(self, message: str) -> str:
        """`message` ready to send in the current mode."""
        if not self.chunked:
            return message + "\n" + EOM  # nothing after it: a chunked reader would take it for a header
        return f"\n#{len(message.encode())}\n{message}\n##\n"


__all__ = ["EOM", "Framer", "FramingError"]
