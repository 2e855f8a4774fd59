"""Reading the operator's text files (lab files, device configurations, scenario scripts).

They are read bounded in size, as UTF-8 (a leading byte-order mark is
dropped, as editors on Windows write one), and refused with the line of the
first byte that is not text, so a binary or mis-encoded file gets a
`FILE:LINE: message` rather than a traceback.
"""

from __future__ import annotations

import codecs
from pathlib import Path


class NotText(Exception):
    """The file is too big, not UTF-8, or binary; `line` and `column` say where (0: the whole file)."""

    def __init__(self, reason: str, line: int = 0, column: int = 0):
        super().__init__(reason)
        self.reason = reason
        self.line = line
        self.column = column

    def describe(self, with_line: bool = True) -> str:
        """`not UTF-8 text: byte 0xe9 at line 3, column 12` (or `at column 12`, when the line is said elsewhere)."""
        if not self.line:
            return self.reason
        at = f"line {self.line}, column {self.column}" if with_line else f"column {self.column}"
        return f"{self.reason} at {at}"


def read_text(path: Path, limit: int) -> str:
    """The text of `path`, at most `limit` bytes of it.

    Raises OSError when the file cannot be opened or read, NotText when it is
    too big, not UTF-8, or holds a NUL byte (what binary files have).
    """
    with path.open("rb") as f:
        data = f.read(limit + 1)
    return decode_text(data, limit)


def decode_text(data: bytes, limit: int) -> str:
    if len(data) > limit:
        raise NotText(f"too big: more than {_size(limit)}")
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        column = len(data[line_start : exc.start].decode("utf-8", errors="replace")) + 1
        line = data.count(b"\n", 0, exc.start) + 1
        raise NotText(f"not UTF-8 text: byte 0x{data[exc.start]:02x}", line, column) from None
    nul = text.find("\0")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        column = nul - (text.rfind("\n", 0, nul) + 1) + 1
        raise NotText("not a text file: a NUL byte", line, column)
    return text


def _size(limit: int) -> str:
    return f"{limit >> 20} MiB" if limit >= 1 << 20 else f"{limit} bytes"


__all__ = ["NotText", "decode_text", "read_text"]
