"""Changes to a candidate tree: set, delete, (de)activate, annotate, rename, copy, insert.

Every operation takes the full path from the root as walker steps. Operations
check first and change second, so a refused edit leaves the tree untouched.
"""

from __future__ import annotations

from nos.config.path import PathError, Step, walk
from nos.config.tree import ConfigTree, Leaf, ListNode, Node, deep_copy
from nos.schema.model import CONTAINER, LEAF, LEAF_LIST, LIST


class EditError(Exception):
    """An edit Junos refuses; the message is what the CLI prints."""


Target = Node | ListNode | Leaf


def find(root: Node, steps: list[Step]) -> Target | None:
    """The object a path names, or None when any part of it is absent."""
    node: Target = root
    for step in steps:
        if not isinstance(node, Node):
            return None
        s = step.schema
        child = node.children.get(s.name)
        if child is None:
            return None
        if s.kind == LIST:
            assert isinstance(child, ListNode)
            if step.key is None:
                return child
            entry = child.entries.get(step.key)
            if entry is None:
                return None
            node = entry
        elif s.kind == CONTAINER:
            node = child
        else:
            if not _leaf_matches(child, step):
                return None
            return child
    return node


def _leaf_matches(leaf: Target, step: Step) -> bool:
    """A leaf step with a value names the leaf only when the value is present."""
    if not isinstance(leaf, Leaf) or step.value is None or step.value == "":
        return isinstance(leaf, Leaf)
    if isinstance(leaf.value, tuple):
        values = step.value if isinstance(step.value, tuple) else (step.value,)
        present = set(leaf.value)
        return all(v in present for v in values)
    return leaf.value == step.value


def _descend(tree: ConfigTree, steps: list[Step]) -> tuple[Node, list[tuple[Node, Step]]]:
    """Own every node along the container/entry steps; return the last one and the trail."""
    node = tree.owned_root()
    trail: list[tuple[Node, Step]] = []
    for step in steps:
        s = step.schema
        if s.kind == CONTAINER:
            _clear_rivals(node, s.name)
            trail.append((node, step))
            child = tree.owned_child(node, s.name, s)
            assert isinstance(child, Node)
            node = child
        elif s.kind == LIST:
            assert step.key is not None
            _clear_rivals(node, s.name)
            trail.append((node, step))
            lst = tree.owned_child(node, s.name, s)
            assert isinstance(lst, ListNode)
            node = tree.owned_entry(lst, step.key)
    return node, trail


def _clear_rivals(node: Node, name: str) -> None:
    rivals = node.schema.exclusive.get(name)
    if rivals:
        for rival in rivals:
            node.children.pop(rival, None)


def set_path(tree: ConfigTree, steps: list[Step]) -> Node:
    """`set`: create what the path names; leaves take their new value. Returns the deepest level."""
    _check_limits(tree.root, steps)
    return apply_steps(tree, tree.owned_root(), steps)


def _check_limits(root: Node, steps: list[Step]) -> None:
    """Refuse a `set` that would pass a `max` before anything is created (check first, change second)."""
    for k, step in enumerate(steps):
        s = step.schema
        if s.max is None:
            continue
        present = find(root, [p for p in steps[:k] if p.descends]) if k else root
        holder = present.children.get(s.name) if isinstance(present, Node) else None
        if s.kind == LEAF_LIST and isinstance(step.value, tuple):
            old = holder.value if isinstance(holder, Leaf) and isinstance(holder.value, tuple) else ()
            known = set(old)
            count = len(old) + sum(1 for v in dict.fromkeys(step.value) if v not in known)
        elif s.kind == LIST and step.key is not None:
            entries = holder.entries if isinstance(holder, ListNode) else {}
            count = len(entries) + (step.key not in entries)
        else:
            continue
        if count > s.max:
            raise EditError(f"number of elements exceeds the limit ({s.max})")


def apply_steps(tree: ConfigTree, node: Node, steps: list[Step], trail: list[Node] | None = None) -> Node:
    """Apply `set` steps below an owned node; return the last container or entry reached.

    With `trail`, the level reached after each step is appended to it (the set
    parser remembers them to start the next line from a shared prefix).
    """
    gen = tree.gen
    for step in steps:
        s = step.schema
        kind = s.kind
        if kind == CONTAINER:
            if s.name in node.schema.exclusive:
                _clear_rivals(node, s.name)
            child = node.children.get(s.name)
            if child is None or child.gen != gen:  # type: ignore[union-attr]
                child = tree.owned_child(node, s.name, s)
            node = child  # type: ignore[assignment]
        elif kind == LIST:
            if step.key is None:
                raise EditError("missing argument")
            if s.name in node.schema.exclusive:
                _clear_rivals(node, s.name)
            lst = node.children.get(s.name)
            if lst is None or lst.gen != gen:  # type: ignore[union-attr]
                lst = tree.owned_child(node, s.name, s)
            assert isinstance(lst, ListNode)
            if s.max is not None and step.key not in lst.entries and len(lst.entries) >= s.max:
                raise EditError(f"number of elements exceeds the limit ({s.max})")
            entry = lst.entries.get(step.key)
            node = entry if entry is not None and entry.gen == gen else tree.owned_entry(lst, step.key)
        elif kind == LEAF:
            if s.name in node.schema.exclusive:
                _clear_rivals(node, s.name)
            old = node.children.get(s.name)
            value = step.value if step.value is not None else ""
            if not isinstance(old, Leaf):
                node.children[s.name] = Leaf(s, value)
            elif old.value != value:
                node.children[s.name] = old.replace(value=value)
        else:  # LEAF_LIST: values are added to those present
            assert isinstance(step.value, tuple)
            if s.name in node.schema.exclusive:
                _clear_rivals(node, s.name)
            old = node.children.get(s.name)
            if isinstance(old, Leaf):
                assert isinstance(old.value, tuple)
                present = set(old.value)  # a set: a long list of values must not cost its square
                merged = old.value + tuple(v for v in step.value if v not in present)
            else:
                merged = tuple(dict.fromkeys(step.value))
            if s.max is not None and len(merged) > s.max:
                raise EditError(f"number of elements exceeds the limit ({s.max})")
            if not isinstance(old, Leaf):
                node.children[s.name] = Leaf(s, merged)
            elif merged != old.value:
                node.children[s.name] = old.replace(value=merged)
        if trail is not None:
            trail.append(node)
    return node


def delete_path(tree: ConfigTree, steps: list[Step]) -> bool:
    """`delete`: remove what the path names. Returns False when it was not there."""
    if not steps:
        tree.owned_root().children.clear()
        return True
    if find(tree.root, steps) is None:
        return False
    *parents, last = steps
    node, trail = _descend(tree, parents)
    s = last.schema
    if s.kind == LIST and last.key is not None:
        lst = tree.owned_child(node, s.name, s)
        assert isinstance(lst, ListNode)
        del lst.entries[last.key]
        if not lst.entries:
            del node.children[s.name]
    elif s.kind == LEAF_LIST and last.value:
        leaf = node.children[s.name]
        assert isinstance(leaf, Leaf) and isinstance(leaf.value, tuple)
        values = set(last.value) if isinstance(last.value, tuple) else {last.value}
        left = tuple(v for v in leaf.value if v not in values)
        if left:
            node.children[s.name] = leaf.replace(value=left)
        else:
            del node.children[s.name]
    else:
        del node.children[s.name]
    _prune(trail, node)
    return True


def _prune(trail: list[tuple[Node, Step]], node: Node) -> None:
    """Drop containers the deletion left empty (list entries and presence containers stay)."""
    for parent, step in reversed(trail):
        s = step.schema
        if s.kind != CONTAINER or s.presence or node.children or node.annotation or node.inactive:
            return
        del parent.children[s.name]
        node = parent


def set_flag(tree: ConfigTree, steps: list[Step], *, inactive: bool | None = None, annotation: object = ...) -> bool:
    """Mark the statement a path names inactive/active or attach a comment. False when absent."""
    target = find(tree.root, steps)
    if target is None or isinstance(target, ListNode) or not steps:
        return False
    *parents, last = steps
    node, _ = _descend(tree, parents)
    s = last.schema
    if s.kind in (LEAF, LEAF_LIST):
        leaf = node.children[s.name]
        assert isinstance(leaf, Leaf)
        changes: dict[str, object] = {}
        if inactive is not None:
            changes["inactive"] = inactive
        if annotation is not ...:
            changes["annotation"] = annotation
        node.children[s.name] = leaf.replace(**changes)
        return True
    if s.kind == LIST:
        lst = tree.owned_child(node, s.name, s)
        assert isinstance(lst, ListNode) and last.key is not None
        obj = tree.owned_entry(lst, last.key)
    else:
        obj = tree.owned_child(node, s.name, s)  # type: ignore[assignment]
    assert isinstance(obj, Node)
    if inactive is not None:
        obj.inactive = inactive
    if annotation is not ...:
        obj.annotation = annotation  # type: ignore[assignment]
    return True


def _entry_list(tree: ConfigTree, steps: list[Step]) -> tuple[ListNode, tuple[str, ...]]:
    """Own the list holding the entry that `steps` ends with."""
    *parents, last = steps
    if last.schema.kind != LIST or last.key is None:
        raise EditError("syntax error")
    if find(tree.root, steps) is None:
        raise EditError("statement not found")
    node, _ = _descend(tree, parents)
    lst = tree.owned_child(node, last.schema.name, last.schema)
    assert isinstance(lst, ListNode)
    return lst, last.key


def rename(tree: ConfigTree, steps: list[Step], new_key: tuple[str, ...]) -> None:
    """Give a list entry a new key, keeping its place and contents."""
    lst, key = _entry_list(tree, steps)
    if new_key in lst.entries:
        raise EditError("statement already exists")
    lst.entries = {(new_key if k == key else k): v for k, v in lst.entries.items()}


def rename_leaf(tree: ConfigTree, steps: list[Step], new_value: str) -> None:
    """Rename a value of a leaf or leaf-list (`rename ... import-rib a.inet.0 to import-rib b.inet.0`)."""
    target = find(tree.root, steps)
    last = steps[-1]
    if not isinstance(target, Leaf) or last.value in (None, ""):
        raise EditError("statement not found")
    *parents, _ = steps
    node, _ = _descend(tree, parents)
    if isinstance(target.value, tuple):
        old = last.value[0] if isinstance(last.value, tuple) else last.value
        values = tuple(new_value if v == old else v for v in target.value)
        node.children[last.schema.name] = target.replace(value=values)
    else:
        node.children[last.schema.name] = target.replace(value=new_value)


def copy_entry(tree: ConfigTree, steps: list[Step], new_key: tuple[str, ...]) -> None:
    """Duplicate a list entry under a new key (placed last)."""
    lst, key = _entry_list(tree, steps)
    if new_key in lst.entries:
        raise EditError("statement already exists")
    lst.entries[new_key] = deep_copy(lst.entries[key], tree.gen)


def insert(tree: ConfigTree, steps: list[Step], where: str, ref_key: tuple[str, ...]) -> None:
    """Move a list entry before or after another entry of the same list."""
    lst, key = _entry_list(tree, steps)
    if ref_key not in lst.entries:
        raise EditError("statement not found")
    if key == ref_key:
        return
    moving = lst.entries[key]
    items = [(k, v) for k, v in lst.entries.items() if k != key]
    at = next(i for i, (k, _) in enumerate(items) if k == ref_key)
    items.insert(at if where == "before" else at + 1, (key, moving))
    lst.entries = dict(items)


# -- commands given as words (shared by the CLI and `load set`) -------------------------------------


def level_schema(tree: ConfigTree, level: list[Step]):  # type: ignore[no-untyped-def]
    return level[-1].schema if level else tree.schema_root


def annotate_words(tree: ConfigTree, level: list[Step], words: list[str], abbreviate: bool = False) -> bool:
    """`annotate <statement> "comment"` at `level`; False when the statement is absent."""
    if len(words) < 2:
        raise PathError(len(words), "missing argument")
    steps = walk(level_schema(tree, level), words[:-1], values=False, abbreviate=abbreviate)
    return set_flag(tree, level + steps, annotation=words[-1] or None)


def _split(words: list[str], keywords: tuple[str, ...]) -> int:
    """Index of the word that separates `<path> to <name>` / `<path> before <other>`."""
    for i, w in enumerate(words):
        if w in keywords and i > 0:
            if i + 1 >= len(words):
                raise PathError(i + 1, "missing argument")
            return i
    raise PathError(len(words), "missing argument")


def _sibling_key(start, lst, words: list[str], offset: int, abbreviate: bool) -> tuple[str, ...]:  # type: ignore[no-untyped-def]
    """Read `words` as another entry of list `lst` (the list keyword may be left out)."""
    for attempt in (words, [lst.name, *words]):
        try:
            other = walk(start, attempt, values=False, abbreviate=abbreviate)
        except PathError:
            continue
        if len(other) == 1 and other[0].schema is lst and other[0].key is not None:
            return other[0].key
    raise PathError(offset, "syntax error")


def rename_words(
    tree: ConfigTree, level: list[Step], words: list[str], *, copy: bool = False, abbreviate: bool = False
) -> None:
    """`rename <path> to <new>` / `copy <path> to <new>` at `level`."""
    i = _split(words, ("to",))
    start = level_schema(tree, level)
    steps = walk(start, words[:i], values=False, abbreviate=abbreviate)
    last = steps[-1]
    full = level + steps
    if last.schema.kind == LIST and last.key is not None:
        parent = next((s.schema for s in reversed(steps[:-1]) if s.descends), start)
        new_key = _sibling_key(parent, last.schema, words[i + 1 :], i + 1, abbreviate)
        (copy_entry if copy else rename)(tree, full, new_key)
    elif copy:
        raise EditError("copy is not supported for this statement")
    else:
        rename_leaf(tree, full, words[-1])


def insert_words(tree: ConfigTree, level: list[Step], words: list[str], abbreviate: bool = False) -> None:
    """`insert <entry> before|after <other entry>` at `level` (ordered lists)."""
    i = _split(words, ("before", "after"))
    start = level_schema(tree, level)
    steps = walk(start, words[:i], values=False, abbreviate=abbreviate)
    last = steps[-1]
    if last.schema.kind != LIST or last.key is None or not last.schema.ordered:
        raise EditError("statement is not an ordered list")
    parent = next((s.schema for s in reversed(steps[:-1]) if s.descends), start)
    ref = _sibling_key(parent, last.schema, words[i + 1 :], i + 1, abbreviate)
    insert(tree, level + steps, words[i], ref)


__all__ = [
    "EditError",
    "annotate_words",
    "apply_steps",
    "copy_entry",
    "delete_path",
    "find",
    "insert",
    "insert_words",
    "rename",
    "rename_leaf",
    "rename_words",
    "set_flag",
    "set_path",
]
