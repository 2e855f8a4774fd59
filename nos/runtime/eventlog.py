"""The device log: timestamped events in syslog form (commits, logins, later probes and HA).

Events carry the device clock's time, never the wall clock, so transcripts
replay identically on the virtual clock.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Event:
    time: float  # device epoch seconds
    process: str  # mgd, rpmd, ...
    tag: str  # UI_COMMIT, PING_TEST_FAILED, ...
    message: str
    # What event policies match on (`test-owner`, `test-name`, ...): given by whoever raises the
    # event, so that nothing has to read them back out of the message.
    attributes: Mapping[str, str] = field(default_factory=dict, compare=False)

    def syslog(self, hostname: str) -> str:
        stamp = time.strftime("%b %d %H:%M:%S", time.gmtime(self.time))
        stamp = stamp[:4] + stamp[4:6].lstrip("0").rjust(2) + stamp[6:]
        tag = f"{self.tag}: " if self.tag else ""  # sshd's own lines carry no tag
        if self.process.startswith("fpc"):  # relayed from the forwarding engine: `fpc0 PFE_FW_SYSLOG_IP: ...`
            return f"{stamp}  {hostname} {self.process} {tag}{self.message}"
        return f"{stamp}  {hostname} {self.process}: {tag}{self.message}"


class EventLog:
    def __init__(self, limit: int = 10_000):
        self.events: deque[Event] = deque(maxlen=limit)

    def add(self, when: float, process: str, tag: str, message: str) -> Event:
        event = Event(when, process, tag, message)
        self.events.append(event)
        return event

    def append(self, event: Event) -> None:
        self.events.append(event)
