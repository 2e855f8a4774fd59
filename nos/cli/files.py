"""The `file ...` commands and `show log FILE`: the device filesystem as a login sees it.

Every name goes through the device's filesystem (nos/runtime/filesystem.py),
resolved from the user's home, inside the device's own folder; what it refuses
comes back as the Junos-style line it carries.
"""

from __future__ import annotations

import base64
import difflib
import re
from collections.abc import Iterator
from contextlib import contextmanager

from nos.cli.commands import Command
from nos.cli.pipes import Pipeline
from nos.cli.session import CliError, CliSession
from nos.runtime.filesystem import MAX_LISTED, Entry, FileError, Parts, UserFiles, explained, listing_time, text_of

LOG_DIR: Parts = ("var", "log")

# Control characters a file could carry to the reader's terminal (escape sequences): shown as U+FFFD.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@contextmanager
def _errors_said() -> Iterator[None]:
    """A refused or failed file operation ends the command with the line it carries."""
    try:
        yield
    except FileError as exc:
        raise CliError(exc.message) from None


def user_files(session: CliSession) -> UserFiles:
    """The session's view of its device's files (secrets in views masked as its class requires)."""
    return session.device.fs.for_user(session.user, secrets=session.rights.sees_secrets)


def printable(text: str) -> list[str]:
    """A file's text as lines safe to print: undecodable bytes and control characters as U+FFFD."""
    return [_CONTROL.sub("\ufffd", line) for line in text.splitlines()]


def _two_names(cmd: Command, second: str) -> tuple[str, str]:
    """`file copy A B`, `file rename A B`: the two names after the command."""
    words = cmd.rest
    if len(words) < 2:
        spans = cmd.spans  # type: ignore[attr-defined]
        raise CliError(f"syntax error, expecting {second}.", spans[-1][2] + 1 if spans else None)
    if len(words) > 2:
        spans = cmd.spans  # type: ignore[attr-defined]
        raise CliError("syntax error.", spans[cmd.rest_start + 2][1] if cmd.rest_start is not None else None)
    return words[0], words[1]


# -- reading --------------------------------------------------------------------------------------------


async def file_show(session: CliSession, cmd: Command, pipeline: Pipeline) -> list[str]:
    name = cmd.value("path") or ""
    with _errors_said():
        data = user_files(session).read_bytes(name)
    if cmd.value("encoding") == "base64":
        encoded = base64.b64encode(data).decode("ascii")
        return [encoded[i : i + 76] for i in range(0, len(encoded), 76)]
    return printable(data.decode("utf-8", errors="replace"))


async def show_log(session: CliSession, cmd: Command, pipeline: Pipeline) -> list[str]:
    """`show log messages` (the device's events) or another file under /var/log."""
    name = cmd.args.get("filename") or "messages"
    assert isinstance(name, str)
    files = user_files(session)
    with _errors_said():
        parts = files.resolve(name, base=LOG_DIR)
        if parts[: len(LOG_DIR)] != LOG_DIR or len(parts) == len(LOG_DIR):
            raise FileError(f"error: could not resolve file: {name}")
        with explained("read", name):
            data = files.fs.read_bytes(parts, secrets=files.secrets)
    return printable(data.decode("utf-8", errors="replace"))


def _detail(entry: Entry) -> str:
    group = "wheel" if entry.owner == "root" else "staff"  # [G] group names
    return f"{entry.mode}  1 {entry.owner:<8} {group:<5} {entry.size:>10} {listing_time(entry.mtime)} {entry.marked}"


def _header(parts: Parts) -> str:
    label = text_of(parts)
    return (label if label.endswith("/") else label + "/") + ":"


async def file_list(session: CliSession, cmd: Command, pipeline: Pipeline) -> list[str]:
    """`file list [detail|recursive] [PATH]`: `/var/home/lab/:` and the names, directories with `/`."""
    files = user_files(session)
    name = cmd.value("path")
    detail, recursive = cmd.flag("detail"), cmd.flag("recursive")
    fs = files.fs
    with _errors_said():
        parts = files.resolve(name) if name else files.home
        if parts == files.home:
            with explained("list", name or "~"):
                fs.entries(parts, create=True)  # a login's home exists once it is looked at
        entry = fs.stat_entry(parts, secrets=files.secrets)
        if entry is None:
            return [f"{name}: No such file or directory"]
        if entry.kind != "dir":
            return [_detail(entry) if detail else text_of(parts)]
        lines: list[str] = []
        pending = [parts]
        listed = 0
        while pending and listed < MAX_LISTED:
            here = pending.pop(0)
            with explained("list", text_of(here)):
                entries = fs.entries(here, secrets=files.secrets)
            if lines:
                lines.append("")
            lines.append(_header(here))
            lines.extend(_detail(e) if detail else e.marked for e in entries)
            listed += len(entries)
            if detail:
                lines.append(f"total files: {sum(1 for e in entries if e.kind != 'dir')}")  # [G]
            if recursive:  # depth first, as `ls -R` walks
                pending[:0] = [(*here, e.name) for e in entries if e.kind == "dir"]
    return lines


# -- changing ---------------------------------------------------------------------------------------------


async def file_delete(session: CliSession, cmd: Command, pipeline: Pipeline) -> None:
    with _errors_said():
        user_files(session).delete(cmd.value("path") or "")


async def file_copy(session: CliSession, cmd: Command, pipeline: Pipeline) -> None:
    """`file copy SOURCE DESTINATION` (a directory destination, `.` too, keeps the name)."""
    source, target = _two_names(cmd, "<destination>")
    with _errors_said():
        user_files(session).copy(source, target)


async def file_rename(session: CliSession, cmd: Command, pipeline: Pipeline) -> None:
    source, target = _two_names(cmd, "<destination>")
    with _errors_said():
        user_files(session).rename(source, target)


async def file_archive(session: CliSession, cmd: Command, pipeline: Pipeline) -> None:
    """`file archive source X destination Y [compress]`: a .tar (or .tgz) of a file, a directory or a pattern."""
    source, target = cmd.value("source") or "", cmd.value("destination") or ""
    with _errors_said():
        user_files(session).archive(source, target, compress=cmd.flag("compress"))


# -- comparing ----------------------------------------------------------------------------------------------

_STYLES = ("context", "unified", "ignore-white-space")


class _Loose(str):
    """A line that equals another when they differ only in white space (`ignore-white-space`)."""

    def _key(self) -> str:
        return "".join(self.split())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, str) and self._key() == "".join(other.split())

    def __hash__(self) -> int:
        return hash(self._key())


def _span(lo: int, hi: int) -> str:
    return str(lo + 1) if hi - lo == 1 else f"{lo + 1},{hi}"


def normal_diff(a: list[str], b: list[str]) -> list[str]:
    """The classic diff form: `3c3`, `< old`, `---`, `> new`; `5d4`; `7a8,9`."""
    out: list[str] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        if tag == "replace":
            out.append(f"{_span(i1, i2)}c{_span(j1, j2)}")
        elif tag == "delete":
            out.append(f"{_span(i1, i2)}d{j1}")
        else:
            out.append(f"{i1}a{_span(j1, j2)}")
        out.extend("< " + line for line in a[i1:i2])
        if tag == "replace":
            out.append("---")
        out.extend("> " + line for line in b[j1:j2])
    return out


async def file_compare(session: CliSession, cmd: Command, pipeline: Pipeline) -> list[str]:
    """`file compare files A B [context|unified] [ignore-white-space]`."""
    words = list(cmd.rest)
    options = {o for o in _STYLES if cmd.flag(o)}
    for i, word in enumerate(words[2:], start=2):  # options typed after the two names
        match = [o for o in _STYLES if o.startswith(word)] if word else []
        if len(match) != 1:
            spans = cmd.spans  # type: ignore[attr-defined]
            raise CliError("syntax error.", spans[(cmd.rest_start or 0) + i][1])
        options.add(match[0])
    words = words[:2]
    if len(words) < 2:
        spans = cmd.spans  # type: ignore[attr-defined]
        raise CliError("syntax error, expecting <filename>.", spans[-1][2] + 1 if spans else None)
    if {"context", "unified"} <= options:
        raise CliError("error: 'context' and 'unified' are mutually exclusive")  # [G]
    files = user_files(session)
    with _errors_said():
        a, b = (printable(files.read_text(name)) for name in words)
    if "ignore-white-space" in options:
        a, b = [_Loose(line) for line in a], [_Loose(line) for line in b]
    if "unified" in options:
        return [line.rstrip("\n") for line in difflib.unified_diff(a, b, words[0], words[1], lineterm="")]
    if "context" in options:
        return [line.rstrip("\n") for line in difflib.context_diff(a, b, words[0], words[1], lineterm="")]
    return normal_diff(a, b)


HANDLERS = {
    "file-list": file_list,
    "file-show": file_show,
    "file-delete": file_delete,
    "file-copy": file_copy,
    "file-rename": file_rename,
    "file-archive": file_archive,
    "file-compare": file_compare,
    "show-log": show_log,
}

__all__ = ["HANDLERS", "normal_diff", "printable", "user_files"]
