"""Helpers of the golden tests: a CLI transcript, and the comparison with an expected file
(rewritten instead with NOS_UPDATE_GOLDEN=1)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import trio

from nos.cli.io import BufferIO
from nos.cli.session import CliSession
from nos.lab.labfile import load_lab_file
from nos.lab.topology import Lab, build_lab
from nos.runtime.clock import ManualScheduler
from nos.runtime.device import Device

DATA = Path(__file__).resolve().parent / "data"
UPDATE = os.environ.get("NOS_UPDATE_GOLDEN") == "1"


class Transcript:
    """Runs operational commands in a CLI session and returns what a terminal would show."""

    def __init__(self, device: Device):
        self.io = BufferIO()
        self.session = CliSession(device, "lab", self.io)

    def run(self, line: str) -> str:
        async def go() -> None:
            self.io.write(self.session.prompt() + line + "\n")
            await self.session.execute(line)

        trio.run(go)
        return self.io.take()


def file_stem(command: str) -> str:
    """A command as a file name: `show route 8.8.8.8` -> `show_route_8_8_8_8`."""
    return re.sub(r"[^A-Za-z0-9]+", "_", command).strip("_")


def assert_golden(text: str, name: str) -> None:
    """`text` is the content of data/`name` (which NOS_UPDATE_GOLDEN=1 writes first)."""
    path = DATA / name
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no golden file {path.name}: run with NOS_UPDATE_GOLDEN=1 and review it"
    assert text == path.read_text(encoding="utf-8")


def manual_lab(folder: Path, files: dict[str, str]) -> tuple[Lab, ManualScheduler]:
    """A lab from `files` (lab.toml and the configurations it names), written to `folder`, on a
    clock the test moves."""
    for name, text in files.items():
        (folder / name).write_text(text)
    clock = ManualScheduler()
    return build_lab(load_lab_file(folder / "lab.toml"), scheduler=clock, state_dir=folder / "state"), clock
