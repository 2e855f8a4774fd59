"""The configuration tree: copy-on-write sharing, equality and the three-way merge."""

from __future__ import annotations

import pytest

from nos.config.edit import find
from nos.config.render import curly_text
from nos.config.tree import (
    ConfigTree,
    Leaf,
    ListNode,
    MergeConflict,
    Node,
    count_nodes,
    deep_copy,
    merge3,
    new_generation,
    trees_equal,
    walk_leaves,
)

from .cfgutil import lines, load_set, steps

BASE = lines(
    "set system host-name r1",
    "set system services ssh root-login deny",
    "set interfaces ge-0/0/0 unit 0 family inet address 10.0.0.1/24",
    "set interfaces ge-0/0/1 unit 0 family inet address 10.0.1.1/24",
    "set routing-options static route 0.0.0.0/0 next-hop 10.0.0.254",
    "set policy-options policy-statement P term a then accept",
    "set policy-options policy-statement P term b then reject",
)


@pytest.fixture
def base(schema):
    return load_set(schema, BASE)


# -- copy-on-write ---------------------------------------------------------------------------------


def test_frozen_root_never_changes_after_edits(schema, base):
    frozen = base.freeze()
    text = curly_text(frozen)
    load_set(
        schema,
        lines(
            "set system host-name r2",
            "delete interfaces ge-0/0/1",
            "set interfaces ge-0/0/0 unit 0 family inet address 10.0.0.2/24",
            "set routing-options static route 10.1.0.0/16 discard",
            "deactivate policy-options policy-statement P term b",
            "delete system services",
        ),
        base,
    )
    assert curly_text(frozen) == text
    assert base.root is not frozen
    assert "host-name r2;" in curly_text(base.root)
    assert "host-name r1;" in text


def test_edit_copies_only_the_touched_path(schema, base):
    frozen = base.freeze()
    load_set(schema, "set interfaces ge-0/0/0 unit 0 family inet address 10.0.0.2/24", base)
    new = base.root
    # Untouched stanzas are the very same objects.
    for name in ("system", "routing-options", "policy-options"):
        assert new.children[name] is frozen.children[name]
    # Siblings of the path are shared too: ge-0/0/1 did not change.
    assert find(new, steps(schema, "interfaces ge-0/0/1")) is find(frozen, steps(schema, "interfaces ge-0/0/1"))
    # The path itself was copied.
    assert new.children["interfaces"] is not frozen.children["interfaces"]
    assert find(new, steps(schema, "interfaces ge-0/0/0")) is not find(frozen, steps(schema, "interfaces ge-0/0/0"))


def test_second_edit_in_same_generation_changes_in_place(schema, base):
    base.freeze()
    load_set(schema, "set system host-name r2", base)
    system = base.root.children["system"]
    root = base.root
    load_set(schema, "set system domain-name example.net", base)
    assert base.root is root  # already owned: no new copies
    assert base.root.children["system"] is system


def test_each_freeze_starts_a_new_generation(schema, base):
    first = base.freeze()
    load_set(schema, "set system host-name r2", base)
    second = base.freeze()
    load_set(schema, "set system host-name r3", base)
    assert [find(r, steps(schema, "system host-name")).value for r in (first, second, base.root)] == ["r1", "r2", "r3"]


def test_two_candidates_from_one_root_are_independent(schema, base):
    root = base.freeze()
    a = ConfigTree(schema.root, root)
    b = ConfigTree(schema.root, root)
    load_set(schema, "set system host-name from-a", a)
    load_set(schema, "set system host-name from-b", b)
    assert find(a.root, steps(schema, "system host-name")).value == "from-a"
    assert find(b.root, steps(schema, "system host-name")).value == "from-b"
    assert find(root, steps(schema, "system host-name")).value == "r1"
    assert a.root.children["interfaces"] is b.root.children["interfaces"] is root.children["interfaces"]


def test_deep_copy_shares_nothing(schema, base):
    root = base.freeze()
    gen = new_generation()
    copy = deep_copy(root, gen)
    assert trees_equal(copy, root)
    assert copy is not root
    assert copy.children["system"] is not root.children["system"]
    entry = find(copy, steps(schema, "interfaces ge-0/0/0"))
    assert isinstance(entry, Node) and entry.gen == gen
    # Leaves are immutable and may be shared.
    assert find(copy, steps(schema, "system host-name")) is find(root, steps(schema, "system host-name"))


def test_leaf_replace_keeps_the_original():
    leaf = Leaf(None, "a")  # type: ignore[arg-type]
    other = leaf.replace(value="b", inactive=True)
    assert (leaf.value, leaf.inactive) == ("a", False)
    assert (other.value, other.inactive) == ("b", True)


# -- equality ---------------------------------------------------------------------------------------


def test_trees_equal_on_separately_built_trees(schema):
    a = load_set(schema, BASE).root
    b = load_set(schema, BASE).root
    assert a is not b
    assert trees_equal(a, b)


def test_trees_equal_ignores_statement_order_in_containers(schema):
    a = load_set(schema, lines("set system host-name r1", "set system domain-name d")).root
    b = load_set(schema, lines("set system domain-name d", "set system host-name r1")).root
    assert trees_equal(a, b)


def test_trees_equal_sees_list_order(schema):
    a = load_set(
        schema,
        lines(
            "set policy-options policy-statement P term a then accept",
            "set policy-options policy-statement P term b then accept",
        ),
    ).root
    b = load_set(
        schema,
        lines(
            "set policy-options policy-statement P term b then accept",
            "set policy-options policy-statement P term a then accept",
        ),
    ).root
    assert not trees_equal(a, b)


@pytest.mark.parametrize(
    "change",
    [
        "set system host-name r2",
        "deactivate system host-name",
        "deactivate interfaces ge-0/0/0",
        "set interfaces ge-0/0/0 unit 0 family inet address 10.0.0.9/24",
        "delete routing-options",
        "set system services ssh",  # already there: no change
    ],
)
def test_trees_equal_detects_each_kind_of_change(schema, change):
    a = load_set(schema, BASE)
    old = a.freeze()
    load_set(schema, change, a)
    assert trees_equal(old, a.root) == (change == "set system services ssh")


def test_trees_equal_sees_annotations(schema, base):
    from nos.config.edit import set_flag

    old = base.freeze()
    assert set_flag(base, steps(schema, "system host-name"), annotation="the name")
    assert not trees_equal(old, base.root)
    assert set_flag(base, steps(schema, "system host-name"), annotation=None)
    assert trees_equal(old, base.root)


def test_trees_equal_with_none(schema, base):
    assert trees_equal(None, None)
    assert not trees_equal(base.root, None)
    assert not trees_equal(None, base.root)


# -- three-way merge (configure private) -----------------------------------------------------------


def _branches(schema, mine: str, theirs: str):
    tree = load_set(schema, BASE)
    base = tree.freeze()
    m = ConfigTree(schema.root, base)
    t = ConfigTree(schema.root, base)
    load_set(schema, mine, m)
    load_set(schema, theirs, t)
    return base, m.root, t.root


def test_merge3_combines_changes_of_both_sides(schema):
    base, mine, theirs = _branches(
        schema,
        lines("set system host-name mine", "set routing-options static route 10.9.0.0/16 discard"),
        lines("set interfaces ge-0/0/2 unit 0 family inet address 10.0.2.1/24", "delete system services"),
    )
    merged = merge3(base, mine, theirs)
    expected = load_set(
        schema,
        BASE
        + lines(
            "set system host-name mine",
            "set routing-options static route 10.9.0.0/16 discard",
            "set interfaces ge-0/0/2 unit 0 family inet address 10.0.2.1/24",
            "delete system services",
        ),
    ).root
    assert trees_equal(merged, expected), curly_text(merged)
    # Inputs are untouched.
    assert find(theirs, steps(schema, "system host-name")).value == "r1"
    assert find(mine, steps(schema, "interfaces ge-0/0/2")) is None


def test_merge3_shares_subtrees_changed_on_one_side_only(schema):
    base, mine, theirs = _branches(schema, "set system host-name mine", "set interfaces ge-0/0/2 unit 0")
    merged = merge3(base, mine, theirs)
    assert merged.children["system"] is mine.children["system"]
    assert merged.children["interfaces"] is theirs.children["interfaces"]
    assert merged.children["policy-options"] is base.children["policy-options"]


def test_merge3_entries_added_to_one_list_on_both_sides(schema):
    base, mine, theirs = _branches(
        schema,
        "set routing-options static route 10.1.0.0/16 discard",
        "set routing-options static route 10.2.0.0/16 discard",
    )
    merged = merge3(base, mine, theirs)
    routes = find(merged, steps(schema, "routing-options static route"))
    assert isinstance(routes, ListNode)
    assert list(routes.entries) == [("0.0.0.0/0",), ("10.2.0.0/16",), ("10.1.0.0/16",)]


def test_merge3_same_change_on_both_sides_is_no_conflict(schema):
    base, mine, theirs = _branches(schema, "set system host-name same", "set system host-name same")
    merged = merge3(base, mine, theirs)
    assert find(merged, steps(schema, "system host-name")).value == "same"


def test_merge3_without_changes_on_one_side_returns_the_other(schema):
    base, mine, theirs = _branches(schema, "set system host-name mine", "set system host-name r1")
    assert merge3(base, mine, theirs) is mine
    assert merge3(base, base, theirs) is theirs


def test_merge3_same_leaf_changed_differently_conflicts(schema):
    base, mine, theirs = _branches(schema, "set system host-name mine", "set system host-name theirs")
    with pytest.raises(MergeConflict) as info:
        merge3(base, mine, theirs)
    assert info.value.path == ["system", "host-name"]
    assert str(info.value) == "system host-name"


def test_merge3_delete_against_change_conflicts(schema):
    base, mine, theirs = _branches(
        schema, "delete interfaces ge-0/0/0", "set interfaces ge-0/0/0 unit 0 family inet address 10.0.0.9/24"
    )
    with pytest.raises(MergeConflict) as info:
        merge3(base, mine, theirs)
    assert info.value.path[:2] == ["interfaces", "interface"]


# -- small utilities -----------------------------------------------------------------------------


def test_walk_leaves_and_count_nodes(schema):
    root = load_set(schema, lines("set system host-name r1", "set routing-options static route 0.0.0.0/0 discard")).root
    assert [(p, leaf.value) for p, leaf in walk_leaves(root)] == [
        (("system", "host-name"), "r1"),
        (("routing-options", "static", "route", "0.0.0.0/0", "discard"), ""),
    ]
    # root, system, host-name, routing-options, static, route entry, discard
    assert count_nodes(root) == 7
