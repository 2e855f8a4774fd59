"""Lab test fixtures. Helpers live in labhelpers.py (a module name of its own: several conftest.py exist)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # labhelpers
sys.path.insert(0, str(HERE.parent / "cli"))  # clihelpers: nos_command, nos_env, plain


@pytest.fixture
def write_lab(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Write a lab file (and any configuration files) into tmp_path; return the lab file's path."""

    def write(text: str, files: dict[str, str] | None = None) -> Path:
        for name, body in (files or {}).items():
            (tmp_path / name).write_text(body)
        path = tmp_path / "lab.toml"
        path.write_text(text)
        return path

    return write
