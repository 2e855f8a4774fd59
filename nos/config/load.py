"""Reading configuration text: the curly format (`show configuration`) and `set` commands.

Both parsers feed words to the same schema walker (path.py) and the same edit
operations (edit.py). Errors are collected in Junos form, with line and column,
and a bad statement is skipped without stopping the load.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from nos.config.edit import (
    EditError,
    annotate_words,
    apply_steps,
    delete_path,
    find,
    insert_words,
    rename_words,
    set_flag,
    set_path,
)
from nos.config.path import PathError, Step, path_text, split_spans, walk
from nos.config.tree import ConfigTree, Leaf, Node, gc_paused
from nos.schema.model import CONTAINER, LEAF, LEAF_LIST, LIST, SchemaNode


@dataclass
class LoadReport:
    """What a load did: error lines to print (Junos wording) and how many statements failed."""

    messages: list[str] = field(default_factory=list)
    errors: int = 0

    def error(self, *lines: str) -> None:
        self.messages.extend(lines)
        self.errors += 1

    def warn(self, *lines: str) -> None:
        self.messages.extend(lines)


# -- curly format -----------------------------------------------------------------------------

_TOKEN = re.compile(
    r"""\s+
    |(?P<comment>/\*.*?\*/)
    |(?P<hash>\#[^\n]*)
    |(?P<str>"(?:[^"\\]|\\.)*")
    |(?P<punct>[{};\[\]])
    |(?P<word>[^\s{};\[\]"]+)""",
    re.VERBOSE | re.DOTALL,
)

_TAGS = ("inactive:", "replace:", "protect:", "active:")


class _Curly:
    """A small stack machine over the token stream; one statement at a time."""

    def __init__(self, tree: ConfigTree, text: str, start: list[Step], source: str, report: LoadReport):
        self.tree = tree
        self.text = text
        self.source = source
        self.report = report
        self.base = start

    # (position, its line, where that line starts): errors come in order, so the text is read once
    _counted = (0, 1, 0)

    def line_col(self, pos: int, end: int) -> tuple[int, int]:
        start, line, line_start = self._counted if pos >= self._counted[0] else (0, 1, 0)
        line += self.text.count("\n", start, pos)
        newline = self.text.rfind("\n", start, pos)
        if newline >= 0:
            line_start = newline + 1
        self._counted = (pos, line, line_start)
        return line, end - line_start

    def run(self) -> None:
        for _ in self.steps(None):
            pass

    def steps(self, step: int | None) -> Iterator[None]:
        """Run, yielding after every `step` tokens (None: never)."""
        tree = self.tree
        base_node = _owned_path(tree, self.base)
        base_schema = self.base[-1].schema if self.base else tree.schema_root
        stack = [_Level(base_schema, base_node, list(self.base), None, None)]
        words: list[str] = []
        spans: list[tuple[int, int]] = []
        tags: set[str] = set()
        annotation: str | None = None
        skip_depth = 0
        for count, m in enumerate(_TOKEN.finditer(self.text), 1):
            if step is not None and count % step == 0:
                yield
            kind = m.lastgroup
            if kind is None or kind == "hash":
                continue
            tok = m.group(kind)
            if skip_depth:
                # Error recovery: ignore a refused block up to its closing brace.
                if tok == "{":
                    skip_depth += 1
                elif tok == "}":
                    skip_depth -= 1
                    if not skip_depth:
                        self.recovered(stack, m.start(), m.end())
                continue
            if kind == "comment":
                inner = tok[2:-2]  # one line: its text; across lines: as written (`/*` then ` * ...`)
                annotation = inner.strip() if "\n" not in inner.strip(" \t") else inner
                continue
            if kind == "str":
                words.append(tok[1:-1].replace('\\"', '"').replace("\\\\", "\\"))
                spans.append((m.start(), m.end()))
                continue
            if kind == "word":
                if not words and tok in _TAGS:
                    tags.add(tok)
                    continue
                words.append(tok)
                spans.append((m.start(), m.end()))
                continue
            if tok in "[]":
                words.append(tok)
                spans.append((m.start(), m.end()))
                continue
            if tok == "}":
                if words:
                    self.refuse(stack, words, spans, len(words) - 1, "syntax error", ";")
                    words, spans = [], []
                if len(stack) == 1:
                    line, col = self.line_col(m.start(), m.end())
                    self.report.error(f"{self.source}:{line}:({col}) syntax error: }}")
                    continue
                self.close(stack)
                tags, annotation = set(), None
                continue
            # ';' or '{' ends a statement
            opens = tok == "{"
            level = stack[-1]
            if not words:
                if opens:
                    skip_depth = 1
                tags, annotation = set(), None
                continue
            trail: list[Node] = []
            if level.prefix:
                # Inside `name-server { ... }`: each statement is one entry or value of that list.
                words = level.prefix + words
                spans = [spans[0]] * len(level.prefix) + spans
            elif opens and _grouped(level.schema, words, level.header):
                stack.append(_Level(level.schema, level.node, level.header, None, None, words))
                words, spans, tags, annotation = [], [], set(), None
                continue
            try:
                steps = walk(level.schema, words, values=True, wildcards=_in_groups(level.header))
                if not steps:
                    raise PathError(0, "syntax error")
                if "replace:" in tags and self.replace_mode:
                    delete_path(tree, level.header + _first_statement(steps))
                    level.node = _owned_path(tree, level.header)
                apply_steps(tree, level.node, steps, trail)
            except (PathError, EditError) as exc:
                pos, message = (exc.pos, exc.message) if isinstance(exc, PathError) else (len(words) - 1, str(exc))
                if level.prefix:  # report the statement as written, without the grouped list's words
                    n = len(level.prefix)
                    words, spans, pos = words[n:], spans[n:], max(pos - n, 0)
                self.refuse(stack, words, spans, pos, message, tok)
                if opens:
                    skip_depth = 1
                words, spans, tags, annotation = [], [], set(), None
                continue
            if "inactive:" in tags or annotation is not None:
                changes: dict[str, object] = {}
                if "inactive:" in tags:
                    changes["inactive"] = True
                if annotation is not None:
                    changes["annotation"] = annotation
                _mark(level.node, steps, trail, changes)
            last = steps[-1]
            if opens:
                if not last.descends:
                    self.refuse(stack, words, spans, len(words) - 1, "syntax error", tok)
                    skip_depth = 1
                else:
                    stack.append(_Level(last.schema, trail[-1], level.header + steps, level.node, steps))
            words, spans, tags, annotation = [], [], set(), None
        if words:
            self.refuse(stack, words, spans, len(words) - 1, "syntax error", ";")
        if len(stack) > 1 or skip_depth:
            line = self.text.count("\n") + 1
            self.report.error(f"{self.source}:{line}:(0) syntax error: missing '}}'")

    replace_mode = False

    def refuse(
        self, stack: list[_Level], words: list[str], spans: list[tuple[int, int]], pos: int, message: str, end: str
    ) -> None:
        pos = min(pos, len(spans) - 1)
        start, stop = spans[pos]
        line, col = self.line_col(start, stop)
        level = stack[-1]
        level.refused = True
        statement = " ".join(words) + (" {" if end == "{" else ";")
        first = "syntax error" if message.startswith("syntax error") else message
        where = f"{self.source}:{line}:({col}) "
        self.report.error(
            where + (f"syntax error: {words[pos]}" if first == "syntax error" else first),
            f"  [edit{' ' + path_text(level.header) if level.header else ''}]",
            f"    '{statement}'",
            f"      {first}",
        )

    def recovered(self, stack: list[_Level], start: int, stop: int) -> None:
        """The closing brace of a refused block: Junos reports where its recovery ended."""
        line, col = self.line_col(start, stop)
        header = stack[-1].header
        self.report.error(
            f"{self.source}:{line}:({col}) error recovery ignores input until this point: }}",
            f"  [edit{' ' + path_text(header) if header else ''}]",
            "    '}'",
            "      error recovery ignores input until this point",
        )

    def close(self, stack: list[_Level]) -> None:
        """Leave a block. One left empty by refused statements is dropped, with Junos's warning."""
        level = stack.pop()
        parent = stack[-1]
        if level.refused:
            parent.refused = True
            s = level.schema
            if not level.node.children and s.kind == CONTAINER and not s.presence and level.opened:
                holder = level.parent if level.parent is not None else parent.node
                holder.children.pop(s.name, None)
                if not level.warned:
                    self.report.warn(
                        f"[edit{' ' + path_text(parent.header) if parent.header else ''}]",
                        f"  '{path_text(level.opened)}'",
                        "    warning: statement has no contents; ignored",
                    )
                parent.warned = True


class _Level:
    """One open block of the curly text."""

    __slots__ = ("header", "node", "opened", "parent", "prefix", "refused", "schema", "warned")

    def __init__(self, schema: SchemaNode, node: Node, header: list[Step], parent: Node | None, opened, prefix=None):  # type: ignore[no-untyped-def]
        self.schema = schema  # where the block's statements are looked up
        self.node = node  # the owned tree node they go into
        self.header = header  # full path, for messages
        self.parent = parent  # the node holding the statement that opened the block
        self.opened = opened  # the steps of that statement
        self.refused = False  # a statement inside was refused
        self.warned = False  # an inner block already warned about being empty
        self.prefix: list[str] | None = prefix  # words of a grouped list (`name-server {`) before each statement


def _grouped(schema: SchemaNode, words: list[str], header: list[Step]) -> bool:
    """Does `words {` open the grouped form of a list or leaf-list (`name-server { 8.8.8.8; }`,
    `source-prefix-list { PL; }`): the words name it without a key or value?"""
    try:
        steps = walk(schema, words, values=False, wildcards=_in_groups(header))
    except PathError:
        return False
    if not steps or steps[-1].pos != len(words) - 1:
        return False
    last = steps[-1]
    return (last.schema.kind == LIST and last.key is None) or (last.schema.kind == LEAF_LIST and last.value is None)


def _stands_alone(step: Step) -> bool:
    """Does a statement mean something without contents (a list entry, a presence container)?"""
    s = step.schema
    return (s.kind == LIST and step.key is not None) or (s.kind == CONTAINER and s.presence)


def _in_groups(header: list[Step]) -> bool:
    return any(s.schema.defines is not None and s.schema.defines[0] == "group" for s in header)


def _first_statement(steps: list[Step]) -> list[Step]:
    """The steps of the statement a `replace:` tag applies to: up to the first level it opens."""
    for i, s in enumerate(steps):
        if s.descends or s.schema.kind in (LEAF, LEAF_LIST):
            return steps[: i + 1]
    return steps


def _mark(start: Node, steps: list[Step], trail: list[Node], changes: dict[str, object]) -> None:
    """Apply `inactive:` / a comment to the statement a line names: its first step.

    `family inet { ... }` names `inet` (family only joins its children's heads).
    """
    k = 0
    while k + 1 < len(steps) and steps[k].schema.flatten:
        k += 1
    s = steps[k].schema
    holder = trail[k - 1] if k else start
    if s.kind in (LEAF, LEAF_LIST):
        leaf = holder.children[s.name]
        assert isinstance(leaf, Leaf)
        holder.children[s.name] = leaf.replace(**changes)
    else:
        for name, value in changes.items():
            setattr(trail[k], name, value)


def _owned_path(tree: ConfigTree, steps: list[Step]) -> Node:
    return set_path(tree, steps) if steps else tree.owned_root()


def parse_curly(
    tree: ConfigTree,
    text: str,
    *,
    at: list[Step] | None = None,
    source: str = "terminal",
    replace: bool = False,
) -> LoadReport:
    """Merge curly-format text into `tree` (at the level `at`). `replace` honours `replace:` tags."""
    report = LoadReport()
    for _ in parse_curly_steps(tree, text, report, at=at, source=source, replace=replace, step=None):
        pass
    return report


# Lines (set format) or tokens (curly format) a stepwise load handles between two yields: a few
# milliseconds of work.
STEP = 2000


def parse_curly_steps(
    tree: ConfigTree,
    text: str,
    report: LoadReport,
    *,
    at: list[Step] | None = None,
    source: str = "terminal",
    replace: bool = False,
    step: int | None = 4 * STEP,
) -> Iterator[None]:
    """`parse_curly` a slice at a time: it yields between slices so that an asynchronous caller
    lets other sessions run (the parser itself stays synchronous)."""
    parser = _Curly(tree, text, at or [], source, report)
    parser.replace_mode = replace
    with gc_paused():
        yield from parser.steps(step)


# -- set format -----------------------------------------------------------------------------------

_SET_VERBS = (
    "set", "delete", "activate", "deactivate", "annotate", "edit", "top", "up", "exit", "insert", "rename", "copy",
)  # fmt: skip


class _SetCursor:
    """Where the previous `set` line left off, so the next one can start from the shared prefix.

    Generated and saved configurations repeat long prefixes line after line
    (`set routing-instances R routing-options static route ...`). Each level the
    previous line descended into is remembered as (words used, schema node, tree
    node); a new line re-walks only the words after the longest level it shares.
    Tree nodes stay valid because a load edits one generation in place; any
    other command than `set` forgets the cursor.
    """

    def __init__(self, tree: ConfigTree, level: list[Step]):
        self.tree = tree
        self.words: list[str] = []
        base = _owned_path(tree, level)
        schema = level[-1].schema if level else tree.schema_root
        self.levels: list[tuple[int, SchemaNode, Node, bool]] = [(1, schema, base, _in_groups(level))]

    def set(self, words: list[str]) -> None:
        same = 1  # both lines start with `set`
        prev = self.words
        limit = min(len(words), len(prev))
        while same < limit and words[same] == prev[same]:
            same += 1
        depth = len(self.levels) - 1
        while self.levels[depth][0] > same:
            depth -= 1
        end, schema, node, groups = self.levels[depth]
        del self.levels[depth + 1 :]
        self.words = words
        try:
            steps = walk(schema, words, end, values=True, wildcards=groups)
        except PathError as exc:
            self.words = []
            if exc.steps and _stands_alone(exc.steps[-1]):  # Junos keeps the valid start of a refused line
                apply_steps(self.tree, node, exc.steps)
            raise
        if not steps:
            raise PathError(end, "missing argument")
        trail: list[Node] = []
        apply_steps(self.tree, node, steps, trail)
        levels = self.levels
        for k, step in enumerate(steps):
            s = step.schema
            if k + 1 < len(steps) and steps[k + 1].pos == step.pos:
                continue  # `st0.1`: one word made two steps; only the second is a level to resume from
            if s.kind == CONTAINER or (s.kind == LIST and step.key is not None):
                groups = groups or (s.defines is not None and s.defines[0] == "group")
                stop = steps[k + 1].pos if k + 1 < len(steps) else len(words)
                levels.append((stop, s, trail[k], groups))

    def forget(self, tree: ConfigTree, level: list[Step]) -> None:
        self.__init__(tree, level)  # type: ignore[misc]


def parse_set(
    tree: ConfigTree,
    text: str,
    *,
    at: list[Step] | None = None,
    source: str = "terminal",
) -> LoadReport:
    """Run `set`-format commands (set, delete, activate, deactivate, edit, top, up) against `tree`."""
    report = LoadReport()
    for _ in parse_set_steps(tree, text, report, at=at, source=source, step=None):
        pass
    return report


def parse_set_steps(
    tree: ConfigTree,
    text: str,
    report: LoadReport,
    *,
    at: list[Step] | None = None,
    source: str = "terminal",
    step: int | None = STEP,
) -> Iterator[None]:
    """`parse_set` a slice at a time: it yields after every `step` lines so that an asynchronous
    caller lets other sessions run (the parser itself stays synchronous)."""
    with gc_paused():
        yield from _parse_set(tree, text, list(at or []), source, report, step)


def _parse_set(
    tree: ConfigTree, text: str, level: list[Step], source: str, report: LoadReport, step: int | None
) -> Iterator[None]:
    root = tree.schema_root
    cursor = _SetCursor(tree, level)
    for lineno, line in enumerate(text.splitlines(), 1):
        if step is not None and lineno % step == 0:
            yield
        stripped = line.strip()
        if not stripped or stripped[0] == "#":
            continue
        if '"' in line or "[" in line or "]" in line:
            spans = split_spans(line)
            words = [w for w, _, _ in spans]
        else:
            words = line.split()
            spans = []
        verb = words[0]
        start = level[-1].schema if level else root
        try:
            if verb == "set":
                cursor.set(words)
                continue
            cursor.forget(tree, level)
            if verb == "delete":
                steps = walk(start, words, 1, values=False, wildcards=_in_groups(level))
                if not delete_path(tree, level + steps):
                    report.warn(f"warning: statement not found: {' '.join(words[1:])}")
            elif verb in ("activate", "deactivate"):
                steps = walk(start, words, 1, values=False, wildcards=_in_groups(level))
                if not set_flag(tree, level + steps, inactive=verb == "deactivate"):
                    report.warn(f"warning: statement not found: {' '.join(words[1:])}")
            elif verb == "annotate":
                if not annotate_words(tree, level, words[1:]):
                    report.warn(f"warning: statement not found: {' '.join(words[1:-1])}")
            elif verb in ("rename", "copy"):
                rename_words(tree, level, words[1:], copy=verb == "copy")
            elif verb == "insert":
                insert_words(tree, level, words[1:])
            elif verb == "edit":
                steps = walk(start, words, 1, values=False, wildcards=_in_groups(level))
                if steps and not steps[-1].descends:
                    raise PathError(len(words) - 1, "syntax error")
                level = level + steps
            elif verb == "top":
                level = []
            elif verb in ("up", "exit"):
                level = level[:-1]
            else:
                raise PathError(0, "syntax error")
            cursor.forget(tree, level)
        except PathError as exc:
            if verb in ("annotate", "rename", "copy", "insert"):
                exc.pos += 1  # those verbs read the words after themselves
            pos = min(exc.pos, len(words) - 1)
            col = spans[pos][1] if spans else _column(line, words, pos)
            word = words[pos] if exc.pos < len(words) else words[-1]
            message = exc.message if not exc.message.startswith("syntax error") else f"syntax error: {word}"
            if exc.message == "missing argument":
                message = f"missing argument: {word}"
            report.error(f"{source}:{lineno}:({col}) {message}")
        except EditError as exc:
            cursor.forget(tree, level)
            report.error(f"{source}:{lineno}:(0) error: {exc}")


def _column(line: str, words: list[str], pos: int) -> int:
    """Start column of word `pos` in a line split on whitespace."""
    col = 0
    for i, w in enumerate(words):
        col = line.index(w, col)
        if i == pos:
            return col
        col += len(w)
    return col


def looks_like_set(text: str) -> bool:
    """True when the first statement of `text` is a set-format command."""
    for line in text.splitlines():
        s = line.strip()
        if s and not s.startswith("#"):
            return s.split()[0] in _SET_VERBS
    return False


__all__ = [
    "STEP",
    "LoadReport",
    "find",
    "looks_like_set",
    "parse_curly",
    "parse_curly_steps",
    "parse_set",
    "parse_set_steps",
]


def load_override(tree: ConfigTree, text: str, source: str) -> LoadReport:
    """Replace the whole of `tree` with `text`, in either format (start-up files, `--config`)."""
    fresh = ConfigTree(tree.schema_root)
    report = parse_set(fresh, text, source=source) if looks_like_set(text) else parse_curly(fresh, text, source=source)
    tree.root = fresh.freeze()
    tree.freeze()
    return report
