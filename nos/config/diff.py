"""`show | compare`: the Junos diff of two configuration trees.

Output groups changes under `[edit <path>]` headers, one per level that has
direct changes (repeated when a nested change interrupts a level), with `+`
and `-` lines, a leaf change as `-` old then `+` new, and the preceding list
entry as `{ ... }` context when an entry is added after it.

Indentation: real captures indent the statements after the marker by 2 + the
depth of the header when compare runs at `[edit]`, and by 1 + the depth below
the current level when it runs from inside the hierarchy (see
reference/junos-output/show_compare__*.txt); deeper lines add 4 spaces a level.
Subtrees that are the same object in both trees are skipped unexamined.
"""

from __future__ import annotations

from nos.config.path import entry_words, quote
from nos.config.render import DEFAULT, RenderOptions, block_lines, comment_lines, entry_head, leaf_line, render_child
from nos.config.tree import Child, Leaf, ListNode, Node


class _Differ:
    def __init__(self, edit_depth: int, opts: RenderOptions):
        self.out: list[str] = []
        self.last_header: list[str] | None = None
        self.edit_depth = edit_depth
        self.opts = opts

    def lead(self, depth: int) -> str:
        if self.edit_depth == 0:
            return " " * (2 + depth)
        return " " * (1 + depth - self.edit_depth)

    def header(self, path: list[str]) -> None:
        if self.last_header != path:
            self.out.append("[edit" + ("" if not path else " " + " ".join(quote(w) for w in path)) + "]")
            self.last_header = path

    def context_header(self, path: list[str]) -> None:
        """A `{ ... }` context line opens a new hunk: Junos repeats the level's header before it
        unless the header is the line just printed (show_compare_rollback__context_ellipsis__sr_te)."""
        if self.out and not self.out[-1].startswith("[edit"):
            self.last_header = None
        self.header(path)

    def emit(self, marker: str, lines: list[str], path: list[str], depth: int) -> None:
        self.header(path)
        lead = self.lead(depth)
        self.out.extend(f"{marker}{lead}{line}" for line in lines)

    def node(self, old: Node, new: Node, path: list[str], depth: int) -> None:
        if old is new:
            return
        names = list(dict.fromkeys(list(old.children) + list(new.children)))
        schema_of = {n: (new.children.get(n) or old.children[n]).schema for n in names}
        names.sort(key=lambda n: schema_of[n].index)
        for name in names:
            o = old.children.get(name)
            n = new.children.get(name)
            if o is n:
                continue
            if o is None:
                self.emit("+", _lines(n, self.opts), path, depth)  # type: ignore[arg-type]
            elif n is None:
                self.emit("-", _lines(o, self.opts), path, depth)
            elif isinstance(o, Leaf) and isinstance(n, Leaf):
                if o.schema.grouped and not _flags_differ(o, n):
                    self.grouped_values(o, n, path + [name], depth + 1)
                else:
                    self.leaf(o, n, path, depth)
            elif isinstance(o, ListNode) and isinstance(n, ListNode):
                if n.schema.grouped:  # `name-server { ... }`: its entries are a level of their own
                    self.list(o, n, path + [name], depth + 1)
                else:
                    self.list(o, n, path, depth)
            elif isinstance(o, Node) and isinstance(n, Node):
                if o.schema.flatten and not _flags_differ(o, n):
                    self.flattened(o, n, path, depth)
                else:
                    self.flags(o, n, name, path, depth)
                    self.node(o, n, path + [name], depth + 1)

    def leaf(self, o: Leaf, n: Leaf, path: list[str], depth: int) -> None:
        if o.same(n):
            return
        if o.value == n.value:
            self.flags(o, n, "", path, depth)
            return
        self.emit("-", [leaf_line(o, self.opts)], path, depth)
        self.emit("+", [leaf_line(n, self.opts)], path, depth)

    def grouped_values(self, o: Leaf, n: Leaf, path: list[str], depth: int) -> None:
        """A grouped leaf-list (`source-prefix-list { A; B; }`): the values gone, then those added."""
        before = o.value if isinstance(o.value, tuple) else (o.value,)
        after = n.value if isinstance(n.value, tuple) else (n.value,)
        gone = [f"{quote(v)};" for v in before if v not in after]
        added = [f"{quote(v)};" for v in after if v not in before]
        if gone:
            self.emit("-", gone, path, depth)
        if added:
            self.emit("+", added, path, depth)

    def flags(self, o: Node | Leaf, n: Node | Leaf, head: str, path: list[str], depth: int) -> None:
        """(De)activation and comments: Junos marks a toggled `inactive:` with `!` and diffs the comment."""
        if o.inactive == n.inactive and o.annotation == n.annotation:
            return
        if isinstance(n, Leaf):
            shown = leaf_line(n, self.opts)
        else:
            shown = ("inactive: " if n.inactive else "") + head + (" { ... }" if n.children else ";")
        if o.annotation != n.annotation:
            if o.annotation:
                self.emit("-", comment_lines(o.annotation), path, depth)
            if n.annotation:
                self.emit("+", comment_lines(n.annotation), path, depth)
        if o.inactive != n.inactive:
            self.emit("!", [shown], path, depth)
        else:
            self.emit(" ", [shown], path, depth)

    def flattened(self, old: Node, new: Node, path: list[str], depth: int) -> None:
        """A `flatten` container (family): its children are statements of the parent level."""
        word = new.schema.name
        names = set(old.children) | set(new.children)
        for name in sorted(names, key=lambda n: (old.children.get(n) or new.children[n]).schema.index):
            o, n = old.children.get(name), new.children.get(name)
            if o is n:
                continue
            if isinstance(o, Node) and isinstance(n, Node):
                self.flags(o, n, f"{word} {name}", path, depth)
                self.node(o, n, path + [word, name], depth + 2)
            elif not (isinstance(o, Leaf) and o.same(n)):
                # Added, removed, or (de)activated/annotated as a whole: `family inet` is
                # a statement of this level, shown before and after like any other.
                if o is not None:
                    self.emit("-", _lines(_wrap(old, o), self.opts), path, depth)
                if n is not None:
                    self.emit("+", _lines(_wrap(new, n), self.opts), path, depth)

    def list(self, old: ListNode, new: ListNode, path: list[str], depth: int) -> None:
        prev_shared: tuple[str, ...] | None = None
        for key, n in new.entries.items():
            o = old.entries.get(key)
            if o is n:
                prev_shared = key
                continue
            if o is None:
                lines = list(block_lines(entry_head(new, key), n, self.opts, "", 0))
                if prev_shared is not None and new.entries[prev_shared].children:
                    self.context_header(path)
                    self.out.append(f" {self.lead(depth)}{entry_head(new, prev_shared)} {{ ... }}")
                self.emit("+", lines, path, depth)
            else:
                self.flags(o, n, entry_head(new, key), path, depth)
                words = entry_words(new.schema, key)
                self.node(o, n, path + (words[1:] if new.schema.grouped else words), depth + 1)
                prev_shared = key
        for key, o in old.entries.items():
            if key not in new.entries:
                self.emit("-", list(block_lines(entry_head(old, key), o, self.opts, "", 0)), path, depth)


def _flags_differ(old: Node, new: Node) -> bool:
    """Was the statement itself deactivated, activated or annotated? Its children may be the same."""
    return old.inactive != new.inactive or old.annotation != new.annotation


def _wrap(container: Node, child: Child) -> Node:
    """A copy of `container` holding only `child` (to print one member of a flatten container)."""
    holder = Node(container.schema)
    holder.children[child.schema.name] = child
    return holder


def _lines(child: Child, opts: RenderOptions) -> list[str]:
    return render_child(child, opts)


def diff_lines(
    old: Node | None,
    new: Node | None,
    path: list[str] | None = None,
    depth: int = 0,
    edit_depth: int = 0,
    opts: RenderOptions = DEFAULT,
) -> list[str]:
    """Diff two nodes found at the same `path` (words), `depth` levels below the top.

    `edit_depth` is the depth of the level the user runs the compare from.
    """
    differ = _Differ(edit_depth, opts)
    path = path or []
    if old is None and new is None:
        return []
    if old is None or new is None:
        present = new if new is not None else old
        assert present is not None
        marker = "+" if new is not None else "-"
        for child in present.ordered_children():
            differ.emit(marker, _lines(child, opts), path, depth)
        return differ.out
    differ.node(old, new, path, depth)
    return differ.out


__all__ = ["diff_lines"]
