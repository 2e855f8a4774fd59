"""`show system uptime` (`<system-uptime-information>`) and `show system users`
(`<system-users-information>`): both end with the BSD `w` header line, built from
one `<uptime-information>` element.

Times are kept raw in `junos:seconds` and as Junos words them in the text
(`<time-length junos:seconds="97384">1d 03:03</time-length>`); PyEZ's
`Device.uptime` (and so napalm's get_facts) reads
`system-booted-time/time-length/@seconds`.

The time source is NTP CLOCK while the NTP client has a system peer (nos/features/ntp), else
LOCAL CLOCK; the load averages are the device's own (nos/features/system/load.py).
"""

from __future__ import annotations

import time
from typing import Any

from nos.runtime.clock import format_ago, format_time
from nos.runtime.structured import JUNOS, E, Element, namespace, sub, text_of

IDLE = ("0.00", "0.00", "0.00")  # a device without its load averages (features not installed)


def time_source(device: Any) -> str:
    """` NTP CLOCK ` or ` LOCAL CLOCK `, with the spaces Junos sends (the text strips them)."""
    ntp = getattr(device, "ntp", None)
    return " NTP CLOCK " if ntp is not None and ntp.synchronized else " LOCAL CLOCK "


def load_averages(device: Any) -> tuple[str, str, str]:
    """The 1, 5 and 15 minute load averages as `w` prints them."""
    load = getattr(device, "load", None)
    return load.texts() if load is not None else IDLE


def clock_12h(epoch: float) -> str:
    """`3:03AM`: the time of day as `w` and `show system users` print it."""
    return time.strftime("%I:%M%p", time.gmtime(epoch)).lstrip("0")


def bsd_span(seconds: int) -> str:
    """`w`'s uptime: `5 mins`, ` 3:03`, `1 day,  3:03`, `32 days,  5:35`."""
    days, rem = divmod(seconds, 86400)
    hours, rem = divmod(rem, 3600)
    minutes = rem // 60
    span = f"{hours:2d}:{minutes:02d}" if hours else f"{minutes} min{'s' if minutes != 1 else ''}"
    if days:
        span = f"{days} day{'s' if days != 1 else ''}, {span}"
    return span


def _uptime_information(parent: Element, device: Any) -> Element:
    """`<uptime-information>`: what the `w` header line says (the caller adds the user table)."""
    now = device.scheduler.epoch()
    up = int(now - device.boot_time)
    users = len(device.sessions)
    info = sub(parent, "uptime-information")
    sub(info, "date-time", clock_12h(now), junos_seconds=int(now))
    sub(info, "up-time", bsd_span(up), junos_seconds=up)
    sub(info, "active-user-count", users, junos_format=f"{users} user{'s' if users != 1 else ''}")
    for minutes, value in zip((1, 5, 15), load_averages(device), strict=True):
        sub(info, f"load-average-{minutes}", value)
    return info


def _w_line(info: Element) -> str:
    """` 9:22PM  up 32 days,  5:35, 1 user, load averages: 0.00, 0.00, 0.00`."""
    count = info.find("active-user-count")
    users = count.get(f"{{{JUNOS}}}format", "") if count is not None else ""
    loads = ", ".join(text_of(info, f"load-average-{m}") for m in (1, 5, 15))
    return f"{text_of(info, 'date-time'):>7}  up {text_of(info, 'up-time')}, {users}, load averages: {loads}"


def _moment(parent: Element, tag: str, epoch: float, now: float) -> Element:
    """A past moment: its date and how long ago it was."""
    moment = sub(parent, tag)
    sub(moment, "date-time", format_time(epoch), junos_seconds=int(epoch))
    sub(moment, "time-length", format_ago(now - epoch), junos_seconds=int(max(0, now - epoch)))
    return moment


def uptime_xml(device: Any) -> Element:
    now = device.scheduler.epoch()
    info = E("system-uptime-information", ns=namespace("junos"))
    current = sub(info, "current-time")
    sub(current, "date-time", format_time(now), junos_seconds=int(now))
    sub(info, "time-source", time_source(device))
    _moment(info, "system-booted-time", device.boot_time, now)
    _moment(info, "protocols-started-time", device.boot_time, now)
    records = device.db.store.records
    if records:
        last = _moment(info, "last-configured-time", records[0].time, now)
        sub(last, "user", records[0].user)
    sub(_uptime_information(info, device), "user-table")
    return info


def render_uptime(info: Element) -> list[str]:
    def since(tag: str) -> str:
        return f"{text_of(info, tag + '/date-time')} ({text_of(info, tag + '/time-length')} ago)"

    lines = [
        f"Current time: {text_of(info, 'current-time/date-time')}",
        f"Time Source:  {text_of(info, 'time-source').strip()}",
        f"System booted: {since('system-booted-time')}",
    ]
    if info.find("protocols-started-time") is not None:
        lines.append(f"Protocols started: {since('protocols-started-time')}")
    if info.find("last-configured-time") is not None:
        lines.append(
            f"Last configured: {since('last-configured-time')} by {text_of(info, 'last-configured-time/user')}"
        )
    lines.append(_w_line(info.find("uptime-information")))  # type: ignore[arg-type]
    return lines


def users_xml(device: Any) -> Element:
    now = device.scheduler.epoch()
    info = E("system-users-information", ns=namespace("junos"))
    table = sub(_uptime_information(info, device), "user-table")
    for session in device.sessions.values():
        entry = sub(table, "user-entry")
        sub(entry, "user", session.user)
        sub(entry, "tty", session.terminal)
        sub(entry, "from", session.origin or "-")
        sub(entry, "login-time", clock_12h(session.login_time), junos_seconds=int(session.login_time))
        idle = int(now - session.last_activity)
        sub(entry, "idle-time", idle // 60 or "-", junos_seconds=idle)
        sub(entry, "command", "-cli (cli)")
    return info


def render_users(info: Element) -> list[str]:
    uptime = info.find("uptime-information")
    assert uptime is not None
    lines = [_w_line(uptime), f"{'USER':<9}{'TTY':<9}{'FROM':<34}{'LOGIN@':>6}  IDLE WHAT"]
    for entry in uptime.iterfind("user-table/user-entry"):
        lines.append(
            f"{text_of(entry, 'user'):<9}{text_of(entry, 'tty'):<9}{text_of(entry, 'from'):<34}"
            f"{text_of(entry, 'login-time'):>6} {text_of(entry, 'idle-time'):>5} {text_of(entry, 'command')}"
        )
    return lines
