"""A Pygments lexer for Junos command lines and configuration text (interactive highlighting only)."""

from __future__ import annotations

from pygments.lexer import RegexLexer, bygroups, words
from pygments.token import Comment, Keyword, Name, Number, Operator, Punctuation, String, Text

_VERBS = (
    "activate", "annotate", "clear", "commit", "configure", "copy", "deactivate", "delete", "edit", "exit",
    "file", "help", "insert", "load", "monitor", "ping", "quit", "rename", "replace", "request", "restart",
    "rollback", "run", "save", "set", "show", "status", "top", "traceroute", "up", "wildcard",
)  # fmt: skip
_PIPES = ("compare", "count", "display", "except", "find", "last", "match", "no-more", "save", "trim")


class JunosLexer(RegexLexer):
    """Command lines (`set interfaces ge-0/0/0 ...`) and curly configuration text."""

    name = "Junos"
    aliases = ["junos"]
    filenames = ["*.conf"]

    tokens = {
        "root": [
            (r"\s+", Text),
            (r"/\*.*?\*/", Comment.Multiline),
            (r"#.*$", Comment.Single),
            (r'"(\\\\|\\"|[^"])*"?', String.Double),
            (r"(\|)(\s*)([a-z-]+)", bygroups(Operator, Text, Keyword.Pseudo)),
            (r"[{};\[\]]", Punctuation),
            (r"(inactive:|protect:|replace:)", Keyword.Declaration),
            (words(_VERBS, prefix=r"^", suffix=r"\b"), Keyword),
            (r"\d{1,3}(\.\d{1,3}){3}(/\d{1,2})?\b", Number),
            (r"[0-9a-fA-F]*:[0-9a-fA-F:]+(/\d{1,3})?", Number),
            (r"\b(ge|xe|et|fe|lo|st|reth|fxp|em|irb|ae|gr)-?[\d/:.]+\b", Name.Variable),
            (r"\b\d+\b", Number.Integer),
            (words(_PIPES, suffix=r"\b"), Name.Builtin),
            (r"[A-Za-z_][\w.\-/:*<>]*", Name),
            (r".", Text),
        ]
    }
