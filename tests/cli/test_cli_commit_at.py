"""`commit at` at the CLI, as whole transcripts: scheduled after a check, configuration mode left
(the NetEdu and vQFX captures: `configuration check succeeds` / `commit at will be executed at
<date> <zone>` / `Exiting configuration mode`), the pending commit in `show system commit`, other
commits refused until it runs, `clear system commit`, and the commit landing at its time."""

from __future__ import annotations

import pytest


def active_set(cli) -> str:  # type: ignore[no-untyped-def]
    return cli.output("show configuration | display set")


def test_commit_at_schedules_and_leaves_configuration_mode(small):
    assert small.run("configure", "set snmp location lab", "commit at 00:10:00") == (
        "\n"
        "lab@r1> configure\n"
        "Entering configuration mode\n"
        "\n"
        "[edit]\n"
        "lab@r1# set snmp location lab\n"
        "\n"
        "[edit]\n"
        "lab@r1# commit at 00:10:00\n"
        "configuration check succeeds\n"
        "commit at will be executed at 2026-01-01 00:10:00 UTC\n"
        "Exiting configuration mode\n"
    )
    assert small.prompt == "\nlab@r1> "
    assert small.run("show system commit") == (
        "\n"
        "lab@r1> show system commit\n"
        "commit requested by lab via cli at Thu Jan  1 00:10:00 2026\n"
        "0   2026-01-01 00:00:00 UTC by root via other\n"
        "    initial configuration\n"
    )


def test_the_commit_lands_at_its_time(small, clock):
    small.run("configure", "set snmp location lab", 'commit at "2026-01-01 00:10" comment "maintenance window"')
    clock.advance(599)
    assert "snmp" not in active_set(small)
    clock.advance(1)
    assert "set snmp location lab\n" in active_set(small)
    assert small.output("show system commit") == (
        "0   2026-01-01 00:10:00 UTC by lab via cli\n"
        "    maintenance window\n"
        "1   2026-01-01 00:00:00 UTC by root via other\n"
        "    initial configuration\n"
    )
    assert small.output("configure") == "Entering configuration mode\n"  # nothing left uncommitted


def test_times_that_cannot_be_used(small, clock):
    clock.advance(3600)
    small.run("configure", "set snmp location lab")
    assert small.run("commit at 01:00:30", "commit at 00:30", "commit at 24:00", "commit at tomorrow") == (
        "\n"
        "[edit]\n"
        "lab@r1# commit at 01:00:30\n"
        "error: commit at time must be at least 1 minute in the future\n"
        "\n"
        "[edit]\n"
        "lab@r1# commit at 00:30\n"
        "error: commit at time must be at least 1 minute in the future\n"
        "\n"
        "[edit]\n"
        "lab@r1# commit at 24:00\n"
        "error: invalid time specification: 24:00\n"
        "\n"
        "[edit]\n"
        "lab@r1# commit at tomorrow\n"
        "error: invalid time specification: tomorrow\n"
    )
    assert small.prompt == "\n[edit]\nlab@r1# "  # still in configuration mode, nothing scheduled
    assert small.device.db.scheduled is None


def test_a_failed_check_is_printed_and_nothing_is_scheduled(small):
    small.run("configure", "delete system root-authentication")
    assert small.output("commit at 00:10") == (
        "[edit]\n"
        "  'system'\n"
        "    Missing mandatory statement: 'root-authentication'\n"
        "error: configuration check-out failed: (missing mandatory statements)\n"
    )
    assert small.prompt == "\n[edit]\nlab@r1# "


def test_other_commits_are_refused_until_it_is_cleared(small, session_on, clock):
    small.run("configure", "set snmp location lab", "commit at 00:10")
    bob = session_on(small.device, "bob")
    bob.run("configure", "set system domain-name x.example")
    assert bob.run("commit", "commit check", "commit confirmed 5", "commit at 00:20") == (
        "\n"
        "[edit]\n"
        "bob@r1# commit\n"
        "error: commit at is pending; use 'clear system commit' to cancel it\n"
        "\n"
        "[edit]\n"
        "bob@r1# commit check\n"
        "configuration check succeeds\n"
        "\n"
        "[edit]\n"
        "bob@r1# commit confirmed 5\n"
        "error: commit at is pending; use 'clear system commit' to cancel it\n"
        "\n"
        "[edit]\n"
        "bob@r1# commit at 00:20\n"
        "error: commit at is pending; use 'clear system commit' to cancel it\n"
    )
    assert small.run("clear system commit", "clear system commit") == (
        "\n"
        "lab@r1> clear system commit\n"
        "Pending commit cleared\n"
        "\n"
        "lab@r1> clear system commit\n"
        "error: no commit is pending\n"
    )
    clock.advance(600)
    assert "snmp" not in active_set(small)
    assert bob.output("commit") == "commit complete\n"  # bob's commit takes everyone's changes, as always
    assert "set snmp location lab\n" in active_set(small)


def test_the_date_is_in_the_configured_time_zone(small, clock):
    small.run("configure", "set system time-zone GMT-7", "commit")
    assert small.output("commit at 07:10") == (  # 00:00 UTC is 07:00 there
        "configuration check succeeds\n"
        "commit at will be executed at 2026-01-01 07:10:00 GMT-7\n"
        "Exiting configuration mode\n"
    )
    assert small.output("show system commit").splitlines()[0] == (
        "commit requested by lab via cli at Thu Jan  1 07:10:00 2026"
    )
    clock.advance(599)
    assert len(small.device.db.store.records) == 2
    clock.advance(1)
    assert len(small.device.db.store.records) == 3


def test_at_reboot(small):
    small.run("configure", "set snmp location lab")
    assert small.output("commit at reboot") == (
        "configuration check succeeds\ncommit at will be executed at reboot\nExiting configuration mode\n"
    )
    assert small.output("show system commit").splitlines()[0] == "commit requested by lab via cli at reboot"


@pytest.mark.parametrize("line", ["commit at 00:10 confirmed 5", "commit confirmed at 00:10"])
def test_not_with_commit_confirmed(small, line):
    small.run("configure", "set snmp location lab")
    assert small.output(line) == "error: 'commit at' and 'commit confirmed' cannot be used together\n"


def test_commit_check_at_only_checks(small):
    small.run("configure", "set snmp location lab")
    assert small.output("commit check at 00:10") == "configuration check succeeds\n"
    assert small.device.db.scheduled is None and small.prompt == "\n[edit]\nlab@r1# "


def test_from_configure_exclusive_the_changes_wait_in_the_scheduled_commit(small, clock):
    small.run("configure exclusive", "set snmp location lab", "commit at 00:10")
    assert small.prompt == "\nlab@r1> "
    assert small.output("configure") == "Entering configuration mode\n"  # the lock is gone with the session
    small.run("exit")
    clock.advance(600)
    assert "set snmp location lab\n" in active_set(small)


def test_clear_from_configuration_mode_with_run(small):
    small.run("configure", "set snmp location lab", "commit at 00:10", "configure")
    assert small.output("run clear system commit") == "Pending commit cleared\n"
