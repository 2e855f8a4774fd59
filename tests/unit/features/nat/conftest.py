"""Fixtures of the NAT tests: a CLI on a device (the features' `srx` fixture makes the device)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from clidriver import Cli

from nos.runtime.device import Device


@pytest.fixture
def cli_of() -> Callable[[Device], Cli]:
    return Cli
