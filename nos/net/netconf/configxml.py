"""Junos configuration XML: the tree written as `<configuration>`, and `<configuration>` read back.

Writing mirrors the JSON layout (`| display json`): containers are elements,
a list entry is an element holding its keys (`<name>` for a single key),
leaves hold their value, flags are empty. Reading turns the XML into `set`,
`delete`, `activate` and `deactivate` commands walked against the schema, so
loaded XML goes through exactly the checks and error messages of `load set`;
Junos's `delete="delete"`, `replace="replace"`, `inactive="inactive"`,
`active="active"` (and NETCONF's `operation="delete|remove|replace"`) are honoured.
`subtree` applies a NETCONF subtree filter (RFC 6241 section 6) to a tree at every depth.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from nos.config.path import entry_words, quote
from nos.config.tree import Leaf, ListNode, Node
from nos.net.netconf.xml import local, sub
from nos.schema.model import CONTAINER, LEAF, LEAF_LIST, LIST, SchemaNode


def to_xml(root: Node, *, secrets: bool = True, attrs: dict[str, str] | None = None) -> ET.Element:
    top = ET.Element("configuration", attrs or {})
    _fill(top, root, secrets)
    return top


def _fill(parent: ET.Element, node: Node, secrets: bool) -> None:
    for c in node.ordered_children():
        name = c.schema.name
        if isinstance(c, Leaf):
            values = c.value if isinstance(c.value, tuple) else (c.value,)
            for v in values:
                text = "/* SECRET-DATA */" if c.schema.secret and not secrets else v
                _mark(sub(parent, name, text or None), c.inactive)
        elif isinstance(c, ListNode):
            specs = c.schema.keys
            for key, entry in c.entries.items():
                e = sub(parent, name)
                _mark(e, entry.inactive)
                for spec, k in zip(specs, key, strict=False):
                    sub(e, "name" if len(specs) == 1 else spec.name, k)
                _fill(e, entry, secrets)
        else:
            e = sub(parent, name)
            _mark(e, c.inactive)
            _fill(e, c, secrets)


def _mark(e: ET.Element, inactive: bool) -> None:
    if inactive:
        e.set("inactive", "inactive")


# -- reading -------------------------------------------------------------------------------------


class XmlConfigError(Exception):
    """An element the schema does not know, or a list entry without its keys."""

    def __init__(self, message: str, path: list[str]):
        super().__init__(message)
        self.path = "[edit" + (" " + " ".join(path) if path else "") + "]"


def to_set_lines(config: ET.Element, schema_root: SchemaNode) -> list[str]:
    """The commands that apply `<configuration>` to a candidate (merge semantics)."""
    out: list[str] = []
    _read(config, schema_root, [], out)
    return out


def _operation(e: ET.Element) -> str:
    op = e.get("operation") or next((a for a in ("delete", "replace") if e.get(a) == a), "")
    return {"remove": "delete"}.get(op, op)


def _read(parent: ET.Element, schema: SchemaNode, path: list[str], out: list[str]) -> None:
    for e in parent:
        if not isinstance(e.tag, str):
            continue  # comments and processing instructions
        name = local(e.tag)
        if schema.kind == LIST and name in _key_tags(schema):
            continue  # read with the entry's own words
        s = schema.children.get(name) or schema.lookup.get(name)
        if s is None:
            raise XmlConfigError(f"syntax error: {name}", path)
        words = _words(e, s, path)
        op = _operation(e)
        if op in ("delete", "replace"):
            out.append("delete " + " ".join(words if s.kind != LEAF else words[: len(path) + 1]))
            if op == "delete":
                continue
        if s.kind in (LIST, CONTAINER):
            before = len(out)
            _read(e, s, words, out)
            if len(out) == before and (s.kind == LIST or s.presence):
                out.append("set " + " ".join(words))
        else:
            out.append("set " + " ".join(words))
        if e.get("inactive") == "inactive":
            out.append("deactivate " + " ".join(words))
        elif e.get("active") == "active":
            out.append("activate " + " ".join(words))


def _key_tags(lst: SchemaNode) -> list[str]:
    return ["name"] if len(lst.keys) == 1 else [k.name for k in lst.keys]


def _words(e: ET.Element, s: SchemaNode, path: list[str]) -> list[str]:
    """The `set` words naming element `e` (schema node `s`) below `path`."""
    if s.kind == LIST:
        key = []
        for tag in _key_tags(s):
            found = next((c for c in e if isinstance(c.tag, str) and local(c.tag) == tag), None)
            if found is None or not (found.text or "").strip():
                raise XmlConfigError(f"missing key <{tag}> of <{s.name}>", path)
            key.append((found.text or "").strip())
        return path + [quote(w) for w in entry_words(s, tuple(key))]
    own = [] if s.keyless else [s.name]
    if s.kind in (LEAF, LEAF_LIST) and s.type is not None and (e.text or "").strip():
        return path + own + [quote((e.text or "").strip())]
    return path + own


# -- subtree filters ----------------------------------------------------------------------------------


def subtree(root: Node, filter_: ET.Element | None) -> Node:
    """The part of `root` a `<configuration>` subtree filter selects (all of it without a filter or
    with an empty one). Works on the tree, so every format (xml, text, set, json) is filtered alike."""
    if filter_ is None:
        return root
    return _select(root, _elements(filter_), entry=False) or _empty_like(root)


def _elements(parent: ET.Element) -> list[ET.Element]:
    return [c for c in parent if isinstance(c.tag, str)]


def _empty_like(node: Node) -> Node:
    out = node.copy(0)
    out.children = {}
    return out


def _select(node: Node, filters: list[ET.Element], *, entry: bool, key: tuple[str, ...] = ()) -> Node | None:
    """`node` (a container or a list entry) narrowed to `filters`, its filter children; None when a
    content match fails or, for a container, when nothing below it is selected."""
    if not filters:
        return node  # a selection node: everything below
    matches = [f for f in filters if not _elements(f) and (f.text or "").strip()]
    keys = _key_tags(node.schema) if entry and node.schema.keys else []
    for f in matches:
        if not _matches(node, f, keys, key):
            return None
    if len(matches) == len(filters):
        return node  # only content matches: the whole subtree
    out = _empty_like(node)
    by_tag: dict[str, list[ET.Element]] = {}
    for f in filters:
        by_tag.setdefault(local(f.tag), []).append(f)
    for tag, group in by_tag.items():
        if tag in keys:
            continue  # the entry's key always comes with it
        found = node.children.get(tag)
        if found is None:
            continue
        picked = _select_child(found, group)
        if picked is not None:
            out.children[tag] = picked
    if not out.children and not entry and not matches:
        return None
    return out


def _select_child(child: Node | ListNode | Leaf, group: list[ET.Element]) -> Node | ListNode | Leaf | None:
    """One child of a selected node, through every filter element naming it (their union)."""
    if isinstance(child, Leaf):
        return child  # a selection or content-match leaf (the match was checked by its parent)
    if any(not _elements(f) and not (f.text or "").strip() for f in group):
        return child  # an empty element selects the whole child
    if isinstance(child, ListNode):
        out = ListNode(child.schema)
        for k, e in child.entries.items():
            picked = [p for f in group if (p := _select(e, _elements(f), entry=True, key=k)) is not None]
            if picked:
                out.entries[k] = _union(picked)
        return out if out.entries else None
    picked = [p for f in group if (p := _select(child, _elements(f), entry=False)) is not None]
    return _union(picked) if picked else None


def _union(nodes: list[Node]) -> Node:
    """What several filter elements selected of one node, merged (a whole node wins)."""
    if len(nodes) == 1:
        return nodes[0]
    out = _empty_like(nodes[0])
    for n in nodes:
        for name, c in n.children.items():
            have = out.children.get(name)
            if have is None or have is c:
                out.children[name] = c
            elif isinstance(have, Node) and isinstance(c, Node):
                out.children[name] = _union([have, c])
            elif isinstance(have, ListNode) and isinstance(c, ListNode):
                merged = ListNode(have.schema)
                merged.entries = dict(have.entries)
                for k, e in c.entries.items():
                    merged.entries[k] = _union([merged.entries[k], e]) if k in merged.entries else e
                out.children[name] = merged
    return out


def _matches(node: Node, f: ET.Element, keys: list[str], key: tuple[str, ...]) -> bool:
    """A content match node: a key of the entry, or a leaf (or one value of a leaf-list) equal to its text."""
    tag, want = local(f.tag), (f.text or "").strip()
    if tag in keys:
        return key[keys.index(tag)] == want
    leaf = node.children.get(tag)
    if not isinstance(leaf, Leaf):
        return False
    return want in leaf.value if isinstance(leaf.value, tuple) else leaf.value == want


__all__ = ["XmlConfigError", "subtree", "to_set_lines", "to_xml"]
