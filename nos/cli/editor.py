"""Line editing for byte-stream front-ends (SSH): keystrokes in, plain-text echo out.

Automation clients read the echo of what they type and match prompts exactly,
so the editor writes nothing but the characters typed, `\\b \\b` to rub one
out, and `\\r\\n`: no escape codes. People may move inside the line (Left/Right,
Ctrl-A/E/B/F, Ctrl-K, Delete): the cursor moves with `\\b` and by writing the
characters again, plain text too; typing at the end of the line (what clients
do) writes exactly the characters typed. `?`, Tab and Space ask
the CLI session for help and completion, as on a Junos terminal.

The editor is a state machine with no I/O of its own: `feed` takes what the
client sent and returns the finished events (a line, Ctrl-C, Ctrl-D); echo
goes through the `write` callback, once per call. Keystrokes that arrive
while no line is being read (a command is running) wait, unechoed, as in a
real terminal's type-ahead buffer, except Ctrl-C, which is reported at once.

Every session of every device shares one thread, so the work a call does is
bounded: with a `budget`, `feed`, `start` and `resume` stop after about that
many units of work (a character typed is one; `?` or a completion costs the
length of the line) and leave the rest queued; `backlog` says there is more,
and the front-end resumes after letting other sessions run. Work grows
linearly with the input: runs of plain characters are inserted at once, the
queue is consumed by position (never copied per line), and a line is capped
at MAX_LINE characters.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

CTRL_C, CTRL_D, CTRL_U, CTRL_W, BACKSPACE, DELETE, ESC = "\x03", "\x04", "\x15", "\x17", "\x08", "\x7f", "\x1b"
CTRL_A, CTRL_B, CTRL_E, CTRL_F, CTRL_K = "\x01", "\x02", "\x05", "\x06", "\x0b"  # Emacs keys, as at a Junos prompt
CTRL_G, CTRL_L, CTRL_N, CTRL_P, CTRL_R = "\x07", "\x0c", "\x0e", "\x10", "\x12"  # history keys, redraw

# The longest line the editor keeps: what is typed beyond it is dropped (not echoed) and the line is
# refused at Enter, so a runaway paste neither grows memory nor runs a truncated command. [G] Junos's own
# limit is not documented; this is far beyond any real command (a 10,000-word `set ... [ ... ]`).
MAX_LINE = 128 * 1024
TOO_LONG = f"error: line too long (more than {MAX_LINE} characters)"  # [G] wording unconfirmed

# Space completes a keyword only this far into a line: each completion reads the whole line, so
# beyond it a paste of many words would cost the square of its length. Tab and `?` still work there.
COMPLETE_ON_SPACE_WITHIN = 1024

HISTORY = 1000  # lines kept for Up/Ctrl-P and Ctrl-R ([G]: Junos's own depth is not documented)

_RUN_STEP = 4096  # the most plain characters inserted in one step (a budget is checked between steps)

# Characters typed as themselves whatever the state: everything printable but what `?`, Space and `"`
# (which decides whether `?` and Space are special) may change.
_PLAIN_RUN = re.compile(r'[^\x00-\x1f\x7f? "]+')


@dataclass(frozen=True)
class Line:
    text: str
    too_long: bool = False  # more than MAX_LINE characters were typed: the line must not run


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
    # Space: the text that completes the word before the cursor ("" for none); defaults to `complete`.
    complete_word: Callable[[str], str] | None = None


class LineEditor:
    def __init__(self, write: Callable[[str], None]):
        self.write = write
        self.reading = False
        self.echo = True
        self.keys: Keys | None = None
        self.history: list[str] = []
        self._recall = 0  # position in history while Up/Down browse it
        self._chars: list[str] = []  # the line being typed, one character per item (cheap to grow and rub out)
        self._cursor = 0  # where typing goes in _chars (its end, unless a person moved it)
        self._quotes = 0  # how many `"` the line holds: inside quotes `?` and Space are plain characters
        self._too_long = False  # characters were dropped at MAX_LINE
        self._queue = ""  # input not handled yet: type-ahead, or what a budget left for later
        self._pos = 0  # how much of _queue is handled
        self._escape = ""  # an escape sequence (arrow key) being read
        self._after_cr = False  # `\r\n` is one Enter
        self._out: list[str] = []  # echo of the current call, written at its end
        self._search: str | None = None  # Ctrl-R: what is searched for in the history (None: not searching)
        self._found = 0  # the history line the search shows (len(history): none)
        self._before_search = ""  # the line as it was when the search began (Ctrl-G brings it back)
        self._drawn = 0  # length of the last line the search drew, to overwrite it

    @property
    def buffer(self) -> str:
        """The line typed so far."""
        return "".join(self._chars)

    @property
    def queued(self) -> bool:
        """Input has arrived that is not handled yet (type-ahead, or a budget's leftover)."""
        return self._pos < len(self._queue)

    @property
    def queued_size(self) -> int:
        return len(self._queue) - self._pos

    @property
    def backlog(self) -> bool:
        """A line is being read and input is queued for it: call `resume` (after other sessions ran)."""
        return self.reading and self._pos < len(self._queue)

    # -- reading a line --------------------------------------------------------------------------

    def start(self, *, echo: bool = True, keys: Keys | None = None, budget: int | None = None) -> list[Event]:
        """Begin reading a line (the prompt is already written); typed-ahead input is handled now."""
        self.reading, self.echo, self.keys = True, echo, keys
        self._chars, self._quotes, self._too_long, self._cursor = [], 0, False, 0
        self._recall = len(self.history)
        self._search = None
        return self._run(budget)

    def take_key(self) -> str | None:
        """One typed-ahead keystroke, for a prompt that reads a single key (the pager)."""
        if self._pos >= len(self._queue):
            return None
        key = self._queue[self._pos]
        self._pos += 1
        return key

    def feed(self, data: str, budget: int | None = None) -> list[Event]:
        """Process input from the client; returns the events it completes."""
        events: list[Event] = []
        if not self.reading and CTRL_C in data:  # Ctrl-C while a command runs is news at once
            events = [Interrupt()] * data.count(CTRL_C)
            data = data.replace(CTRL_C, "")
        if self._pos >= len(self._queue):
            self._queue, self._pos = data, 0
        elif data:
            self._queue, self._pos = self._queue[self._pos :] + data, 0
        return events + self._run(budget)

    def resume(self, budget: int | None = None) -> list[Event]:
        """Go on with queued input that an earlier budget left."""
        return self._run(budget)

    def _run(self, budget: int | None) -> list[Event]:
        try:
            return self._handle(budget)
        finally:
            if self._out:
                out, self._out = "".join(self._out), []
                self.write(out)

    def _handle(self, budget: int | None) -> list[Event]:
        """Handle queued input while a line is read: until an event, the end of the queue, or the budget."""
        queue, spent = self._queue, 0
        while self.reading and self._pos < len(queue):
            if budget is not None and spent >= budget:
                break
            run = None if self._escape else _PLAIN_RUN.match(queue, self._pos, self._pos + _RUN_STEP)
            if run is not None:
                if self._search is not None:
                    self._search_for(self._search + run.group())
                else:
                    self._insert(run.group())
                self._pos = run.end()
                self._after_cr = False
                spent += run.end() - run.start()
                continue
            ch = queue[self._pos]
            self._pos += 1
            spent += 1
            event, cost = self._key(ch)
            spent += cost
            if event is None:
                continue
            self.reading = False
            if isinstance(event, Interrupt):
                self._queue, self._pos = "", 0  # Ctrl-C also throws away what was typed ahead
            return [event]
        if self._pos >= len(self._queue):
            self._queue, self._pos = "", 0
        return []

    def _key(self, ch: str) -> tuple[Event | None, int]:
        """One keystroke that is not a plain character: its event (if it ends the line) and its cost."""
        after_cr, self._after_cr = self._after_cr, ch == "\r"
        if self._escape:
            self._escape_key(ch)
            return None, 0
        if self._search is not None and self._search_key(ch):
            return None, len(self.history)  # a search reads the history back
        if ch == CTRL_R and self.keys is not None and self.echo:
            self._start_search()
            return None, 0
        if ch in (CTRL_P, CTRL_N) and self.keys is not None:
            self._history_step(-1 if ch == CTRL_P else 1)
            return None, 0
        if ch == CTRL_L and self.keys is not None and self.echo:
            self._draw_prompt_line("\r\n")
            return None, len(self._chars)
        if ch in "\r\n":
            if ch == "\n" and after_cr:
                return None, 0
            return self._enter(), 0
        if ch == CTRL_C:
            self._emit("^C\r\n" if self.echo else "\r\n")
            return Interrupt(), 0
        if ch == CTRL_D:
            if not self._chars:
                return EndOfInput(), 0
            self._delete_forward()
            return None, 0
        if ch in (BACKSPACE, DELETE):
            self._rub_out(1)
        elif ch == CTRL_U:
            self._to_end()
            self._rub_out(len(self._chars))
        elif ch == CTRL_W:
            self._rub_out(self._last_word_length())
        elif ch == ESC:
            self._escape = ESC
        elif ch in (CTRL_A, CTRL_B, CTRL_E, CTRL_F, CTRL_K):
            self._move(ch)
        elif ch == "?" and self.keys is not None and not self._in_quotes:
            self._to_end()
            self._show(self.keys.help(self.buffer), "?")
            return None, len(self._chars)
        elif ch == "\t" and self.keys is not None:
            self._to_end()
            self._tab()
            return None, len(self._chars)
        elif ch == " " and self._space_completes():
            cost = len(self._chars)
            if not self._complete_word():
                self._insert(" ")
            return None, cost
        elif ch >= " " or ch == "\t":
            self._insert(ch)
        return None, 0

    @property
    def _in_quotes(self) -> bool:
        return self._quotes % 2 == 1

    def _enter(self) -> Event:
        self._emit("\r\n")
        line = self.buffer
        if self._too_long:
            return Line(line, too_long=True)
        if line.strip() and self.keys is not None and (not self.history or self.history[-1] != line):
            self.history.append(line)
            if len(self.history) > HISTORY:
                del self.history[: len(self.history) - HISTORY]
        return Line(line)

    def _emit(self, text: str) -> None:
        self._out.append(text)

    def _insert(self, text: str) -> None:
        room = MAX_LINE - len(self._chars)
        if len(text) > room:
            self._too_long = True
            text = text[: max(room, 0)]
            if not text:
                return
        self._quotes += text.count('"')
        at = self._cursor
        if at == len(self._chars):  # at the end: what clients do, the characters and nothing else
            self._chars.extend(text)
            self._cursor += len(text)
            if self.echo:
                self._emit(text)
            return
        self._chars[at:at] = text
        self._cursor += len(text)
        if self.echo:  # the rest of the line written again after it, and the cursor brought back
            tail = "".join(self._chars[self._cursor :])
            self._emit(text + tail + "\b" * len(tail))

    def _rub_out(self, n: int) -> None:
        """Remove the n characters before the cursor."""
        at = self._cursor
        n = min(n, at)
        if not n:
            return
        removed = self._chars[at - n : at]
        del self._chars[at - n : at]
        self._cursor -= n
        self._quotes -= removed.count('"')
        if not self.echo:
            return
        if at == len(self._chars) + n:  # at the end
            self._emit("\b \b" * n)
            return
        tail = "".join(self._chars[self._cursor :])
        self._emit("\b" * n + tail + " " * n + "\b" * (len(tail) + n))

    def _delete_forward(self) -> None:
        """Delete (or Ctrl-D on a line): the character under the cursor."""
        if self._cursor < len(self._chars):
            self._move(CTRL_F)
            self._rub_out(1)

    def _move(self, key: str) -> None:
        """Ctrl-A/E: to the start or end; Ctrl-B/F (Left/Right): one character; Ctrl-K: erase to the end."""
        at, end = self._cursor, len(self._chars)
        if key == CTRL_A:
            self._cursor = 0
            out = "\b" * at
        elif key == CTRL_B:
            self._cursor = max(0, at - 1)
            out = "\b" * (at - self._cursor)
        elif key == CTRL_E:
            self._cursor = end
            out = "".join(self._chars[at:])
        elif key == CTRL_F:
            self._cursor = min(end, at + 1)
            out = "".join(self._chars[at : self._cursor])
        else:  # Ctrl-K
            self._quotes -= self._chars[at:].count('"')
            del self._chars[at:]
            out = " " * (end - at) + "\b" * (end - at)
        if self.echo and out:
            self._emit(out)

    def _to_end(self) -> None:
        if self._cursor != len(self._chars):
            self._move(CTRL_E)

    def _last_word_length(self) -> int:
        """Ctrl-W: the blanks before the cursor and the word before them."""
        i = self._cursor
        while i and self._chars[i - 1].isspace():
            i -= 1
        while i and not self._chars[i - 1].isspace():
            i -= 1
        return self._cursor - i

    def _replace(self, text: str) -> None:
        self._to_end()
        self._rub_out(len(self._chars))
        self._insert(text)

    # -- help, completion, history -----------------------------------------------------------------

    def _show(self, lines: list[str], typed: str) -> None:
        assert self.keys is not None
        body = "".join(line + "\r\n" for line in lines)
        self._emit(typed + "\r\n" + body + self.keys.redraw().replace("\n", "\r\n") + self.buffer)

    def _tab(self) -> None:
        assert self.keys is not None
        insert, lines = self.keys.complete(self.buffer)
        if insert:
            self._insert(insert)
        elif lines:
            self._show(lines, "")

    def _space_completes(self) -> bool:
        """Whether Space asks for a completion: complete-on-space is on, a word ends at the cursor
        (not in quotes), and the line is short enough for it."""
        chars = self._chars
        if self.keys is None or not chars or chars[-1].isspace() or self._in_quotes or self._cursor != len(chars):
            return False
        return len(chars) <= COMPLETE_ON_SPACE_WITHIN and self.keys.complete_on_space()

    def _complete_word(self) -> bool:
        """Space completes the word being typed when it is unique."""
        assert self.keys is not None
        if self.keys.complete_word is not None:
            insert = self.keys.complete_word(self.buffer)
        else:
            insert, _lines = self.keys.complete(self.buffer)
        if not insert.endswith(" "):
            return False
        self._insert(insert)
        return True

    def _escape_key(self, ch: str) -> None:
        """Up/Down recall history, Left/Right move, Home/End, Delete; other sequences are read whole
        (`ESC [ 3 ~`: parameters up to the final byte) and ignored."""
        self._escape += ch
        if len(self._escape) == 2 and ch in "[O":
            return
        if len(self._escape) > 2 and self._escape[1] == "[" and (ch.isdigit() or ch == ";") and len(self._escape) < 8:
            return  # a parameter of a longer sequence
        seq, self._escape = self._escape, ""
        if seq == "\x1b[3~":
            self._delete_forward()
            return
        moves = {"C": CTRL_F, "D": CTRL_B, "H": CTRL_A, "F": CTRL_E}
        if len(seq) == 3 and seq[2] in moves:
            self._move(moves[seq[2]])
            return
        if seq in ("\x1b[1~", "\x1b[7~"):
            self._move(CTRL_A)
            return
        if seq in ("\x1b[4~", "\x1b[8~"):
            self._move(CTRL_E)
            return
        if self.keys is None or len(seq) != 3:
            return
        if seq[2] in "AB":
            self._history_step(-1 if seq[2] == "A" else 1)

    def _history_step(self, step: int) -> None:
        """Up/Ctrl-P: the line before in the history; Down/Ctrl-N: the one after (past the last: empty)."""
        at = self._recall + step
        if 0 <= at <= len(self.history):
            self._recall = at
            self._replace(self.history[at] if at < len(self.history) else "")

    # -- Ctrl-R: incremental search back through the history -----------------------------------------
    #
    # The search draws its own line under the prompt, `(reverse-i-search)`sh': show route`, rewritten
    # in place with `\r` (plain text, as everything the editor writes). Enter runs the line found;
    # Ctrl-R again finds an older one; Ctrl-G gives the line back as it was; any other editing key
    # ends the search with the line found, drawn after the prompt again, and then does its work.

    def _start_search(self) -> None:
        self._search, self._found, self._before_search, self._drawn = "", len(self.history), self.buffer, 0
        self._emit("\r\n")
        self._draw_search()

    def _search_key(self, ch: str) -> bool:
        """A key while searching: True when the search took it, False when it ended the search and
        the key is for the line found."""
        query = self._search or ""
        if ch == CTRL_R:
            self._search_for(query, self._found - 1)
            return True
        if ch in (BACKSPACE, DELETE):
            self._search_for(query[:-1], len(self.history) - 1)
            return True
        if ch == CTRL_G:
            self._end_search(self._before_search)
            return True
        if ch in "?\t " or ch >= " ":  # help and completion keys are searched for, as typed
            self._search_for(query + ch)
            return True
        self._end_search(self.history[self._found] if self._found < len(self.history) else self._before_search)
        return False

    def _search_for(self, query: str, start: int | None = None) -> None:
        """The newest history line at or before `start` holding `query` (the one shown, by default)."""
        at = min(self._found if start is None else start, len(self.history) - 1)
        while at >= 0 and query not in self.history[at]:
            at -= 1
        self._search = query
        if at >= 0:
            self._found = at
        self._draw_search(failed=at < 0)

    def _draw_search(self, failed: bool = False) -> None:
        shown = self.history[self._found] if self._found < len(self.history) else ""
        text = f"({'failed ' if failed else ''}reverse-i-search)`{self._search}': {shown}"
        pad = max(0, self._drawn - len(text))
        self._emit("\r" + text + " " * pad + "\b" * pad)
        self._drawn = len(text)

    def _end_search(self, line: str) -> None:
        self._search = None
        self._chars, self._cursor = list(line), len(line)
        self._quotes = line.count('"')
        self._recall = self._found
        self._draw_prompt_line("\r")

    def _draw_prompt_line(self, lead: str) -> None:
        """The prompt and the line again, on the same terminal line (`\r`) or a new one, cursor at the end."""
        assert self.keys is not None
        self._cursor = len(self._chars)
        text = self.keys.redraw().rsplit("\n", 1)[-1] + self.buffer
        pad = max(0, self._drawn - len(text)) if lead == "\r" else 0
        self._emit(lead + text + " " * pad + "\b" * pad)
        self._drawn = 0


__all__ = [
    "COMPLETE_ON_SPACE_WITHIN",
    "MAX_LINE",
    "TOO_LONG",
    "EndOfInput",
    "Event",
    "Interrupt",
    "Keys",
    "Line",
    "LineEditor",
]
