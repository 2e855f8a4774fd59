"""Commit checks that follow from the schema alone: references, mandatory statements, uniqueness.

Runs on the expanded configuration (groups applied, inactive statements gone),
as Junos daemons see it. Each problem is reported in Junos form:

    [edit routing-instances PROD routing-options]
      'instance-import'
        Referenced policy 'X' is not defined
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import compress
from operator import is_, is_not

from nos.config.path import entry_words, quote
from nos.config.tree import Leaf, ListNode, Node
from nos.schema.model import Schema, SchemaNode


@dataclass
class CheckError:
    path: list[str]  # words of the [edit ...] header
    statement: str
    message: str
    mandatory: bool = False

    def lines(self) -> list[str]:
        header = "[edit" + ("" if not self.path else " " + " ".join(quote(w) for w in self.path)) + "]"
        if not self.statement:  # a problem of the statement at the path itself (Junos names none)
            return [header, f"    {self.message}"]
        return [header, f"  '{self.statement}'", f"    {self.message}"]


class _Checker:
    def __init__(self, schema: Schema):
        self.schema = schema
        self.defined: dict[str, set[str]] = {name: set(ns.builtin) for name, ns in schema.namespaces.items()}
        # Errors met so far, and references (namespace, value, path, statement) to resolve at the end.
        self.errors: list = []
        self.seen: dict[str, dict[str, list[str]]] = {}  # unique name -> value -> first path
        self.keys: dict[str, str] = {}  # list name -> key of the entry being visited
        self.ordered = False  # visit in display order (to report errors in the order Junos shows)

    def visit(self, node: Node, path: list[str], own: int = 0) -> None:
        """Check `node` found at `path`; its own statement is the last `own` words of the path."""
        schema = node.schema
        for name in schema.mandatory_children:
            if name not in node.children:
                self.errors.append(
                    CheckError(
                        path[: len(path) - own],
                        " ".join(path[len(path) - own :]),
                        f"Missing mandatory statement: '{name}'",
                        mandatory=True,
                    )
                )
        for child in node.ordered_children() if self.ordered else node.children.values():
            s = child.schema
            if not _checked(s):
                continue
            if isinstance(child, Leaf):
                if s.ref is not None or s.unique is not None:
                    values = child.value if isinstance(child.value, tuple) else (child.value,)
                    for v in values:
                        if s.ref is not None:
                            self.errors.append((s.ref, v, path, s.name if not s.keyless else v))
                        if s.unique is not None:
                            self.note_unique(s, v, path, f"{s.name} {v}")
            elif isinstance(child, ListNode):
                outer = self.keys.get(s.name)  # a nested list may share the name of an outer one
                key_refs = [(spec.ref, i) for i, spec in enumerate(s.keys) if spec.ref is not None]
                for key, entry in child.entries.items():
                    words = entry_words(s, key)
                    self.keys[s.name] = key[0]
                    if s.defines is not None:
                        ns, template = s.defines
                        self.defined[ns].add(template.format(**self.keys) if template else key[0])
                    if s.ref is not None or key_refs or s.unique is not None:
                        statement = " ".join(quote(w) for w in words)
                        if s.ref is not None:
                            self.errors.append((s.ref, key[0], path, statement))
                        for ns, i in key_refs:
                            self.errors.append((ns, key[i], path, statement))
                        if s.unique is not None:
                            self.note_unique(s, key[0], path, statement)
                    self.visit(entry, path + words, len(words))
                if outer is None:
                    self.keys.pop(s.name, None)
                else:
                    self.keys[s.name] = outer
            else:
                self.visit(child, path + [s.name], 1)

    def note_unique(self, s: SchemaNode, value: str, path: list[str], statement: str) -> None:
        assert s.unique is not None
        seen = self.seen.setdefault(s.unique, {})
        first = seen.get(value)
        if first is None:
            seen[value] = path
        elif first != path:
            where = "[edit " + " ".join(quote(w) for w in first) + "]"
            self.errors.append(CheckError(path, statement, f"'{value}' is already used at {where}"))

    def resolve(self) -> None:
        """Turn recorded references into errors, keeping the order they were met in."""
        out: list[CheckError] = []
        for item in self.errors:
            if isinstance(item, CheckError):
                out.append(item)
                continue
            ns, value, path, statement = item
            if value not in self.defined.get(ns, ()) and not value.startswith("<"):
                noun = self.schema.namespaces[ns].noun
                out.append(CheckError(path, statement, f"Referenced {noun} '{value}' is not defined"))
        self.errors = out


_CHECKED: dict[SchemaNode, bool] = {}


def _checked(schema: SchemaNode) -> bool:
    """Does anything under this schema node carry a check (reference, definition, mandatory, unique)?

    Answers are kept per schema node, so a commit only walks the parts of the
    configuration where a check can fire.
    """
    known = _CHECKED.get(schema)
    if known is not None:
        return known
    _CHECKED[schema] = False  # cycles (groups hold the whole hierarchy) count as nothing new
    result = bool(
        schema.ref
        or schema.unique
        or schema.defines
        or schema.mandatory_children
        or any(k.ref for k in schema.keys)
        or any(_checked(c) for c in schema.children.values())
    )
    _CHECKED[schema] = result
    return result


_KEY_FACTS: dict[SchemaNode, bool] = {}


def _key_facts(schema: SchemaNode) -> bool:
    """Do a list's keys carry a check (a definition, a reference, a unique value)? (cached)"""
    known = _KEY_FACTS.get(schema)
    if known is None:
        known = _KEY_FACTS[schema] = bool(
            schema.defines or schema.ref or schema.unique or any(k.ref for k in schema.keys)
        )
    return known


_DEFINES: dict[SchemaNode, frozenset[str]] = {}


def _defines_below(schema: SchemaNode) -> frozenset[str]:
    """The namespaces whose names are defined somewhere under this schema node (cached)."""
    known = _DEFINES.get(schema)
    if known is not None:
        return known
    _DEFINES[schema] = frozenset()
    found = {schema.defines[0]} if schema.defines else set()
    for child in schema.children.values():
        found |= _defines_below(child)
    result = frozenset(found)
    _DEFINES[schema] = result
    return result


def defined_names(root: Node, namespace: str) -> set[str]:
    """Every name a configuration defines in `namespace` (for completion after a reference)."""
    out: set[str] = set()
    keys: dict[str, str] = {}

    def visit(node: Node) -> None:
        for child in node.children.values():
            s = child.schema
            if namespace not in _defines_below(s):
                continue
            if isinstance(child, ListNode):
                outer = keys.get(s.name)
                for key, entry in child.entries.items():
                    keys[s.name] = key[0]
                    if s.defines is not None and s.defines[0] == namespace:
                        template = s.defines[1]
                        out.add(template.format(**keys) if template else key[0])
                    visit(entry)
                if outer is None:
                    keys.pop(s.name, None)
                else:
                    keys[s.name] = outer
            elif isinstance(child, Node):
                visit(child)

    visit(root)
    return out


def check_config(root: Node, schema: Schema) -> list[CheckError]:
    """Every schema-level problem of an expanded configuration, in display order."""
    checker = _Checker(schema)
    checker.visit(root, [])
    checker.resolve()
    if not checker.errors:
        return []
    return _listed(root, schema)


def _listed(root: Node, schema: Schema) -> list[CheckError]:
    """The errors of a configuration known to have some, in the order Junos lists them."""
    # Errors are rare: walk in display order (sorting every level costs time) only to list them.
    checker = _Checker(schema)
    checker.ordered = True
    checker.visit(root, [])
    checker.resolve()
    return checker.errors


# -- checking one configuration after another -------------------------------------------------------

Key = tuple[str, str]  # (namespace, name) of references and definitions; (unique, value) of unique values


class _Facts:
    """What the checks of a whole configuration rest on, as counts: missing mandatory statements,
    references and definitions by (namespace, name), and the paths each unique value is used at.

    Whether a configuration passes is a function of these counts alone (the order statements
    come in only decides the order errors are listed in), so the counts of the next
    configuration are those of the last plus what its changed statements add and take away.
    Those changes are held apart (`d_*`) until `settle()` adds them in; `undo()` drops them."""

    def __init__(self, schema: Schema):
        self.builtin = {name: ns.builtin for name, ns in schema.namespaces.items()}
        self.missing = 0
        self.refs: dict[Key, int] = {}
        self.defs: dict[Key, int] = {}
        self.uses: dict[Key, dict[tuple[str, ...], int]] = {}  # (unique, value) -> path -> count
        self.bad_refs: set[Key] = set()  # referenced and not defined
        self.bad_uses: set[Key] = set()  # used at more than one path
        self.undo()

    def undo(self) -> None:
        """Drop the changes since `settle()`."""
        self.d_missing = 0
        self.d_refs: dict[Key, int] = {}
        self.d_defs: dict[Key, int] = {}
        self.d_uses: dict[Key, dict[tuple[str, ...], int]] = {}
        self._bad: tuple[set[Key], set[Key]] = (set(), set())  # what `ok()` found wrong among the changes

    def ref(self, ns: str, name: str, n: int) -> None:
        key = (ns, name)
        self.d_refs[key] = self.d_refs.get(key, 0) + n

    def define(self, ns: str, name: str, n: int) -> None:
        key = (ns, name)
        self.d_defs[key] = self.d_defs.get(key, 0) + n

    def use(self, unique: str, value: str, path: list[str], n: int) -> None:
        paths = self.d_uses.setdefault((unique, value), {})
        where = tuple(path)
        paths[where] = paths.get(where, 0) + n

    def lack(self, n: int) -> None:
        self.d_missing += n

    def _bad_ref(self, key: Key) -> bool:
        ns, name = key
        if self.refs.get(key, 0) + self.d_refs.get(key, 0) <= 0:
            return False
        if self.defs.get(key, 0) + self.d_defs.get(key, 0) > 0 or name in self.builtin.get(ns, ()):
            return False
        return not name.startswith("<")

    def _bad_use(self, key: Key) -> bool:
        base, change = self.uses.get(key, {}), self.d_uses.get(key, {})
        places = sum(1 for path, n in base.items() if n + change.get(path, 0) > 0)
        places += sum(1 for path, n in change.items() if n > 0 and path not in base)
        return places > 1

    def ok(self) -> bool:
        """Would the configuration, changes included, pass?"""
        touched = self.d_refs.keys() | self.d_defs.keys()
        self._bad = ({key for key in touched if self._bad_ref(key)}, {key for key in self.d_uses if self._bad_use(key)})
        if self.missing + self.d_missing or self._bad[0] or self._bad[1]:
            return False
        return all(key in touched for key in self.bad_refs) and all(key in self.d_uses for key in self.bad_uses)

    def settle(self) -> None:
        """Add the changes in: the counts now describe the configuration they came from (after `ok()`)."""
        bad_refs, bad_uses = self._bad
        self.bad_refs = {key for key in self.bad_refs if key not in self.d_refs and key not in self.d_defs} | bad_refs
        self.bad_uses = {key for key in self.bad_uses if key not in self.d_uses} | bad_uses
        self.missing += self.d_missing
        _add(self.refs, self.d_refs)
        _add(self.defs, self.d_defs)
        for key, change in self.d_uses.items():
            paths = self.uses.setdefault(key, {})
            _add(paths, change)
            if not paths:
                del self.uses[key]
        self.undo()


def _add(counts: dict, change: dict) -> None:  # type: ignore[type-arg]
    if not counts:  # the first configuration: its counts as they are
        counts.update((k, n) for k, n in change.items() if n)
        return
    for key, n in change.items():
        total = counts.get(key, 0) + n
        if total:
            counts[key] = total
        else:
            counts.pop(key, None)


class _Counter:
    """Adds (+1) or takes away (-1) what subtrees contribute to `_Facts`, or the difference between two
    versions of a subtree: only where they are not the same object (unchanged statements are)."""

    def __init__(self, facts: _Facts):
        self.facts = facts
        self.keys: dict[str, str] = {}  # list name -> key of the entry being visited (definition templates)

    def subtree(self, node: Node, path: list[str], sign: int) -> None:
        """What `node` at `path` and everything below it contribute (the hot loop of a first check)."""
        if node.schema.mandatory_children:
            self._own(node, sign)
        for child in node.children.values():
            s = child.schema
            if not _checked(s):
                continue
            if child.__class__ is Leaf:
                if s.ref is not None or s.unique is not None:
                    self._leaf(child, path, sign)  # type: ignore[arg-type]
            elif child.__class__ is ListNode:
                outer = self.keys.get(s.name)
                keyed = _key_facts(s)
                for key, entry in child.entries.items():  # type: ignore[union-attr]
                    if keyed:
                        self._entry(s, key, path, sign)
                    else:
                        self.keys[s.name] = key[0]
                    self.subtree(entry, path + entry_words(s, key), sign)
                if outer is None:
                    self.keys.pop(s.name, None)
                else:
                    self.keys[s.name] = outer
            else:
                self.subtree(child, path + [s.name], sign)  # type: ignore[arg-type]

    def _own(self, node: Node, sign: int) -> None:
        missing = sum(1 for name in node.schema.mandatory_children if name not in node.children)
        if missing:
            self.facts.lack(sign * missing)

    def _leaf(self, leaf: Leaf, path: list[str], sign: int) -> None:
        s = leaf.schema
        for v in leaf.value if isinstance(leaf.value, tuple) else (leaf.value,):
            if s.ref is not None:
                self.facts.ref(s.ref, v, sign)
            if s.unique is not None:
                self.facts.use(s.unique, v, path, sign)

    def _child(self, child: Leaf | ListNode | Node, path: list[str], sign: int) -> None:
        """What one child statement of the node at `path` contributes."""
        s = child.schema
        if isinstance(child, Leaf):
            self._leaf(child, path, sign)
        elif isinstance(child, ListNode):
            outer = self.keys.get(s.name)
            for key, entry in child.entries.items():
                self._entry(s, key, path, sign)
                self.subtree(entry, path + entry_words(s, key), sign)
            self._restore(s.name, outer)
        else:
            self.subtree(child, path + [s.name], sign)

    def _entry(self, s: SchemaNode, key: tuple[str, ...], path: list[str], sign: int) -> None:
        """What an entry's key contributes (a definition, references, a unique value); sets the key context."""
        self.keys[s.name] = key[0]
        facts = self.facts
        if s.defines is not None:
            ns, template = s.defines
            facts.define(ns, template.format(**self.keys) if template else key[0], sign)
        if s.ref is not None:
            facts.ref(s.ref, key[0], sign)
        for i, spec in enumerate(s.keys):
            if spec.ref is not None:
                facts.ref(spec.ref, key[i], sign)
        if s.unique is not None:
            facts.use(s.unique, key[0], path, sign)

    def _restore(self, name: str, outer: str | None) -> None:
        if outer is None:
            self.keys.pop(name, None)
        else:
            self.keys[name] = outer

    def change(self, old: Node, new: Node, path: list[str]) -> None:
        """Take away what `old` contributed and add what `new` does, where they differ."""
        if old is new:
            return
        if old.schema.mandatory_children:
            self._own(old, -1)
            self._own(new, 1)
        for name in old.children.keys() | new.children.keys():
            a, b = old.children.get(name), new.children.get(name)
            if a is b:
                continue
            s = (a if a is not None else b).schema  # type: ignore[union-attr]
            if not _checked(s):
                continue
            if isinstance(a, ListNode) and isinstance(b, ListNode):
                outer = self.keys.get(s.name)
                before, after = a.entries, b.entries
                if len(before) == len(after) and all(map(is_, before, after)):  # copied: the same keys, in order
                    changed = map(is_not, before.values(), after.values())
                    keys: Iterable[tuple[str, ...]] = list(compress(after, changed))
                else:
                    keys = before.keys() | after.keys()
                for key in keys:
                    ea, eb = before.get(key), after.get(key)
                    if ea is eb:
                        continue
                    words = entry_words(s, key)
                    if ea is None or eb is None:
                        sign = 1 if ea is None else -1
                        self._entry(s, key, path, sign)
                        self.subtree(eb if ea is None else ea, path + words, sign)  # type: ignore[arg-type]
                    else:
                        self.keys[s.name] = key[0]  # the key itself is unchanged
                        self.change(ea, eb, path + words)
                self._restore(s.name, outer)
            elif type(a) is Node and type(b) is Node:
                self.change(a, b, path + [s.name])
            else:
                if a is not None:
                    self._child(a, path, -1)
                if b is not None:
                    self._child(b, path, 1)


class Checks:
    """`check_config` for one configuration after another, in time proportional to what changed.

    It keeps the counts (`_Facts`) of the configuration last kept and, for the
    next one, adds and takes away only what differs from it: trees are
    copy-on-write, so unchanged statements are the same objects and are not
    looked at. Only when the counts say something is wrong is the whole
    configuration walked, to list the errors as Junos does. The first check
    counts everything. `keep(root)` makes the configuration last checked the
    base for the next: only a frozen one may be (the active configuration);
    one that is not kept is taken back at the next check.
    """

    def __init__(self, schema: Schema):
        self.schema = schema
        self._facts = _Facts(schema)
        self._base = Node(schema.root)  # what the counts describe
        self._checked: Node | None = None  # checked since, not kept (yet)

    def check(self, root: Node) -> list[CheckError]:
        """Every schema-level problem of expanded configuration `root`, in display order."""
        self._facts.undo()  # the changes of a configuration checked but not kept
        _Counter(self._facts).change(self._base, root, [])
        self._checked = root
        if self._facts.ok():
            return []
        return _listed(root, self.schema)

    def start(self, root: Node) -> None:
        """Count `root` (frozen: the active configuration a device starts with) as the base, unjudged."""
        self._facts.undo()
        _Counter(self._facts).change(self._base, root, [])
        self._facts.ok()
        self._checked = root
        self.keep(root)

    def keep(self, root: Node) -> None:
        """`root` (frozen) is now active: count from it from now on."""
        if self._checked is root:
            self._facts.settle()
            self._base = root
        else:  # activated without this check (an automatic rollback): keep counting from the base
            self._facts.undo()
        self._checked = None


__all__ = ["CheckError", "Checks", "check_config", "defined_names"]
