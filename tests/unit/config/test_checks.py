"""Commit checks one configuration after another (`Checks`): the same verdicts and errors as
`check_config` of the whole configuration, from counting only what changed."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from nos.config.groups import expand
from nos.config.load import parse_set
from nos.config.tree import ConfigTree, Node
from nos.config.validate import Checks, _Counter, check_config
from nos.schema.compile import load_schema

from .cfgutil import lines, load_set

SCHEMA = load_schema()  # not the fixture: hypothesis would print all of it with a failing example

BASE = lines(
    "set system host-name r1",
    'set system root-authentication encrypted-password "$6$x"',
    "set interfaces ge-0/0/1 unit 0 family inet address 10.0.1.1/24",
    "set interfaces ge-0/0/2 unit 0 family inet address 10.0.2.1/24",
    "set routing-instances A instance-type virtual-router",
    "set routing-instances A interface ge-0/0/1.0",
    "set policy-options prefix-list PL 10.0.0.0/8",
    "set policy-options policy-statement P term t from prefix-list PL",
    "set policy-options policy-statement P term t then accept",
    "set routing-instances A routing-options instance-import P",
    "set security zones security-zone Z interfaces ge-0/0/2.0",
)

# Edits that make and mend every kind of error: undefined references (and definitions that
# go away under them), a value used at two places where it must be unique, a missing
# mandatory statement; deactivations and groups change the expanded tree.
EDITS = [
    "set routing-instances B interface ge-0/0/2.0",
    "delete routing-instances B",
    "set routing-instances B instance-type virtual-router",
    "set routing-instances A interface ge-0/0/2.0",
    "delete routing-instances A interface ge-0/0/2.0",
    "set routing-instances A interface ge-0/0/3.0",
    "delete routing-instances A interface ge-0/0/3.0",
    "set interfaces ge-0/0/3 unit 0 family inet address 10.0.3.1/24",
    "delete interfaces ge-0/0/3",
    "delete interfaces ge-0/0/1",
    "set interfaces ge-0/0/1 unit 0 family inet address 10.0.1.1/24",
    "delete policy-options prefix-list PL",
    "set policy-options prefix-list PL 10.0.0.0/8",
    "delete policy-options policy-statement P",
    "set policy-options policy-statement P term t then accept",
    "set routing-instances A routing-options instance-import Q",
    "delete routing-instances A routing-options instance-import Q",
    "set policy-options policy-statement Q term t then reject",
    "set security zones security-zone Y interfaces ge-0/0/2.0",
    "delete security zones security-zone Y",
    "set security zones security-zone Z interfaces ge-0/0/1.0",
    "delete security zones security-zone Z interfaces ge-0/0/1.0",
    "delete system root-authentication",
    'set system root-authentication encrypted-password "$6$x"',
    "set system login user bob class nonclass",
    "set system login user bob uid 2001",
    "delete system login user bob class",
    "set system login class nonclass permissions all",
    "delete system login class nonclass",
    "delete system login user bob",
    "deactivate policy-options prefix-list PL",
    "activate policy-options prefix-list PL",
    "deactivate interfaces ge-0/0/2",
    "activate interfaces ge-0/0/2",
    "set groups G interfaces ge-0/0/4 unit 0 family inet address 10.0.4.1/24",
    "set apply-groups G",
    "delete apply-groups",
    "set routing-instances A interface ge-0/0/4.0",
    "delete routing-instances A interface ge-0/0/4.0",
]


def _lines(errors) -> list[str]:  # type: ignore[no-untyped-def]
    return [line for e in errors for line in e.lines()]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(EDITS), st.booleans()), max_size=25))
def test_checks_agree_with_the_whole_check_after_any_edits(edits):
    """Each edit is checked on a candidate of the active configuration; a clean one is then kept
    (committed) or not (a `commit check`), and the next is checked against what was kept."""
    schema = SCHEMA
    checks = Checks(schema)
    active = load_set(schema, BASE).freeze()
    assert checks.check(active) == [] == check_config(active, schema)
    checks.keep(active)
    for edit, commit in edits:
        candidate = ConfigTree(schema.root, active)
        candidate.freeze()
        parse_set(candidate, edit + "\n")  # some edits are refused (nothing to delete): no matter
        expanded = expand(candidate.root)
        assert _lines(checks.check(expanded)) == _lines(check_config(expanded, schema)), edit
        if commit and not check_config(expanded, schema):
            active = candidate.freeze()
            checks.keep(expanded)


def test_an_unchanged_configuration_is_not_walked_again(schema, monkeypatch):
    """What a commit did not touch is the same object as before and is not counted again."""
    text = BASE + "".join(f"set interfaces ge-1/0/{i} unit 0 family inet address 10.1.{i}.1/24\n" for i in range(40))
    checks = Checks(schema)
    active = load_set(schema, text).freeze()
    checks.check(active)
    checks.keep(active)
    visited: list[Node] = []
    real = _Counter.subtree

    def counting(self, node, path, sign):  # type: ignore[no-untyped-def]
        visited.append(node)
        real(self, node, path, sign)

    monkeypatch.setattr(_Counter, "subtree", counting)
    candidate = ConfigTree(schema.root, active)
    candidate.freeze()
    load_set(schema, "set interfaces ge-1/0/7 unit 0 description seven\n", candidate)
    assert checks.check(candidate.root) == []
    # Only the changed unit's two versions are counted (out and in), not the 42 other interfaces.
    assert len(visited) <= 4
    assert checks.check(active) == []  # back to the kept configuration: nothing to count
    assert len(visited) <= 4


def test_an_error_made_and_mended_across_commits(schema):
    checks = Checks(schema)
    active = load_set(schema, BASE).freeze()
    checks.check(active)
    checks.keep(active)
    candidate = ConfigTree(schema.root, active)
    candidate.freeze()
    load_set(schema, "delete policy-options prefix-list PL\n", candidate)
    assert _lines(checks.check(candidate.root)) == [
        "[edit policy-options policy-statement P term t from]",
        "  'prefix-list'",
        "    Referenced prefix-list 'PL' is not defined",
    ]
    # Not kept (the commit failed): the next check starts again from the active configuration.
    assert checks.check(active) == []
