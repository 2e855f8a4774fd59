"""Line editing for byte-stream front-ends (SSH): keystrokes in, plain-text echo out.

Automation clients read the echo of what they type and match prompts exactly,
so the editor writes nothing but the characters typed, `\\b \\b` to rub one
out, and `\\r\\n`: no escape codes, no cursor movement. `?`, Tab and Space ask
the CLI session for help and completion, as on a Junos terminal.

The editor is a state machine with no I/O of its own: `feed` takes what the
client sent and returns the finished events (a line, Ctrl-C, Ctrl-D); echo
goes through the `write` callback. Keystrokes that arrive while no line is
being read (a command is running) wait, unechoed, as in a real terminal's
type-ahead buffer, except Ctrl-C, which is reported at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

CTRL_C, CTRL_D, CTRL_U, CTRL_W, BACKSPACE, DELETE, ESC = "\x03", "\x04", "\x15", "\x17", "\x08", "\x7f", "\x1b"


@dataclass(frozen=True)
class Line:
    text: str


@dataclass(frozen=True)
class Interrupt:
    """Ctrl-C: stops a running command, or abandons the line being typed."""


@dataclass(frozen=True)
class EndOfInput:
    """Ctrl-D on an empty line."""


Event = Line | Interrupt | EndOfInput


@dataclass
class Keys:
    """What `?`, Tab and Space do: answered by the CLI session (None: they are plain characters)."""

    help: Callable[[str], list[str]]  # lines to show for `?` after the text before the cursor
    complete: Callable[[str], tuple[str, list[str]]]  # Tab: text to insert, or lines when ambiguous
    redraw: Callable[[], str]  # what to print before the line again after help (blank line, banner, prompt)
    complete_on_space: Callable[[], bool]


def _in_quotes(text: str) -> bool:
    return text.count('"') % 2 == 1


class LineEditor:
    def __init__(self, write: Callable[[str], None]):
        self.write = write
        self.buffer = ""
        self.reading = False
        self.echo = True
        self.keys: Keys | None = None
        self.history: list[str] = []
        self._recall = 0  # position in history while Up/Down browse it
        self._pending = ""  # type-ahead: input that came while no line was read
        self._escape = ""  # an escape sequence (arrow key) being read
        self._after_cr = False  # `\r\n` is one Enter

    # -- reading a line --------------------------------------------------------------------------

    def start(self, *, echo: bool = True, keys: Keys | None = None) -> list[Event]:
        """Begin reading a line (the prompt is already written); typed-ahead input is handled now."""
        self.reading, self.echo, self.keys = True, echo, keys
        self.buffer = ""
        self._recall = len(self.history)
        pending, self._pending = self._pending, ""
        return self.feed(pending)

    def take_key(self) -> str | None:
        """One typed-ahead keystroke, for a prompt that reads a single key (the pager)."""
        if not self._pending:
            return None
        key, self._pending = self._pending[0], self._pending[1:]
        return key

    def feed(self, data: str) -> list[Event]:
        """Process input from the client; returns the events it completes."""
        events: list[Event] = []
        for i, ch in enumerate(data):
            if not self.reading:
                if ch == CTRL_C:
                    events.append(Interrupt())
                else:
                    self._pending += ch
                continue
            event = self._key(ch)
            if event is not None:
                events.append(event)
                self.reading = False
                if isinstance(event, Interrupt):
                    self._pending = ""  # Ctrl-C also throws away what was typed ahead
                    return events
                self._pending += data[i + 1 :]
                return events
        return events

    def _key(self, ch: str) -> Event | None:
        after_cr, self._after_cr = self._after_cr, ch == "\r"
        if self._escape:
            self._escape_key(ch)
            return None
        if ch in "\r\n":
            if ch == "\n" and after_cr:
                return None
            return self._enter()
        if ch == CTRL_C:
            self.write("^C\r\n" if self.echo else "\r\n")
            return Interrupt()
        if ch == CTRL_D:
            if not self.buffer:
                return EndOfInput()
            return None
        if ch in (BACKSPACE, DELETE):
            self._rub_out(1)
        elif ch == CTRL_U:
            self._rub_out(len(self.buffer))
        elif ch == CTRL_W:
            kept = self.buffer.rstrip()
            kept = kept[: len(kept) - len(kept.split()[-1])] if kept.split() else ""
            self._rub_out(len(self.buffer) - len(kept))
        elif ch == ESC:
            self._escape = ESC
        elif ch == "?" and self.keys is not None and not _in_quotes(self.buffer):
            self._show(self.keys.help(self.buffer), "?")
        elif ch == "\t" and self.keys is not None:
            self._tab()
        elif ch == " " and self.keys is not None and self._complete_word():
            pass
        elif ch >= " " or ch == "\t":
            self._insert(ch)
        return None

    def _enter(self) -> Event:
        self.write("\r\n")
        line = self.buffer
        if line.strip() and self.keys is not None and (not self.history or self.history[-1] != line):
            self.history.append(line)
        return Line(line)

    def _insert(self, text: str) -> None:
        self.buffer += text
        if self.echo:
            self.write(text)

    def _rub_out(self, n: int) -> None:
        n = min(n, len(self.buffer))
        if not n:
            return
        self.buffer = self.buffer[:-n]
        if self.echo:
            self.write("\b \b" * n)

    def _replace(self, text: str) -> None:
        self._rub_out(len(self.buffer))
        self._insert(text)

    # -- help, completion, history -----------------------------------------------------------------

    def _show(self, lines: list[str], typed: str) -> None:
        assert self.keys is not None
        body = "".join(line + "\r\n" for line in lines)
        self.write(typed + "\r\n" + body + self.keys.redraw().replace("\n", "\r\n") + self.buffer)

    def _tab(self) -> None:
        assert self.keys is not None
        insert, lines = self.keys.complete(self.buffer)
        if insert:
            self._insert(insert)
        elif lines:
            self._show(lines, "")

    def _complete_word(self) -> bool:
        """Space completes the word being typed when complete-on-space is on and the word is unique."""
        assert self.keys is not None
        before = self.buffer
        if not self.keys.complete_on_space() or not before or before[-1].isspace() or _in_quotes(before):
            return False
        insert, _lines = self.keys.complete(before)
        if not insert.endswith(" "):
            return False
        self._insert(insert)
        return True

    def _escape_key(self, ch: str) -> None:
        """Up/Down recall history; other escape sequences are read and ignored."""
        self._escape += ch
        if len(self._escape) == 2 and ch in "[O":
            return
        seq, self._escape = self._escape, ""
        if self.keys is None or len(seq) != 3:
            return
        if seq[2] == "A" and self._recall > 0:
            self._recall -= 1
            self._replace(self.history[self._recall])
        elif seq[2] == "B" and self._recall < len(self.history):
            self._recall += 1
            self._replace(self.history[self._recall] if self._recall < len(self.history) else "")


__all__ = ["EndOfInput", "Event", "Interrupt", "Keys", "Line", "LineEditor"]
