"""Expanding groups keeps what it does not change as the same objects, so that what a commit did not
touch stays recognisable by identity in the expanded tree that features and checks receive."""

from __future__ import annotations

from pathlib import Path

import pytest

from nos.config import groups
from nos.config.groups import expand
from nos.config.render import RenderOptions, curly_lines
from nos.config.tree import ConfigTree, ListNode, Node

from .cfgutil import lines, load_set

RICH_SET = (Path(__file__).parent / "data" / "rich.set").read_text(encoding="utf-8")

GROUPED = RICH_SET + lines(
    "set groups EDGE interfaces <ge-*> unit 0 description edge",
    "set groups EDGE routing-options static route 203.0.113.0/24 discard",
    "set interfaces ge-0/0/5 apply-groups EDGE",
    "set groups LOOP interfaces lo0 unit 99 family inet address 10.255.255.99/32",
    "set interfaces apply-groups LOOP",
    "set interfaces ge-0/0/6 unit 0 family inet address 10.0.6.1/30",
    "deactivate interfaces ge-0/0/6",
    "set routing-instances R1 instance-type virtual-router",
    "set routing-instances R1 routing-options static route 0.0.0.0/0 next-hop 10.9.9.9",
)


def _shown(root: Node) -> list[str]:
    return curly_lines(root, RenderOptions(inheritance=True))


def test_expansion_is_what_it_was_with_every_node_new(schema, monkeypatch):
    """The same result, origins included, as expanding into new nodes throughout (as before)."""
    root = load_set(schema, GROUPED).freeze()
    kept = _shown(expand(root))
    monkeypatch.setattr(groups, "_same", lambda out, original: False)
    assert kept == _shown(expand(root))


def test_untouched_subtrees_are_the_configuration_s_own(schema):
    root = load_set(schema, GROUPED).freeze()
    out = expand(root)
    assert out is not root and "groups" not in out.children
    # No group reaches routing-instances or policy-options, nothing in them is inactive: the same objects.
    assert out.children["routing-instances"] is root.children["routing-instances"]
    assert out.children["policy-options"] is root.children["policy-options"]
    # interfaces is reached (groups, a deactivated port): a new node, its untouched entries shared.
    ifaces, mine = out.children["interfaces"], root.children["interfaces"]
    assert ifaces is not mine
    entries, own = ifaces.children["interface"], mine.children["interface"]
    assert isinstance(entries, ListNode) and isinstance(own, ListNode)
    assert entries.entries[("lo0",)] is not own.entries[("lo0",)]  # unit 99 from LOOP
    assert ("ge-0/0/6",) not in entries.entries
    assert entries.entries[("st0",)] is own.entries[("st0",)]  # no group reaches it


@pytest.mark.parametrize("text", [GROUPED, RICH_SET])
def test_the_groups_own_nodes_are_never_changed(schema, text):
    """Inherited copies are marked with their group; the group's statements themselves stay unmarked."""
    root = load_set(schema, text).freeze()
    before = _shown(root)
    expand(root)
    expand(root)
    assert _shown(root) == before
    group = root.children["groups"]
    assert isinstance(group, Node)
    stack: list[Node] = [group]
    while stack:
        node = stack.pop()
        assert node.origin is None
        for c in node.children.values():
            if isinstance(c, ListNode):
                stack.extend(c.entries.values())
            elif isinstance(c, Node):
                stack.append(c)
            else:
                assert c.origin is None


def test_a_commit_s_change_is_the_only_new_subtree(schema):
    """Two expansions of configurations one edit apart share everything the edit did not reach."""
    tree = load_set(schema, GROUPED)
    first = expand(tree.freeze())
    candidate = ConfigTree(schema.root, tree.root)
    candidate.freeze()
    load_set(schema, "set routing-instances R1 description changed\n", candidate)
    second = expand(candidate.root)
    assert second.children["policy-options"] is first.children["policy-options"]
    assert second.children["routing-instances"] is not first.children["routing-instances"]
