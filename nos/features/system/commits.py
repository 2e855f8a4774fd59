"""`show system commit` as `<commit-information>` (get-commit-information), newest first.

Each `<commit-history>` holds the sequence number, user, client (`cli`,
`netconf`, `other`) and time; a commit's own comment is its `<log>`, while the
pending `commit confirmed` note is a `<comment>` with `<commit-confirmed>`, as
the Junos replies in the reference show them. Times are in the device's time
zone (`system time-zone`; `PST` in the juliopdx capture, `UTC` by default).

A `commit at` waiting comes first, as the line `commit requested by USER via
CLIENT at DATE` (DATE in ctime form and the device's time zone, or `reboot`),
the layout of the Junos reference's "At a Particular Time" / "At the Next
Reboot" samples. [G] Its XML, `<pending-commit>`, is ours: no capture shows it.
"""

from __future__ import annotations

from typing import Any

from nos.config.commitat import ctime, local_time
from nos.runtime.structured import E, Element, sub, text_of


def commits_xml(db: Any) -> Element:
    info = E("commit-information")
    zone = db.zone()
    job = db.scheduled
    if job is not None:
        pending = sub(info, "pending-commit")
        sub(pending, "user", job.user)
        sub(pending, "client", job.client)
        if job.at is None:
            sub(pending, "date-time", "reboot")
        else:
            sub(pending, "date-time", ctime(job.at, zone), junos_seconds=int(job.at))
    for i, record in enumerate(db.store.records):
        entry = sub(info, "commit-history")
        sub(entry, "sequence-number", i)
        sub(entry, "user", record.user)
        sub(entry, "client", record.client)
        sub(entry, "date-time", local_time(record.time, zone), junos_seconds=int(record.time))
        if i == 0 and db.confirm_deadline is not None:
            left = int(db.confirm_deadline - db.scheduler.now())
            sub(entry, "comment", f"commit confirmed, rollback in {left // 60}m{left % 60}s")
            sub(entry, "commit-confirmed", "rollback pending")
        if record.comment:
            sub(entry, "log", record.comment)
    return info


def render_commits(info: Element) -> list[str]:
    lines = []
    for pending in info.iterfind("pending-commit"):
        lines.append(
            f"commit requested by {text_of(pending, 'user')} via {text_of(pending, 'client')}"
            f" at {text_of(pending, 'date-time')}"
        )
    for entry in info.iterfind("commit-history"):
        lines.append(
            f"{text_of(entry, 'sequence-number'):<4}{text_of(entry, 'date-time')} "
            f"by {text_of(entry, 'user')} via {text_of(entry, 'client')}"
        )
        lines += [f"    {text_of(entry, tag)}" for tag in ("comment", "log") if entry.find(tag) is not None]
    return lines
