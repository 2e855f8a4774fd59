"""`commit at`: the time forms, the time zone, the checks made at once, the commit made at exactly
its time (not before), the refusal of other commits while one waits, `clear system commit`, and
`commit at reboot` kept by the store for the next start."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest

from nos.config import commitat
from nos.config.commitat import AtTimeError, ctime, local_time, parse_at, zone_named
from nos.config.database import ConfigDatabase, Editor
from nos.config.store import ConfigStore
from nos.config.tree import ConfigTree, Node
from nos.config.validate import CheckError
from nos.runtime.clock import VIRTUAL_EPOCH, ManualScheduler

from .cfgutil import lines, load_set

INITIAL = lines(
    "system {",
    "    host-name r1;",
    "    root-authentication {",
    '        encrypted-password "$6$x";',
    "    }",
    "}",
)
NOON = VIRTUAL_EPOCH + 12 * 3600  # 2026-01-01 12:00:00 UTC


class Hooks:
    """`errors` makes the features' verify fail."""

    def __init__(self) -> None:
        self.errors: list[CheckError] = []

    def verify(self, new: Node) -> list[CheckError]:
        return list(self.errors)

    def apply(self, old: Node, new: Node) -> None:
        pass


@pytest.fixture
def hooks() -> Hooks:
    return Hooks()


@pytest.fixture
def logged() -> list[tuple[str, str]]:
    return []


@pytest.fixture
def db(schema, clock, hooks, logged, tmp_path) -> ConfigDatabase:
    def log(tag: str, message: str) -> None:
        logged.append((tag, message))

    return ConfigDatabase(schema, ConfigStore(tmp_path), clock, hooks=hooks, initial=INITIAL, log=log)


def _candidate(schema, db: ConfigDatabase, text: str) -> ConfigTree:
    tree = db.new_candidate()
    load_set(schema, text, tree)
    return tree


def _host(root: Node) -> str:
    return root.children["system"].children["host-name"].value  # type: ignore[union-attr]


# -- the time -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "at"),
    [
        ("13:00", NOON + 3600),
        ("12:01", NOON + 60),
        ("23:59:59", NOON + 12 * 3600 - 1),
        ("2026-01-02 00:00", NOON + 12 * 3600),
        ("2026-01-02.06:30:15", NOON + 18.5 * 3600 + 15),
        ("  2027-01-01 12:00:00 ", NOON + 365 * 86400),
    ],
)
def test_the_time_forms(text, at):
    assert parse_at(text, NOON, UTC) == at


def test_reboot_is_no_time():
    assert parse_at("reboot", NOON, UTC) is None


@pytest.mark.parametrize("text", ["12:00:59", "11:00", "00:00", "2025-12-31 23:00", "2026-01-01 12:00:30"])
def test_a_time_less_than_a_minute_ahead_is_refused(text):
    with pytest.raises(AtTimeError) as info:
        parse_at(text, NOON, UTC)
    assert str(info.value) == commitat.NOT_AHEAD


@pytest.mark.parametrize("text", ["25:00", "12:60", "12", "noon", "2026-02-30 10:00", "2026-01-02T10:00", ""])
def test_what_is_not_a_time(text):
    with pytest.raises(AtTimeError) as info:
        parse_at(text, NOON, UTC)
    assert str(info.value) == f"error: invalid time specification: {text}"


def test_hh_mm_is_today_in_the_device_zone():
    la = zone_named("America/Los_Angeles")  # 04:00 PST when it is 12:00 UTC
    assert parse_at("05:00", NOON, la) == NOON + 3600
    assert local_time(NOON + 3600, la) == "2026-01-01 05:00:00 PST"
    with pytest.raises(AtTimeError):
        parse_at("03:00", NOON, la)  # today's 03:00 there has passed: no wrap to tomorrow


def test_gmt_offsets_count_as_posix_and_print_as_configured():
    zone = zone_named("GMT-7")  # seven hours ahead of UTC (the NetEdu capture's zone)
    assert zone.utcoffset(None) == timedelta(hours=7)
    assert local_time(NOON, zone) == "2026-01-01 19:00:00 GMT-7"
    assert zone_named("GMT+5").utcoffset(None) == timedelta(hours=-5)
    assert zone_named(None) is UTC and zone_named("Not/AZone") is UTC


def test_ctime_pads_the_day():
    assert ctime(NOON, UTC) == "Thu Jan  1 12:00:00 2026"


def test_the_zone_is_the_configured_one(schema, db):
    assert local_time(NOON, db.zone()) == "2026-01-01 12:00:00 UTC"
    assert db.commit(_candidate(schema, db, "set system time-zone Europe/Paris"), "lab").ok
    result = db.commit_at(_candidate(schema, db, "set system host-name r2"), "lab", "2026-01-01 02:00")
    assert result.lines == ["configuration check succeeds", "commit at will be executed at 2026-01-01 02:00:00 CET"]
    assert db.scheduled is not None and db.scheduled.at == VIRTUAL_EPOCH + 3600


# -- scheduling and running -------------------------------------------------------------------------------


def test_the_commit_lands_at_its_time_not_before(schema, db, clock):
    tree = _candidate(schema, db, "set system host-name r2")
    result = db.commit_at(tree, "alice", "00:10", comment="night work")
    assert result.ok and result.lines == [
        "configuration check succeeds",
        "commit at will be executed at 2026-01-01 00:10:00 UTC",
    ]
    clock.advance(599.999)
    assert _host(db.active) == "r1" and len(db.store.records) == 1
    clock.advance(0.001)
    assert _host(db.active) == "r2"
    record = db.store.records[0]
    assert (record.user, record.client, record.comment, record.time) == (
        "alice",
        "cli",
        "night work",
        VIRTUAL_EPOCH + 600,
    )
    assert db.scheduled is None
    assert not db.changed(db.shared)  # the shared candidate held just what was scheduled


def test_edits_after_scheduling_are_not_committed_then(schema, db, clock):
    tree = _candidate(schema, db, "set system host-name r2")
    assert db.commit_at(tree, "alice", "00:10").ok
    load_set(schema, "set system domain-name later.example", tree)  # the candidate goes on
    clock.advance(600)
    assert _host(db.active) == "r2"
    assert "domain-name" not in db.active.children["system"].children  # type: ignore[union-attr]


def test_a_failed_check_schedules_nothing(schema, db, clock):
    tree = _candidate(schema, db, "delete system root-authentication")
    result = db.commit_at(tree, "alice", "00:10")
    assert not result.ok
    assert result.lines[-1] == "error: configuration check-out failed: (missing mandatory statements)"
    assert db.scheduled is None


def test_other_commits_wait_but_checks_do_not(schema, db, clock):
    assert db.commit_at(_candidate(schema, db, "set system host-name r2"), "alice", "00:10").ok
    other = _candidate(schema, db, "set system domain-name x.example")
    assert db.commit(other, "bob").lines == [commitat.PENDING]
    assert db.commit(other, "bob", confirmed=5).lines == [commitat.PENDING]
    assert db.commit_at(other, "bob", "00:20").lines == [commitat.PENDING]
    assert db.commit(other, "bob", check_only=True).lines == ["configuration check succeeds"]
    clock.advance(600)
    assert db.commit(other, "bob").ok  # once it has run


def test_clear_cancels_it(schema, db, clock, logged):
    assert db.commit_at(_candidate(schema, db, "set system host-name r2"), "alice", "00:10").ok
    assert db.clear_scheduled()
    assert not db.clear_scheduled()
    clock.advance(3600)
    assert _host(db.active) == "r1" and len(db.store.records) == 1
    assert [tag for tag, _ in logged] == ["UI_COMMIT_AT", "UI_COMMIT_AT_ABORT"]


def test_another_sessions_exclusive_lock_refuses_it(schema, db, clock):
    db.enter(Editor("bob", 7, clock.epoch(), "exclusive"))
    result = db.commit_at(_candidate(schema, db, "set system host-name r2"), "alice", "00:10", session_id=3)
    assert not result.ok and result.lines[0] == "error: configuration database locked by:"
    assert db.scheduled is None


def test_a_time_error_comes_before_the_check(schema, db):
    result = db.commit_at(_candidate(schema, db, "delete system root-authentication"), "alice", "bogus")
    assert result.lines == ["error: invalid time specification: bogus"]


def test_it_confirms_a_commit_confirmed_as_a_check_does(schema, db, clock):
    assert db.commit(_candidate(schema, db, "set system domain-name x.example"), "lab", confirmed=1).ok
    assert db.commit_at(_candidate(schema, db, "set system host-name r2"), "lab", "00:10").ok
    assert db.confirm_deadline is None
    clock.advance(600)
    assert _host(db.active) == "r2"
    assert db.active.children["system"].children["domain-name"].value == "x.example"  # type: ignore[union-attr]


def test_a_check_that_fails_at_its_time_commits_nothing_and_is_logged(schema, db, clock, hooks, logged):
    assert db.commit_at(_candidate(schema, db, "set system host-name r2"), "alice", "00:10").ok
    hooks.errors = [CheckError(["system"], "host-name", "not now")]
    clock.advance(600)
    assert _host(db.active) == "r1" and len(db.store.records) == 1
    assert db.scheduled is None
    assert logged[-1] == ("UI_COMMIT_AT_FAILED", "'commit at' failed: not now")


def test_a_private_candidate_is_merged_when_scheduled(schema, db, clock):
    base = db.active
    private = db.new_candidate()
    load_set(schema, "set system host-name r2", private)
    assert db.commit(_candidate(schema, db, "set system domain-name x.example"), "bob").ok
    assert db.commit_at(private, "alice", "00:10", base=base).ok
    clock.advance(600)
    assert _host(db.active) == "r2"
    assert db.active.children["system"].children["domain-name"].value == "x.example"  # type: ignore[union-attr]


# -- at reboot -------------------------------------------------------------------------------------------


def test_at_reboot_is_committed_at_the_next_start(schema, db, clock, tmp_path, logged):
    result = db.commit_at(_candidate(schema, db, "set system host-name r2"), "alice", "reboot", comment="cutover")
    assert result.lines == ["configuration check succeeds", "commit at will be executed at reboot"]
    clock.advance(86400)
    assert _host(db.active) == "r1"  # no time comes but the next start
    db.store.close()
    again = ConfigDatabase(schema, ConfigStore(tmp_path), clock, initial="system { host-name ignored; }")
    assert _host(again.active) == "r2"
    record = again.store.records[0]
    assert (record.user, record.client, record.comment) == ("alice", "cli", "cutover")
    assert again.store.pending() is None and again.scheduled is None
    again.store.close()
    once_more = ConfigDatabase(schema, ConfigStore(tmp_path), clock)
    assert len(once_more.store.records) == len(again.store.records)  # committed once only
    once_more.store.close()


def test_at_reboot_cleared_is_not_committed(schema, db, clock, tmp_path):
    assert db.commit_at(_candidate(schema, db, "set system host-name r2"), "alice", "reboot").ok
    assert db.clear_scheduled()
    db.store.close()
    again = ConfigDatabase(schema, ConfigStore(tmp_path), clock)
    assert _host(again.active) == "r1"
    again.store.close()


def test_a_timed_one_is_lost_with_the_process(schema, db, clock, tmp_path):
    assert db.commit_at(_candidate(schema, db, "set system host-name r2"), "alice", "00:10").ok
    db.store.close()
    fresh = ManualScheduler()
    again = ConfigDatabase(schema, ConfigStore(tmp_path), fresh)
    fresh.advance(3600)
    assert _host(again.active) == "r1" and again.scheduled is None
    again.store.close()


def test_at_reboot_in_a_memory_store(schema, clock):
    store = ConfigStore(None)
    db = ConfigDatabase(schema, store, clock, initial=INITIAL)
    assert db.commit_at(_candidate(schema, db, "set system host-name r2"), "alice", "reboot").ok
    again = ConfigDatabase(schema, store, clock)
    assert _host(again.active) == "r2"
