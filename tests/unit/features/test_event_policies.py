"""Event policies on a device (nos/features/events): the commit a change-configuration makes (its
user, client, log, login-class check, retries), execute-commands' files, uploads, `ignore`,
generate-event, the loop guard, and the commit checks of `event-options`.

The device is srx1 on a manual clock; events are raised with `device.event` as RPM raises them.
Actions run at the event's instant but after it, from the scheduler: `clock.advance(0)` runs them.
"""

from __future__ import annotations

import pytest
import trio
import trio.testing

from nos.cli.io import BufferIO
from nos.cli.session import CliSession
from nos.config.database import Editor
from nos.config.render import set_lines
from nos.features.events.actions import CLIENT
from nos.runtime.clock import VIRTUAL_EPOCH, format_time

ROUTE = "set interfaces ge-0/0/1 unit 0 family inet address 198.51.100.1/30\n"
ROUTE += "set routing-options static route 0.0.0.0/0 next-hop 198.51.100.2\n"
ARCHIVE = "set event-options destinations local archive-sites /var/tmp\n"


def policy(name: str, *statements: str) -> str:
    return "".join(f"set event-options policy {name} {s}\n" for s in statements)


def change(name: str, *commands: str, events: str = "ping_test_failed") -> str:
    return policy(name, f"events {events}", *(f'then change-configuration commands "{c}"' for c in commands))


def failed(device, owner: str = "ISP1", test: str = "t1") -> None:  # type: ignore[no-untyped-def]
    device.event(
        "rmopd",
        "PING_TEST_FAILED",
        f"pingCtlOwnerIndex = {owner}, pingCtlTestName = {test}",
        {"test-owner": owner, "test-name": test},
    )


def eventd(device) -> list[str]:  # type: ignore[no-untyped-def]
    return [f"{e.tag}: {e.message}" for e in device.log.events if e.process == "eventd"]


def configured(device, words: str) -> str:  # type: ignore[no-untyped-def]
    """The active configuration's `set WORDS ...` lines."""
    return "\n".join(line for line in set_lines(device.db.active) if line.startswith(f"set {words} "))


def cli(device, line: str) -> list[str]:  # type: ignore[no-untyped-def]
    """What `line` prints in a CLI session of lab."""
    io = BufferIO()
    session = CliSession(device, "lab", io)
    trio.run(session.execute, line)
    session.close()
    return "".join(io.chunks).splitlines()


def tmp_files(device) -> dict[str, str]:  # type: ignore[no-untyped-def]
    files = device.fs.for_user("root", secrets=True)
    return {e.name: files.read_text("/var/tmp/" + e.name) for e in device.fs.entries(("var", "tmp"))}


# -- change-configuration -----------------------------------------------------------------------------


FAILOVER = (
    ROUTE
    + change(
        "FAILOVER",
        "delete routing-options static route 0.0.0.0/0",
        "set routing-options static route 0.0.0.0/0 next-hop 203.0.113.2",
    )
    + policy(
        "FAILOVER",
        'attributes-match ping_test_failed.test-owner matches "^ISP1$"',
        "then change-configuration user-name lab",
        'then change-configuration commit-options log "event failover"',
    )
)


def test_a_policy_commits_its_change_as_its_user_at_the_event_instant(srx, clock):
    device = srx(FAILOVER)
    clock.advance(10)
    records = len(device.db.store.records)
    failed(device, owner="ISP2")  # not ISP1: attributes-match says no
    failed(device)
    assert len(device.db.store.records) == records  # not inside device.event: scheduled
    clock.advance(0)
    assert (
        configured(device, "routing-options static")
        == "set routing-options static route 0.0.0.0/0 next-hop 203.0.113.2"
    )
    last = device.db.store.records[0]
    assert (last.user, last.client, last.comment, last.time) == ("lab", CLIENT, "event failover", VIRTUAL_EPOCH + 10)
    assert eventd(device) == [
        "EVENTD_CONFIG_CHANGE_SUCCESS: Configuration change successful: "
        "while executing policy FAILOVER with user lab privileges"
    ]


def test_show_system_commit_names_the_policy_commit(srx, clock):
    device = srx(FAILOVER)
    clock.advance(10)
    failed(device)
    clock.advance(0)
    lines = cli(device, "show system commit")
    assert lines[:2] == [f"0   {format_time(VIRTUAL_EPOCH + 10)} by lab via junoscript", "    event failover"]


def test_the_user_defaults_to_root(srx, clock):
    device = srx(ROUTE + change("P", "set system domain-name example.net"))
    failed(device)
    clock.advance(0)
    assert device.db.store.records[0].user == "root"


def test_the_change_passes_the_login_class_check_of_its_user(srx, clock):
    users = "set system login user ro uid 2001\nset system login user ro class read-only\n"
    read_only = policy("P", "then change-configuration user-name ro")
    device = srx(ROUTE + users + change("P", "set routing-options static route 10.9.0.0/16 discard") + read_only)
    records = len(device.db.store.records)
    failed(device)
    clock.advance(0)
    assert len(device.db.store.records) == records
    assert eventd(device) == [
        "EVENTD_CONFIG_CHANGE_FAILED: Configuration change failed: permission denied "
        "while executing policy P with user ro privileges"
    ]


@pytest.mark.parametrize(
    ("statements", "reason"),
    [
        (["then change-configuration user-name nobody"], "user 'nobody' does not exist"),
        (
            ['then change-configuration commands "show route"'],
            "syntax error: 'show route': not a set, delete, activate or deactivate command",
        ),
        (
            ['then change-configuration commands "set routing-options bogus 1"'],
            "event-policy:2:(20) syntax error: bogus",
        ),
    ],
)
def test_a_change_that_cannot_be_made_is_logged(srx, clock, statements, reason):
    user = "nobody" if "nobody" in statements[0] else "root"
    device = srx(ROUTE + change("P", "set system domain-name example.net") + policy("P", *statements))
    records = len(device.db.store.records)
    failed(device)
    clock.advance(0)
    assert len(device.db.store.records) == records
    assert eventd(device) == [
        f"EVENTD_CONFIG_CHANGE_FAILED: Configuration change failed: {reason} "
        f"while executing policy P with user {user} privileges"
    ]


def test_a_locked_database_is_retried(srx, clock):
    device = srx(
        ROUTE
        + change("P", "set system domain-name example.net")
        + policy("P", "then change-configuration retry count 2", "then change-configuration retry interval 5")
    )
    device.db.enter(Editor("bob", 99, clock.epoch(), mode="exclusive"))
    clock.advance(10)
    failed(device)
    clock.advance(7)  # tries at 10 and 15 fail
    assert eventd(device) == []
    device.db.leave(99)
    clock.advance(10)  # the try at 20 commits
    assert device.db.store.records[0].time == VIRTUAL_EPOCH + 20
    assert [line.split(":")[0] for line in eventd(device)] == ["EVENTD_CONFIG_CHANGE_SUCCESS"]


def test_retries_spent_the_failure_is_logged(srx, clock):
    device = srx(
        ROUTE
        + change("P", "set system domain-name example.net")
        + policy("P", "then change-configuration retry count 1", "then change-configuration retry interval 5")
    )
    device.db.enter(Editor("bob", 99, clock.epoch(), mode="exclusive"))
    failed(device)
    clock.advance(4)
    assert eventd(device) == []
    clock.advance(2)
    assert len(eventd(device)) == 1 and "configuration database locked by" in eventd(device)[0]


def test_commit_options_check_only_checks(srx, clock):
    device = srx(
        ROUTE
        + change("P", "set system domain-name example.net")
        + policy("P", "then change-configuration commit-options check")
    )
    records = len(device.db.store.records)
    failed(device)
    clock.advance(0)
    assert len(device.db.store.records) == records
    assert configured(device, "system domain-name") == ""
    assert [line.split(":")[0] for line in eventd(device)] == ["EVENTD_CONFIG_CHANGE_SUCCESS"]


def test_command_variables_take_the_trigger_attributes(srx, clock):
    device = srx(ROUTE + change("P", "set system domain-name {$$.test-owner}.example.net"))
    failed(device, owner="isp7")
    clock.advance(0)
    assert configured(device, "system domain-name") == "set system domain-name isp7.example.net"


# -- no loops -----------------------------------------------------------------------------------------


def test_policies_that_trigger_each_other_run_once_each(srx, clock):
    """A on PING_TEST_FAILED and its own success, B on A's success: each commit logs a success that
    the policies that led to it do not take again, so the chain ends after A then B."""
    config = (
        ROUTE
        + change(
            "A", "set system domain-name a.example.net", events="[ ping_test_failed eventd_config_change_success ]"
        )
        + change("B", "set system domain-name b.example.net", events="eventd_config_change_success")
    )
    device = srx(config)
    records = len(device.db.store.records)
    failed(device)
    clock.advance(0)
    assert len(device.db.store.records) == records + 2
    assert [line.split(" policy ")[1] for line in eventd(device)] == [
        "A with user root privileges",
        "B with user root privileges",
    ]
    failed(device)  # a later trigger starts a new chain
    clock.advance(1)
    assert len(device.db.store.records) == records + 4


def test_what_execute_commands_causes_does_not_trigger_its_policy_again(srx, clock):
    """P runs commands on PING_TEST_FAILED and on a failed transfer, to a site that cannot be reached:
    the transfer failure its own run logs (from the commands' task) does not run it again."""
    gone = 'set event-options destinations gone archive-sites "ftp://192.0.2.98/"\n'
    config = (
        ROUTE + gone + EXECUTE + policy("P", "events eventd_transfer_failed", "then execute-commands destination gone")
    )
    device = srx(config)
    failed(device)
    clock.advance(1)
    assert [line.split(":")[0] for line in eventd(device)] == ["EVENTD_TRANSFER_FAILED"]

    async def in_a_lab() -> None:  # the commands run as a Trio task of their own, as in a running lab
        failed(device)
        for _ in range(5):
            clock.advance(0)
            await trio.testing.wait_all_tasks_blocked()

    trio.run(in_a_lab)
    assert [line.split(":")[0] for line in eventd(device)] == ["EVENTD_TRANSFER_FAILED"] * 2


# -- ignore, generate-event, event-script -------------------------------------------------------------------


def test_ignore_keeps_the_event_out_of_the_log_and_stops_later_policies(srx, clock):
    config = (
        ROUTE
        + policy("quiet", "events ping_probe_failed", "then ignore")
        + change("later", "set system domain-name x.example.net", events="ping_probe_failed")
    )
    device = srx(config)
    records = len(device.db.store.records)
    device.event("rmopd", "PING_PROBE_FAILED", "pingCtlOwnerIndex = ISP1, pingCtlTestName = t1")
    failed(device)
    clock.advance(0)
    assert [e.tag for e in device.log.events if e.process == "rmopd"] == ["PING_TEST_FAILED"]
    assert len(device.db.store.records) == records


def test_generated_events_trigger_policies_on_the_clock(srx, clock):
    config = ROUTE + "set event-options generate-event every-minute time-interval 60\n"
    config += change("tick", "set system domain-name tick.example.net", events="every-minute")
    device = srx(config)
    start = clock.now()
    clock.advance(59)
    assert eventd(device) == []
    clock.advance(62)
    successes = [e.time - VIRTUAL_EPOCH for e in device.log.events if e.tag == "EVENTD_CONFIG_CHANGE_SUCCESS"]
    assert successes == [start + 60, start + 120]
    assert not [e for e in device.log.events if e.tag == "EVERY-MINUTE"]  # generated events are not logged


def test_an_event_script_is_not_found(srx, clock):
    device = srx(ROUTE + policy("P", "events ping_test_failed", "then event-script check.slax"))
    failed(device)
    clock.advance(0)
    assert eventd(device) == ["EVENTD_ESCRIPT_NOT_FOUND: Event script check.slax not found while executing policy P"]


# -- execute-commands and uploads -----------------------------------------------------------------------------


EXECUTE = ARCHIVE + policy(
    "P",
    "events ping_test_failed",
    'then execute-commands commands "show route 0.0.0.0/0 exact"',
    'then execute-commands commands "show system uptime | match Current"',
    "then execute-commands output-filename route",
)
LOCAL = policy("P", "then execute-commands destination local")


def test_execute_commands_writes_the_output_in_text(srx, clock):
    device = srx(ROUTE + EXECUTE + LOCAL + policy("P", "then execute-commands output-format text"))
    clock.advance(10)
    failed(device)
    clock.advance(0)
    files = tmp_files(device)
    assert list(files) == ["srx1_route_20260101_000010"]
    text = files["srx1_route_20260101_000010"]
    assert text.startswith("\nroot@srx1> show route 0.0.0.0/0 exact\n")
    assert "\nroot@srx1> show system uptime | match Current\nCurrent time: 2026-01-01 00:00:10 UTC\n" in text
    failed(device)  # the same second: another name
    clock.advance(0)
    assert sorted(tmp_files(device)) == ["srx1_route_20260101_000010", "srx1_route_20260101_000010_1"]


def test_execute_commands_writes_xml_by_default(srx, clock):
    device = srx(ROUTE + EXECUTE + LOCAL)
    failed(device)
    clock.advance(0)
    (text,) = tmp_files(device).values()
    assert "<route-information" in text and "root@srx1>" not in text
    assert "        <current-time>\n" in text  # `| match Current` filters the XML of show system uptime


def test_execute_commands_runs_with_the_rights_of_its_user(srx, clock):
    users = "set system login user ro uid 2001\nset system login user ro class read-only\n"
    config = (
        ROUTE
        + users
        + EXECUTE
        + LOCAL
        + policy("P", "then execute-commands output-format text", "then execute-commands user-name ro")
    )
    config += policy("P", 'then execute-commands commands "clear services rpm probe-results"')
    device = srx(config)
    failed(device)
    clock.advance(0)
    assert eventd(device) == []
    (text,) = tmp_files(device).values()
    assert "ro@srx1> show route 0.0.0.0/0 exact\n\ninet.0:" in text
    assert "ro@srx1> clear services rpm probe-results\n" in text and "unknown command" in text


def test_unreachable_archive_sites_are_skipped_then_retried_then_logged(srx, clock):
    sites = 'set event-options destinations far archive-sites "scp://u@192.0.2.99/x"\n'
    sites += "set event-options destinations far archive-sites /var/tmp/far\n"
    sites += 'set event-options destinations gone archive-sites "ftp://192.0.2.98/"\n'
    config = ROUTE + sites + EXECUTE + policy("P", "then execute-commands destination far")
    device = srx(config)
    failed(device)
    clock.advance(0)
    assert device.fs.kind(("var", "tmp", "far", "srx1_route_20260101_000000")) == "file"
    device = srx(
        ROUTE + sites + EXECUTE + policy("P", "then execute-commands destination gone retry-count 1 retry-interval 5")
    )
    clock.advance(10)
    failed(device)
    clock.advance(4)
    assert eventd(device) == []
    clock.advance(1)
    assert eventd(device) == [
        "EVENTD_TRANSFER_FAILED: Transfer of srx1_route_20260101_000010 failed: could not transfer to "
        "ftp://192.0.2.98/: archive site unreachable while executing policy P"
    ]


def test_a_transfer_delay_holds_the_file_back(srx, clock):
    device = srx(ROUTE + EXECUTE + LOCAL + "set event-options destinations local transfer-delay 30\n")
    failed(device)
    clock.advance(29)
    assert tmp_files(device) == {}
    clock.advance(1)
    assert list(tmp_files(device)) == ["srx1_route_20260101_000000"]


def test_upload_committed_copies_the_active_configuration(srx, clock):
    device = srx(
        ROUTE + ARCHIVE + policy("P", "events ping_test_failed", "then upload filename committed destination local")
    )
    failed(device)
    clock.advance(0)
    (name, text) = next(iter(tmp_files(device).items()))
    assert name == "srx1_config_20260101_000000"
    assert "upload filename committed destination local;" in text


# -- commit checks ------------------------------------------------------------------------------------------


def test_a_bad_regular_expression_fails_the_commit(srx, recommit):
    device = srx(ROUTE)
    lines = recommit(
        device,
        policy(
            "P",
            "events ping_test_failed",
            'attributes-match ping_test_failed.test-owner matches "(ISP"',
            "then raise-trap",
        ),
        ok=False,
    )
    assert lines[0] == "[edit event-options policy P attributes-match]"
    assert lines[1] == "  'ping_test_failed.test-owner matches (ISP'"
    assert lines[2].startswith("    Invalid regular expression '(ISP': ")
    assert lines[-1] == "error: configuration check-out failed"


def test_a_policy_needs_events_and_then(srx, recommit):
    device = srx(ROUTE)
    lines = recommit(device, policy("P", "within 60 trigger on 2"), ok=False)
    assert "    Missing mandatory statement: 'events'" in lines
    assert "    Missing mandatory statement: 'then'" in lines


def test_events_nos_never_raises_are_accepted(srx, recommit):
    device = srx(ROUTE)
    recommit(
        device, policy("P", "events [ KERNEL snmp_trap_link_down rpd_bgp_neighbor_state_changed ]", "then raise-trap")
    )
