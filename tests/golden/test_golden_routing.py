"""Golden transcripts of `show route`, `show route forwarding-table` and `show interfaces` on srx1
(tests/golden/data/srx.conf). Each expected file was checked by eye against the Junos captures in
shared/reference/junos-output; run with NOS_UPDATE_GOLDEN=1 to rewrite them after a deliberate change."""

from __future__ import annotations

import pytest
from transcripts import DATA, assert_golden, file_stem

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
    return file_stem(command) + ".txt"


@pytest.mark.parametrize("command", COMMANDS)
def test_golden(srx_cli, command):
    """The transcript of one command (prompt, command, output) is the one Junos would print on srx1."""
    assert_golden(srx_cli.run(command), golden_name(command))


def test_every_golden_file_has_a_command():
    """No stale expected files are left behind when a command is dropped from the list."""
    expected = {golden_name(c) for c in COMMANDS}
    assert {p.name for p in DATA.glob("*.txt")} == expected
