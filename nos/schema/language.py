"""The schema language (see grammar/README.md), read with pyparsing into plain declarations.

This module only parses text; `compile.py` turns the declarations into the lookup
structures that the rest of nos uses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pyparsing as pp


class SchemaSyntaxError(Exception):
    """A schema file does not follow the language; carries file, line and column."""


@dataclass
class TypeRef:
    name: str
    args: tuple[str, ...] = ()


@dataclass
class KeySpec:
    name: str
    type: TypeRef
    keyword: str | None = None  # the word before this key, for the second and later keys
    ref: str | None = None  # namespace this key's value must be defined in


@dataclass
class Decl:
    kind: str  # container | list | leaf | leaf-list | flag | choice | grouping | use | namespace | commands
    name: str
    help: str = ""
    type: TypeRef | None = None
    keys: list[KeySpec] = field(default_factory=list)
    attrs: dict[str, object] = field(default_factory=dict)
    body: list[Decl] | None = None
    source: str = ""  # "file:line" for error messages


# Attributes that take no argument, one word, or a word and an optional string.
FLAG_ATTRS = (
    "mandatory",
    "presence",
    "oneliner",
    "ordered",
    "keyless",
    "hidden",
    "secret",
    "rest",
    "flatten",
    "inline",
    "grouped",
)
_WORD_ATTRS = ("default", "ref", "unique", "max", "action", "alias")


def _build_grammar() -> pp.ParserElement:
    import pyparsing as pp

    pp.ParserElement.set_default_whitespace_chars(" \t\r\n")
    LBRACE, RBRACE, SEMI, LT, GT, COLON = map(pp.Suppress, "{};<>:")
    word = pp.Regex(r"[A-Za-z0-9_@*.\-/]+")
    string = pp.QuotedString('"', esc_char="\\")
    value = string | word

    type_args = pp.Suppress("(") + pp.Group(pp.ZeroOrMore(pp.Regex(r"[^()\s]+"))) + pp.Suppress(")")
    type_ref = pp.Group(word("tname") + pp.Optional(type_args("targs")))

    key_ref = pp.Suppress(pp.Keyword("ref")) + word("kref")
    key = pp.Group(
        pp.Optional(word("keyword")) + LT + word("kname") + COLON + type_ref("ktype") + pp.Optional(key_ref) + GT
    )
    keys = pp.Group(pp.OneOrMore(key))

    flag_attr = pp.one_of(FLAG_ATTRS, as_keyword=True)
    word_attr = pp.one_of(_WORD_ATTRS, as_keyword=True) + value
    defines_attr = pp.Keyword("defines") + word + pp.Optional(pp.Suppress(pp.Keyword("as")) + string)
    attr = pp.Group(defines_attr | word_attr | flag_attr)
    attrs = pp.Group(pp.ZeroOrMore(attr))
    help_text = pp.Optional(string, default="")

    body = pp.Forward()
    block = (LBRACE + pp.Group(body)("body") + RBRACE) | (SEMI + pp.Group(pp.Empty())("body"))

    def tagged(kind: str, *parts: pp.ParserElement) -> pp.ParserElement:
        # `-` stops backtracking once the keyword matched: errors point into the statement.
        expr = pp.Keyword(kind, ident_chars=pp.alphanums + "_-")("kind")
        for part in parts:
            expr = expr - part
        return pp.Group(expr).set_parse_action(_locate)

    container = tagged("container", word("name"), attrs("attrs"), help_text("help"), block)
    list_ = tagged("list", word("name"), keys("keys"), attrs("attrs"), help_text("help"), block)
    leaf = tagged("leaf", word("name"), type_ref("type"), attrs("attrs"), help_text("help"), SEMI)
    leaf_list = tagged("leaf-list", word("name"), type_ref("type"), attrs("attrs"), help_text("help"), SEMI)
    flag = tagged("flag", word("name"), attrs("attrs"), help_text("help"), SEMI)
    choice = tagged("choice", word("name"), LBRACE + pp.Group(body)("body") + RBRACE)
    grouping = tagged("grouping", word("name"), LBRACE + pp.Group(body)("body") + RBRACE)
    use = tagged("use", word("name"), SEMI)
    namespace = tagged(
        "namespace",
        word("name"),
        string("help"),
        pp.Optional(pp.Suppress(pp.Keyword("builtin")) + pp.Group(pp.OneOrMore(word))("builtin")),
        SEMI,
    )
    commands = tagged("commands", word("name"), LBRACE + pp.Group(body)("body") + RBRACE)

    # leaf-list must be tried before leaf: "leaf" is a prefix of "leaf-list" only
    # as text, and Keyword already refuses a match followed by "-".
    statement = leaf_list | leaf | flag | container | list_ | choice | grouping | use | namespace | commands
    body <<= pp.ZeroOrMore(statement)
    grammar = pp.ZeroOrMore(statement) + pp.StringEnd()
    grammar.ignore(pp.Regex(r"#[^\n]*"))
    return grammar


def _locate(s: str, loc: int, toks: pp.ParseResults) -> None:
    toks[0]["line"] = s.count("\n", 0, loc) + 1


_GRAMMAR: pp.ParserElement | None = None


def parse_text(text: str, source: str = "<schema>") -> list[Decl]:
    import pyparsing as pp

    global _GRAMMAR
    if _GRAMMAR is None:
        _GRAMMAR = _build_grammar()
    try:
        results = _GRAMMAR.parse_string(text, parse_all=True)
    except pp.ParseBaseException as exc:
        raise SchemaSyntaxError(f"{source}:{exc.lineno}:{exc.col}: {exc.msg}") from None
    return [_to_decl(r, source) for r in results]


def parse_file(path: Path) -> list[Decl]:
    return parse_text(path.read_text(), str(path))


def _type(res: pp.ParseResults) -> TypeRef:
    args: tuple[str, ...] = ()
    if "targs" in res:
        group = res["targs"]
        args = tuple(str(a) for a in (group[0] if group and not isinstance(group[0], str) else group))
    return TypeRef(res["tname"], args)


def _attrs(res: pp.ParseResults) -> dict[str, object]:
    out: dict[str, object] = {}
    for item in res:
        name = item[0]
        if name == "defines":
            out["defines"] = (item[1], item[2] if len(item) > 2 else None)
        elif name in _WORD_ATTRS:
            out[name] = item[1]
        else:
            out[name] = True
    return out


def _to_decl(res: pp.ParseResults, source: str) -> Decl:
    kind = res["kind"]
    decl = Decl(kind=kind, name=res["name"], source=f"{source}:{res['line']}")
    if "help" in res:
        decl.help = res["help"]
    if "attrs" in res:
        decl.attrs = _attrs(res["attrs"])
    if kind in ("leaf", "leaf-list"):
        decl.type = _type(res["type"])
    if kind == "list":
        decl.keys = [
            KeySpec(
                k["kname"],
                _type(k["ktype"]),
                k.get("keyword"),
                k.get("kref"),
            )
            for k in res["keys"]
        ]
    if kind == "namespace" and "builtin" in res:
        decl.attrs["builtin"] = tuple(res["builtin"])
    if "body" in res:
        decl.body = [_to_decl(r, source) for r in res["body"]]
    return decl
