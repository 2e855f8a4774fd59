"""Writing configuration trees as text: the curly format, `| display set` and `| display json`.

Renderers are pure: tree in, lines out. Secrets are replaced or marked depending
on `secrets`; inherited statements (expanded trees) can be annotated with the
group they came from (`| display inheritance`).
"""

from __future__ import annotations

from collections.abc import Iterator

from nos.config.path import quote
from nos.config.tree import Child, Leaf, ListNode, Node
from nos.schema.model import LIST

INDENT = "    "


class RenderOptions:
    __slots__ = ("secrets", "inheritance", "max_depth")

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


def _entry_head(lst: ListNode, key: tuple[str, ...]) -> str:
    s = lst.schema
    parts = [] if s.keyless else [s.name]
    for spec, k in zip(s.keys, key, strict=False):
        if spec.keyword:
            parts.append(spec.keyword)
        parts.append(k if spec.type.multiword else quote(k))
    return " ".join(parts)


def _simple(child: Child, opts: RenderOptions) -> str | None:
    """The one-line text of a child, or None when it needs lines of its own."""
    if isinstance(child, Leaf):
        if child.inactive or child.annotation or child.schema.secret:
            return None
        return (("" if child.schema.keyless else child.schema.name) + _value_text(child, opts)).strip()
    if isinstance(child, ListNode):
        if len(child.entries) != 1:
            return None
        (key, entry), = child.entries.items()
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
    if not (s.oneliner or s.inline) or node.annotation:
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


def curly_lines(node: Node, opts: RenderOptions = DEFAULT, indent: str = "", depth: int = 0) -> Iterator[str]:
    """The children of `node` in the curly format, one string per line (no newline)."""
    for child in node.ordered_children():
        if isinstance(child, Leaf):
            yield from _annotation(child.annotation, indent)
            yield from _origin(child.origin, _inherit_label(child), indent, opts)
            yield indent + _leaf_line(child, opts)
        elif isinstance(child, ListNode):
            for key, entry in child.entries.items():
                yield from _block(_entry_head(child, key), entry, opts, indent, depth)
        elif child.schema.flatten and child.children and not child.inactive and not child.annotation:
            for inner in child.ordered_children():
                yield from _prefixed(child.schema.name, inner, opts, indent, depth)
        else:
            yield from _block(child.schema.name, child, opts, indent, depth)


def _prefixed(word: str, child: Child, opts: RenderOptions, indent: str, depth: int) -> Iterator[str]:
    """A child of a `flatten` container, its head prefixed with the container's name."""
    if isinstance(child, Leaf):
        yield indent + word + " " + _leaf_line(child, opts)
    elif isinstance(child, ListNode):
        for key, entry in child.entries.items():
            yield from _block(f"{word} {_entry_head(child, key)}", entry, opts, indent, depth)
    else:
        yield from _block(f"{word} {child.schema.name}", child, opts, indent, depth)


def _block(head: str, node: Node, opts: RenderOptions, indent: str, depth: int) -> Iterator[str]:
    yield from _annotation(node.annotation, indent)
    yield from _origin(node.origin, head, indent, opts)
    prefix = indent + ("inactive: " if node.inactive else "")
    if not node.children:
        yield prefix + head + ";"
        return
    if opts.max_depth is not None and depth + 1 >= opts.max_depth:
        yield prefix + head + " { ... }"
        return
    one = _oneline(node, opts)
    if one is not None:
        yield prefix + head + " " + one + ";"
        return
    yield prefix + head + " {"
    yield from curly_lines(node, opts, indent + INDENT, depth + 1)
    yield indent + "}"


def _annotation(text: str | None, indent: str) -> Iterator[str]:
    if text:
        yield f"{indent}/* {text} */"


def _origin(group: str | None, label: str, indent: str, opts: RenderOptions) -> Iterator[str]:
    if group and opts.inheritance:
        yield f"{indent}##"
        yield f"{indent}## '{label}' was inherited from group '{group}'"
        yield f"{indent}##"


def _inherit_label(leaf: Leaf) -> str:
    v = leaf.value
    if isinstance(v, tuple):
        return " ".join(v)
    return v or leaf.schema.name


def curly_text(node: Node, opts: RenderOptions = DEFAULT) -> str:
    return "".join(line + "\n" for line in curly_lines(node, opts))


# -- set format ---------------------------------------------------------------------------------


def set_lines(node: Node, prefix: str = "set", opts: RenderOptions = DEFAULT) -> Iterator[str]:
    """`| display set`: one command per leaf; `deactivate` after what it covers."""
    yield from _set_children(node, prefix, opts)


def _set_children(node: Node, path: str, opts: RenderOptions) -> Iterator[str]:
    for child in node.ordered_children():
        if isinstance(child, Leaf):
            s = child.schema
            base = path if s.keyless else f"{path} {s.name}"
            v = child.value
            if isinstance(v, tuple):
                hide = s.secret and not opts.secrets
                for item in v:
                    yield f"{base} {'/* SECRET-DATA */' if hide else quote(item)}"
            elif v == "":
                yield base
            elif s.secret:
                yield f'{base} "{v if opts.secrets else "/* SECRET-DATA */"}"'
            else:
                yield f"{base} {quote(v)}"
            if child.inactive:
                yield "deactivate" + base[base.index(" ") :]
        elif isinstance(child, ListNode):
            for key, entry in child.entries.items():
                head = f"{path} {_entry_head(child, key)}"
                yield from _set_node(entry, head, opts)
        else:
            yield from _set_node(child, f"{path} {child.schema.name}", opts)


def _set_node(node: Node, head: str, opts: RenderOptions) -> Iterator[str]:
    if node.children:
        yield from _set_children(node, head, opts)
    else:
        yield head
    if node.inactive:
        yield "deactivate" + head[head.index(" ") :]


# -- JSON -----------------------------------------------------------------------------------------


def json_lines(node: Node, attributes: dict[str, str] | None = None) -> list[str]:
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
    body.extend(_json_members(node, "        "))
    for i, member in enumerate(body):
        if i < len(body) - 1:
            member[-1] += ","
        out.extend(member)
    out.append("    }")
    out.append("}")
    return out


def _js(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _json_scalar(leaf: Leaf, value: str) -> str:
    t = leaf.schema.type
    if t is not None and t.name == "int":
        return value
    return f'"{_js(value)}"'


def _json_members(node: Node, ind: str) -> list[list[str]]:
    """Each child of `node` as a list of lines (without a trailing comma)."""
    members: list[list[str]] = []
    if node.inactive or node.annotation:
        members.append(_json_attrs(ind, node.inactive, node.annotation))
    for child in node.ordered_children():
        name = child.schema.name
        if isinstance(child, Leaf):
            v = child.value
            if isinstance(v, tuple):
                lines = [f'{ind}"{name}" : [' + ", ".join(_json_scalar(child, x) for x in v) + "]"]
            elif v == "":
                lines = [f'{ind}"{name}" : [null]']
            else:
                lines = [f'{ind}"{name}" : {_json_scalar(child, v)}']
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
                for spec, k in zip(child.schema.keys, key, strict=False):
                    is_int = spec.type.name == "int"
                    inner.append([f'{ind}    "{spec.name}" : ' + (k if is_int else f'"{_js(k)}"')])
                inner.extend(_json_members(entry, ind + "    "))
                for j, member in enumerate(inner):
                    if j < len(inner) - 1:
                        member[-1] += ","
                    lines.extend(member)
                lines.append(ind + "}" + ("," if i < len(entries) - 1 else ""))
            lines.append(ind + "]")
            members.append(lines)
        else:
            inner = _json_members(child, ind + "    ")
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
block_lines = _block

__all__ = [
    "INDENT",
    "RenderOptions",
    "block_lines",
    "curly_lines",
    "curly_text",
    "entry_head",
    "json_lines",
    "leaf_line",
    "render_child",
    "set_lines",
]

