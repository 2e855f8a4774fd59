"""NETCONF message framing (RFC 6242) over a byte stream.

Every session starts in end-of-message framing (`]]>]]>`), which both hellos
use; once both sides announce `urn:ietf:params:netconf:base:1.1` the session
switches to chunked framing (`\\n#<len>\\n<data>` ... `\\n##\\n`). Chunk
lengths count octets, so the framer works on UTF-8 bytes even though the SSH
channel hands it text.

A message may hold at most MAX_MESSAGE octets: past that the framer raises
TooBig (the session answers `too-big` and closes), so a message that never
ends costs neither unbounded memory nor, since the end-of-message search
resumes where it stopped, time that grows with the square of its length.
"""

from __future__ import annotations

import re

EOM = "]]>]]>"
_EOM = EOM.encode()
_CHUNK = re.compile(rb"\n#([1-9][0-9]{0,9})\n")
_END = b"\n##\n"
MAX_CHUNK = 4294967295
# The largest message read (octets): far above any real request (a 100,000-line configuration in
# XML is about 20 MB) and a bound on what one session can make the process hold. [G] Junos's own
# limit is not documented.
MAX_MESSAGE = 64 * 1024 * 1024


class FramingError(Exception):
    """The peer broke the framing: RFC 6242 says to close the session."""


class TooBig(FramingError):
    """A message grew past MAX_MESSAGE before it ended."""


class Framer:
    """Splits incoming bytes into messages and frames outgoing ones, in the session's current mode."""

    def __init__(self, max_message: int | None = None) -> None:
        self.chunked = False
        self.max_message = MAX_MESSAGE if max_message is None else max_message
        self._buffer = bytearray()
        self._searched = 0  # how much of the buffer is known to hold no end-of-message mark
        self._parts: list[bytes] = []  # chunks of the message being read (chunked mode)
        self._held = 0  # octets in _parts

    def feed(self, data: str | bytes) -> None:
        self._buffer += data.encode() if isinstance(data, str) else data

    def next(self) -> str | None:
        """The next complete message, or None until more input arrives."""
        return self._next_chunked() if self.chunked else self._next_eom()

    def _next_eom(self) -> str | None:
        end = self._buffer.find(_EOM, self._searched)
        if end < 0:
            self._searched = max(0, len(self._buffer) - len(_EOM) + 1)  # a mark may straddle the next feed
            if len(self._buffer) > self.max_message:
                raise TooBig(f"message larger than {self.max_message} octets")
            return None
        if end > self.max_message:
            raise TooBig(f"message larger than {self.max_message} octets")
        message = bytes(self._buffer[:end])
        del self._buffer[: end + len(_EOM)]
        self._searched = 0
        return message.decode("utf-8", errors="replace").strip()

    def _next_chunked(self) -> str | None:
        while True:
            buf = self._buffer
            if len(buf) < 4:
                return None
            if buf.startswith(_END):
                del buf[: len(_END)]
                message, self._parts, self._held = b"".join(self._parts), [], 0
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
            if self._held + size > self.max_message:  # known from the header: no need to wait for the data
                raise TooBig(f"message larger than {self.max_message} octets")
            if len(buf) < m.end() + size:
                return None
            self._parts.append(bytes(buf[m.end() : m.end() + size]))
            self._held += size
            del buf[: m.end() + size]

    def frame(self, message: str) -> str:
        """`message` ready to send in the current mode."""
        if not self.chunked:
            return message + "\n" + EOM  # nothing after it: a chunked reader would take it for a header
        return f"\n#{len(message.encode())}\n{message}\n##\n"


__all__ = ["EOM", "MAX_MESSAGE", "Framer", "FramingError", "TooBig"]
