"""Shared fixtures: a compiled schema, devices on a manual clock, and a CLI driver."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))  # tests/seeds.py and friends

from clidriver import Cli

from nos.runtime.clock import ManualScheduler
from nos.runtime.device import Device
from nos.schema.compile import load_schema
from nos.schema.model import Schema


@pytest.fixture(scope="session")
def schema() -> Schema:
    return load_schema()


@pytest.fixture(autouse=True)
def _devices_closed(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Every device a test makes releases its state directory's lock when the test ends: a worker
    runs hundreds of tests, and each open lock file is a descriptor (past 1,024, select() fails)."""
    made: list[Device] = []
    init = Device.__init__

    def tracked(self: Device, *args: object, **kwargs: object) -> None:
        init(self, *args, **kwargs)  # type: ignore[arg-type]
        made.append(self)

    monkeypatch.setattr(Device, "__init__", tracked)
    yield
    for device in made:
        device.close()


@pytest.fixture
def clock() -> ManualScheduler:
    return ManualScheduler()


@pytest.fixture
def device(schema: Schema, clock: ManualScheduler, tmp_path: Path) -> Device:
    return Device(schema, clock, hostname="r1", state_dir=tmp_path / "state")


@pytest.fixture
def cli(device: Device) -> Cli:
    return Cli(device)
