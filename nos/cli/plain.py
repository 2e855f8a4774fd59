"""The plain front-end: commands from a pipe or file, one per line, answered with a transcript.

Each command is echoed after its prompt, so the output reads like a session
log (what expect scripts and CI jobs want). Ctrl-D (a line holding `\\x04`, or
the end of input) ends `load ... terminal` input.

Input that is not text in the locale's encoding (a byte that is not UTF-8) is
read as U+FFFD and answered like any character the CLI does not know, as over
SSH; output the locale cannot show is replaced the same way. Neither ends the
session with a traceback.

`nos cli --plain` uses it on a terminal too: the terminal then echoes each
line as it is typed (so it is not echoed again), passwords are read with the
terminal's echo off, and Ctrl-C stops the running command.
"""

from __future__ import annotations

import io
import sys
import termios
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

import trio

from nos.cli.session import CliSession
from nos.runtime.interrupt import deliver_sigint


class PlainIO:
    interactive = False
    terminal_type = "dumb"

    def __init__(self, stdin: TextIO, stdout: TextIO):
        self.stdin = _tolerant(stdin)
        self.stdout = _tolerant(stdout)
        self.eof = False  # no more input: the session ends after the command that is running
        self.echoed = _isatty(stdin) and _isatty(stdout)  # a terminal in line mode echoes what is typed
        self.closed = False  # no more output: the reader went away

    def write(self, text: str) -> None:
        # Input may end inside `load ... terminal`; its `load complete` must still be shown.
        if self.closed:
            return
        try:
            self.stdout.write(text)
            self.stdout.flush()
        except BrokenPipeError:
            self.closed = True  # the reader went away (`nos cli ... | head`): end quietly

    async def readline(self) -> str | None:
        if self.eof or self.closed:
            return None
        line = await trio.to_thread.run_sync(self.stdin.readline)
        if not line:
            self.eof = True
            return None
        return line.rstrip("\r\n")

    async def page(self, lines: list[str], paged: bool, screen_length: int) -> None:
        self.write("".join(line + "\n" for line in lines))

    def echo(self, line: str) -> None:
        """Show a line read, as typed, unless the terminal has shown it already."""
        if not self.echoed:
            self.write(line + "\n")

    async def ask(self, question: str) -> str | None:
        self.write(question)
        answer = await self.readline()
        self.echo(answer or "")
        return answer

    async def read_secret(self, question: str) -> str | None:
        self.write(question)
        with _no_echo(self.stdin if self.echoed else None):
            answer = await self.readline()
        self.write("\n")
        return answer

    async def read_block(self) -> str | None:
        lines = []
        while True:
            line = await self.readline()
            if line is None:
                break
            if "\x04" in line:
                before = line.split("\x04", 1)[0]
                if before:
                    lines.append(before)
                    self.echo(before)
                break
            lines.append(line)
            self.echo(line)
        return "".join(line + "\n" for line in lines)

    def notify(self, text: str) -> None:
        self.write(text)


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


@contextmanager
def _no_echo(stream: TextIO | None) -> Iterator[None]:
    """The terminal behind `stream` does not echo inside (a password); nothing to do without one."""
    try:
        fd = stream.fileno() if stream is not None else -1
        saved = termios.tcgetattr(fd) if fd >= 0 else None
    except (termios.error, OSError, ValueError):
        saved = None
    if saved is None:
        yield
        return
    quiet = termios.tcgetattr(fd)
    quiet[3] &= ~termios.ECHO
    termios.tcsetattr(fd, termios.TCSANOW, quiet)
    try:
        yield
    finally:
        termios.tcsetattr(fd, termios.TCSANOW, saved)


def _tolerant(stream: TextIO) -> TextIO:
    """The stream, with undecodable input and unencodable output replaced rather than raised."""
    if isinstance(stream, io.TextIOWrapper) and stream.errors != "replace":
        stream.reconfigure(errors="replace")
    return stream


async def run_plain(session: CliSession, io: PlainIO) -> None:
    """Read commands until end of input or `quit`; print prompt, command and output for each."""
    async with trio.open_nursery() as nursery:
        if io.echoed:  # a person at a terminal: Ctrl-C stops the running command, not nos
            await nursery.start(deliver_sigint, session.interrupts)
        while session.alive:
            io.write(session.prompt())
            line = await io.readline()
            if line is None:
                if not io.eof or io.echoed:
                    io.write("\n")
                break
            io.echo(line)
            await session.execute(line)
        nursery.cancel_scope.cancel()
    session.close()


def make_plain_io() -> PlainIO:
    return PlainIO(sys.stdin, sys.stdout)
