"""`|` filters after a command: parsing the chain and running the text filters.

Two kinds of pipe: display modifiers (`display set`, `display json`,
`display inheritance`, `display max-depth`, `compare`) change what a
configuration command renders, so they are handed to the command; text
filters (`match`, `except`, `find`, `count`, `last`, `trim`, `save`,
`no-more`) run over the rendered lines in the order typed.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import trio

from nos.cli.commands import Command, CommandError, parse_command
from nos.runtime.filesystem import FileError, UserFiles
from nos.runtime.patterns import BadPattern, UserRegex, compile_user_regex
from nos.runtime.structured import E, Structured, json_lines, rpc_lines, xml_lines
from nos.schema.model import SchemaNode

DISPLAY_ACTIONS = (
    "display-set",
    "display-json",
    "display-xml",
    "display-xml-rpc",
    "display-inheritance",
    "display-max-depth",
    "compare",
)


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
        if cmd.action in ("match", "except", "find"):
            try:  # a pattern the matcher refuses is an error before the command runs
                _regex(cmd.value("pattern") or "")
            except CommandError as exc:
                exc.pos = pos + len(words) - 1
                raise
        (pipeline.display if cmd.action in DISPLAY_ACTIONS else pipeline.filters).append(cmd)
        pos += len(words) + 1
    return pipeline


def _regex(pattern: str) -> UserRegex:
    """A `match`/`except`/`find` pattern, case-insensitive and linear-time (nos/runtime/patterns.py).

    A malformed pattern (`(`, `[z-a]`) is matched as literal text, as before;
    one that needs backtracking (a backreference) is refused.  [G] what Junos
    prints for either is unconfirmed.
    """
    try:
        return compile_user_regex(pattern)
    except BadPattern as exc:
        if exc.unsupported:
            raise CommandError(0, f"invalid regular expression: {exc.message}") from None  # [G] wording
        return compile_user_regex(pattern, literal=True)


FILTER_SLICE = 20000  # lines searched before the other sessions get a turn (a few milliseconds)


async def _sliced(lines: list[str]) -> AsyncIterator[tuple[int, list[str]]]:
    """`lines` in slices (with their start), with a checkpoint between two: huge outputs take a while."""
    for start in range(0, len(lines), FILTER_SLICE):
        if start:
            await trio.sleep(0)
        yield start, lines[start : start + FILTER_SLICE]


def rendered(result: list[str] | Structured, pipeline: Pipeline) -> list[str]:
    """An operational command's output as the display pipes ask: text, `| display xml`, `| display
    json` or `| display xml rpc` of a structured answer; a text-only answer inside `<output>`."""
    if isinstance(result, Structured):
        if pipeline.wants("display-xml-rpc"):
            return rpc_lines(result)
        if pipeline.wants("display-xml"):
            return xml_lines(result)
        if pipeline.wants("display-json"):
            return json_lines(result)
        return result.text()
    if pipeline.wants("display-xml-rpc"):
        return ["xml rpc equivalent of this command is not available."]
    if pipeline.wants("display-xml") or pipeline.wants("display-json"):
        output = Structured(E("output", "\n" + "".join(line + "\n" for line in result)), lambda _: result, "")
        return json_lines(output) if pipeline.wants("display-json") else xml_lines(output)
    return result


async def run_filters(lines: list[str], pipeline: Pipeline, files: UserFiles) -> list[str]:
    """Apply the text filters, in order (`save` writes through the login's view of the device's files)."""
    for cmd in pipeline.filters:
        action = cmd.action
        if action in ("match", "except"):
            rx = _regex(cmd.value("pattern") or "")
            keep = action == "match"
            kept: list[str] = []
            async for _, part in _sliced(lines):
                kept.extend(line for line in part if rx.search(line) == keep)
            lines = kept
        elif action == "find":
            rx = _regex(cmd.value("pattern") or "")
            found = None
            async for start, part in _sliced(lines):
                found = next((start + i for i, line in enumerate(part) if rx.search(line)), None)
                if found is not None:
                    break
            lines = lines[found:] if found is not None else ["Pattern not found"]
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
            try:
                files.write_text(name, "".join(line + "\n" for line in lines))  # inside the device's files only
            except FileError as exc:
                return [exc.message]
            lines = [f"Wrote {len(lines)} line{'s' if len(lines) != 1 else ''} of output to '{name}'"]
    return lines


__all__ = ["DISPLAY_ACTIONS", "Pipeline", "parse_pipes", "rendered", "run_filters", "split_pipes"]
