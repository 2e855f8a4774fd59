"""Configuration groups: `apply-groups` inheritance, expanded at commit.

The expanded tree is what daemons see: inherited statements merged in,
inactive statements left out, the `groups` stanza itself removed. Inherited
nodes carry `origin` (the group name) for `| display inheritance`.

Rules (semantics.md 7.7): explicit configuration wins over inherited; among
groups the first listed wins; leaf-lists are merged; `<*>`-style wildcard keys
apply to every matching entry that exists; `apply-groups-except` stops
inheritance of the named groups below its level.
"""

from __future__ import annotations

import fnmatch

from nos.config.path import entry_words
from nos.config.tree import Child, Leaf, ListNode, Node

GroupNode = tuple[str, Node]  # (group name, the group's node at the current path)


def expand(root: Node, scan: bool = True) -> Node:
    """The effective configuration of `root`. Returns `root` itself when nothing needs expanding.

    `scan=False` says the caller knows there is no inactive statement and no apply-groups.
    What expanding leaves as it was is the same object in the result (a subtree no group
    reaches and with nothing inactive), so features and checks still see by identity what a
    commit did not touch.
    """
    groups = _group_roots(root)
    if not groups and (not scan or not _needs_expansion(root)):
        return root
    holder = root
    if "groups" in root.children:  # the stanza itself is not part of the result: not expanded either
        holder = root.copy(0)
        del holder.children["groups"]
    out = _expand_node(holder, [], groups)
    out.children.pop("groups", None)  # inherited from a group that holds one (never `root`'s own: it has none)
    return out


def _group_roots(root: Node) -> dict[str, Node]:
    holder = root.children.get("groups")
    if not isinstance(holder, Node):
        return {}
    lst = holder.children.get("group")
    if not isinstance(lst, ListNode):
        return {}
    return {key[0]: entry for key, entry in lst.entries.items() if not entry.inactive}


def _needs_expansion(node: Node) -> bool:
    """True when the subtree holds an inactive statement or an apply-groups."""
    for child in node.children.values():
        if isinstance(child, Leaf):
            if child.inactive or child.schema.name == "apply-groups":
                return True
        elif isinstance(child, ListNode):
            for entry in child.entries.values():
                if entry.inactive or _needs_expansion(entry):
                    return True
        elif child.inactive or _needs_expansion(child):
            return True
    return False


def _applied(node: Node) -> tuple[list[str], set[str]]:
    leaf = node.children.get("apply-groups")
    names = list(leaf.value) if isinstance(leaf, Leaf) and not leaf.inactive and isinstance(leaf.value, tuple) else []
    exc = node.children.get("apply-groups-except")
    excluded = set(exc.value) if isinstance(exc, Leaf) and isinstance(exc.value, tuple) else set()
    return names, excluded


PathStep = tuple[str, tuple[str, ...] | None]  # (statement name, list key or None)


def _expand_node(
    node: Node, inherited: list[GroupNode], groups: dict[str, Node], path: tuple = (), keep: bool = True
) -> Node:
    """Expand one level: `inherited` are the group nodes that apply at this path, best first.

    `keep`: return `node` itself when its expansion is the same (never for a group's own nodes,
    which the caller marks with their origin)."""
    names, excluded = _applied(node)
    if excluded:
        inherited = [(g, n) for g, n in inherited if g not in excluded]
    if names:
        # Groups applied at this level contribute their subtree at this level's path.
        local = [(g, n) for g in names if g in groups for n in _follow(groups[g], path)]
        inherited = local + inherited
    out = Node(node.schema, 0)
    out.annotation = node.annotation
    out.origin = node.origin
    for name, child in node.children.items():
        if name in ("apply-groups", "apply-groups-except"):
            continue
        if isinstance(child, Leaf):
            if child.inactive:
                continue
            out.children[name] = _merge_leaf(child, inherited, name)
        elif isinstance(child, ListNode):
            lst = ListNode(child.schema, 0)
            for key, entry in child.entries.items():
                if entry.inactive:
                    continue
                below = _below_entry(inherited, name, key)
                lst.entries[key] = _expand_node(entry, below, groups, path + ((name, key),), keep)
            _inherit_entries(lst, inherited, name, groups, path)
            if keep and _same(lst.entries, child.entries):
                lst = child
            if lst.entries:
                out.children[name] = lst
        else:
            if child.inactive:
                continue
            below = _below_container(inherited, name)
            out.children[name] = _expand_node(child, below, groups, path + ((name, None),), keep)
    for group, gnode in inherited:
        for name, gchild in gnode.children.items():
            if name in out.children or name in ("apply-groups", "apply-groups-except") or _explicit(node, name):
                continue
            copied = _inherit_missing(name, gchild, group, inherited, groups, path)
            if copied is not None:
                out.children[name] = copied
    if keep and not node.inactive and _same(out.children, node.children):
        return node
    return out


def _same(out: dict, original: dict) -> bool:  # type: ignore[type-arg]
    """Did expanding keep every child (entry) of a node (list) as the very same object?"""
    return len(out) == len(original) and all(out.get(name) is c for name, c in original.items())


def _inherit_missing(
    name: str, gchild: Child, group: str, inherited: list[GroupNode], groups: dict[str, Node], path: tuple
) -> Child | None:
    """A statement only the groups configure. Every applied group contributes to it, not just the
    first that has it: `apply-groups [ G1 G2 ]` takes host-name from G1 and time-zone from G2 even
    when both sit under a `system` that exists only in the groups."""
    if isinstance(gchild, Leaf):
        if gchild.inactive:
            return None
        return _merge_leaf(gchild.replace(origin=group), inherited, name)
    if isinstance(gchild, ListNode):
        lst = ListNode(gchild.schema, 0)
        _inherit_entries(lst, inherited, name, groups, path)
        return lst if lst.entries else None
    below = _below_container(inherited, name)
    if not below:
        return None
    out = _expand_node(Node(gchild.schema, 0), below, groups, path + ((name, None),), keep=False)
    out.origin = below[0][0]
    return out


def _explicit(node: Node, name: str) -> bool:
    """Is `name` configured at this level (and active)? An inactive statement lets the groups' value through."""
    child = node.children.get(name)
    if child is None:
        return False
    if isinstance(child, ListNode):
        return True
    return not child.inactive


def undefined_groups(root: Node) -> list[tuple[list[str], str]]:
    """apply-groups naming a group that does not exist: (path words, group name) pairs."""
    groups = _group_roots(root)
    missing: list[tuple[list[str], str]] = []

    def visit(node: Node, path: list[str]) -> None:
        for name in ("apply-groups", "apply-groups-except"):
            leaf = node.children.get(name)
            if isinstance(leaf, Leaf) and isinstance(leaf.value, tuple) and not leaf.inactive:
                missing.extend((path, g) for g in leaf.value if g not in groups)
        for child in node.children.values():
            if isinstance(child, ListNode):
                for key, entry in child.entries.items():
                    if child.schema.defines is None or child.schema.defines[0] != "group":
                        visit(entry, path + entry_words(child.schema, key))
            elif isinstance(child, Node):
                visit(child, path + [child.schema.name])

    visit(root, [])
    return missing


def _follow(group_root: Node, path: tuple) -> list[Node]:
    """The nodes of a group's tree at `path`, matching list keys exactly or by wildcard."""
    nodes = [group_root]
    for name, key in path:
        nxt: list[Node] = []
        for n in nodes:
            c = n.children.get(name)
            if key is None and isinstance(c, Node) and not c.inactive:
                nxt.append(c)
            elif key is not None and isinstance(c, ListNode):
                nxt.extend(e for k, e in c.entries.items() if not e.inactive and _key_matches(k, key))
        nodes = nxt
    return nodes


def _below_container(inherited: list[GroupNode], name: str) -> list[GroupNode]:
    out = []
    for g, n in inherited:
        c = n.children.get(name)
        if isinstance(c, Node) and not c.inactive:
            out.append((g, c))
    return out


def _key_matches(pattern: tuple[str, ...], key: tuple[str, ...]) -> bool:
    if pattern == key:
        return True
    if len(pattern) != len(key):
        return False
    for p, k in zip(pattern, key, strict=True):
        if p.startswith("<") and p.endswith(">"):
            if not fnmatch.fnmatchcase(k, p[1:-1]):
                return False
        elif p != k:
            return False
    return True


def _below_entry(inherited: list[GroupNode], name: str, key: tuple[str, ...]) -> list[GroupNode]:
    """Group entries that apply to entry `key`: the exact key first, then wildcards (most specific first)."""
    out: list[GroupNode] = []
    for g, n in inherited:
        lst = n.children.get(name)
        if not isinstance(lst, ListNode):
            continue
        exact = lst.entries.get(key)
        if exact is not None and not exact.inactive:
            out.append((g, exact))
        wild = [
            (pattern, e)
            for pattern, e in lst.entries.items()
            if pattern != key and not e.inactive and _key_matches(pattern, key)
        ]
        wild.sort(key=lambda item: -sum(len(p) for p in item[0]))
        out.extend((g, e) for _, e in wild)
    return out


def _inherit_entries(
    lst: ListNode, inherited: list[GroupNode], name: str, groups: dict[str, Node], path: tuple
) -> None:
    """Entries that exist only in groups (with literal keys) are added, in group order."""
    for group, gnode in inherited:
        glist = gnode.children.get(name)
        if not isinstance(glist, ListNode):
            continue
        for key, entry in glist.entries.items():
            if key in lst.entries or entry.inactive or any(k.startswith("<") for k in key):
                continue
            below = _below_entry(inherited, name, key)
            rest = [(g, n) for g, n in below if n is not entry]
            expanded = _expand_node(entry, rest, groups, path + ((name, key),), keep=False)
            lst.entries[key] = _mark_origin(expanded, group)


def _merge_leaf(leaf: Leaf, inherited: list[GroupNode], name: str) -> Leaf:
    if not isinstance(leaf.value, tuple):
        return leaf
    values = list(leaf.value)
    for _, gnode in inherited:
        g = gnode.children.get(name)
        if isinstance(g, Leaf) and isinstance(g.value, tuple) and not g.inactive:
            values.extend(v for v in g.value if v not in values)
    if len(values) == len(leaf.value):
        return leaf
    return leaf.replace(value=tuple(values))


def _mark_origin(node: Node, group: str) -> Node:
    node.origin = group
    for name, c in list(node.children.items()):
        if isinstance(c, Leaf) and c.origin is None:
            node.children[name] = c.replace(origin=group)
        elif isinstance(c, Node) and c.origin is None:
            _mark_origin(c, group)
        elif isinstance(c, ListNode):
            for e in c.entries.values():
                if e.origin is None:
                    _mark_origin(e, group)
    return node


__all__ = ["expand", "undefined_groups"]
