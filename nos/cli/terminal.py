"""The interactive front-end: prompt_toolkit in a worker thread, the CLI engine on Trio.

prompt_toolkit runs its own asyncio loop, so each prompt runs in a thread while
the device (timers, commit-confirmed rollbacks) keeps running on Trio. `?`,
Tab and Space ask the session for help; the session itself only runs commands
between prompts, on the Trio side.
"""

from __future__ import annotations

import asyncio
import os
import sys

import trio
from prompt_toolkit import PromptSession
from prompt_toolkit.application import Application, run_in_terminal
from prompt_toolkit.history import InMemoryHistory
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent
from prompt_toolkit.layout import Layout
from prompt_toolkit.layout.containers import Window
from prompt_toolkit.layout.controls import FormattedTextControl
from prompt_toolkit.lexers import PygmentsLexer

from nos.cli.lexer import JunosLexer
from nos.cli.session import CliSession
from nos.runtime.interrupt import deliver_sigint

MORE = "---(more)---"


def _in_quotes(text: str) -> bool:
    return text.count('"') % 2 == 1


class TerminalIO:
    interactive = True

    def __init__(self) -> None:
        self.terminal_type = os.environ.get("TERM", "vt100")
        self.prompt_session: PromptSession[str] | None = None

    def write(self, text: str) -> None:
        sys.stdout.write(text)
        sys.stdout.flush()

    async def page(self, lines: list[str], paged: bool, screen_length: int) -> None:
        if not paged or len(lines) < screen_length:
            self.write("".join(line + "\n" for line in lines))
            return
        step = max(1, screen_length - 1)
        i = 0
        while i < len(lines):
            self.write("".join(line + "\n" for line in lines[i : i + step]))
            i += step
            if i >= len(lines):
                break
            key = await trio.to_thread.run_sync(_more_key)
            if key in ("q", "Q", "c-c"):
                break
            if key in ("enter", "c-m", "j", "down"):
                step = 1
            elif key == "G":
                step = len(lines)
            else:
                step = max(1, screen_length - 1)

    async def ask(self, question: str) -> str | None:
        return await trio.to_thread.run_sync(self._prompt_once, question, False)

    async def read_secret(self, question: str) -> str | None:
        return await trio.to_thread.run_sync(self._prompt_once, question, True)

    def _prompt_once(self, question: str, secret: bool) -> str | None:
        try:
            return PromptSession().prompt(question, is_password=secret)
        except (EOFError, KeyboardInterrupt):
            return None

    async def read_block(self) -> str | None:
        def read() -> str | None:
            lines = []
            session: PromptSession[str] = PromptSession()
            while True:
                try:
                    lines.append(session.prompt(""))
                except EOFError:
                    return "".join(line + "\n" for line in lines)
                except KeyboardInterrupt:
                    return None

        return await trio.to_thread.run_sync(read)

    def notify(self, text: str) -> None:
        ps = self.prompt_session
        app = ps.app if ps is not None else None
        if app is None or not app.is_running or app.loop is None:
            self.write(text)
            return

        async def show() -> None:
            await run_in_terminal(lambda: self.write(text))
            app.invalidate()

        app.loop.call_soon_threadsafe(lambda: asyncio.ensure_future(show()))


def _more_key() -> str:
    kb = KeyBindings()

    @kb.add("<any>")
    def _(event: KeyPressEvent) -> None:
        key = event.key_sequence[0].key
        event.app.exit(result=key if isinstance(key, str) else str(key))

    app: Application[str] = Application(
        layout=Layout(Window(FormattedTextControl(MORE), height=1)),
        key_bindings=kb,
        full_screen=False,
        erase_when_done=True,
    )
    return app.run() or " "


def _bindings(session: CliSession) -> KeyBindings:
    kb = KeyBindings()

    def show_lines(event: KeyPressEvent, lines: list[str], echo: str) -> None:
        text = "".join(line + "\n" for line in lines)

        def out() -> None:
            sys.stdout.write(f"{session.prompt_line()}{echo}\n{text}")
            sys.stdout.flush()

        run_in_terminal(out)

    @kb.add("?")
    def _(event: KeyPressEvent) -> None:
        buf = event.current_buffer
        before = buf.document.text_before_cursor
        if _in_quotes(before):
            buf.insert_text("?")
            return
        show_lines(event, session.help_lines(before), buf.text + "?")

    @kb.add("tab")
    def _(event: KeyPressEvent) -> None:
        buf = event.current_buffer
        before = buf.document.text_before_cursor
        insert, lines = session.complete(before)
        if insert:
            buf.insert_text(insert)
        elif lines:
            show_lines(event, lines, buf.text)

    @kb.add(" ")
    def _(event: KeyPressEvent) -> None:
        buf = event.current_buffer
        before = buf.document.text_before_cursor
        if session.complete_on_space and before and not before[-1].isspace() and not _in_quotes(before):
            insert, _lines = session.complete(before)
            if insert.endswith(" "):
                buf.insert_text(insert)
                return
        buf.insert_text(" ")

    return kb


async def run_terminal(session: CliSession, io: TerminalIO) -> None:
    ps: PromptSession[str] = PromptSession(
        history=InMemoryHistory(),
        key_bindings=_bindings(session),
        lexer=PygmentsLexer(JunosLexer),
        complete_while_typing=False,
    )
    io.prompt_session = ps
    try:
        session.screen_length = max(0, os.get_terminal_size().lines)
        session.screen_width = os.get_terminal_size().columns
    except OSError:
        pass
    async with trio.open_nursery() as nursery:
        await nursery.start(deliver_sigint, session.interrupts)  # Ctrl-C stops the running command
        while session.alive:
            try:
                line = await trio.to_thread.run_sync(lambda: ps.prompt(session.prompt))
            except KeyboardInterrupt:
                continue
            except EOFError:
                line = "exit configuration-mode" if session.mode == "configuration" else "quit"
                io.write(line + "\n")
            await session.execute(line)
        nursery.cancel_scope.cancel()
    session.close()
