"""Small helpers shared by the configuration-engine tests: load text, name paths, diff trees."""

from __future__ import annotations

from nos.config.diff import diff_lines
from nos.config.edit import find
from nos.config.load import parse_curly, parse_set
from nos.config.path import Step, depth, path_words, walk
from nos.config.tree import ConfigTree, Node
from nos.schema.model import Schema


def lines(*items: str) -> str:
    """Text made of `items`, one per line, each ending with a newline."""
    return "".join(item + "\n" for item in items)


def load_set(schema: Schema, text: str, tree: ConfigTree | None = None) -> ConfigTree:
    """Run set commands; any message (error or warning) fails the test."""
    tree = tree if tree is not None else ConfigTree(schema.root)
    report = parse_set(tree, text)
    assert report.messages == [], report.messages
    assert report.errors == 0
    return tree


def load_curly(schema: Schema, text: str, tree: ConfigTree | None = None, **kw: object) -> ConfigTree:
    tree = tree if tree is not None else ConfigTree(schema.root)
    report = parse_curly(tree, text, **kw)  # type: ignore[arg-type]
    assert report.messages == [], report.messages
    assert report.errors == 0
    return tree


def steps(schema: Schema, words: str) -> list[Step]:
    """Walker steps of a path typed as in `delete`/`show` (values optional)."""
    return walk(schema.root, words.split(), values=False) if words else []


def compare(schema: Schema, old: Node, new: Node, edit: str = "") -> list[str]:
    """`show | compare` of two roots, run from the edit level `edit` (words), as the CLI does."""
    at = steps(schema, edit)
    o = find(old, at) if at else old
    n = find(new, at) if at else new
    return diff_lines(
        o if isinstance(o, Node) else None,
        n if isinstance(n, Node) else None,
        path_words(at),
        depth(at),
        depth(at),
    )


def before_after(schema: Schema, before: str, after: str) -> tuple[Node, Node]:
    """Two roots: `before` (set commands), then `after` applied on a copy-on-write edit of it."""
    tree = load_set(schema, before)
    old = tree.freeze()
    load_set(schema, after, tree)
    return old, tree.root
