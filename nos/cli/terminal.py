"""The interactive front-end on the process's own terminal: literal text, as over SSH.

Expect scripts spawn `nos cli` and `nos lab` in a pseudo-terminal and match
prompts exactly (`lab@nos> `), so nothing here draws: the prompt is printed as
it reads, typing is echoed character for character, a character is rubbed out
with `\\b \\b`, and no escape code, cursor movement, reserved blank line or
terminal query is ever written. The line editing is the SSH one (nos.cli.editor
through StreamIO): Tab, `?`, Space completion, history on Up/Down, Ctrl-U/W/C/D.

While a front-end runs, the terminal is in raw mode (no echo, no line
discipline, no signals; output processing stays on, so `\\n` still starts a
line) and one pump task feeds what is typed to the innermost TerminalIO: the
lab console's, or that of the device CLI attached from it. Ctrl-C reaches the
command that runs as a keystroke, echoed as `^C`, as the terminal did before.
Keys the editor does not know (function keys and the like) are dropped whole,
so their sequences never show up as typed text; arrows, Home/End and Delete
edit the line (nos/cli/editor.py).
"""

from __future__ import annotations

import codecs
import os
import re
import sys
import termios
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import trio

from nos.cli.editor import CTRL_C, TOO_LONG, EndOfInput, Interrupt, Keys, Line
from nos.cli.session import CliSession
from nos.cli.stream import StreamIO, run_stream
from nos.runtime.interrupt import deliver_sigint

MORE = "---(more)---"

# Complete escape sequences: CSI (arrows, Delete, function keys), SS3 (arrows in application mode), Alt+key,
# or an ESC before a control key (then only the ESC goes).
_SEQUENCE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|O.|[^\[O\x00-\x1f\x1b]|(?=[\x00-\x1f\x1b]))", re.S)
_UNFINISHED = re.compile(r"\x1b(?:\[[0-?]*[ -/]*|O)?\Z")
# The keys the line editor knows (history, moving in the line, Delete), in the CSI form it reads.
_EDITOR_KEYS = {
    **{f"\x1b{lead}{k}": f"\x1b[{k}" for lead in "[O" for k in "ABCDHF"},
    "\x1b[3~": "\x1b[3~",
    **{f"\x1b[{n}~": "\x1b[H" for n in "17"},
    **{f"\x1b[{n}~": "\x1b[F" for n in "48"},
}


class KeyFilter:
    """Typed text with escape sequences the editor does not handle removed (arrows, Home/End and
    Delete kept, as CSI).

    A sequence split between two reads is held until its end arrives."""

    def __init__(self) -> None:
        self._held = ""

    def __call__(self, text: str) -> str:
        text, self._held = self._held + text, ""
        out: list[str] = []
        i = 0
        while i < len(text):
            esc = text.find("\x1b", i)
            if esc < 0:
                out.append(text[i:])
                break
            out.append(text[i:esc])
            seq = _SEQUENCE.match(text, esc)
            if seq is not None:
                out.append(_EDITOR_KEYS.get(seq.group(), ""))
                i = seq.end()
            elif _UNFINISHED.match(text, esc):
                self._held = text[esc:]
                break
            else:  # not a sequence after all: drop the ESC, keep what follows
                i = esc + 1
        return "".join(out)


def _write_out(text: str) -> None:
    """Terminal output: output processing is on, so each `\\n` becomes `\\r\\n` there."""
    sys.stdout.flush()
    data = text.replace("\r\n", "\n").encode(sys.stdout.encoding or "utf-8", "replace")
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


def _raw_mode(fd: int) -> list | None:
    """Put the terminal in raw mode (output processing kept); the settings to restore, None if not a terminal."""
    try:
        saved = termios.tcgetattr(fd)
    except termios.error:
        return None
    raw = termios.tcgetattr(fd)
    raw[0] &= ~(termios.IXON | termios.ICRNL | termios.INLCR | termios.IGNCR | termios.ISTRIP | termios.BRKINT)
    raw[3] &= ~(termios.ICANON | termios.ECHO | termios.ISIG | termios.IEXTEN)
    raw[6][termios.VMIN], raw[6][termios.VTIME] = 1, 0
    termios.tcsetattr(fd, termios.TCSANOW, raw)
    return saved


class _Terminal:
    """The process's one terminal: raw mode and the pump while any TerminalIO uses it."""

    def __init__(self) -> None:
        self.users: list[TerminalIO] = []  # innermost last: it gets what is typed

    @asynccontextmanager
    async def used_by(self, io: TerminalIO) -> AsyncIterator[None]:
        if self.users:  # the pump runs already (a device CLI attached from the lab console)
            _hand_over(self.users[-1], io)  # the rest of a paste goes to the node's CLI
            self.users.append(io)
            try:
                yield
            finally:
                self._leave(io)
            return
        fd = sys.stdin.fileno()
        saved = _raw_mode(fd)
        try:
            async with trio.open_nursery() as nursery:
                self.users.append(io)
                nursery.start_soon(self._pump, fd)
                try:
                    yield
                finally:
                    self._leave(io)
                    io.flush()
                    nursery.cancel_scope.cancel()
        finally:
            if saved is not None:
                termios.tcsetattr(fd, termios.TCSANOW, saved)

    def _leave(self, io: TerminalIO) -> None:
        """`io` stops reading; what was typed ahead for it goes to the front-end below (the lab console)."""
        self.users.remove(io)
        if self.users:
            _hand_over(io, self.users[-1])

    async def _pump(self, fd: int) -> None:
        decode = codecs.getincrementaldecoder("utf-8")("replace").decode
        keys = KeyFilter()
        while True:
            await trio.lowlevel.wait_readable(fd)
            try:
                data = os.read(fd, 65536)
            except OSError:
                data = b""
            if not data:  # the terminal hung up: every reader gets end-of-input
                for io in self.users:
                    io.hang_up()
                return
            if not self.users:
                continue
            io = self.users[-1]
            text = keys(decode(data))
            if CTRL_C in text and not io.editor.reading:
                io.write("^C")  # what the terminal echoed when it sent SIGINT
            io.feed(text)


def _hand_over(old: TerminalIO, new: TerminalIO) -> None:
    """`new` reads next: what `old` printed goes out first (each gathers its output while input is
    queued), and keystrokes typed ahead but not read by `old` go to `new`."""
    old.flush()
    keys = []
    while (key := old.editor.take_key()) is not None:
        keys.append(key)
    if keys:
        new.feed("".join(keys))


_TERMINAL = _Terminal()


class TerminalIO(StreamIO):
    """A SessionIO (and a line reader for the lab console) on the process's terminal.

    Each front-end on the terminal (a CLI session, the lab console, a host's
    shell) has its own, with its own history; `attached()` makes it the one
    that reads what is typed."""

    def __init__(self) -> None:
        super().__init__(_write_out, os.environ.get("TERM", "vt100"))

    def attached(self) -> AbstractAsyncContextManager[None]:
        """While inside, what is typed comes to this IO (raw mode and the pump start with the first)."""
        return _TERMINAL.used_by(self)

    def flush(self) -> None:
        self._send.flush()

    def hang_up(self) -> None:
        """The terminal is gone: what waits for input gets end-of-input. (`close`, which a session calls
        when it ends, does the same for this IO only: the lab console's own reads on.)"""
        self.close()

    def feed(self, data: str) -> None:
        if self._single_key and self.editor.reading and data[:2] == "\x1b[":  # an arrow at ---(more)---
            data = ("\r" if data[2:3] == "B" else " ") + data[3:]  # Down: one line more; Up: a page
        super().feed(data)

    async def read_line(
        self,
        prompt: str,
        complete: Callable[[str], tuple[str, list[str]]] | None = None,
        help: Callable[[str], list[str]] | None = None,
    ) -> str:
        """Print `prompt` and read a line (Tab: `complete`, `?`: `help`, Up/Down: history).

        Raises KeyboardInterrupt on Ctrl-C and EOFError at end of input."""
        keys = Keys(
            help=help or (lambda text: []),
            complete=complete or (lambda text: ("", [])),
            redraw=lambda: prompt,
            complete_on_space=lambda: False,
        )
        self.write(prompt)
        event = await self.read(keys=keys)
        if isinstance(event, Interrupt):
            raise KeyboardInterrupt
        if isinstance(event, EndOfInput):
            raise EOFError
        assert isinstance(event, Line)
        if event.too_long:
            self.write(TOO_LONG + "\n")
            raise KeyboardInterrupt
        return event.text


async def run_terminal(session: CliSession, io: TerminalIO) -> None:
    """The session on the terminal until the user leaves it (or the terminal hangs up)."""
    try:
        size = os.get_terminal_size(sys.stdout.fileno())
        session.screen_length, session.screen_width = max(0, size.lines), size.columns
    except OSError:
        pass
    async with io.attached(), trio.open_nursery() as nursery:
        await nursery.start(deliver_sigint, session.interrupts)  # `kill -INT` stops the running command too
        await run_stream(session, io)  # Ctrl-C typed while a command runs stops it (io.on_interrupt)
        nursery.cancel_scope.cancel()


__all__ = ["MORE", "KeyFilter", "TerminalIO", "run_terminal"]
