"""Writing configuration trees as text: the curly format, `| display set` and `| display json`.

Renderers are pure: tree in, lines out. Secrets are replaced or marked depending
on `secrets`; inherited statements (expanded trees) can be annotated with the
group they came from (`| display inheritance`).
"""

from __future__ import annotations

import json

from nos.config.path import quote
from nos.config.tree import Child, Leaf, ListNode, Node

INDENT = "    "


class RenderOptions:
    __slots__ = ("inheritance", "max_depth", "secrets")

    def __init__(self, secrets: bool = True, inheritance: bool = False, max_depth: int | None = None):
        self.secrets = secrets  # False: hide secret values from classes without the `secret` permission
        self.inheritance = inheritance
        self.max_depth = max_depth


DEFAULT = RenderOptions()


def _value_text(leaf: Leaf, opts: RenderOptions) -> str:
    """The part after the statement name: `value`, `[ a b ]`, or nothing for a flag."""
    s = leaf.schema
    v = leaf.value
    if isinstance(v, tuple):
        if s.secret and not opts.secrets:
            return " /* SECRET-DATA */"
        if len(v) == 1:
            return " " + quote(v[0])
        return " [ " + " ".join(quote(x) for x in v) + " ]"
    if v == "":
        return ""
    if s.secret:
        return ' "/* SECRET-DATA */"' if not opts.secrets else ' "' + v.replace('"', '\\"') + '"'
    return " " + quote(v)


def _leaf_line(leaf: Leaf, opts: RenderOptions) -> str:
    s = leaf.schema
    name = "" if s.keyless else s.name
    text = (name + _value_text(leaf, opts)).lstrip() + ";"
    if s.secret:
        text += " ## SECRET-DATA"
    if leaf.inactive:
        text = "inactive: " + text
    return text


def comment_lines(annotation: str, indent: str = "") -> list[str]:
    """A comment as Junos prints it: `/* text */` on one line, or a comment loaded across lines
    (`/*` then ` * ...` lines) kept as it was written."""
    if "\n" not in annotation:
        return [f"{indent}/* {annotation} */"]
    lines = f"/*{annotation}*/".split("\n")
    return [indent + lines[0]] + lines[1:]


def _entry_head(lst: ListNode, key: tuple[str, ...]) -> str:
    """What a list entry's block starts with: `unit 0`, or the key alone where the list's name is
    not written (a keyless list, or a grouped one, inside `name-server { ... }`)."""
    s = lst.schema
    bare = s.keyless or s.grouped
    if len(key) == 1 and not s.keys[0].type.multiword:  # the usual list: one plain key
        return quote(key[0]) if bare else s.name + " " + quote(key[0])
    parts = [] if bare else [s.name]
    for spec, k in zip(s.keys, key, strict=False):
        if spec.keyword:
            parts.append(spec.keyword)
        parts.append(k if spec.type.multiword else quote(k))
    return " ".join(parts)


def _simple(child: Child, opts: RenderOptions) -> str | None:
    """The one-line text of a child, or None when it needs lines of its own."""
    if child.schema.grouped:
        return None
    if isinstance(child, Leaf):
        if child.inactive or child.annotation or child.schema.secret:
            return None
        return (("" if child.schema.keyless else child.schema.name) + _value_text(child, opts)).strip()
    if isinstance(child, ListNode):
        if len(child.entries) != 1:
            return None
        ((key, entry),) = child.entries.items()
        if entry.inactive or entry.annotation:
            return None
        head = _entry_head(child, key)
        if not entry.children:
            return head
        inner = _oneline(entry, opts)
        return f"{head} {inner}" if inner is not None else None
    return None


def _oneline(node: Node, opts: RenderOptions) -> str | None:
    """`route 0.0.0.0/0 next-hop 1.1.1.1;` form.

    `oneliner` statements fold when they hold exactly one simple statement;
    `inline` statements fold whenever every statement they hold is simple.
    """
    s = node.schema
    if not (s.oneliner or s.inline):
        return None
    kids = node.ordered_children()
    if s.oneliner and not s.inline and len(kids) != 1:
        return None
    parts = []
    for kid in kids:
        text = _simple(kid, opts)
        if text is None:
            return None
        parts.append(text)
    return " ".join(p for p in parts if p)


def curly_lines(node: Node, opts: RenderOptions = DEFAULT, indent: str = "", depth: int = 0) -> list[str]:
    """The children of `node` in the curly format, one string per line (no newline)."""
    out: list[str] = []
    _children(out, node, opts, indent, depth)
    return out


# The renderers append to one list instead of yielding through nested generators:
# a 200,000-line configuration is written in a fraction of the time.

# What a CurlyCache knows from one render: id(entry) -> (entry, its key, indent, the word before
# its head (flattened statements) and its text); a render reads the kept one and fills a fresh one.
_Chunks = dict[int, tuple[Node, tuple[str, ...], str, str, str]]
_Memo = tuple[_Chunks, _Chunks]


def _children(
    out: list[str], node: Node, opts: RenderOptions, indent: str, depth: int, memo: _Memo | None = None
) -> None:
    for child in node.ordered_children():
        if child.schema.grouped:
            _grouped(out, child, opts, indent, depth, memo)
        elif isinstance(child, Leaf):
            if child.annotation:
                out.extend(comment_lines(child.annotation, indent))
            if child.origin and opts.inheritance:
                _origin(out, child.origin, _inherit_label(child), indent)
            out.append(indent + _leaf_line(child, opts))
        elif isinstance(child, ListNode):
            if memo is not None:
                _cached_entries(out, child, "", indent, depth, memo)
                continue
            for key, entry in child.entries.items():
                _block(out, _entry_head(child, key), entry, opts, indent, depth)
        elif child.schema.flatten and child.children and not child.inactive and not child.annotation:
            word = child.schema.name
            for inner in child.ordered_children():
                if isinstance(inner, Leaf):
                    out.append(indent + word + " " + _leaf_line(inner, opts))
                elif isinstance(inner, ListNode):
                    if memo is not None:
                        _cached_entries(out, inner, word, indent, depth, memo)
                        continue
                    for key, entry in inner.entries.items():
                        _block(out, f"{word} {_entry_head(inner, key)}", entry, opts, indent, depth)
                else:
                    _block(out, f"{word} {inner.schema.name}", inner, opts, indent, depth, memo)
        else:
            _block(out, child.schema.name, child, opts, indent, depth, memo)


def _grouped(out: list[str], child: Leaf | ListNode, opts: RenderOptions, indent: str, depth: int, memo) -> None:  # type: ignore[no-untyped-def]
    """`name-server { 8.8.8.8; 1.1.1.1; }`: a grouped list's entries (or leaf-list's values) in a
    block under its name, each as its key alone, as Junos prints them (set lines are unchanged)."""
    head = indent + child.schema.name
    if isinstance(child, Leaf):  # a leaf-list is one statement: its comment and `inactive:` go on the block
        if child.annotation:
            out.extend(comment_lines(child.annotation, indent))
        if child.inactive:
            head = f"{indent}inactive: {child.schema.name}"
    if opts.max_depth is not None and depth >= opts.max_depth:
        out.append(head + " { ... }")
        return
    out.append(head + " {")
    inner = indent + INDENT
    if isinstance(child, Leaf):
        values = child.value if isinstance(child.value, tuple) else (child.value,)
        out.extend(f"{inner}{quote(v)};" for v in values)
    elif memo is not None:
        _cached_entries(out, child, "", inner, depth + 1, memo)
    else:
        for key, entry in child.entries.items():
            _block(out, _entry_head(child, key), entry, opts, inner, depth + 1)
    out.append(indent + "}")


def _cached_entries(out: list[str], lst: ListNode, word: str, indent: str, depth: int, memo: _Memo) -> None:
    """The entries of a list, each block as one string: the last render's text for the same entry
    under the same key at the same place, else rendered (entries inside it are not cached apart)."""
    last, fresh = memo
    for key, entry in lst.entries.items():
        ident = id(entry)
        known = last.get(ident)
        if known is None or known[0] is not entry or known[1] != key or known[2] != indent or known[3] != word:
            head = _entry_head(lst, key)
            lines: list[str] = []
            _block(lines, f"{word} {head}" if word else head, entry, DEFAULT, indent, depth)
            known = (entry, key, indent, word, "\n".join(lines))
        fresh[ident] = known
        out.append(known[4])


def _block(
    out: list[str],
    head: str,
    node: Node,
    opts: RenderOptions,
    indent: str,
    depth: int,
    memo: _Memo | None = None,
) -> None:
    if node.annotation:
        out.extend(comment_lines(node.annotation, indent))
    if node.origin and opts.inheritance:
        _origin(out, node.origin, head, indent)
    prefix = indent + "inactive: " + head if node.inactive else indent + head
    if not node.children:
        out.append(prefix + ";")
        return
    if opts.max_depth is not None and depth >= opts.max_depth:
        out.append(prefix + " { ... }")
        return
    schema = node.schema
    if schema.oneliner or schema.inline:
        one = _oneline(node, opts)
        if one is not None:
            out.append(prefix + " " + one + ";")
            return
    out.append(prefix + " {")
    _children(out, node, opts, indent + INDENT, depth + 1, memo)
    out.append(indent + "}")


def block_lines(head: str, node: Node, opts: RenderOptions = DEFAULT, indent: str = "", depth: int = 0) -> list[str]:
    """One block (a container or list entry under its head), as lines."""
    out: list[str] = []
    _block(out, head, node, opts, indent, depth)
    return out


def _origin(out: list[str], group: str, label: str, indent: str) -> None:
    out.append(f"{indent}##")
    out.append(f"{indent}## '{label}' was inherited from group '{group}'")
    out.append(f"{indent}##")


def _inherit_label(leaf: Leaf) -> str:
    v = leaf.value
    if isinstance(v, tuple):
        return " ".join(v)
    return v or leaf.schema.name


def curly_text(node: Node, opts: RenderOptions = DEFAULT) -> str:
    lines = curly_lines(node, opts)
    lines.append("")
    return "\n".join(lines)


class CurlyCache:
    """`curly_text` of one configuration after another, reusing the text of what did not change.

    Trees are copy-on-write, so a statement a commit did not touch is the very
    same object in the next configuration. The cache holds the text of each
    outermost list entry (an interface, a routing instance, a policy...) of the
    configuration it kept last, and takes it again for an entry it meets again
    under the same head: a one-line change to a 100,000-line configuration
    renders one entry, then joins the text. A tree may be kept only once it is
    frozen (later edits copy what they touch, never change it), so `text`
    keeps nothing by itself: `keep()` makes its last render the one to reuse.
    """

    def __init__(self) -> None:
        self._kept: _Chunks = {}
        self._kept_root: Node | None = None
        self._last: tuple[Node, _Chunks] | None = None

    def text(self, root: Node) -> str:
        fresh: _Chunks = {}
        out: list[str] = []
        _children(out, root, DEFAULT, "", 0, (self._kept, fresh))
        out.append("")
        self._last = (root, fresh)
        return "\n".join(out)

    def keep(self) -> None:
        """Reuse the text of the last render from now on (its tree is frozen); forget the older one."""
        if self._last is not None:
            (self._kept_root, self._kept), self._last = self._last, None

    def warm(self, root: Node) -> None:
        """Render `root` (frozen) to be kept, unless it is what the cache holds already."""
        if root is not self._kept_root:
            self.text(root)
            self.keep()


# -- set format ---------------------------------------------------------------------------------


def set_lines(node: Node, prefix: str = "set", opts: RenderOptions = DEFAULT) -> list[str]:
    """`| display set`: one command per leaf; `deactivate` after what it covers."""
    out: list[str] = []
    _set_children(out, node, prefix, opts)
    return out


def _set_children(out: list[str], node: Node, path: str, opts: RenderOptions) -> None:
    for child in node.ordered_children():
        if isinstance(child, Leaf):
            s = child.schema
            base = path if s.keyless else f"{path} {s.name}"
            v = child.value
            if isinstance(v, tuple):
                hide = s.secret and not opts.secrets
                for item in v:
                    out.append(f"{base} {'/* SECRET-DATA */' if hide else quote(item)}")
            elif v == "":
                out.append(base)
            elif s.secret:
                out.append(f'{base} "{v if opts.secrets else "/* SECRET-DATA */"}"')
            else:
                out.append(f"{base} {quote(v)}")
            if child.inactive:
                out.append("deactivate" + base[base.index(" ") :])
        elif isinstance(child, ListNode):
            base = f"{path} {child.schema.name}" if child.schema.grouped else path
            for key, entry in child.entries.items():
                _set_node(out, entry, f"{base} {_entry_head(child, key)}", opts)
        else:
            _set_node(out, child, f"{path} {child.schema.name}", opts)


def _set_node(out: list[str], node: Node, head: str, opts: RenderOptions) -> None:
    if node.children:
        _set_children(out, node, head, opts)
    else:
        out.append(head)
    if node.inactive:
        out.append("deactivate" + head[head.index(" ") :])


# -- JSON -----------------------------------------------------------------------------------------


def json_lines(node: Node, attributes: dict[str, str] | None = None, opts: RenderOptions = DEFAULT) -> list[str]:
    """`| display json`, in the layout Junos uses (`"key" : value`, arrays flush with their key)."""
    out = ["{", '    "configuration" : {']
    body: list[list[str]] = []
    if attributes:
        attrs = ['        "@" : {']
        items = list(attributes.items())
        for i, (k, v) in enumerate(items):
            attrs.append(f'            "{k}" : "{_js(v)}"' + ("," if i < len(items) - 1 else ""))
        attrs.append("        }")
        body.append(attrs)
    body.extend(_json_members(node, "        ", opts))
    for i, member in enumerate(body):
        if i < len(body) - 1:
            member[-1] += ","
        out.extend(member)
    out.append("    }")
    out.append("}")
    return out


def _js(text: str) -> str:
    """The inside of a JSON string: quotes, backslashes and control characters (an annotation's
    newline) escaped, so the output stays valid JSON."""
    return json.dumps(text, ensure_ascii=False)[1:-1]


def _json_scalar(leaf: Leaf, value: str, opts: RenderOptions) -> str:
    if leaf.schema.secret and not opts.secrets:
        return '"/* SECRET-DATA */"'
    t = leaf.schema.type
    if t is not None and t.name == "int":
        return value
    return f'"{_js(value)}"'


def _json_members(node: Node, ind: str, opts: RenderOptions) -> list[list[str]]:
    """Each child of `node` as a list of lines (without a trailing comma)."""
    members: list[list[str]] = []
    if node.inactive or node.annotation:
        members.append(_json_attrs(ind, node.inactive, node.annotation))
    for child in node.ordered_children():
        name = child.schema.name
        if isinstance(child, Leaf):
            v = child.value
            if isinstance(v, tuple):
                lines = [f'{ind}"{name}" : [' + ", ".join(_json_scalar(child, x, opts) for x in v) + "]"]
            elif v == "":
                lines = [f'{ind}"{name}" : [null]']
            else:
                lines = [f'{ind}"{name}" : {_json_scalar(child, v, opts)}']
            if child.inactive or child.annotation:
                lines[-1] += ","
                lines.extend(_json_attrs(ind, child.inactive, child.annotation, f"@{name}"))
            members.append(lines)
        elif isinstance(child, ListNode):
            lines = [f'{ind}"{name}" : [']
            entries = list(child.entries.items())
            for i, (key, entry) in enumerate(entries):
                lines.append(ind + "{")
                inner: list[list[str]] = []
                specs = child.schema.keys
                for spec, k in zip(specs, key, strict=False):
                    is_int = spec.type.name == "int"
                    label = "name" if len(specs) == 1 else spec.name  # Junos names a single key `name`
                    inner.append([f'{ind}    "{label}" : ' + (k if is_int else f'"{_js(k)}"')])
                inner.extend(_json_members(entry, ind + "    ", opts))
                for j, member in enumerate(inner):
                    if j < len(inner) - 1:
                        member[-1] += ","
                    lines.extend(member)
                lines.append(ind + "}" + ("," if i < len(entries) - 1 else ""))
            lines.append(ind + "]")
            members.append(lines)
        else:
            inner = _json_members(child, ind + "    ", opts)
            if not inner:
                members.append([f'{ind}"{name}" : [null]'])
                continue
            lines = [f'{ind}"{name}" : {{']
            for j, member in enumerate(inner):
                if j < len(inner) - 1:
                    member[-1] += ","
                lines.extend(member)
            lines.append(ind + "}")
            members.append(lines)
    return members


def _json_attrs(ind: str, inactive: bool, annotation: str | None, name: str = "@") -> list[str]:
    parts = []
    if inactive:
        parts.append(f'{ind}    "inactive" : true')
    if annotation:
        parts.append(f'{ind}    "comment" : "/* {_js(annotation)} */"')
    return [f'{ind}"{name}" : {{', ",\n".join(parts), ind + "}"]


def render_child(child: Child, opts: RenderOptions = DEFAULT) -> list[str]:
    """A single statement (used by `show <leaf>` and the diff)."""
    holder = Node(child.schema)
    holder.children[child.schema.name] = child
    return list(curly_lines(holder, opts))


entry_head = _entry_head
leaf_line = _leaf_line

__all__ = [
    "INDENT",
    "CurlyCache",
    "RenderOptions",
    "block_lines",
    "comment_lines",
    "curly_lines",
    "curly_text",
    "entry_head",
    "json_lines",
    "leaf_line",
    "render_child",
    "set_lines",
]
