"""`|` filters after a command: parsing the chain and running the text filters.

Two kinds of pipe: display modifiers (`display set`, `display json`,
`display inheritance`, `display max-depth`, `compare`) change what a
configuration command renders, so they are handed to the command; text
filters (`match`, `except`, `find`, `count`, `last`, `trim`, `save`,
`no-more`) run over the rendered lines in the order typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from nos.cli.commands import Command, CommandError, parse_command
from nos.schema.model import SchemaNode

DISPLAY_ACTIONS = ("display-set", "display-json", "display-inheritance", "display-max-depth", "compare")


@dataclass
class Pipeline:
    display: list[Command] = field(default_factory=list)
    filters: list[Command] = field(default_factory=list)

    @property
    def no_more(self) -> bool:
        return any(c.action in ("no-more", "save", "count") for c in self.filters)

    def wants(self, action: str) -> Command | None:
        for c in self.display:
            if c.action == action:
                return c
        return None


def split_pipes(words: list[str]) -> list[list[str]]:
    """[cmd words, pipe1 words, ...] split at `|` words."""
    parts: list[list[str]] = [[]]
    for w in words:
        if w == "|":
            parts.append([])
        else:
            parts[-1].append(w)
    return parts


def parse_pipes(tree: SchemaNode, parts: list[list[str]], offset: int) -> Pipeline:
    """Parse each pipe; `offset` is the word index of the first pipe's first word (for carets)."""
    pipeline = Pipeline()
    pos = offset
    for words in parts:
        try:
            cmd = parse_command(tree, words)
        except CommandError as exc:
            if not words:
                raise CommandError(pos, "syntax error, expecting <command>.") from None
            exc.pos += pos
            if exc.message == "unknown command.":
                exc.message = "syntax error, expecting <command>."
            raise
        (pipeline.display if cmd.action in DISPLAY_ACTIONS else pipeline.filters).append(cmd)
        pos += len(words) + 1
    return pipeline


def _regex(pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern, re.IGNORECASE)
    except re.error:
        return re.compile(re.escape(pattern), re.IGNORECASE)


def run_filters(lines: list[str], pipeline: Pipeline, home: Path) -> list[str]:
    """Apply the text filters, in order."""
    for cmd in pipeline.filters:
        action = cmd.action
        if action == "match":
            rx = _regex(cmd.value("pattern") or "")
            lines = [line for line in lines if rx.search(line)]
        elif action == "except":
            rx = _regex(cmd.value("pattern") or "")
            lines = [line for line in lines if not rx.search(line)]
        elif action == "find":
            rx = _regex(cmd.value("pattern") or "")
            for i, line in enumerate(lines):
                if rx.search(line):
                    lines = lines[i:]
                    break
            else:
                lines = ["Pattern not found"]
        elif action == "count":
            lines = [f"Count: {len(lines)} lines"]
        elif action == "last":
            n = int(cmd.value("lines") or 0) or 24
            lines = lines[-n:]
        elif action == "trim":
            n = int(cmd.value("columns") or 0)
            lines = [line[n:] for line in lines]
        elif action == "save":
            name = cmd.value("file") or ""
            path = resolve_file(home, name)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
            lines = [f"Wrote {len(lines)} line{'s' if len(lines) != 1 else ''} of output to '{name}'"]
    return lines


def resolve_file(home: Path, name: str) -> Path:
    """A file name as the device sees it: absolute paths as given, others under the user's home."""
    p = Path(name).expanduser()
    return p if p.is_absolute() else home / p


__all__ = ["DISPLAY_ACTIONS", "Pipeline", "parse_pipes", "resolve_file", "run_filters", "split_pipes"]
