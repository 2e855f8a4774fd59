"""Golden transcripts of `show route`, `show route forwarding-table` and `show interfaces` on srx1
(tests/golden/data/srx.conf). Each expected file was checked by eye against the Junos captures in
shared/reference/junos-output; run with NOS_UPDATE_GOLDEN=1 to rewrite them after a deliberate change."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent / "data"
UPDATE = os.environ.get("NOS_UPDATE_GOLDEN") == "1"

COMMANDS = [
    # show route, whole and filtered
    "show route",
    "show route 192.168.10.0/24",
    "show route 192.168.10.0/24 exact",
    "show route 10.0.0.0/8 longer",
    "show route 10.0.0.0/8 orlonger",
    "show route 8.8.8.8",
    "show route table ISP1.inet.0",
    "show route table ISP2",
    "show route protocol static",
    "show route protocol local table ISP2.inet.0",
    "show route terse table ISP1.inet.0",
    "show route table ISP1.inet.0 0.0.0.0/0 exact detail",
    "show route 192.168.10.0/24 exact detail",
    "show route table ISP1.inet.0 extensive",
    "show route summary",
    "show route instance",
    "show route instance ISP2",
    # forwarding table
    "show route forwarding-table",
    "show route forwarding-table table ISP2",
    "show route forwarding-table table ISP1 destination 8.8.8.8",
    "show route forwarding-table destination 192.168.10.77",
    # interfaces
    "show interfaces terse",
    "show interfaces ge-0/0/0 terse",
    "show interfaces ge-0/0/3 terse",
    "show interfaces ge-0/0/0",
    "show interfaces ge-0/0/0 brief",
]


def golden_name(command: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", command).strip("_") + ".txt"


@pytest.mark.parametrize("command", COMMANDS)
def test_golden(srx_cli, command):
    """The transcript of one command (prompt, command, output) is the one Junos would print on srx1."""
    text = srx_cli.run(command)
    path = DATA / golden_name(command)
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no golden file {path.name}: run with NOS_UPDATE_GOLDEN=1 and review it"
    assert text == path.read_text(encoding="utf-8")


def test_every_golden_file_has_a_command():
    """No stale expected files are left behind when a command is dropped from the list."""
    expected = {golden_name(c) for c in COMMANDS}
    assert {p.name for p in DATA.glob("*.txt")} == expected
