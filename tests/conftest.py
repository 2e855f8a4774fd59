"""Shared fixtures: a compiled schema, devices on a manual clock, and a CLI driver."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import trio

sys.path.insert(0, str(Path(__file__).resolve().parent))  # tests/seeds.py and friends

from nos.cli.io import BufferIO  # noqa: E402
from nos.cli.session import CliSession  # noqa: E402
from nos.runtime.clock import ManualScheduler  # noqa: E402
from nos.runtime.device import Device  # noqa: E402
from nos.schema.compile import load_schema  # noqa: E402
from nos.schema.model import Schema  # noqa: E402


@pytest.fixture(scope="session")
def schema() -> Schema:
    return load_schema()


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
        text = self.run(line, answers=answers)
        return text.split("\n", text.count("\n", 0, text.index(line)) + 1)[-1]

    @property
    def prompt(self) -> str:
        return self.session.prompt()


@pytest.fixture
def clock() -> ManualScheduler:
    return ManualScheduler()


@pytest.fixture
def device(schema: Schema, clock: ManualScheduler, tmp_path: Path) -> Device:
    return Device(schema, clock, hostname="r1", state_dir=tmp_path / "state")


@pytest.fixture
def cli(device: Device) -> Cli:
    return Cli(device)
