"""`<file-list>` and `<file-show>`: the device filesystem (nos/runtime/filesystem.py) over NETCONF.

PyEZ reads its `HOME` fact from `<file-list><path>~</path>` (`directory-list/@root-path`),
the internal-routing-instance names behind `current_re` from `<file-show>` of
/etc/hosts.junos (the text of `<file-content>`), and its FS utility (`ls`, `cat`)
from both. The user's class judges them as `file list` / `file show`; names
resolve from the user's home, as at the CLI. A missing path is `<output>` inside
`<directory-list>` for file-list (PyEZ's FS.ls reads that as "not found") and
an `<rpc-error>` for file-show.
"""

from __future__ import annotations

import base64
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

from nos.cli.files import printable
from nos.net.netconf.xml import child_text, failed, verbatim
from nos.runtime.filesystem import MAX_LISTED, Entry, FileError, Parts, UserFiles, explained, listing_time, text_of
from nos.runtime.structured import E, Element, sub, to_text

if TYPE_CHECKING:
    from nos.net.netconf.session import NetconfSession


def _user_files(session: NetconfSession, words: list[str]) -> UserFiles:
    if not session.cli.rights.may_run(words):
        raise failed("permission denied", tag="access-denied")
    return session.device.fs.for_user(session.user, secrets=session.cli.rights.sees_secrets)


def _refused(exc: FileError) -> Exception:
    return failed(exc.message.removeprefix("error: "))


def _octal(mode: str) -> str:
    """`-rw-r--r--` as `644`, the text of `<file-permissions>`."""
    bits = "".join("0" if c == "-" else "1" for c in mode[1:10])
    return format(int(bits, 2), "o")


def _file_information(parent: Element, entry: Entry, detail: bool) -> None:
    info = sub(parent, "file-information")
    sub(info, "file-name", entry.name)
    if entry.kind == "dir":
        sub(info, "file-directory", junos_format="/")
    if detail:
        sub(info, "file-permissions", _octal(entry.mode), junos_format=entry.mode)
        sub(info, "file-owner", entry.owner)
        sub(info, "file-group", "wheel" if entry.owner == "root" else "staff")
        sub(info, "file-links", 1)
        sub(info, "file-size", entry.size)
        sub(info, "file-date", int(entry.mtime), junos_format=listing_time(entry.mtime))


def _directory(listing: Element, label: str | None, entries: list[Entry], detail: bool) -> None:
    directory = sub(listing, "directory", **({"name": label} if label is not None else {}))
    if label is not None:
        sub(directory, "directory-name", label)
    sub(directory, "total-file-blocks", sum((e.size + 511) // 512 for e in entries))
    for entry in entries:
        _file_information(directory, entry, detail)
    sub(directory, "total-files", sum(1 for e in entries if e.kind != "dir"))


def _listing(files: UserFiles, name: str | None, detail: bool, recursive: bool) -> Element:
    fs = files.fs
    parts: Parts = files.resolve(name) if name else files.home
    if parts == files.home:
        with explained("list", name or "~"):
            fs.entries(parts, create=True)  # a login's home exists once it is looked at
    root = text_of(parts)
    listing = E(
        "directory-list",
        root_path=root if root.endswith("/") else root + "/",
        junos_seconds=int(fs.clock()),
        junos_style="verbose" if detail else "brief",
    )
    entry = fs.stat_entry(parts, secrets=files.secrets)
    if entry is None:
        sub(listing, "output", f"{name}: No such file or directory")
        return listing
    if entry.kind != "dir":  # one file: a nameless directory holding it, as PyEZ's FS.ls expects
        _directory(listing, None, [entry], detail)
        return listing
    pending, listed = [parts], 0
    while pending and listed < MAX_LISTED:
        here = pending.pop(0)
        with explained("list", text_of(here)):
            entries = fs.entries(here, secrets=files.secrets)
        label = text_of(here)
        _directory(listing, label if label.endswith("/") else label + "/", entries, detail)
        listed += len(entries)
        if recursive:
            pending[:0] = [(*here, e.name) for e in entries if e.kind == "dir"]
    return listing


async def file_list(session: NetconfSession, op: ET.Element) -> list[ET.Element]:
    files = _user_files(session, ["file", "list"])
    flags = {c.tag.rsplit("}", 1)[-1] for c in op}
    try:
        listing = _listing(files, child_text(op, "path"), "detail" in flags, "recursive" in flags)
    except FileError as exc:
        raise _refused(exc) from None
    return [verbatim(to_text(listing))]


async def file_show(session: NetconfSession, op: ET.Element) -> list[ET.Element]:
    files = _user_files(session, ["file", "show"])
    name = (child_text(op, "filename") or "").strip()
    encoding = (child_text(op, "encoding") or "text").strip()
    try:
        data = files.read_bytes(name)
        entry = files.fs.stat_entry(files.resolve(name), secrets=files.secrets)
    except FileError as exc:
        raise _refused(exc) from None
    if encoding == "base64":
        text = base64.b64encode(data).decode("ascii")
    else:  # control characters (which XML cannot carry) as U+FFFD, as `file show` prints them
        text = "".join(line + "\n" for line in printable(data.decode("utf-8", errors="replace")))
    content = E(
        "file-content",
        "\n" + text,
        filename=name,
        junos_seconds=int(entry.mtime if entry is not None else files.fs.clock()),
        filesize=len(data),
        encoding="base64" if encoding == "base64" else "text",
    )
    return [verbatim(to_text(content))]


HANDLERS = {"file-list": file_list, "file-show": file_show}

__all__ = ["HANDLERS"]
