"""Fixtures of the feature tests: a stand-alone device with every feature installed, configured by `set` lines."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from nos.config.load import parse_set
from nos.features import install
from nos.runtime.clock import ManualScheduler
from nos.runtime.device import Device
from nos.schema.model import Schema


def commit_set(device: Device, text: str) -> None:
    """Load `set` lines into a candidate and commit it, as `load set terminal` + `commit` would."""
    tree = device.db.new_candidate()
    report = parse_set(tree, text)
    assert not report.messages, report.messages
    result = device.db.commit(tree, "lab")
    assert result.ok, result.lines


@pytest.fixture
def srx(schema: Schema, clock: ManualScheduler, tmp_path: Path) -> Callable[[str], Device]:
    """srx(set_lines) -> a device with the features installed and the lines committed."""

    made = []

    def make(text: str) -> Device:
        made.append(text)
        device = Device(schema, clock, hostname="srx1", state_dir=tmp_path / f"state{len(made)}")
        install(device)
        commit_set(device, text)
        return device

    return make


@pytest.fixture
def recommit() -> Callable[[Device, str], None]:
    return commit_set
