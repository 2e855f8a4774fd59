"""Commit checks that follow from the schema alone: references, mandatory statements, uniqueness.

Runs on the expanded configuration (groups applied, inactive statements gone),
as Junos daemons see it. Each problem is reported in Junos form:

    [edit routing-instances PROD routing-options]
      'instance-import'
        Referenced policy 'X' is not defined
"""

from __future__ import annotations

from dataclasses import dataclass

from nos.config.path import quote
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
        self.refs: list[tuple[str, str, list[str], str]] = []  # (namespace, value, path, statement)
        self.seen: dict[str, dict[str, list[str]]] = {}  # unique name -> value -> first path
        self.errors: list[CheckError] = []
        self.keys: dict[str, str] = {}  # list name -> key of the entry being visited

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
        for child in node.children.values():
            s = child.schema
            if isinstance(child, Leaf):
                if s.ref is not None or s.unique is not None:
                    values = child.value if isinstance(child.value, tuple) else (child.value,)
                    for v in values:
                        if s.ref is not None:
                            self.refs.append((s.ref, v, path, s.name if not s.keyless else v))
                        if s.unique is not None:
                            self.note_unique(s, v, path, f"{s.name} {v}")
            elif isinstance(child, ListNode):
                outer = self.keys.get(s.name)  # a nested list may share the name of an outer one
                for key, entry in child.entries.items():
                    words = _words(child, key)
                    statement = " ".join(quote(w) for w in words)
                    self.keys[s.name] = key[0]
                    if s.defines is not None:
                        ns, template = s.defines
                        self.defined[ns].add(template.format(**self.keys) if template else key[0])
                    if s.ref is not None:
                        self.refs.append((s.ref, key[0], path, statement))
                    for spec, value in zip(s.keys, key, strict=False):
                        if spec.ref is not None:
                            self.refs.append((spec.ref, value, path, statement))
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
        for ns, value, path, statement in self.refs:
            if value not in self.defined.get(ns, ()) and not value.startswith("<"):
                noun = self.schema.namespaces[ns].noun
                self.errors.append(CheckError(path, statement, f"Referenced {noun} '{value}' is not defined"))


def _words(lst: ListNode, key: tuple[str, ...]) -> list[str]:
    s = lst.schema
    out = [] if s.keyless else [s.name]
    for spec, k in zip(s.keys, key, strict=False):
        if spec.keyword:
            out.append(spec.keyword)
        out.append(k)
    return out


def check_config(root: Node, schema: Schema) -> list[CheckError]:
    """Every schema-level problem of an expanded configuration, in tree order."""
    checker = _Checker(schema)
    checker.visit(root, [])
    checker.resolve()
    return checker.errors


__all__ = ["CheckError", "check_config"]
