"""The CLI over a byte stream (an SSH channel): a `SessionIO` that echoes like a terminal.

What the client sends is fed in with `feed` (from whatever owns the stream);
what the session prints goes out through `send` with `\\r\\n` line endings and
nothing else: clients match prompts and echo character for character. The
pager stops at `---(more)---` only while the screen length is above zero
(automation clients set it to 0 first thing).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import trio

from nos.cli.editor import EndOfInput, Event, Interrupt, Keys, Line, LineEditor
from nos.cli.session import CliSession

MORE = "---(more)---"


class StreamIO:
    interactive = True

    def __init__(self, send: Callable[[str], None], terminal_type: str = "vt100"):
        self._send = send
        self.terminal_type = terminal_type
        self.editor = LineEditor(send)
        self._events_in, self._events = trio.open_memory_channel[Event](math.inf)
        self.on_interrupt: Callable[[], bool] = lambda: False  # Ctrl-C while a command runs
        self.closed = False
        self._single_key = False  # the pager waits for one keystroke
        self._waiting = False  # a reader waits for input (else Ctrl-C stops the running command)

    # -- input ----------------------------------------------------------------------------------

    def feed(self, data: str) -> None:
        """Input from the client, as it arrives."""
        if self._single_key and self.editor.reading and data:  # the pager takes one key
            self.editor.reading = False
            self._events_in.send_nowait(Line(data[0]))
            data = data[1:]
        for event in self.editor.feed(data):
            if isinstance(event, Interrupt) and not self._waiting:
                self.on_interrupt()
            else:
                self._events_in.send_nowait(event)

    def close(self) -> None:
        """The client went away: what waits for input gets end-of-input."""
        if not self.closed:
            self.closed = True
            self._events_in.send_nowait(EndOfInput())

    async def read(self, *, echo: bool = True, keys: Keys | None = None) -> Event:
        if self.closed and self._events.statistics().current_buffer_used == 0:
            return EndOfInput()
        self._waiting = True
        try:
            for event in self.editor.start(echo=echo, keys=keys):
                self._events_in.send_nowait(event)
            return await self._events.receive()
        finally:
            self._waiting = False
            self.editor.reading = False

    async def _line(self, echo: bool = True) -> str | None:
        event = await self.read(echo=echo)
        return event.text if isinstance(event, Line) else None

    # -- SessionIO ---------------------------------------------------------------------------------

    def write(self, text: str) -> None:
        if not self.closed:
            self._send(text.replace("\r\n", "\n").replace("\n", "\r\n"))

    async def page(self, lines: list[str], paged: bool, screen_length: int) -> None:
        if not paged or len(lines) < screen_length:
            self.write("".join(line + "\n" for line in lines))
            return
        step, i = max(1, screen_length - 1), 0
        while i < len(lines) and not self.closed:
            self.write("".join(line + "\n" for line in lines[i : i + step]))
            i += step
            if i >= len(lines):
                break
            key = await self._key(MORE)
            if key in ("q", "Q", "\x03", None):
                break
            step = 1 if key in ("\r", "\n", "j") else len(lines) if key == "G" else max(1, screen_length - 1)

    async def _key(self, prompt: str) -> str | None:
        """One keystroke at a pager prompt, which is then rubbed out."""
        self._send(prompt)
        self._single_key = True
        typed = self.editor.take_key()
        try:
            if typed is not None:
                return typed
            event = await self.read(echo=False)
        finally:
            self._single_key = False
            self._send("\r" + " " * len(prompt) + "\r")
        return event.text if isinstance(event, Line) else None

    async def ask(self, question: str) -> str | None:
        self.write(question)
        return await self._line()

    async def read_secret(self, question: str) -> str | None:
        self.write(question)
        return await self._line(echo=False)

    async def read_block(self) -> str | None:
        lines = []
        while True:
            event = await self.read()
            if isinstance(event, Interrupt):
                return None
            if isinstance(event, EndOfInput):
                return "".join(line + "\n" for line in lines)
            lines.append(event.text)

    def notify(self, text: str) -> None:
        self.write(text)
        keys = self.editor.keys
        if self.editor.reading and keys is not None:  # the line being typed comes back under the message
            self._send(keys.redraw().replace("\n", "\r\n") + self.editor.buffer)


def session_keys(session: CliSession) -> Keys:
    return Keys(
        help=session.help_lines,
        complete=session.complete,
        redraw=session.prompt,
        complete_on_space=lambda: session.complete_on_space,
    )


async def run_stream(session: CliSession, io: StreamIO) -> None:
    """Prompt, read, run, until the user logs out or the client goes away."""
    io.on_interrupt = session.interrupts.fire
    keys = session_keys(session)
    while session.alive and not io.closed:
        io.write(session.prompt())
        event = await io.read(keys=keys)
        if isinstance(event, Interrupt):
            continue
        if isinstance(event, EndOfInput):
            if io.closed:
                break
            line = "exit configuration-mode" if session.mode == "configuration" else "quit"
            io.write(line + "\n")
        else:
            line = event.text
        await session.execute(line)
    session.close()


__all__ = ["MORE", "StreamIO", "run_stream", "session_keys"]
