"""Reading an expanded configuration tree: the few lookups every feature's `apply` makes."""

from __future__ import annotations

from nos.config.tree import Leaf, ListNode, Node


def child(node: Node | None, name: str) -> Node | None:
    c = node.children.get(name) if node is not None else None
    return c if isinstance(c, Node) else None


def value(node: Node | None, name: str) -> str | None:
    c = node.children.get(name) if node is not None else None
    return c.value if isinstance(c, Leaf) and isinstance(c.value, str) else None


def values(node: Node | None, name: str) -> tuple[str, ...]:
    c = node.children.get(name) if node is not None else None
    if isinstance(c, Leaf):
        return c.value if isinstance(c.value, tuple) else (c.value,)
    return ()


def entries(node: Node | None, name: str) -> dict[tuple[str, ...], Node]:
    c = node.children.get(name) if node is not None else None
    return c.entries if isinstance(c, ListNode) else {}


def flag(node: Node | None, name: str) -> bool:
    return node is not None and name in node.children


__all__ = ["child", "entries", "flag", "value", "values"]
