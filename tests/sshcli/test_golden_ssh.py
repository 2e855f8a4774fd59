"""Golden transcripts of what SSH users see: the wire bytes, with `\\r\\n` shown as newlines.

Every line the device sends ends in `\\r\\n` (checked before the comparison), and
nothing but plain text travels: no escape codes.
"""

from __future__ import annotations

import pytest
from golden.transcripts import assert_golden
from sshclient import Shell
from test_logins import CONFIG


def wire(text: str) -> str:
    assert "\x1b" not in text
    assert "\n" not in text.replace("\r\n", ""), "a bare LF went out"
    return text.replace("\r\n", "\n")


@pytest.fixture
def device(serve):
    return serve(CONFIG)


def test_two_editors_and_the_lock(device):
    admin = Shell(device.port, "admin", "admin-pw")
    noc = Shell(device.port, "noc", "noc-pw")
    viewer = Shell(device.port, "viewer", "viewer-pw")
    steps = [
        (admin, admin.banner, ["configure exclusive", "edit interfaces"]),
        (noc, noc.banner, ["show system users", "configure", "set interfaces ge-0/0/1 description x"]),
        (noc, "", ["set system host-name y"]),
        (admin, "", ["exit", "exit"]),
        (noc, "", ["set interfaces ge-0/0/1 description x", "show | compare", "commit and-quit"]),
        (viewer, viewer.banner, ["?", "configure", "show configuration system login"]),
    ]
    out = ""
    for shell, banner, lines in steps:
        out += f"==== {shell.user}'s session ====\n" + wire(banner)
        for line in lines:
            out += wire(shell.type(line) if line == "?" else shell.run(line))
        out += "\n"
    for shell in (admin, noc, viewer):
        shell.close()
    assert_golden(out, "ssh_two_editors_and_the_lock.golden")
