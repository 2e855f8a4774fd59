"""Shared fixtures: a compiled schema, devices on a manual clock, and a CLI driver."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import trio

sys.path.insert(0, str(Path(__file__).resolve().parent))  # tests/seeds.py and friends

from nos.cli.io import BufferIO
from nos.cli.session import CliSession
from nos.runtime.clock import ManualScheduler
from nos.runtime.device import Device
from nos.schema.compile import load_schema
from nos.schema.model import Schema


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
        echo = self.session.prompt() + line + "\n"
        text = self.run(line, answers=answers)
        assert text.startswith(echo)
        return text[len(echo) :]

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
