"""One authorization point for configuration changes: judge the change, not the command.

`set`, `copy`, `load override`, `rollback 3`, a NETCONF `<edit-config>` and a
commit of a candidate someone else filled all come down to one question: which
statements differ between the configuration before and after, and may this
login class change each of them (`Rights.may_edit`)? Asking it of the trees
rather than of each command leaves no command that forgets to ask.

Configuration trees are copy-on-write (nos/config/tree.py): what an edit did not
touch is the same object before and after, and is skipped with an `is` test, so
the walk costs what the change costs, not what the configuration weighs. A class
judged by its flags alone is settled a word or two below the top (`system login`
needs admin-control whatever is under it); only classes with allow/deny
expressions look at every changed statement.

A changed statement is given as its path in chunks, one per statement on the
way (`(("system",), ("login",), ("user", "bob"), ("class", "op"))`): the words
joined are what the class's expressions match, the chunks give the Junos
`[edit ...]` header and statement of the refusal.
"""

from __future__ import annotations

import types
from collections.abc import Coroutine, Generator, Iterator
from contextlib import contextmanager
from itertools import compress
from operator import is_, is_not
from typing import Any, TypeVar

from nos.config.path import entry_words
from nos.config.tree import Child, ConfigTree, Leaf, ListNode, Node, trees_equal
from nos.config.validate import CheckError
from nos.runtime.accounts import Rights

Path = tuple[tuple[str, ...], ...]
T = TypeVar("T")

# Stamped by the commit itself (database._with_version), never a user's change.
_SYSTEM_OWNED = frozenset({"version"})

PERMISSION_DENIED = "error: permission denied"


class LeafChunk(tuple[str, ...]):
    """A path's last chunk when it is a leaf: its name, then its value (which may be a secret)."""


def words(path: Path) -> list[str]:
    return [w for chunk in path for w in chunk]


class _Walk:
    """The changed statements between two trees, skipping what `rights.settled` already decides."""

    def __init__(self, rights: Rights):
        self.rights = rights

    def node(self, old: Node | None, new: Node | None, path: Path) -> Iterator[tuple[Path, bool | None]]:
        if old is new:
            return
        if path:
            verdict = self.rights.settled(words(path))
            if verdict is not None:
                # A refusal needs a real change: a parsed tree (`rollback 1`) shares no objects.
                if verdict or not trees_equal(old, new):
                    yield path, verdict
                return
        if old is not None and new is not None:
            if old.inactive != new.inactive or old.annotation != new.annotation:
                yield path, None  # (de)activated or annotated
        elif path:
            present = old if old is not None else new
            assert present is not None
            if not present.children or present.inactive or present.annotation:
                yield path, None  # an empty statement (`set interfaces ge-0/0/1`), or a flagged one
        before = old.children if old is not None else {}
        after = new.children if new is not None else {}
        for name, n in after.items():
            o = before.get(name)
            if o is not n and not (not path and name in _SYSTEM_OWNED):
                yield from self.child(o, n, path)
        for name, o in before.items():
            if name not in after and not (not path and name in _SYSTEM_OWNED):
                yield from self.child(o, None, path)

    def child(self, old: Child | None, new: Child | None, path: Path) -> Iterator[tuple[Path, bool | None]]:
        if old is not None and new is not None and type(old) is not type(new):
            yield from self.child(old, None, path)  # a statement that changed kind: gone, then added
            yield from self.child(None, new, path)
            return
        if isinstance(old, Leaf) or isinstance(new, Leaf):
            yield from self.leaf(old, new, path)  # type: ignore[arg-type]
        elif isinstance(old, ListNode) or isinstance(new, ListNode):
            yield from self.entries(old, new, path)  # type: ignore[arg-type]
        else:
            name = (new or old).schema.name  # type: ignore[union-attr]
            yield from self.node(old, new, path + ((name,),))  # type: ignore[arg-type]

    def leaf(self, old: Leaf | None, new: Leaf | None, path: Path) -> Iterator[tuple[Path, bool | None]]:
        if old is not None and new is not None and old.same(new):
            return
        if old is None or new is None or old.value == new.value:
            changed = [new if new is not None else old]  # added, removed, or (de)activated / annotated
        else:
            changed = [old, new]
        seen: set[tuple[str, ...]] = set()
        for leaf in changed:
            assert leaf is not None
            for chunk in _leaf_chunks(leaf, other=old if leaf is new else new):
                if chunk not in seen:
                    seen.add(chunk)
                    yield path + (chunk,), None

    def entries(self, old: ListNode | None, new: ListNode | None, path: Path) -> Iterator[tuple[Path, bool | None]]:
        lst = (new or old).schema  # type: ignore[union-attr]
        before = old.entries if old is not None else {}
        after = new.entries if new is not None else {}
        same_keys = len(before) == len(after) and all(map(is_, before, after))  # copied dicts share their keys
        if same_keys:  # the usual edit of a long list: find the entries that are new objects at C speed
            changed = compress(after.keys(), map(is_not, before.values(), after.values()))
            for key in list(changed):
                yield from self.node(before[key], after[key], path + (tuple(entry_words(lst, key)),))
            return
        for key, entry in after.items():
            o = before.get(key)
            if o is not entry:
                yield from self.node(o, entry, path + (tuple(entry_words(lst, key)),))
        for key, entry in before.items():
            if key not in after:
                yield from self.node(entry, None, path + (tuple(entry_words(lst, key)),))
        if before and after:  # `insert`: entries that moved
            kept_new = [k for k in after if k in before]
            kept_old = [k for k in before if k in after]
            if kept_new != kept_old:
                was_after = dict(zip(kept_old, [None, *kept_old[:-1]], strict=True))
                for key, prev in zip(kept_new, [None, *kept_new[:-1]], strict=True):
                    if was_after[key] != prev:
                        yield path + (tuple(entry_words(lst, key)),), None


def _leaf_chunks(leaf: Leaf, other: Leaf | None) -> list[tuple[str, ...]]:
    """The statements a changed leaf stands for: one per leaf-list value that differs."""
    name = () if leaf.schema.keyless else (leaf.schema.name,)
    value = leaf.value
    if isinstance(value, tuple):
        theirs = other.value if other is not None and isinstance(other.value, tuple) else ()
        changed = [v for v in value if v not in theirs]
        if not changed and other is not None and leaf.value != other.value:
            changed = [v for i, v in enumerate(value) if i >= len(theirs) or theirs[i] != v]  # reordered
        if not changed and (other is None or not leaf.same(other)):
            changed = list(value)  # flags of the whole leaf-list
        return [LeafChunk(name + (v,)) for v in changed] or [LeafChunk(name)]
    return [LeafChunk(name + ((value,) if value else ()))]


def changed_statements(rights: Rights, old_root: Node, new_root: Node) -> Iterator[tuple[Path, bool | None]]:
    """Each changed statement, with the verdict when `rights.settled` gave one for a whole subtree."""
    return _Walk(rights).node(old_root, new_root, ())


def unauthorized_changes(rights: Rights, old_root: Node, new_root: Node, *, limit: int | None = None) -> list[Path]:
    """The changes from `old_root` to `new_root` that the class may not make (the first `limit`)."""
    if rights.edits_everything or old_root is new_root:
        return []
    refused: list[Path] = []
    for path, verdict in changed_statements(rights, old_root, new_root):
        allowed = verdict if verdict is not None else rights.may_edit(words(path))
        if not allowed:
            refused.append(path)
            if limit is not None and len(refused) >= limit:
                break
    return refused


class Refused(Exception):
    """An edit or commit holding changes the class may not make."""

    def __init__(self, paths: list[Path]):
        super().__init__(" ".join(words(paths[0])) if paths else "")
        self.paths = paths


class EditGuard:
    """One candidate watched through one command: what it changed is judged at the end.

    A command may wait (a prompt, `load ... terminal`, a big load yielding to
    other sessions), and other sessions may change a shared candidate
    meanwhile: their changes are neither this command's to be judged on nor
    its to undo. So while the command has changed nothing yet, each time it
    resumes the guard starts again from the candidate as it then is (`watch`).
    """

    def __init__(self, rights: Rights, tree: ConfigTree):
        self.rights = rights
        self.tree = tree
        self.watching = not rights.edits_everything
        # Freezing makes the command's edits copy what they touch, so `base` stays as it is.
        self.base = tree.freeze() if self.watching else tree.root

    def rebase(self) -> None:
        if self.watching:
            self.base = self.tree.freeze()

    async def watch(self, command: Coroutine[Any, Any, T]) -> T:
        """Await `command`, rebasing whenever it resumes from a wait before its first change."""
        if not self.watching:
            return await command
        return await _resumptions(command, self)

    def untouched(self) -> bool:
        """Has the command changed nothing yet (any change copies the frozen root)?"""
        return self.tree.root is self.base

    def judge(self) -> list[Path]:
        """Refused changes (none: the edit stands); when some are, the candidate is put back."""
        if not self.watching:
            return []
        refused = unauthorized_changes(self.rights, self.base, self.tree.root, limit=1)
        if refused:
            self.tree.root = self.base
            self.tree.freeze()
        return refused


@types.coroutine
def _resumptions(command: Coroutine[Any, Any, T], guard: EditGuard) -> Generator[Any, Any, T]:
    """Drive `command` as `await` would, passing each wait to Trio and each wake-up back; when
    it wakes having changed nothing yet, whatever changed meanwhile was another session's."""
    value: Any = None
    error: BaseException | None = None
    while True:
        try:
            signal = command.throw(error) if error is not None else command.send(value)
        except StopIteration as done:
            return done.value
        untouched = guard.untouched()  # judged as it goes to sleep: only this command has run since
        try:
            value, error = (yield signal), None
        except BaseException as exc:  # thrown into the waiting command (its task being closed)
            value, error = None, exc
        if untouched:
            guard.rebase()


@contextmanager
def authorized_edit(rights: Rights, tree: ConfigTree) -> Iterator[EditGuard]:
    """Run an edit of `tree`; raise Refused (the edit undone) if it changed what the class may not.

    An edit that fails half-way keeps what it did (as a load with errors does),
    so it is judged too; its own error goes on unless a change is refused.
    """
    guard = EditGuard(rights, tree)
    try:
        yield guard
    except BaseException as exc:
        refused = guard.judge()
        if refused:
            raise Refused(refused) from exc
        raise
    refused = guard.judge()
    if refused:
        raise Refused(refused)


def commit_refusal(rights: Rights, active: Node, candidate: Node, base: Node | None = None) -> list[Path]:
    """What a commit would activate that the committer's class may not change.

    A shared candidate is judged against the active configuration, so changes
    other sessions left in it count; a private one (`base`: the configuration it
    started from) by its own changes, which the commit merges onto the active one.
    """
    return unauthorized_changes(rights, base if base is not None else active, candidate, limit=8)


def refusal_errors(paths: list[Path]) -> list[CheckError]:
    """Each refused change as a commit error: `[edit system]` / `'host-name'` / `permission denied` [G]."""
    out: dict[tuple[str, ...], CheckError] = {}
    for path in paths:
        header = words(path[:-1])
        last = path[-1]
        statement = last[0] if isinstance(last, LeafChunk) and last else " ".join(last)  # never a (secret) value
        out.setdefault((*header, statement), CheckError(header, statement, "permission denied"))
    return list(out.values())  # a leaf's old and new value are one statement


def commit_refusal_lines(paths: list[Path]) -> list[str]:
    lines = [line for error in refusal_errors(paths) for line in error.lines()]
    return lines + ["error: configuration check-out failed"]  # [G] the line Junos ends a failed check with


__all__ = [
    "PERMISSION_DENIED",
    "EditGuard",
    "Path",
    "Refused",
    "authorized_edit",
    "changed_statements",
    "commit_refusal",
    "commit_refusal_lines",
    "refusal_errors",
    "unauthorized_changes",
    "words",
]
