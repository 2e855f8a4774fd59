"""The configuration tree: ordered nodes that follow the schema.

Trees are shared between the active configuration, the rollbacks and each
candidate, so they are copy-on-write: every `Node` and `ListNode` carries the
generation of the `ConfigTree` that may change it in place. A commit freezes
the candidate by moving it to a new generation; later edits copy only the nodes
on the path they touch. Unchanged subtrees stay the same objects, which lets the
diff and the features' `apply(old, new)` skip them with an `is` test.
"""

from __future__ import annotations

import gc
import itertools
import operator
from collections.abc import Iterator
from contextlib import contextmanager

from nos.schema.model import CONTAINER, LEAF, LEAF_LIST, LIST, SchemaNode

_generations = itertools.count(1)

Key = tuple[str, ...]


class Leaf:
    """A leaf (value is a str, "" for a flag) or a leaf-list (value is a tuple of str). Immutable."""

    __slots__ = ("annotation", "inactive", "origin", "schema", "value")

    def __init__(
        self,
        schema: SchemaNode,
        value: str | tuple[str, ...],
        inactive: bool = False,
        annotation: str | None = None,
        origin: str | None = None,
    ):
        self.schema = schema
        self.value = value
        self.inactive = inactive
        self.annotation = annotation
        self.origin = origin  # group the statement was inherited from (expanded trees only)

    def replace(self, **changes: object) -> Leaf:
        leaf = Leaf(self.schema, self.value, self.inactive, self.annotation, self.origin)
        for name, value in changes.items():
            setattr(leaf, name, value)
        return leaf

    def same(self, other: object) -> bool:
        return (
            isinstance(other, Leaf)
            and self.value == other.value
            and self.inactive == other.inactive
            and self.annotation == other.annotation
        )


class Node:
    """A container, or one entry of a list. `children` maps statement names to Node, ListNode or Leaf."""

    __slots__ = ("annotation", "children", "gen", "inactive", "origin", "schema")

    def __init__(self, schema: SchemaNode, gen: int = 0):
        self.schema = schema
        self.children: dict[str, Node | ListNode | Leaf] = {}
        self.inactive = False
        self.annotation: str | None = None
        self.origin: str | None = None
        self.gen = gen

    def copy(self, gen: int) -> Node:
        node = Node(self.schema, gen)
        node.children = dict(self.children)
        node.inactive = self.inactive
        node.annotation = self.annotation
        node.origin = self.origin
        return node

    def ordered_children(self) -> list[Node | ListNode | Leaf]:
        """Children in display order: the schema's declaration order."""
        kids = list(self.children.values())
        if len(kids) > 1:
            kids.sort(key=_schema_index)
        return kids

    def is_empty(self) -> bool:
        return not self.children


class ListNode:
    """The entries of one list, in insertion (user) order."""

    __slots__ = ("entries", "gen", "schema")

    def __init__(self, schema: SchemaNode, gen: int = 0):
        self.schema = schema
        self.entries: dict[Key, Node] = {}
        self.gen = gen

    def copy(self, gen: int) -> ListNode:
        node = ListNode(self.schema, gen)
        node.entries = dict(self.entries)
        return node


Child = Node | ListNode | Leaf


_schema_index = operator.attrgetter("schema.index")  # C-level key for sorting children


def new_generation() -> int:
    return next(_generations)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector around bulk work.

    Loading or committing a large configuration allocates hundreds of thousands of
    small objects, none of them cyclic garbage; the collector's repeated scans
    would otherwise cost about a third of the time.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        # What a bulk load built is long-lived and free of cycles: move it out of the
        # collector's sight, or the first collection after re-enabling would scan it all.
        gc.freeze()
        if enabled:
            gc.enable()


class ConfigTree:
    """A configuration that can be edited; `freeze()` makes its current root safe to share."""

    def __init__(self, schema_root: SchemaNode, root: Node | None = None):
        self.gen = new_generation()
        self.schema_root = schema_root
        self.root = root if root is not None else Node(schema_root, self.gen)

    def freeze(self) -> Node:
        """Return the root and stop changing it in place; later edits copy what they touch."""
        self.gen = new_generation()
        return self.root

    def own(self, node: Node) -> Node:
        return node if node.gen == self.gen else node.copy(self.gen)

    def owned_root(self) -> Node:
        self.root = self.own(self.root)
        return self.root

    def owned_child(self, parent: Node, name: str, schema: SchemaNode) -> Node | ListNode:
        """The child `name` of an owned parent, created or copied so it can be changed."""
        child = parent.children.get(name)
        if child is None:
            new: Node | ListNode = ListNode(schema, self.gen) if schema.kind == LIST else Node(schema, self.gen)
            parent.children[name] = new
            return new
        assert not isinstance(child, Leaf)
        if child.gen != self.gen:
            child = child.copy(self.gen)
            parent.children[name] = child
        return child

    def owned_entry(self, lst: ListNode, key: Key) -> Node:
        entry = lst.entries.get(key)
        if entry is None:
            entry = Node(lst.schema, self.gen)
            lst.entries[key] = entry
        elif entry.gen != self.gen:
            entry = entry.copy(self.gen)
            lst.entries[key] = entry
        return entry


def deep_copy(node: Node, gen: int) -> Node:
    """An independent copy of a subtree, owned by generation `gen`."""
    out = node.copy(gen)
    for name, child in node.children.items():
        if isinstance(child, Node):
            out.children[name] = deep_copy(child, gen)
        elif isinstance(child, ListNode):
            lst = ListNode(child.schema, gen)
            lst.entries = {k: deep_copy(e, gen) for k, e in child.entries.items()}
            out.children[name] = lst
    return out


def trees_equal(a: Child | None, b: Child | None) -> bool:
    """Same configuration (values, order, flags)? Shared subtrees are equal without a look."""
    if a is b:
        return True
    if a is None or b is None or type(a) is not type(b) or a.schema is not b.schema:
        return False
    if isinstance(a, Leaf):
        return a.same(b)
    if isinstance(a, ListNode):
        assert isinstance(b, ListNode)
        if list(a.entries) != list(b.entries):
            return False
        return all(trees_equal(e, b.entries[k]) for k, e in a.entries.items())
    assert isinstance(b, Node)
    if a.inactive != b.inactive or a.annotation != b.annotation or a.children.keys() != b.children.keys():
        return False
    return all(trees_equal(c, b.children[name]) for name, c in a.children.items())


class MergeConflict(Exception):
    """Both sides changed the same statement differently (configure private)."""

    def __init__(self, path: list[str]):
        super().__init__(" ".join(path))
        self.path = path


def merge3(base: Node, mine: Node, theirs: Node, path: tuple[str, ...] = ()) -> Node:
    """Three-way merge of configuration trees: my changes since `base` applied on `theirs`.

    Identity tells what changed: a child that is still the base's object was not
    touched on that side. The result shares unchanged subtrees with its inputs.
    """
    if mine is base or trees_equal(mine, base):
        return theirs
    if theirs is base or trees_equal(theirs, base):
        return mine
    if mine.inactive != theirs.inactive and mine.inactive != base.inactive and theirs.inactive != base.inactive:
        raise MergeConflict(list(path))
    out = Node(theirs.schema, new_generation())
    out.inactive = mine.inactive if mine.inactive != base.inactive else theirs.inactive
    out.annotation = mine.annotation if mine.annotation != base.annotation else theirs.annotation
    names = list(dict.fromkeys(list(theirs.children) + list(mine.children)))
    for name in names:
        b, m, t = base.children.get(name), mine.children.get(name), theirs.children.get(name)
        merged = _merge_child(b, m, t, path + (name,))
        if merged is not None:
            out.children[name] = merged
    return out


def _merge_child(b: Child | None, m: Child | None, t: Child | None, path: tuple[str, ...]) -> Child | None:
    if trees_equal(m, b):
        return t
    if trees_equal(t, b) or trees_equal(m, t):
        return m
    if isinstance(m, Node) and isinstance(t, Node):
        return merge3(b if isinstance(b, Node) else Node(m.schema), m, t, path)
    if isinstance(m, ListNode) and isinstance(t, ListNode):
        base_entries = b.entries if isinstance(b, ListNode) else {}
        out = ListNode(t.schema, new_generation())
        keys = list(dict.fromkeys(list(t.entries) + list(m.entries)))
        for key in keys:
            e = _merge_child(base_entries.get(key), m.entries.get(key), t.entries.get(key), path + key)
            if e is not None:
                assert isinstance(e, Node)
                out.entries[key] = e
        return out if out.entries else None
    raise MergeConflict(list(path))


def walk_leaves(node: Node, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Leaf]]:
    """Every leaf under `node` with its path words (used by tests and small tools)."""
    for child in node.ordered_children():
        if isinstance(child, Leaf):
            yield path + (child.schema.name,), child
        elif isinstance(child, ListNode):
            for key, entry in child.entries.items():
                yield from walk_leaves(entry, path + (child.schema.name,) + key)
        else:
            yield from walk_leaves(child, path + (child.schema.name,))


def count_nodes(node: Node) -> int:
    n = 1
    for child in node.children.values():
        if isinstance(child, Leaf):
            n += 1
        elif isinstance(child, ListNode):
            n += sum(count_nodes(e) for e in child.entries.values())
        else:
            n += count_nodes(child)
    return n


__all__ = [
    "CONTAINER",
    "LEAF",
    "LEAF_LIST",
    "LIST",
    "ConfigTree",
    "Key",
    "Leaf",
    "ListNode",
    "MergeConflict",
    "Node",
    "count_nodes",
    "deep_copy",
    "gc_paused",
    "merge3",
    "new_generation",
    "trees_equal",
    "walk_leaves",
]
