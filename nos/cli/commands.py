"""Command lines against the command trees of grammar/operational/, and `?` / Tab help.

A command is a path of keywords down to a node with an `action`; below that
node, options may come in any order (a word not known at the current level is
tried at the levels above, up to the action). Arguments of type `config-path`
take the rest of the line and are read later against the configuration schema.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from nos.config.path import PathError, Step, walk
from nos.schema.model import CONTAINER, LEAF, LEAF_LIST, LIST, Schema, SchemaNode
from nos.schema.types import BadValue, IntType

REST_TYPES = ("config-path", "command")
_NUMBER = re.compile(r"-?\d+\Z")


def type_kind(node: SchemaNode) -> str | None:
    """The name of a node's value type (None for a flag): `config-path` and `command` need special reading."""
    return node.type.name if node.type is not None else None


class CommandError(Exception):
    """A word the command tree refuses: `pos` is its index in the line's words."""

    def __init__(self, pos: int, message: str, candidates: list[Candidate] | None = None):
        super().__init__(message)
        self.pos = pos
        self.message = message
        self.candidates = candidates or []


@dataclass
class Command:
    action: str
    node: SchemaNode
    args: dict[str, object] = field(default_factory=dict)
    words: list[str] = field(default_factory=list)
    rest_start: int | None = None  # index of the first word of a config-path / command argument
    full: list[str] = field(default_factory=list)  # the words with keywords spelled out (for permission checks)

    def flag(self, name: str) -> bool:
        return bool(self.args.get(name))

    def value(self, name: str, default: str | None = None) -> str | None:
        v = self.args.get(name, default)
        return v if isinstance(v, str) or v is None else default

    @property
    def rest(self) -> list[str]:
        return self.words[self.rest_start :] if self.rest_start is not None else []


def _lookup(node: SchemaNode, word: str, pos: int) -> SchemaNode | None:
    child = node.lookup.get(word)
    if child is not None:
        return child
    matches = {id(c): c for name, c in node.lookup.items() if name.startswith(word) and not c.hidden}
    if len(matches) == 1:
        return next(iter(matches.values()))
    if len(matches) > 1:
        cands = [_command_candidate(c) for c in sorted(matches.values(), key=lambda c: c.name)]
        raise CommandError(pos, f"'{word}' is ambiguous.", cands)
    return None


def _range_refusal(levels: list[SchemaNode], word: str) -> str | None:
    """The range message for a number that a keyless numeric argument refuses (`rollback 50`).

    Such a word is clearly meant as that argument, so Junos names the range
    rather than printing a bare `syntax error.`; other words stay syntax errors.
    """
    if not _NUMBER.match(word):
        return None
    for level in reversed(levels):
        arg = level.keyless_child
        if arg is None or not isinstance(arg.type, IntType):
            continue
        try:
            arg.type.check(word)
        except BadValue as exc:
            return None if exc.syntax else exc.args[0]
    return None


def _fits(node: SchemaNode, word: str) -> bool:
    if node.type is None:
        return False
    if type_kind(node) in REST_TYPES:
        return True
    try:
        node.type.check(word)
    except BadValue:
        return False
    return True


class _Reader:
    """The position in a command tree while a line is read, word by word.

    Before the action node, words descend the tree; from it on, options may come
    in any order, so a word unknown at the current level is tried at the levels
    above it, back up to the action.
    """

    def __init__(self, tree: SchemaNode):
        self.node = tree
        self.levels: list[SchemaNode] = []  # from the action node down: where options are looked up
        self.action: SchemaNode | None = None

    def find(self, word: str, pos: int) -> SchemaNode | None:
        """The statement `word` names here (may raise CommandError for an ambiguous abbreviation)."""
        for level in reversed(self.levels or [self.node]):
            child = _lookup(level, word, pos)
            if child is None and level.keyless_child is not None and _fits(level.keyless_child, word):
                child = level.keyless_child
            if child is not None:
                while self.levels and self.levels[-1] is not level:
                    self.levels.pop()
                return child
        return None

    def refusal(self, word: str, pos: int) -> str:
        if pos == 0:
            return "unknown command."
        if self.action is None:
            return "syntax error, expecting <command>."
        return _range_refusal(self.levels or [self.node], word) or "syntax error."

    def enter(self, child: SchemaNode) -> None:
        """Move into a container, or note an action carried by a leaf."""
        if child.kind == CONTAINER:
            if child.action:
                self.action = child
                self.levels = [child]
            elif self.levels:
                self.levels.append(child)
            self.node = child
        elif child.action:
            self.action = child
            self.levels = [child]


def parse_command(tree: SchemaNode, words: list[str]) -> Command:
    """Read a command line (already split, without pipes) against a command tree."""
    if not words:
        raise CommandError(0, "unknown command.")
    reader = _Reader(tree)
    args: dict[str, object] = {}
    full: list[str] = []
    i, n = 0, len(words)
    while i < n:
        word = words[i]
        child = reader.find(word, i)
        if child is None:
            raise CommandError(i, reader.refusal(word, i))
        if not child.keyless:
            full.append(child.name)
            i += 1
        if child.kind == CONTAINER:
            args[child.name] = True
            reader.enter(child)
            continue
        # a leaf: flag, value or rest-of-line
        if child.type is None:
            args[child.name] = True
        elif child.rest or (type_kind(child) in REST_TYPES):
            args[child.name] = " ".join(words[i:])
            reader.enter(child)
            return _finish(reader.action, args, words, i, full + words[i:])
        else:
            if i >= n:
                raise CommandError(i, f"syntax error, expecting {child.type.hint}.")
            try:
                value, used = child.type.consume(words, i)
            except BadValue as exc:
                raise CommandError(i, exc.args[0] if not exc.syntax else "syntax error.") from None
            args[child.name] = value
            full.extend(words[i : i + used])
            i += used
        reader.enter(child)
    return _finish(reader.action, args, words, None, full)


def _finish(
    action_node: SchemaNode | None, args: dict[str, object], words: list[str], rest: int | None, full: list[str]
) -> Command:
    if action_node is None:
        raise CommandError(len(words), "syntax error, expecting <command>.")
    for child in _all_options(action_node):
        if child.mandatory and child.name not in args:
            hint = child.type.hint if child.type is not None else f"<{child.name}>"
            raise CommandError(len(words), f"syntax error, expecting {hint}.")
    assert action_node.action is not None
    return Command(action_node.action, action_node, args, words, rest, full)


def _all_options(node: SchemaNode) -> list[SchemaNode]:
    out = []
    for child in node.children.values():
        out.append(child)
        if child.kind == CONTAINER and not child.action:
            out.extend(_all_options(child))
    return out


# -- help and completion -------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    name: str
    help: str
    marker: str = "  "  # "> " holds statements, "+ " takes several values


def _command_candidate(node: SchemaNode) -> Candidate:
    """Commands, options and pipes are listed without markers (Junos marks only statements)."""
    return Candidate(node.name, node.help)


def _candidate(node: SchemaNode) -> Candidate:
    if node.kind in (CONTAINER, LIST) and (node.children or node.kind == LIST):
        marker = "> "
    elif node.kind == LEAF_LIST:
        marker = "+ "
    else:
        marker = "  "
    return Candidate(node.name, node.help, marker)


@dataclass
class Help:
    """What may come next at the cursor: candidates, whether Enter is valid, whether `|` is."""

    candidates: list[Candidate] = field(default_factory=list)
    enter: bool = False
    pipe: bool = False
    error: tuple[int, str] | None = None  # a complete word that does not fit: (its index, message)

    def shifted(self, offset: int) -> Help:
        if self.error is not None:
            self.error = (self.error[0] + offset, self.error[1])
        return self

    def matching(self, partial: str) -> list[Candidate]:
        return [c for c in self.candidates if c.name.startswith(partial) and not c.name.startswith("<")]

    def lines(self, partial: str = "") -> list[str]:
        cands = [c for c in self.candidates if c.name.startswith(partial) or c.name.startswith("<")]
        hints = [c for c in cands if c.name.startswith("<")]
        names = sorted((c for c in cands if not c.name.startswith("<")), key=_order)
        out = ["Possible completions:"]
        if self.enter and not partial:
            out.append(_help_row("  ", "<[Enter]>", "Execute this command"))
        out.extend(_help_row(c.marker, c.name, c.help) for c in hints + names)
        if self.pipe and not partial:
            out.append(_help_row("  ", "|", "Pipe through a command"))
        return out


def _order(c: Candidate) -> tuple[int, int, str]:
    """Numbers in numeric order (rollback indexes), then names alphabetically."""
    return (0, int(c.name), "") if c.name.isdigit() else (1, 0, c.name)


def _help_row(marker: str, name: str, text: str) -> str:
    return f"{marker}{name}{' ' * max(2, 21 - len(name))}{text}".rstrip()


ConfigHelper = Callable[[list[str], str], Help]
ValueHelper = Callable[[SchemaNode], list[Candidate]]  # values known only at run time (rollback indexes)


def command_help(
    tree: SchemaNode,
    words: list[str],
    partial: str,
    config_help: ConfigHelper | None = None,
    run_help: ConfigHelper | None = None,
    values: ValueHelper | None = None,
) -> Help:
    """Help at the end of `words` (complete words) for a word starting with `partial`.

    config_help answers inside a configuration path; run_help inside the
    operational command that `run` takes (configuration mode).
    """
    reader = _Reader(tree)
    args: set[str] = set()
    i, n = 0, len(words)
    while i < n:
        word = words[i]
        try:
            child = reader.find(word, i)
        except CommandError as exc:
            return Help(error=(i, exc.message))
        if child is None:
            return Help(error=(i, reader.refusal(word, i)))
        if not child.keyless:
            i += 1
        args.add(child.name)
        if child.kind == CONTAINER:
            reader.enter(child)
            continue
        if child.type is None:
            pass
        elif child.rest or type_kind(child) in REST_TYPES:
            if type_kind(child) == "config-path" and config_help is not None:
                return config_help(words[i:], partial).shifted(i)
            if type_kind(child) == "command" and run_help is not None:
                return run_help(words[i:], partial).shifted(i)
            return Help([Candidate(child.type.hint, child.help)], enter=True)
        else:
            if i >= n:
                return _value_help(child, values)
            i += 1
        reader.enter(child)
    levels, node, action_node = reader.levels, reader.node, reader.action
    # Offer what the current levels accept.
    cands: list[Candidate] = []
    seen: set[str] = set()
    inner: Help | None = None  # help of a rest-of-line argument: it knows whether Enter and `|` fit
    for level in reversed(levels or [node]):
        for child in level.children.values():
            if child.hidden or child.name in seen:
                continue
            seen.add(child.name)
            if child.keyless:
                kind = type_kind(child)
                sub_help = config_help if kind == "config-path" else run_help if kind == "command" else None
                if sub_help is not None:
                    inner = sub_help([], partial)
                    cands.extend(inner.candidates)
                    continue
                hint = child.type.hint if child.type is not None else f"<{child.name}>"
                cands.append(Candidate(hint, child.help))
                if child.type is not None:
                    cands.extend(Candidate(v, h) for v, h in child.type.candidates())
                    if values is not None:
                        cands.extend(values(child))
                continue
            if child.name in args and (child.kind != CONTAINER or levels):
                continue  # an option given once (`commit confirmed ...`) is not offered again
            cands.append(_command_candidate(child))
    complete = action_node is not None and all(c.name in args for c in _all_options(action_node) if c.mandatory)
    if inner is not None:
        return Help(cands, enter=complete and inner.enter, pipe=complete and inner.pipe)
    return Help(cands, enter=complete, pipe=complete)


def _value_help(node: SchemaNode, values: ValueHelper | None = None) -> Help:
    assert node.type is not None
    cands = [Candidate(node.type.hint, node.help)]
    cands.extend(Candidate(v, h) for v, h in node.type.candidates())
    if values is not None:
        cands.extend(values(node))
    return Help(cands)


# -- configuration paths -----------------------------------------------------------------------------

KeysOf = Callable[[list[Step], SchemaNode], list[tuple[str, str]]]


def config_path_help(
    start: SchemaNode,
    words: list[str],
    *,
    values: bool,
    existing: KeysOf,
    defined: Callable[[str], list[str]],
) -> Help:
    """Help inside a configuration path (after `set`, `delete`, `show`, `edit`, ...).

    existing(steps, list_schema) lists the keys (and their descriptions) already
    configured at a list; defined(namespace) lists names a reference may use.
    """
    try:
        steps = walk(start, words, values=False, abbreviate=True, wildcards=False)
    except PathError as exc:
        if exc.expect is None or exc.pos < len(words):
            message = exc.message + "." if exc.message in ("syntax error", "missing argument") else exc.message
            return Help(error=(exc.pos, message))
        lst, k, what = exc.expect
        spec = lst.keys[k]
        if what == "keyword":
            assert spec.keyword is not None
            return Help([Candidate(spec.keyword, lst.help)])
        return _key_help(lst, spec.type, existing(exc.steps, lst) if k == 0 else [], defined)
    context = start
    for s in steps:
        if s.descends:
            context = s.schema
    last = steps[-1] if steps else None
    if last is not None:
        s = last.schema
        if s.kind == LIST and last.key is None:
            return _key_help(s, s.keys[0].type, existing(steps[:-1], s), defined, enter=not values)
        if s.kind in (LEAF, LEAF_LIST) and last.value is None:
            assert s.type is not None
            h = Help([Candidate(s.type.hint, s.help)], enter=not values)
            h.candidates.extend(Candidate(v, x) for v, x in s.type.candidates())
            if s.ref:
                h.candidates.extend(Candidate(v, "") for v in defined(s.ref))
            if s.kind == LEAF_LIST:
                h.candidates.append(Candidate("[", "Open a set of values"))
            return h
    cands: list[Candidate] = []
    for child in context.children.values():
        if child.hidden:
            continue
        if child.keyless:
            t = child.keys[0].type if child.kind == LIST else child.type
            if t is not None:
                cands.append(Candidate(t.hint if t.hint != "<value>" else f"<{child.name}>", child.help))
                cands.extend(Candidate(v, h or child.help) for v, h in t.candidates())
            if child.kind == LIST:
                anchor = [s for s in steps if s.descends]
                cands.extend(Candidate(k, h or child.help) for k, h in existing(anchor, child))
            continue
        cands.append(_candidate(child))
    for extra in ("apply-groups", "apply-groups-except"):
        node = context.lookup.get(extra)
        if node is not None and extra not in context.children:
            cands.append(_candidate(node))
    if not values:  # show, delete, edit...: any level may end the line
        return Help(cands, enter=True)
    # `set` ends where a statement is complete: a value, a flag, a list entry, a presence container.
    complete = last is not None and (
        last.schema.kind in (LEAF, LEAF_LIST)
        or (last.schema.kind == LIST and last.key is not None)
        or last.schema.presence
    )
    return Help(cands, enter=complete)


def _key_help(lst: SchemaNode, t, existing_keys, defined, enter: bool = False) -> Help:  # type: ignore[no-untyped-def]
    hint = t.hint if t.hint != "<value>" else f"<{lst.keys[0].name}>"
    cands = [Candidate(hint, lst.help)]
    cands.extend(Candidate(v, h) for v, h in t.candidates())
    cands.extend(Candidate(k, h or lst.help) for k, h in existing_keys)
    if lst.ref:
        cands.extend(Candidate(v, "") for v in defined(lst.ref))
    return Help(cands, enter=enter)


# -- which words Space may complete ---------------------------------------------------------------

_PREFIXES: dict[int, tuple[object, frozenset[str]]] = {}  # id(schema) -> (schema, its keyword prefixes)


def keyword_prefixes(schema: Schema) -> frozenset[str]:
    """Every proper prefix of a keyword (a command, option or statement name, a fixed value) in `schema`.

    Space completes a keyword only, and only a word that is a proper prefix of one can
    gain anything from it: a name, an address or a complete keyword is just followed by
    the space. Checking this set first spares the completion a look at the whole line.
    """
    cached = _PREFIXES.get(id(schema))
    if cached is not None and cached[0] is schema:
        return cached[1]
    words: set[str] = set()
    seen: set[int] = set()
    todo = [schema.root, *schema.commands.values()]
    while todo:
        node = todo.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        words.update(node.lookup)
        types = [node.type] + [k.type for k in node.keys]
        words.update(k.keyword for k in node.keys if k.keyword)
        words.update(v for t in types if t is not None for v, _ in t.candidates())
        todo.extend(node.children.values())
        todo.extend(node.lookup.values())
    prefixes = frozenset(w[:i] for w in words for i in range(1, len(w)))
    _PREFIXES[id(schema)] = (schema, prefixes)
    return prefixes


__all__ = [
    "Candidate",
    "Command",
    "CommandError",
    "Help",
    "command_help",
    "config_path_help",
    "keyword_prefixes",
    "parse_command",
]
