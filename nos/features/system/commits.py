"""`show system commit` as `<commit-information>` (get-commit-information), newest first.

Each `<commit-history>` holds the sequence number, user, client (`cli`,
`netconf`, `other`) and time; a commit's own comment is its `<log>`, while the
pending `commit confirmed` note is a `<comment>` with `<commit-confirmed>`, as
the Junos replies in the reference show them.
"""

from __future__ import annotations

from typing import Any

from nos.runtime.clock import format_time
from nos.runtime.structured import E, Element, sub, text_of


def commits_xml(db: Any) -> Element:
    info = E("commit-information")
    for i, record in enumerate(db.store.records):
        entry = sub(info, "commit-history")
        sub(entry, "sequence-number", i)
        sub(entry, "user", record.user)
        sub(entry, "client", record.client)
        sub(entry, "date-time", format_time(record.time), junos_seconds=int(record.time))
        if i == 0 and db.confirm_deadline is not None:
            left = int(db.confirm_deadline - db.scheduler.now())
            sub(entry, "comment", f"commit confirmed, rollback in {left // 60}m{left % 60}s")
            sub(entry, "commit-confirmed", "rollback pending")
        if record.comment:
            sub(entry, "log", record.comment)
    return info


def render_commits(info: Element) -> list[str]:
    lines = []
    for entry in info.iterfind("commit-history"):
        lines.append(
            f"{text_of(entry, 'sequence-number'):<4}{text_of(entry, 'date-time')} "
            f"by {text_of(entry, 'user')} via {text_of(entry, 'client')}"
        )
        lines += [f"    {text_of(entry, tag)}" for tag in ("comment", "log") if entry.find(tag) is not None]
    return lines
