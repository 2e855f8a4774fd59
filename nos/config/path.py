"""Words to schema steps: the one walker behind `set`, `delete`, `edit`, `show`, the
curly parser, completion and `?`.

A step is a container, a list entry (or a whole list), or a leaf with its value.
Leaf steps do not descend, so one line may set several leaves of the same
statement (`route 0.0.0.0/0 next-hop 10.0.0.1 preference 7`), which is also how
the one-line forms of the curly format are read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nos.schema.model import CONTAINER, LEAF, LEAF_LIST, LIST, SchemaNode
from nos.schema.types import BadValue, ValueType


class PathError(Exception):
    """A word that does not fit. `pos` is the index of the offending word."""

    def __init__(
        self,
        pos: int,
        message: str,
        candidates: list[SchemaNode] | None = None,
        expect: tuple[SchemaNode, int, str] | None = None,
        steps: list[Step] | None = None,
    ):
        super().__init__(message)
        self.pos = pos
        self.message = message
        self.candidates = candidates or []
        self.expect = expect  # (list, key index, keyword|value) when words stop inside a key
        self.steps = steps or []  # steps read before the error


@dataclass(slots=True)
class Step:
    schema: SchemaNode
    key: tuple[str, ...] | None = None  # list entry; None for a whole list
    value: str | tuple[str, ...] | None = None  # leaf value, leaf-list values; None when not given
    pos: int = 0  # index of the step's first word

    @property
    def descends(self) -> bool:
        """True for steps that open a level (containers and list entries)."""
        return self.schema.kind == CONTAINER or (self.schema.kind == LIST and self.key is not None)

    def words(self) -> list[str]:
        """The words that spell this step, as Junos prints them in `set` lines and headers."""
        s = self.schema
        if s.kind == LIST:
            if self.key is None:
                return [] if s.keyless else [s.name]
            return entry_words(s, self.key)
        if s.kind == CONTAINER:
            return [s.name]
        words = [] if s.keyless else [s.name]
        if isinstance(self.value, tuple):
            words.extend(self.value)
        elif self.value:
            words.append(self.value)
        return words


def entry_words(lst: SchemaNode, key: tuple[str, ...]) -> list[str]:
    """The words that name a list entry: the list keyword (unless keyless), then each key."""
    out = [] if lst.keyless else [lst.name]
    for spec, k in zip(lst.keys, key, strict=False):
        if spec.keyword:
            out.append(spec.keyword)
        out.extend(k.split(" ") if spec.type.multiword else (k,))
    return out


def is_wildcard(word: str) -> bool:
    return len(word) > 2 and word[0] == "<" and word[-1] == ">"


def _is_groups(node: SchemaNode) -> bool:
    return node.kind == LIST and node.defines is not None and node.defines[0] == "group"


def resolve_word(node: SchemaNode, word: str, pos: int, abbreviate: bool) -> SchemaNode | None:
    """The child keyword `word` names under `node` (exact, then a unique abbreviation)."""
    child = node.lookup.get(word)
    if child is not None or not abbreviate:
        return child
    matches = [c for name, c in node.lookup.items() if name.startswith(word) and not c.hidden]
    unique = {id(c): c for c in matches}
    if len(unique) == 1:
        return matches[0]
    if len(unique) > 1:
        raise PathError(pos, f"'{word}' is ambiguous.", sorted(unique.values(), key=lambda c: c.name))
    return None


def _accepts(node: SchemaNode, word: str, wildcards: bool) -> bool:
    """Would `word` do as the value of a keyless child (a bare list key or leaf value)?"""
    if wildcards and is_wildcard(word):
        return True
    t = node.keys[0].type if node.kind == LIST else node.type
    if t is None:
        return False
    try:
        t.check(word)
    except BadValue:
        return False
    return True


def _unit_shorthand(lst: SchemaNode, word: str) -> tuple[str, SchemaNode, str] | None:
    """`st0.1` read as (interface `st0`, its `unit` list, `1`) where a list of interfaces expects a name."""
    if lst.kind != LIST or len(lst.keys) != 1 or "." not in word:
        return None
    unit = lst.children.get("unit")
    if unit is None or unit.kind != LIST or len(unit.keys) != 1:
        return None
    name, _, number = word.rpartition(".")
    try:
        return lst.keys[0].type.check(name), unit, unit.keys[0].type.check(number)
    except BadValue:
        return None


def _keyless_message(keyless: SchemaNode | None, word: str) -> str:
    """Why a word is refused: the value error of a keyless child when the word looks like a value."""
    if keyless is not None:
        t = keyless.keys[0].type if keyless.kind == LIST else keyless.type
        if t is not None:
            try:
                t.check(word)
            except BadValue as exc:
                if not exc.syntax:
                    return exc.args[0]
    return "syntax error"


def walk(
    start: SchemaNode,
    words: list[str],
    i: int = 0,
    *,
    values: bool = True,
    abbreviate: bool = False,
    wildcards: bool = False,
) -> list[Step]:
    """Read `words[i:]` from schema node `start`.

    values: leaves must carry a value (`set`); when False a bare leaf or a list
    without key is a valid end (`delete`, `show`, `deactivate`).
    """
    steps: list[Step] = []
    node = start
    n = len(words)
    while i < n:
        word = words[i]
        pos = i
        child = node.lookup.get(word)
        if child is not None:
            i += 1
        else:
            keyless = node.keyless_child
            if keyless is not None and _accepts(keyless, word, wildcards):
                child = keyless
            elif keyless is not None and (unit := _unit_shorthand(keyless, word)) is not None:
                # `interfaces st0.1 family inet`: Junos reads `st0.1` as `st0 unit 1`
                steps.append(Step(keyless, (unit[0],), None, pos))
                steps.append(Step(unit[1], (unit[2],), None, pos))
                node = unit[1]
                i += 1
                continue
            else:
                try:
                    child = resolve_word(node, word, i, abbreviate)
                except PathError as exc:
                    exc.steps = steps
                    raise
                if child is None:
                    raise PathError(i, _keyless_message(keyless, word), steps=steps)
                i += 1
        kind = child.kind
        if kind == CONTAINER:
            steps.append(Step(child, None, None, pos))
            node = child
        elif kind == LIST:
            keys = child.keys
            if len(keys) == 1 and i < n and not (wildcards and is_wildcard(words[i])):
                # The usual list: one key, no keyword before it.
                v, used = _value(keys[0].type, words, i, steps)
                i += used
                steps.append(Step(child, (v,), None, pos))
                node = child
                if child.defines is not None and child.defines[0] == "group":
                    wildcards = True
                continue
            key: list[str] = []
            for k, spec in enumerate(keys):
                if spec.keyword is not None:
                    if i >= n:
                        raise PathError(i, "missing argument", expect=(child, k, "keyword"), steps=steps)
                    if words[i] != spec.keyword and not (abbreviate and spec.keyword.startswith(words[i])):
                        raise PathError(i, "syntax error", steps=steps)
                    i += 1
                if i >= n:
                    if k == 0 and not values:
                        break
                    raise PathError(i, "missing argument", expect=(child, k, "value"), steps=steps)
                w = words[i]
                if wildcards and is_wildcard(w):
                    key.append(w)
                    i += 1
                    continue
                try:
                    v, used = spec.type.consume(words, i)
                except BadValue as exc:
                    raise PathError(i, exc.args[0] if not exc.syntax else "syntax error", steps=steps) from None
                key.append(v)
                i += used
            if not key:
                steps.append(Step(child, None, None, pos))
                break
            steps.append(Step(child, tuple(key), None, pos))
            node = child
            if _is_groups(child):
                wildcards = True
        elif kind == LEAF:
            t = child.type
            if t is None:
                steps.append(Step(child, None, "", pos))
                continue
            if i >= n:
                if values:
                    raise PathError(i, "missing argument", steps=steps)
                steps.append(Step(child, None, pos=pos))
                break
            if child.rest:
                steps.append(Step(child, value=" ".join(words[i:]), pos=pos))
                break
            v, used = _value(t, words, i, steps)
            steps.append(Step(child, None, v, pos))
            i += used
        elif kind == LEAF_LIST:
            if i >= n:
                if values:
                    raise PathError(i, "missing argument", steps=steps)
                steps.append(Step(child, None, pos=pos))
                break
            assert child.type is not None
            vals: list[str] = []
            if words[i] == "[":
                i += 1
                while i < n and words[i] != "]":
                    vals.append(_check(child, words, i))
                    i += 1
                if i >= n:
                    raise PathError(i, "missing ']'")
                i += 1
            else:
                vals.append(_check(child, words, i))
                i += 1
            steps.append(Step(child, None, tuple(vals), pos))
        else:  # pragma: no cover - the compiler only makes the kinds above
            raise PathError(i, "syntax error")
    return steps


def _value(t: ValueType, words: list[str], i: int, steps: list[Step]) -> tuple[str, int]:
    """The value starting at words[i] and how many words it took; a refusal becomes a PathError."""
    try:
        if t.multiword:
            return t.consume(words, i)
        return t.check(words[i]), 1
    except BadValue as exc:
        raise PathError(i, exc.args[0] if not exc.syntax else "syntax error", steps=steps) from None


def _check(node: SchemaNode, words: list[str], i: int) -> str:
    assert node.type is not None
    try:
        return node.type.check(words[i])
    except BadValue as exc:
        raise PathError(i, exc.args[0] if not exc.syntax else "syntax error") from None


# -- words ----------------------------------------------------------------------------------

_WORD = re.compile(r'"((?:[^"\\]|\\.)*)"?|(\[|\])|([^\s"\[\]]+)')


def split_words(line: str) -> list[str]:
    """Split a command line into words: quotes group, `[` and `]` stand alone."""
    if '"' not in line and "[" not in line and "]" not in line:
        return line.split()
    return [w for w, _, _ in split_spans(line)]


def split_spans(line: str) -> list[tuple[str, int, int]]:
    """Words with their start and end columns (for carets and completion)."""
    out = []
    for m in _WORD.finditer(line):
        if m.group(1) is not None or m.group(0).startswith('"'):
            text = m.group(1) or ""
            out.append((text.replace('\\"', '"').replace("\\\\", "\\"), m.start(), m.end()))
        else:
            out.append((m.group(0), m.start(), m.end()))
    return out


_SAFE = re.compile(r"[A-Za-z0-9_.:/\-+*<>,!]+\Z")


def quote(value: str) -> str:
    """A value as Junos prints it: bare when it is one plain word, quoted otherwise."""
    if _SAFE.match(value):
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def path_words(steps: list[Step]) -> list[str]:
    out: list[str] = []
    for s in steps:
        out.extend(s.words())
    return out


def path_text(steps: list[Step]) -> str:
    return " ".join(quote(w) for w in path_words(steps))


def depth(steps: list[Step]) -> int:
    """Levels of a path as the diff indents them: each container or list entry is one level."""
    return sum(1 for s in steps if s.descends)


__all__ = [
    "LEAF",
    "LEAF_LIST",
    "PathError",
    "Step",
    "depth",
    "entry_words",
    "is_wildcard",
    "path_text",
    "path_words",
    "quote",
    "resolve_word",
    "split_spans",
    "split_words",
    "walk",
]
