"""Commit checks that follow from the schema alone: references, mandatory statements, uniqueness.

Runs on the expanded configuration (groups applied, inactive statements gone),
as Junos daemons see it. Each problem is reported in Junos form:

    [edit routing-instances PROD routing-options]
      'instance-import'
        Referenced policy 'X' is not defined
"""

from __future__ import annotations

from dataclasses import dataclass

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
    # Errors are rare: walk again in display order (sorting every level costs time) to list them as Junos does.
    checker = _Checker(schema)
    checker.ordered = True
    checker.visit(root, [])
    checker.resolve()
    return checker.errors


__all__ = ["CheckError", "check_config", "defined_names"]
