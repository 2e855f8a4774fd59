"""Edit operations on a candidate: set, delete, (de)activate, annotate, rename, copy, insert."""

from __future__ import annotations

import pytest

from nos.config.edit import (
    EditError,
    copy_entry,
    delete_path,
    find,
    insert,
    rename,
    rename_leaf,
    set_flag,
    set_path,
)
from nos.config.path import walk
from nos.config.render import curly_text, set_lines
from nos.config.tree import ConfigTree, ListNode, Node, trees_equal

from .cfgutil import lines, load_set, steps

POLICY = lines(
    "set policy-options policy-statement P term a from protocol static",
    "set policy-options policy-statement P term a then accept",
    "set policy-options policy-statement P term b from protocol direct",
    "set policy-options policy-statement P term b then accept",
    "set policy-options policy-statement P term c then reject",
)


def _terms(tree: ConfigTree) -> list[str]:
    lst = tree.root.children["policy-options"].children["policy-statement"].entries[("P",)].children["term"]
    assert isinstance(lst, ListNode)
    return [k[0] for k in lst.entries]


def _set(schema, words: str) -> list:
    return walk(schema.root, words.split(), values=True)


# -- set --------------------------------------------------------------------------------------------


def test_set_path_returns_the_deepest_level(schema):
    tree = ConfigTree(schema.root)
    reached = set_path(tree, _set(schema, "interfaces ge-0/0/0 unit 0 family inet address 10.0.0.1/24"))
    assert isinstance(reached, Node) and reached.schema.name == "address"
    assert list(set_lines(tree.root)) == ["set interfaces ge-0/0/0 unit 0 family inet address 10.0.0.1/24"]


def test_set_of_a_list_without_key_is_refused(schema):
    tree = ConfigTree(schema.root)
    with pytest.raises(EditError, match="missing argument"):
        set_path(tree, steps(schema, "interfaces ge-0/0/0 unit"))


def test_set_leaf_replaces_value_and_keeps_flags(schema):
    tree = load_set(schema, lines("set system host-name r1", "deactivate system host-name"))
    assert set_flag(tree, steps(schema, "system host-name"), annotation="name")
    load_set(schema, "set system host-name r2", tree)
    leaf = find(tree.root, steps(schema, "system host-name"))
    assert (leaf.value, leaf.inactive, leaf.annotation) == ("r2", True, "name")


def test_choice_members_exclude_each_other(schema):
    tree = load_set(schema, "set routing-options static route 0.0.0.0/0 next-hop [ 10.0.0.1 10.0.0.2 ]")
    load_set(schema, "set routing-options static route 0.0.0.0/0 discard", tree)
    assert list(set_lines(tree.root)) == ["set routing-options static route 0.0.0.0/0 discard"]
    load_set(schema, "set routing-options static route 0.0.0.0/0 next-hop 10.0.0.3", tree)
    assert list(set_lines(tree.root)) == ["set routing-options static route 0.0.0.0/0 next-hop 10.0.0.3"]
    load_set(schema, "set routing-options static route 0.0.0.0/0 next-table inet.0", tree)
    assert list(set_lines(tree.root)) == ["set routing-options static route 0.0.0.0/0 next-table inet.0"]


def test_choice_with_containers_and_flags(schema):
    tree = load_set(
        schema,
        lines(
            "set security policies from-zone a to-zone b policy p then permit tunnel ipsec-vpn V",
            "set security policies from-zone a to-zone b policy p then log session-init",
        ),
    )
    load_set(schema, "set security policies from-zone a to-zone b policy p then deny", tree)
    assert list(set_lines(tree.root)) == [
        "set security policies from-zone a to-zone b policy p then deny",
        "set security policies from-zone a to-zone b policy p then log session-init",
    ]


def test_choice_of_other_members_is_untouched(schema):
    tree = load_set(
        schema,
        lines(
            "set routing-options static route 10.0.0.0/8 next-hop 10.0.0.1",
            "set routing-options static route 10.0.0.0/8 retain",
            "set routing-options static route 10.0.0.0/8 no-install",
        ),
    )
    load_set(schema, "set routing-options static route 10.0.0.0/8 no-retain", tree)
    assert list(set_lines(tree.root)) == [
        "set routing-options static route 10.0.0.0/8 next-hop 10.0.0.1",
        "set routing-options static route 10.0.0.0/8 no-retain",
        "set routing-options static route 10.0.0.0/8 no-install",
    ]


# -- max ---------------------------------------------------------------------------------------------


def test_leaf_list_max_refusal_leaves_tree_unchanged(schema):
    tree = load_set(schema, "set security ike policy P proposals [ a b c d ]")
    before = tree.freeze()
    with pytest.raises(EditError, match=r"number of elements exceeds the limit \(4\)"):
        set_path(tree, _set(schema, "security ike policy P proposals e"))
    assert trees_equal(tree.root, before)
    # Values already present do not count twice.
    set_path(tree, _set(schema, "security ike policy P proposals [ a d ]"))
    assert find(tree.root, steps(schema, "security ike policy P proposals")).value == ("a", "b", "c", "d")


def test_list_max_refusal_leaves_tree_unchanged(schema):
    tree = load_set(schema, "set security zones security-zone z address-book address A dns-name foo.example.com")
    before = tree.freeze()
    with pytest.raises(EditError, match=r"number of elements exceeds the limit \(1\)"):
        set_path(tree, _set(schema, "security zones security-zone z address-book address A dns-name bar.example.com"))
    assert trees_equal(tree.root, before)
    # The entry that is there may be set again.
    set_path(
        tree, _set(schema, "security zones security-zone z address-book address A dns-name foo.example.com ipv4-only")
    )
    assert list(set_lines(tree.root)) == [
        "set security zones security-zone z address-book address A dns-name foo.example.com ipv4-only"
    ]


def test_max_refusal_on_a_new_path_leaves_tree_empty(schema):
    tree = ConfigTree(schema.root)
    with pytest.raises(EditError):
        set_path(tree, _set(schema, "security ike policy P proposals [ a b c d e ]"))
    assert tree.root.children == {}


# -- delete --------------------------------------------------------------------------------------------


def test_delete_prunes_empty_containers(schema):
    tree = load_set(
        schema,
        lines("set system host-name r1", "set routing-options static route 10.0.0.0/8 discard"),
    )
    assert delete_path(tree, steps(schema, "routing-options static route 10.0.0.0/8"))
    assert list(set_lines(tree.root)) == ["set system host-name r1"]
    assert "routing-options" not in tree.root.children


def test_delete_keeps_list_entries_and_presence_containers(schema):
    tree = load_set(
        schema,
        lines(
            "set system services ssh root-login deny",
            "set interfaces ge-0/0/0 unit 0 description x",
            "set protocols ospf area 0 interface lo0.0",
        ),
    )
    assert delete_path(tree, steps(schema, "system services ssh root-login"))
    assert delete_path(tree, steps(schema, "interfaces ge-0/0/0 unit 0 description"))
    assert delete_path(tree, steps(schema, "protocols ospf area 0.0.0.0"))
    assert list(set_lines(tree.root)) == [
        "set system services ssh",
        "set interfaces ge-0/0/0 unit 0",
        "set protocols ospf",
    ]


def test_delete_keeps_annotated_or_inactive_containers(schema):
    tree = load_set(schema, lines("set system host-name r1", "set routing-options static route 10.0.0.0/8 discard"))
    assert set_flag(tree, steps(schema, "routing-options static"), annotation="keep me")
    assert delete_path(tree, steps(schema, "routing-options static route 10.0.0.0/8"))
    assert find(tree.root, steps(schema, "routing-options static")).annotation == "keep me"


def test_delete_of_missing_statement_returns_false_and_changes_nothing(schema):
    tree = load_set(schema, "set system host-name r1")
    before = tree.freeze()
    assert not delete_path(tree, steps(schema, "system domain-name"))
    assert not delete_path(tree, steps(schema, "interfaces ge-0/0/0"))
    assert not delete_path(tree, steps(schema, "system host-name r2"))  # value given and different
    assert tree.root is before


def test_delete_everything(schema):
    tree = load_set(schema, lines("set system host-name r1", "set snmp location x"))
    assert delete_path(tree, [])
    assert tree.root.children == {}


def test_delete_whole_list(schema):
    tree = load_set(
        schema,
        lines("set system name-server 192.0.2.1", "set system name-server 192.0.2.2", "set system host-name r1"),
    )
    assert delete_path(tree, steps(schema, "system name-server"))
    assert list(set_lines(tree.root)) == ["set system host-name r1"]


# -- flags ---------------------------------------------------------------------------------------------


def test_deactivate_and_activate(schema):
    tree = load_set(schema, POLICY + "set system host-name r1\n")
    before = tree.freeze()
    assert set_flag(tree, steps(schema, "policy-options policy-statement P term b"), inactive=True)
    assert set_flag(tree, steps(schema, "system host-name"), inactive=True)
    assert set_flag(tree, steps(schema, "policy-options policy-statement P term a then"), inactive=True)
    text = curly_text(tree.root)
    assert "        inactive: term b {" in text.splitlines()
    assert "    inactive: host-name r1;" in text.splitlines()
    assert "            inactive: then accept;" in text.splitlines()
    for path in (
        "policy-options policy-statement P term b",
        "system host-name",
        "policy-options policy-statement P term a then",
    ):
        assert set_flag(tree, steps(schema, path), inactive=False)
    assert trees_equal(tree.root, before)


def test_flags_on_missing_statements_or_whole_lists_are_refused(schema):
    tree = load_set(schema, POLICY)
    before = tree.freeze()
    assert not set_flag(tree, steps(schema, "policy-options policy-statement P term z"), inactive=True)
    assert not set_flag(tree, steps(schema, "system host-name"), inactive=True)
    assert not set_flag(tree, steps(schema, "policy-options policy-statement P term"), inactive=True)
    assert not set_flag(tree, [], inactive=True)
    assert tree.root is before


def test_annotate_and_remove_annotation(schema):
    tree = load_set(schema, POLICY)
    before = tree.freeze()
    assert set_flag(tree, steps(schema, "policy-options policy-statement P term a"), annotation="static first")
    assert set_flag(tree, steps(schema, "policy-options"), annotation="routing policy")
    text = curly_text(tree.root).splitlines()
    assert text[0:2] == ["/* routing policy */", "policy-options {"]
    assert text[text.index("        term a {") - 1] == "        /* static first */"
    assert set_flag(tree, steps(schema, "policy-options policy-statement P term a"), annotation=None)
    assert set_flag(tree, steps(schema, "policy-options"), annotation=None)
    assert trees_equal(tree.root, before)


def test_flags_copy_only_the_touched_path(schema):
    tree = load_set(schema, POLICY + "set system host-name r1\n")
    before = tree.freeze()
    assert set_flag(tree, steps(schema, "policy-options policy-statement P term b"), inactive=True)
    assert tree.root.children["system"] is before.children["system"]
    assert find(tree.root, steps(schema, "policy-options policy-statement P term a")) is find(
        before, steps(schema, "policy-options policy-statement P term a")
    )
    assert not find(before, steps(schema, "policy-options policy-statement P term b")).inactive


# -- rename / copy / insert -------------------------------------------------------------------------------


def test_rename_keeps_place_and_contents(schema):
    tree = load_set(schema, POLICY)
    rename(tree, steps(schema, "policy-options policy-statement P term b"), ("b2",))
    assert _terms(tree) == ["a", "b2", "c"]
    assert "set policy-options policy-statement P term b2 from protocol direct" in list(set_lines(tree.root))


def test_rename_refusals(schema):
    tree = load_set(schema, POLICY)
    before = tree.freeze()
    with pytest.raises(EditError, match="statement already exists"):
        rename(tree, steps(schema, "policy-options policy-statement P term b"), ("c",))
    with pytest.raises(EditError, match="statement not found"):
        rename(tree, steps(schema, "policy-options policy-statement P term zz"), ("y",))
    with pytest.raises(EditError, match="syntax error"):
        rename(tree, steps(schema, "policy-options policy-statement P term a then"), ("y",))
    assert _terms(tree) == ["a", "b", "c"]
    assert trees_equal(tree.root, before)


def test_rename_of_a_keyless_interface_and_a_leaf_value(schema):
    tree = load_set(
        schema,
        lines(
            "set interfaces ge-0/0/0 unit 0 family inet address 10.0.0.1/24",
            "set interfaces ge-0/0/1 unit 0",
            "set routing-options rib-groups RG import-rib [ inet.0 A.inet.0 ]",
            "set system host-name r1",
        ),
    )
    rename(tree, steps(schema, "interfaces ge-0/0/0"), ("ge-0/0/5",))
    rename_leaf(tree, steps(schema, "routing-options rib-groups RG import-rib inet.0"), "B.inet.0")
    rename_leaf(tree, steps(schema, "system host-name r1"), "r9")
    assert list(set_lines(tree.root)) == [
        "set system host-name r9",
        "set interfaces ge-0/0/5 unit 0 family inet address 10.0.0.1/24",
        "set interfaces ge-0/0/1 unit 0",
        "set routing-options rib-groups RG import-rib B.inet.0",
        "set routing-options rib-groups RG import-rib A.inet.0",
    ]
    with pytest.raises(EditError, match="statement not found"):
        rename_leaf(tree, steps(schema, "system domain-name"), "x")


def test_copy_entry_places_the_copy_last_and_shares_nothing(schema):
    tree = load_set(schema, POLICY)
    copy_entry(tree, steps(schema, "policy-options policy-statement P term a"), ("a-copy",))
    assert _terms(tree) == ["a", "b", "c", "a-copy"]
    original = find(tree.root, steps(schema, "policy-options policy-statement P term a"))
    copy = find(tree.root, steps(schema, "policy-options policy-statement P term a-copy"))
    assert trees_equal(original, copy)
    assert copy is not original and copy.children["from"] is not original.children["from"]
    # Changing the copy leaves the original alone.
    load_set(schema, "set policy-options policy-statement P term a-copy then reject", tree)
    assert find(tree.root, steps(schema, "policy-options policy-statement P term a then accept")) is not None
    with pytest.raises(EditError, match="statement already exists"):
        copy_entry(tree, steps(schema, "policy-options policy-statement P term a"), ("b",))


@pytest.mark.parametrize(
    "moving, where, ref, order",
    [
        ("c", "before", "a", ["c", "a", "b"]),
        ("a", "after", "c", ["b", "c", "a"]),
        ("a", "after", "b", ["b", "a", "c"]),
        ("c", "before", "b", ["a", "c", "b"]),
        ("b", "before", "c", ["a", "b", "c"]),
        ("b", "after", "b", ["a", "b", "c"]),
    ],
)
def test_insert_moves_an_entry(schema, moving, where, ref, order):
    tree = load_set(schema, POLICY)
    insert(tree, steps(schema, f"policy-options policy-statement P term {moving}"), where, (ref,))
    assert _terms(tree) == order
    # Moving keeps the entry's contents.
    assert len(list(set_lines(tree.root))) == 5


def test_insert_refusals(schema):
    tree = load_set(schema, POLICY)
    with pytest.raises(EditError, match="statement not found"):
        insert(tree, steps(schema, "policy-options policy-statement P term a"), "before", ("zz",))
    with pytest.raises(EditError, match="statement not found"):
        insert(tree, steps(schema, "policy-options policy-statement P term zz"), "before", ("a",))
    assert _terms(tree) == ["a", "b", "c"]


def test_insert_in_security_policies_and_firewall_terms(schema):
    tree = load_set(
        schema,
        lines(
            "set security policies from-zone a to-zone b policy p1 then permit",
            "set security policies from-zone a to-zone b policy p2 then deny",
            "set firewall family inet filter F term t1 then accept",
            "set firewall family inet filter F term t2 then discard",
        ),
    )
    insert(tree, steps(schema, "security policies from-zone a to-zone b policy p2"), "before", ("p1",))
    insert(tree, steps(schema, "firewall family inet filter F term t1"), "after", ("t2",))
    assert list(set_lines(tree.root)) == [
        "set security policies from-zone a to-zone b policy p2 then deny",
        "set security policies from-zone a to-zone b policy p1 then permit",
        "set firewall family inet filter F term t2 then discard",
        "set firewall family inet filter F term t1 then accept",
    ]


def test_insert_and_rename_do_not_touch_frozen_trees(schema):
    tree = load_set(schema, POLICY)
    before = tree.freeze()
    text = curly_text(before)
    insert(tree, steps(schema, "policy-options policy-statement P term c"), "before", ("a",))
    rename(tree, steps(schema, "policy-options policy-statement P term a"), ("z",))
    copy_entry(tree, steps(schema, "policy-options policy-statement P term b"), ("b2",))
    assert curly_text(before) == text
    assert _terms(tree) == ["c", "z", "b", "b2"]
