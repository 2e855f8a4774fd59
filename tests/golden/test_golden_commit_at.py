"""Golden transcript of `commit at` on a box set up as the NetEdu capture's
(shared/reference/junos-output/commit_at_and_and_quit__netedu.txt): host NetEdu, `system time-zone
GMT-7`, root at the CLI on 2017-09-12, `commit at 21:30:55`. The capture's four lines must come out
as they are there; the rest (`show system commit` while it waits, `clear system commit`, and the
commit landing at its time) follows nos/config/commitat.py, whose texts not in a capture are [G].
Run with NOS_UPDATE_GOLDEN=1 to rewrite the expected file after a deliberate change, and read the diff.
"""

from __future__ import annotations

from clidriver import Cli
from transcripts import assert_golden

from nos.runtime.clock import ManualScheduler
from nos.runtime.device import Device

START = 1_505_224_800  # 2017-09-12 14:00:00 UTC: 21:00:00 at GMT-7 (POSIX: seven hours ahead)
CONFIG = """\
system {
    host-name NetEdu;
    time-zone GMT-7;
    root-authentication {
        encrypted-password "$6$netedu$x";
    }
}
"""
CAPTURE = (
    "root@NetEdu# commit at 21:30:55\n"
    "configuration check succeeds\n"
    "commit at will be executed at 2017-09-12 21:30:55 GMT-7\n"
    "Exiting configuration mode\n"
    "\n"
    "root@NetEdu> "
)


def test_commit_at_as_netedu_shows_it(schema, tmp_path):
    clock = ManualScheduler(START)
    device = Device(schema, clock, hostname="NetEdu", state_dir=tmp_path, initial_config=CONFIG)
    cli = Cli(device, user="root")
    clock.advance(60)
    text = cli.run("configure", "set system services ssh", "commit at 21:30:55")
    assert (text + cli.prompt).endswith(CAPTURE)
    text += cli.run("show system commit", "configure", "commit", "exit", "clear system commit")
    text += cli.run("configure", 'commit at 21:30:55 comment "ssh for the class"', "show system commit")
    clock.advance(29 * 60 + 54)  # 21:30:54, a second before
    text += cli.run("show configuration system services")
    clock.advance(1)
    text += cli.run("show configuration system services", "show system commit", "show log messages")
    assert_golden(text, "commit_at_netedu.golden")
