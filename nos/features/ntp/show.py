"""`show ntp associations` and `show ntp status`, as ntpq prints them on Junos, from their XML.

Associations: ntpq's peer billboard (`%c%-15.15s %-15.15s %2ld %c %4.4s %4.4s  %3lo  %7.7s %8.7s
%7.7s`): the tally, the address, the refid (`.GPS.`, `.INIT.`; a stratum 2-15 server's refid is an
address), stratum, type, when (seconds since its last answer: `-` when none or within the second,
then `NNm`, `NNh`, `NNd` as ntpq shortens them), poll, reach in octal, delay, offset and jitter in
ms. The type column prints `-`, as the Junos captures in the reference do; offsets carry no `+`.
No associations: ntpq's "No association ID's returned".

Status: ntpq's `rv` (read system variables): `associd=0 status=...` and then the variables, wrapped
at 72 columns as ntpq wraps them; the status word says the leap bits, the sync source, the number
and the last of the system events. Junos 24.4 answers `| display xml` with `<ntp-status>`, one
element per variable (captured up to `rootdisp`; [G] the rest, named as ntpq names them). For the
associations no Junos XML capture was found ([G]: `<ntp-associations-information>` with an
`<ntp-peer>` per association, its fields named `tally-code`, `peer-address` ... `peer-jitter`).
Times print in UTC.
"""

from __future__ import annotations

import time

from nos import JUNOS_RELEASE
from nos.features.ntp.client import (
    NTP_MINPOLL,
    STRATUM_UNSPEC,
    SYS_EVENTS,
    SYS_PRECISION,
    NtpClient,
    Peer,
)
from nos.runtime.structured import E, Element, sub, text_of

NTP_EPOCH_OFFSET = 2_208_988_800  # seconds from 1900 (NTP's era 0) to 1970
MAXOUTLINE = 72
HEADER = "     remote           refid      st t when poll reach   delay   offset  jitter"
RULE = "=" * 78
NO_ASSOCIATIONS = "No association ID's returned"
# [G] what the vSRX's ntpd says of itself (the 24.4 capture is of an EX4100: arm64, its own build).
VERSION = '"ntpd 4.2.8p15-a Mon Nov 25 10:42:11  2024 (1)"'
PROCESSOR = '"amd64"'
SYSTEM = f'"JUNOS{JUNOS_RELEASE}"'
LEAP_CODES = ("leap_none", "leap_add_sec", "leap_del_sec", "leap_alarm")
SYNC_CODES = {0: "sync_unspec", 6: "sync_ntp"}
DAYS = ("Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def interval(seconds: int) -> str:
    """ntpq's prettyinterval: `-`, `59`, `2048`, `35m`, `5h`, `3d`."""
    if seconds <= 0:
        return "-"
    if seconds <= 2048:
        return str(seconds)
    seconds = (seconds + 29) // 60
    if seconds <= 300:
        return f"{seconds}m"
    seconds = (seconds + 29) // 60
    if seconds <= 96:
        return f"{seconds}h"
    return f"{(seconds + 11) // 24}d"


def ms(seconds: float) -> str:
    """Seconds as ntpq's milliseconds with 3 decimals (never `-0.000`)."""
    return f"{seconds * 1e3 + 0.0:.3f}"


def ntp_time(epoch: float) -> str:
    """An NTP timestamp as ntpq prints it: `ed3a8e80.00000000  Thu, Jan  1 2026  0:01:04.000`."""
    if epoch <= 0:
        seconds, fraction = 0, 0
        shown = (2036, 2, 7, 6, 28, 16, 4)  # second 0 of the NTP era, as ntpq dates it
    else:
        whole = int(epoch)
        seconds = (whole + NTP_EPOCH_OFFSET) & 0xFFFFFFFF
        fraction = int((epoch - whole) * 2**32) & 0xFFFFFFFF
        t = time.gmtime(whole)
        shown = (t.tm_year, t.tm_mon, t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec, (t.tm_wday + 1) % 7)
    year, month, day, hour, minute, second, weekday = shown
    millis = fraction // 4294967
    return (
        f"{seconds:08x}.{fraction:08x}  {DAYS[weekday]}, {MONTHS[month - 1]} {day:2d} {year:4d} "
        f"{hour:2d}:{minute:02d}:{second:02d}.{millis:03d}"
    )


# -- associations ----------------------------------------------------------------------------------


def _refid(peer: Peer) -> str:
    if 1 < peer.stratum < STRATUM_UNSPEC:
        return peer.refid
    return f".{peer.refid}."


def associations_xml(client: NtpClient | None) -> Element:
    info = E("ntp-associations-information")
    if client is None:
        return info
    now = int(client.epoch())
    for peer in client.associations():
        entry = sub(info, "ntp-peer")
        sub(entry, "tally-code", peer.tally)
        sub(entry, "peer-address", peer.spec.address)
        sub(entry, "peer-reference", _refid(peer))
        sub(entry, "peer-stratum", peer.stratum)
        sub(entry, "peer-type", "-")
        sub(entry, "peer-when", interval(now - int(peer.rec)) if peer.rec is not None else "-")
        sub(entry, "peer-poll", interval(peer.poll_interval))
        sub(entry, "peer-reach", f"{peer.reach:o}")
        sub(entry, "peer-delay", ms(peer.delay))
        sub(entry, "peer-offset", ms(peer.offset))
        sub(entry, "peer-jitter", ms(peer.jitter))
    return info


def render_associations(info: Element) -> list[str]:
    peers = info.findall("ntp-peer")
    if not peers:
        return [NO_ASSOCIATIONS]
    lines = [HEADER, RULE]
    for peer in peers:

        def f(tag: str, entry: Element = peer) -> str:
            return text_of(entry, tag)

        lines.append(
            f"{f('tally-code')[:1] or ' '}{f('peer-address')[:15]:<15} {f('peer-reference')[:15]:<15} "
            f"{f('peer-stratum'):>2} {f('peer-type')} {f('peer-when')[:4]:>4} {f('peer-poll')[:4]:>4}  "
            f"{f('peer-reach'):>3}  {f('peer-delay')[:7]:>7} {f('peer-offset')[:7]:>8} {f('peer-jitter')[:7]:>7}"
        )
    return lines


# -- status ----------------------------------------------------------------------------------------


def status_text(client: NtpClient) -> str:
    """`0615 leap_none, sync_ntp, 1 event, clock_sync`."""
    word = client.status_word()
    count = client.num_events
    events = "no events" if count == 0 else f"{count} event{'s' if count != 1 else ''}"
    source = SYNC_CODES.get(word >> 8 & 0x3F, "sync")
    return f"{word:04x} {LEAP_CODES[client.sys_leap]}, {source}, {events}, {SYS_EVENTS[client.last_event]}"


def status_xml(client: NtpClient | None) -> Element:
    info = E("ntp-status")
    if client is None:
        return info
    peer = client.sys_peer
    for tag, value in (
        ("associd", 0),
        ("status", status_text(client)),
        ("version", VERSION),
        ("processor", PROCESSOR),
        ("system", SYSTEM),
        ("leap", f"{client.sys_leap:02b}"),
        ("stratum", client.sys_stratum),
        ("precision", SYS_PRECISION),
        ("rootdelay", ms(client.sys_rootdelay)),
        ("rootdisp", ms(client.rootdisp)),
        ("refid", client.sys_refid),  # an address at strata 2-15, else the reference's name
        ("reftime", ntp_time(client.sys_reftime)),
        ("clock", ntp_time(client.epoch())),
        ("peer", peer.associd if peer is not None else 0),
        ("tc", client.sys_poll),
        ("mintc", NTP_MINPOLL),
        ("offset", f"{client.last_offset * 1e3 + 0.0:.6f}"),
        ("frequency", f"{client.drift + 0.0:.3f}"),
        ("sys_jitter", f"{client.sys_jitter * 1e3:.6f}"),
        ("clk_jitter", ms(client.clock_jitter)),
        ("clk_wander", f"{client.wander:.3f}"),
    ):
        sub(info, tag, value)
    return info


def render_status(info: Element) -> list[str]:
    fields = [(child.tag, child.text or "") for child in info]
    if not fields:
        return []
    values = dict(fields)
    lines = [f"associd={values.get('associd', '0')} status={values.get('status', '')},"]
    line = ""
    for name, value in fields:
        if name in ("associd", "status"):
            continue
        item = f"{name}={value}"
        if not line:
            line = item
        elif len(line) + len(item) + 2 > MAXOUTLINE:
            lines.append(line + ",")
            line = item
        else:
            line += ", " + item
    if line:
        lines.append(line)
    return lines


__all__ = [
    "associations_xml",
    "interval",
    "ntp_time",
    "render_associations",
    "render_status",
    "status_xml",
]
