"""The configuration database: commit, commit check, commit confirmed, private candidates and locks
(semantics.md 7.1-7.5), on a ManualScheduler."""

from __future__ import annotations

import pytest

from nos import JUNOS_RELEASE
from nos.config.database import ConfigDatabase, Editor
from nos.config.render import curly_text, set_lines
from nos.config.store import ConfigStore
from nos.config.tree import ConfigTree, Node, trees_equal
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


class Hooks:
    """Records what the commit tells the features; `errors` makes verify fail."""

    def __init__(self) -> None:
        self.applied: list[tuple[Node, Node]] = []
        self.verified: list[Node] = []
        self.errors: list[CheckError] = []

    def verify(self, new: Node) -> list[CheckError]:
        self.verified.append(new)
        return list(self.errors)

    def apply(self, old: Node, new: Node) -> None:
        self.applied.append((old, new))


@pytest.fixture
def hooks() -> Hooks:
    return Hooks()


@pytest.fixture
def db(schema, clock, hooks, tmp_path) -> ConfigDatabase:
    database = ConfigDatabase(schema, ConfigStore(tmp_path), clock, hooks=hooks, initial=INITIAL)
    database.messages = []  # type: ignore[attr-defined]
    database.broadcast = database.messages.append  # type: ignore[attr-defined]
    return database


def _candidate(schema, db: ConfigDatabase, text: str) -> ConfigTree:
    tree = db.new_candidate()
    load_set(schema, text, tree)
    return tree


def _host(root: Node) -> str:
    return root.children["system"].children["host-name"].value  # type: ignore[union-attr]


def _domain(root: Node) -> str | None:
    leaf = root.children["system"].children.get("domain-name")  # type: ignore[union-attr]
    return None if leaf is None else leaf.value  # type: ignore[union-attr]


# -- start ---------------------------------------------------------------------------------------------


def test_initial_configuration_is_the_first_commit(db):
    assert len(db.store.records) == 1
    r = db.store.records[0]
    assert (r.user, r.client, r.comment, r.time) == ("root", "other", "initial configuration", VIRTUAL_EPOCH)
    assert db.active.children["version"].value == JUNOS_RELEASE
    assert _host(db.active) == "r1"
    assert trees_equal(db.shared.root, db.active)


def test_restart_reads_the_active_configuration_from_the_store(schema, db, clock, tmp_path):
    db.commit(_candidate(schema, db, "set system host-name r2"), "lab")
    db.store.close()  # one store per state directory at a time
    again = ConfigDatabase(schema, ConfigStore(tmp_path), clock, initial="system { host-name ignored; }")
    assert _host(again.active) == "r2"
    assert trees_equal(again.active, db.active)
    assert len(again.store.records) == 2


# -- commit -----------------------------------------------------------------------------------------------


def test_successful_commit_updates_active_and_history(schema, db, clock, hooks):
    clock.advance(90)
    tree = _candidate(schema, db, "set system host-name r2")
    old_expanded = db.active_expanded
    result = db.commit(tree, "alice", comment="rename the box")
    assert result.ok and result.lines == ["commit complete"]
    assert _host(db.active) == "r2"
    assert db.active.children["version"].value == JUNOS_RELEASE
    r = db.store.records[0]
    assert (r.user, r.client, r.comment, r.time) == ("alice", "cli", "rename the box", VIRTUAL_EPOCH + 90)
    assert db.store.records[1].comment == "initial configuration"
    # The candidate now is the active configuration, frozen.
    assert tree.root is db.active
    # Features heard about it once, with expanded trees.
    assert len(hooks.applied) == 1
    assert hooks.applied[0][0] is old_expanded
    assert _host(hooks.applied[0][1]) == "r2"
    # Stored text reads back to the same configuration.
    assert trees_equal(db.rollback(0), db.active)
    assert db.store.text(0) == curly_text(db.active)


def test_commit_client_and_rollback_history(schema, db):
    db.commit(_candidate(schema, db, "set system host-name r2"), "bob", client="netconf")
    db.commit(_candidate(schema, db, "set system host-name r3"), "carol", comment="third")
    assert [(r.user, r.client, r.comment) for r in db.store.records] == [
        ("carol", "cli", "third"),
        ("bob", "netconf", None),
        ("root", "other", "initial configuration"),
    ]
    assert [_host(db.rollback(i)) for i in range(3)] == ["r3", "r2", "r1"]
    assert db.rollback(3) is None
    assert db.rollback(1) is db.rollback(1)  # parsed once


def test_commit_check_failing_changes_nothing(schema, db, hooks):
    before_active, before_records, before_shared = db.active, list(db.store.records), db.shared.root
    tree = _candidate(schema, db, "set routing-options instance-import NOPE")
    result = db.commit(tree, "lab", check_only=True)
    assert not result.ok
    assert result.lines == [
        "[edit routing-options]",
        "  'instance-import'",
        "    Referenced policy 'NOPE' is not defined",
        "error: configuration check-out failed",
    ]
    result = db.commit(tree, "lab")
    assert not result.ok and result.lines[-1] == "error: configuration check-out failed"
    assert db.active is before_active
    assert db.store.records == before_records
    assert db.shared.root is before_shared
    assert hooks.applied == []
    assert tree.root is not db.active  # the candidate keeps its changes


def test_missing_mandatory_statement_messages(schema, db):
    tree = _candidate(schema, db, "delete system root-authentication")
    check = db.commit(tree, "lab", check_only=True)
    assert check.lines == [
        "[edit]",
        "  'system'",
        "    Missing mandatory statement: 'root-authentication'",
        "error: configuration check-out failed: (missing mandatory statements)",
    ]
    commit = db.commit(tree, "lab")
    assert commit.lines[-1] == "error: commit failed: (missing mandatory statements)"
    assert not commit.ok


def test_commit_check_success_changes_nothing(schema, db, hooks):
    before = db.active
    tree = _candidate(schema, db, "set system host-name r2")
    result = db.commit(tree, "lab", check_only=True)
    assert result.ok and result.lines == ["configuration check succeeds"]
    assert db.active is before and len(db.store.records) == 1
    assert hooks.applied == [] and len(hooks.verified) == 1
    assert _host(tree.root) == "r2"


def test_feature_verify_errors_block_the_commit(schema, db, hooks):
    hooks.errors = [CheckError(["services", "rpm"], "probe P", "probe needs a target")]
    result = db.commit(_candidate(schema, db, "set system host-name r2"), "lab")
    assert not result.ok
    assert result.lines == [
        "[edit services rpm]",
        "  'probe P'",
        "    probe needs a target",
        "error: configuration check-out failed",
    ]
    assert _host(db.active) == "r1"


def test_schema_errors_are_reported_before_feature_checks(schema, db, hooks):
    db.commit(_candidate(schema, db, "set routing-options instance-import NOPE"), "lab")
    assert hooks.verified == []


def test_commit_runs_on_the_expanded_configuration(schema, db, hooks):
    tree = _candidate(schema, db, lines("set groups G system domain-name g.net", "set apply-groups G"))
    assert db.commit(tree, "lab").ok
    assert _domain(db.active_expanded) == "g.net"
    assert "groups" not in db.active_expanded.children
    assert "groups" in db.active.children
    assert _domain(hooks.applied[-1][1]) == "g.net"


# -- commit confirmed -------------------------------------------------------------------------------------


def test_commit_confirmed_rolls_back_at_the_deadline(schema, db, clock):
    before = db.active
    result = db.commit(_candidate(schema, db, "set system domain-name a.net"), "lab", confirmed=1, comment="try")
    assert result.lines == [
        "commit confirmed will be automatically rolled back in 1 minutes unless confirmed",
        "commit complete",
    ]
    assert db.store.records[0].confirmed_minutes == 1
    assert db.confirm_minutes_left() == 1
    clock.advance(59)
    assert _domain(db.active) == "a.net"
    assert db.confirm_minutes_left() == 1
    assert len(db.store.records) == 2
    assert db.messages == []  # type: ignore[attr-defined]
    clock.advance(2)
    assert _domain(db.active) is None
    assert trees_equal(db.active, before)
    assert db.confirm_minutes_left() is None
    assert db.messages == ["Commit was not confirmed; automatic rollback complete."]  # type: ignore[attr-defined]
    r = db.store.records[0]
    assert (r.user, r.client, r.time) == ("root", "other", VIRTUAL_EPOCH + 60)
    assert [x.user for x in db.store.records] == ["root", "lab", "root"]
    # The shared candidate follows the rollback.
    assert trees_equal(db.shared.root, db.active)
    # Nothing more happens later.
    clock.advance(3600)
    assert len(db.store.records) == 3


def test_plain_commit_confirms(schema, db, clock):
    db.commit(_candidate(schema, db, "set system domain-name a.net"), "lab", confirmed=1)
    clock.advance(30)
    assert db.commit(_candidate(schema, db, "set system time-zone UTC"), "lab").ok
    assert db.confirm_minutes_left() is None
    clock.advance(120)
    assert _domain(db.active) == "a.net"
    assert db.messages == []  # type: ignore[attr-defined]
    assert len(db.store.records) == 3


def test_commit_check_confirms(schema, db, clock):
    db.commit(_candidate(schema, db, "set system domain-name a.net"), "lab", confirmed=1)
    clock.advance(30)
    assert db.commit(db.new_candidate(), "lab", check_only=True).ok
    clock.advance(120)
    assert _domain(db.active) == "a.net"
    assert len(db.store.records) == 2


def test_failed_commit_check_does_not_confirm(schema, db, clock):
    db.commit(_candidate(schema, db, "set system domain-name a.net"), "lab", confirmed=1)
    assert not db.commit(_candidate(schema, db, "set routing-options instance-import NOPE"), "lab", check_only=True).ok
    clock.advance(61)
    assert _domain(db.active) is None


def test_second_commit_confirmed_extends_and_rolls_back_to_before_the_first(schema, db, clock):
    db.commit(_candidate(schema, db, "set system domain-name a.net"), "lab", confirmed=1)
    clock.advance(50)
    db.commit(_candidate(schema, db, "set system time-zone UTC"), "lab", confirmed=2)
    clock.advance(60)  # past the first deadline
    assert _domain(db.active) == "a.net"
    assert db.confirm_minutes_left() == 1
    clock.advance(61)
    assert _domain(db.active) is None
    assert "time-zone" not in db.active.children["system"].children
    assert db.messages == ["Commit was not confirmed; automatic rollback complete."]  # type: ignore[attr-defined]


def test_minutes_left_count_down(schema, db, clock):
    db.commit(_candidate(schema, db, "set system domain-name a.net"), "lab", confirmed=5)
    assert db.confirm_minutes_left() == 5
    clock.advance(30)
    assert db.confirm_minutes_left() == 5
    clock.advance(31)
    assert db.confirm_minutes_left() == 4
    clock.advance(180)
    assert db.confirm_minutes_left() == 1
    clock.advance(58)
    assert db.confirm_minutes_left() == 1
    clock.advance(1)
    assert db.confirm_minutes_left() is None


# -- sessions, private candidates and locks ----------------------------------------------------------------


def test_private_candidates_merge_on_commit(schema, db):
    assert db.enter(Editor("alice", 1, 0.0, "private")) is None
    assert db.enter(Editor("bob", 2, 0.0, "private")) is None
    a = _candidate(schema, db, "set system domain-name alice.net")
    a_base = db.active
    b = _candidate(schema, db, "set snmp location bob-lab")
    b_base = db.active
    assert db.commit(a, "alice", session_id=1, base=a_base).ok
    assert db.commit(b, "bob", session_id=2, base=b_base).ok
    assert _domain(db.active) == "alice.net"
    assert "set snmp location bob-lab" in list(set_lines(db.active))
    assert b.root is db.active


def test_private_commit_conflict_fails_and_changes_nothing(schema, db):
    a_base = db.active
    a = _candidate(schema, db, "set system host-name from-alice")
    b = _candidate(schema, db, "set system host-name from-bob")
    assert db.commit(b, "bob").ok
    active = db.active
    result = db.commit(a, "alice", base=a_base)
    assert not result.ok
    assert result.lines == ["error: commit failed: merge conflict at [edit system host-name]"]
    assert db.active is active


def test_shared_candidate_follows_a_private_commit(schema, db):
    """A shared-mode editor without changes sees what a private session committed."""
    assert db.enter(Editor("alice", 1, 0.0, "shared")) is None
    assert db.enter(Editor("bob", 2, 0.0, "private")) is None
    base = db.active
    b = _candidate(schema, db, "set system domain-name bob.net")
    assert db.commit(b, "bob", session_id=2, base=base).ok
    assert trees_equal(db.shared.root, db.active)
    # A commit from the shared session now keeps bob's change.
    load_set(schema, "set system time-zone UTC", db.shared)
    assert db.commit(db.shared, "alice", session_id=1).ok
    assert _domain(db.active) == "bob.net"


def test_shared_changes_are_kept_when_someone_else_commits(schema, db):
    assert db.enter(Editor("alice", 1, 0.0, "shared")) is None
    load_set(schema, "set system time-zone UTC", db.shared)
    other = _candidate(schema, db, "set snmp location x")
    assert db.commit(other, "root", client="other").ok
    assert "time-zone" in db.shared.root.children["system"].children


def test_configure_private_refused_while_shared_has_changes(schema, db):
    assert db.enter(Editor("alice", 1, 0.0, "shared")) is None
    load_set(schema, "set system time-zone UTC", db.shared)
    assert db.enter(Editor("bob", 2, 0.0, "private")) == "error: shared configuration database modified"
    assert 2 not in db.editors


def test_exclusive_lock_blocks_another_sessions_commit(schema, db):
    assert db.enter(Editor("alice", 1, db.scheduler.epoch(), "exclusive", terminal="p1")) is None
    assert db.enter(Editor("bob", 2, 0.0, "shared")) is None
    tree = _candidate(schema, db, "set system host-name bobs")
    result = db.commit(tree, "bob", session_id=2)
    assert not result.ok
    assert result.lines == [
        "error: configuration database locked by:",
        "  alice terminal p1 (pid 1) on since 2026-01-01 00:00:00 UTC, idle 00:00:00",
        "      exclusive [edit]",
    ]
    assert _host(db.active) == "r1"
    # commit check is allowed.
    assert db.commit(tree, "bob", session_id=2, check_only=True).ok
    # A second exclusive session is refused with the holder named.
    assert db.enter(Editor("carol", 3, 0.0, "exclusive")) == (
        "error: configuration database locked by:\n"
        "  alice terminal p1 (pid 1) on since 2026-01-01 00:00:00 UTC, idle 00:00:00\n"
        "      exclusive [edit]"
    )
    # The holder may commit; after it leaves, others may too.
    assert db.commit(_candidate(schema, db, "set system host-name alices"), "alice", session_id=1).ok
    db.leave(1)
    assert db.exclusive is None
    assert db.commit(tree, "bob", session_id=2).ok
    assert _host(db.active) == "bobs"


def test_others_lists_the_other_editors(db):
    db.enter(Editor("alice", 1, 0.0))
    db.enter(Editor("bob", 2, 0.0))
    assert [e.user for e in db.others(1)] == ["bob"]
    db.leave(2)
    assert db.others(1) == []


def test_changed_and_new_candidate(schema, db):
    tree = db.new_candidate()
    assert not db.changed(tree)
    load_set(schema, "set system host-name r2", tree)
    assert db.changed(tree)
    assert _host(db.active) == "r1"


def test_rescue_configuration(schema, db):
    assert db.rescue() is None
    db.save_rescue()
    db.commit(_candidate(schema, db, "set system host-name r2"), "lab")
    rescue = db.rescue()
    assert rescue is not None and _host(rescue) == "r1"


def test_in_memory_database(schema, clock):
    db = ConfigDatabase(schema, ConfigStore(None), clock, initial=INITIAL)
    db.save_rescue()
    tree = db.new_candidate()
    load_set(schema, "set system host-name r2", tree)
    assert db.commit(tree, "lab").ok
    assert _host(db.rollback(1)) == "r1"
    assert _host(db.rescue()) == "r1"


def test_empty_start_without_initial(schema):
    db = ConfigDatabase(schema, ConfigStore(None), ManualScheduler())
    assert db.active.children == {}
    assert db.store.records == []
