"""The CLI driver of tests: a CliSession typed into like a person types, as a plain module so any test
can import it (`from clidriver import Cli`; a `from conftest import` may reach another folder's conftest)."""

from __future__ import annotations

import trio

from nos.cli.io import BufferIO
from nos.cli.session import CliSession
from nos.runtime.device import Device


class Cli:
    """Drive a CliSession like a person: each `run` returns the transcript of its lines.

    The transcript has the prompt, the command and its output, as a terminal
    would show them; `answers` feeds questions ([yes,no]) and `load ... terminal`.
    """

    def __init__(self, device: Device, user: str = "lab", answers: list[str] | None = None):
        self.device = device
        self.io = BufferIO(answers)
        self.session = CliSession(device, user, self.io)

    def run(self, *lines: str, answers: list[str] | None = None) -> str:
        if answers:
            self.io.answers.extend(answers)

        async def go() -> None:
            for line in lines:
                self.io.write(self.session.prompt() + line + "\n")
                await self.session.execute(line)

        trio.run(go)
        return self.io.take()

    def output(self, line: str, answers: list[str] | None = None) -> str:
        """Just the output of one command (no prompt, no echo)."""
        echo = self.session.prompt() + line + "\n"
        text = self.run(line, answers=answers)
        assert text.startswith(echo)
        return text[len(echo) :]

    @property
    def prompt(self) -> str:
        return self.session.prompt()
