"""The CLI over a byte stream (an SSH channel): a `SessionIO` that echoes like a terminal.

What the client sends is fed in with `feed` (from whatever owns the stream);
what the session prints goes out through `send` with `\\r\\n` line endings and
nothing else: clients match prompts and echo character for character. The
pager stops at `---(more)---` only while the screen length is above zero
(automation clients set it to 0 first thing).

Input is handled as it arrives, but only a slice of work at a time (SLICE):
what a big paste or a long line leaves over is handled by the reading task,
one slice per turn, so the other sessions on the thread keep being answered.
While the session catches up with queued input (a paste), what it prints is
gathered and sent in large writes rather than one SSH packet per line; the
bytes are the same, only the packets fewer.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import trio

from nos.cli.batching import OutputBatcher
from nos.cli.editor import TOO_LONG, EndOfInput, Event, Interrupt, Keys, Line, LineEditor
from nos.cli.session import CliSession

MORE = "---(more)---"

# Editor work (about a character each, `?` and completions the length of the line) handled before the
# other sessions get a turn: a few milliseconds.
SLICE = 16384
# Input waiting to be handled (typed ahead while a command runs) beyond which the transport stops
# reading until half of it is handled: the client is held back instead of the process growing.
MAX_QUEUED = 1 << 20


class _Resume:
    """Queued for the reader: input is left over from a slice; handle the next one."""


_RESUME = _Resume()


class StreamIO:
    interactive = True

    def __init__(self, send: Callable[[str], None], terminal_type: str = "vt100"):
        self._send = OutputBatcher(send, self._busy)
        self.terminal_type = terminal_type
        self.editor = LineEditor(self._send)
        self._events_in, self._events = trio.open_memory_channel[Event | _Resume](math.inf)
        self.on_interrupt: Callable[[], bool] = lambda: False  # Ctrl-C while a command runs
        self.closed = False
        self._single_key = False  # the pager waits for one keystroke
        self._waiting = False  # a reader waits for input (else Ctrl-C stops the running command)
        # Flow control, set by the transport: stop (True) or go on (False) reading from the client.
        self.pause_input: Callable[[bool], None] = lambda paused: None
        self._input_paused = False
        self._writable = trio.Event()  # cleared while the client does not keep up with the output
        self._writable.set()

    # -- input ----------------------------------------------------------------------------------

    def feed(self, data: str) -> None:
        """Input from the client, as it arrives."""
        if self._single_key and self.editor.reading and data:  # the pager takes one key
            self.editor.reading = False
            self._events_in.send_nowait(Line(data[0]))
            data = data[1:]
        self._deliver(self.editor.feed(data, SLICE))

    def _deliver(self, events: list[Event]) -> None:
        for event in events:
            if isinstance(event, Interrupt) and not self._waiting:
                self.on_interrupt()
            else:
                self._events_in.send_nowait(event)
        if self.editor.backlog:  # the reader goes on after the other sessions had their turn
            self._events_in.send_nowait(_RESUME)
        queued = self.editor.queued_size
        if queued > MAX_QUEUED and not self._input_paused:
            self._input_paused = True
            self.pause_input(True)
        elif queued <= MAX_QUEUED // 2 and self._input_paused:
            self._input_paused = False
            self.pause_input(False)

    def set_writable(self, writable: bool) -> None:
        """The transport's word on output: False while the client lags behind (the session then runs
        no further command, so what it prints cannot pile up), True once it caught up."""
        if writable:
            self._writable.set()
        elif self._writable.is_set():
            self._writable = trio.Event()

    def _busy(self) -> bool:
        """Input is queued that the session will handle without waiting (a paste being caught up)."""
        return self.editor.queued or self._events.statistics().current_buffer_used > 0

    def close(self) -> None:
        """The client went away: what waits for input gets end-of-input."""
        if not self.closed:
            self._send.flush()
            self.closed = True
            self._events_in.send_nowait(EndOfInput())
            self._writable.set()

    async def read(self, *, echo: bool = True, keys: Keys | None = None) -> Event:
        if not self._writable.is_set():  # the client does not read what was sent: wait for it
            await self._writable.wait()
        self._waiting = True
        try:
            self._deliver(self.editor.start(echo=echo, keys=keys, budget=SLICE))
            while True:
                if self._events.statistics().current_buffer_used == 0:
                    if self.closed:
                        return EndOfInput()
                    self._send.flush()  # about to wait: what was gathered goes out now
                event = await self._events.receive()  # a checkpoint, even when something is queued
                if not isinstance(event, _Resume):
                    return event
                self._deliver(self.editor.resume(SLICE))
        finally:
            self._waiting = False
            self.editor.reading = False

    async def _line(self, echo: bool = True) -> str | None:
        event = await self.read(echo=echo)
        if isinstance(event, Line) and event.too_long:
            self.write(TOO_LONG + "\n")
            return None
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
            if event.too_long:
                self.write(TOO_LONG + "\n")
                return None
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
        complete_word=session.complete_word,
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
        elif event.too_long:
            io.write(TOO_LONG + "\n")
            continue
        else:
            line = event.text
        await session.execute(line)
    session.close()


__all__ = ["MORE", "StreamIO", "run_stream", "session_keys"]
