"""Fixtures of the feature tests: a stand-alone device with every feature installed, configured by `set`
lines, and labs on a manual clock (helpers in featurelab.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from featurelab import ManualLab, commit_set

from nos.features import install
from nos.runtime.clock import ManualScheduler
from nos.runtime.device import Device
from nos.schema.model import Schema


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
def recommit() -> Callable[[Device, str], list[str]]:
    return commit_set


@pytest.fixture
def new_lab(tmp_path):  # type: ignore[no-untyped-def]
    """new_lab(cls, *args) -> cls(folder, *args), a ManualLab in a folder of its own; closed at teardown."""
    made: list[ManualLab] = []

    def make(cls: type[ManualLab], *args: object) -> ManualLab:
        folder = tmp_path / f"lab{len(made)}"
        folder.mkdir()
        made.append(cls(folder, *args))
        return made[-1]

    yield make
    for lab in made:
        lab.close()
