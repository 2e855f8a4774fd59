"""Fixtures of the routing-engine tests (helpers in routinglab.py)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from routinglab import Lab


@pytest.fixture
def build(schema) -> Callable[[str], Lab]:  # type: ignore[no-untyped-def]
    """build(set_lines) -> a Lab whose interfaces are all up."""

    def make(text: str) -> Lab:
        return Lab(schema, text)

    return make
