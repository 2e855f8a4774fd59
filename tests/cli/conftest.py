"""Fixtures of the CLI tests: a device with a short configuration and extra sessions on one device."""

from __future__ import annotations

import pytest
from clihelpers import SMALL_CONFIG

from nos.runtime.device import Device


@pytest.fixture
def small(schema, clock, tmp_path, cli):  # type: ignore[no-untyped-def]
    """A CLI on device r1 whose active configuration is SMALL_CONFIG (committed by root at clock zero)."""
    device = Device(schema, clock, hostname="r1", state_dir=tmp_path / "small", initial_config=SMALL_CONFIG)
    return type(cli)(device)


@pytest.fixture
def session_on(cli):  # type: ignore[no-untyped-def]
    """Open another CLI session (a second user) on a device: session_on(device, "bob")."""

    def make(device, user="lab"):  # type: ignore[no-untyped-def]
        return type(cli)(device, user=user)

    return make
