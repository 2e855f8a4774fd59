"""The compiled schema: a tree of `SchemaNode`s with lookup tables for fast parsing.

Schema nodes never point to their parent: the same node can sit in several
places (a grouping used twice shares nothing, but `groups <name>` shares the
whole root). Paths are therefore always computed while walking.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from nos.schema.types import ValueType

CONTAINER = "container"
LIST = "list"
LEAF = "leaf"
LEAF_LIST = "leaf-list"


@dataclass(slots=True)
class Key:
    name: str
    type: ValueType
    keyword: str | None  # the word that introduces this key (only for second and later keys)
    ref: str | None = None  # namespace the key's value must be defined in


@dataclass(slots=True, eq=False)
class SchemaNode:
    kind: str
    name: str
    help: str = ""
    type: ValueType | None = None  # leaves and leaf-lists; None for a flag
    keys: list[Key] = field(default_factory=list)
    mandatory: bool = False
    presence: bool = False
    oneliner: bool = False  # one line when it holds a single simple statement
    inline: bool = False  # one line whenever everything it holds is simple
    ordered: bool = False
    keyless: bool = False
    hidden: bool = False
    secret: bool = False
    rest: bool = False
    flatten: bool = False  # printed as `family inet { ... }`: the name joins each child's head
    grouped: bool = False  # a list or leaf-list printed as `name-server { 8.8.8.8; 1.1.1.1; }`
    default: str | None = None
    ref: str | None = None  # namespace a value must be defined in
    defines: tuple[str, str | None] | None = None  # (namespace, name template)
    unique: str | None = None
    max: int | None = None
    action: str | None = None
    index: int = 0  # position among its siblings: display order
    children: dict[str, SchemaNode] = field(default_factory=dict)
    lookup: dict[str, SchemaNode] = field(default_factory=dict)  # words (and aliases) accepted here
    keyless_child: SchemaNode | None = None
    exclusive: dict[str, tuple[str, ...]] = field(default_factory=dict)  # choice member -> its rivals
    mandatory_children: tuple[str, ...] = ()
    source: str = ""

    @property
    def is_flag(self) -> bool:
        return self.kind == LEAF and self.type is None

    @property
    def has_body(self) -> bool:
        """True for statements that hold other statements (containers and list entries)."""
        return self.kind in (CONTAINER, LIST)

    def child(self, word: str) -> SchemaNode | None:
        return self.lookup.get(word)

    def visible_children(self) -> list[SchemaNode]:
        return [c for c in self.children.values() if not c.hidden]

    def hint(self) -> str:
        if self.kind == LIST:
            return self.keys[0].type.hint if self.keys[0].type.hint != "<value>" else f"<{self.keys[0].name}>"
        if self.type is not None:
            return self.type.hint
        return ""

    def __repr__(self) -> str:
        return f"<SchemaNode {self.kind} {self.name}>"


@dataclass
class Namespace:
    name: str
    noun: str  # how errors name it: "policy", "prefix-list", ...
    builtin: tuple[str, ...] = ()


@dataclass
class Schema:
    """Everything compiled from grammar/: the configuration root, namespaces and command trees."""

    root: SchemaNode
    namespaces: dict[str, Namespace]
    commands: dict[str, SchemaNode]  # "operational", "configuration", "pipe"
    fingerprint: str = ""
