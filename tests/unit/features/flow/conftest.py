"""Fixtures of the zone and policy tests: a configuration compiled on its own (no device), and a CLI
on a device (the features' `srx` fixture makes the device)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from clidriver import Cli

from nos.config.load import parse_set
from nos.config.tree import ConfigTree
from nos.features.flow.security import SecurityConfig, compile_security
from nos.runtime.device import Device
from nos.schema.model import Schema


@pytest.fixture
def compiled(schema: Schema) -> Callable[..., SecurityConfig]:
    """compiled(set_lines, previous=None) -> the SecurityConfig of those lines (errors included)."""

    def make(text: str, previous: SecurityConfig | None = None) -> SecurityConfig:
        tree = ConfigTree(schema.root)
        report = parse_set(tree, text)
        assert not report.messages, report.messages
        return compile_security(tree.root, previous)

    return make


@pytest.fixture
def cli_on() -> Callable[[Device], Cli]:
    return Cli
