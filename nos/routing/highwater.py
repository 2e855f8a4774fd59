"""The routing highwater marks of `show route summary`: the most destinations, routes, forwarding
entries and VRF instances the device has held, when it first held that many, and the average over
its uptime.

Junos samples these in rpd; nos updates them whenever a batch of routing changes ends, from totals
the tables keep as they change (Rib.tally), so a million-route feed pays nothing per route. The
time-averaged watermark is the mean over the time since the engine started, each count weighted by
how long it lasted ([G]: Junos does not document its averaging window).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

MEASURES = ("destinations", "routes", "fib", "vrf")


@dataclass
class Mark:
    """One measure: its highest value and when first reached, and its time-weighted area so far."""

    high: int = 0
    at: float = 0.0
    value: int = 0  # the current value
    since: float = 0.0  # when it took that value
    area: float = 0.0  # value x seconds, up to `since`

    def update(self, value: int, now: float) -> None:
        if value == self.value:
            return
        self.area += self.value * (now - self.since)
        self.value, self.since = value, now
        if value > self.high:
            self.high, self.at = value, now

    def average(self, start: float, now: float) -> int:
        span = now - start
        if span <= 0:
            return self.value
        return round((self.area + self.value * (now - self.since)) / span)


@dataclass
class Highwater:
    now: Callable[[], float]
    start: float = 0.0
    marks: dict[str, Mark] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.start = self.now()
        self.marks = {name: Mark(at=self.start, since=self.start) for name in MEASURES}

    def update(self, destinations: int, routes: int, fib: int, vrfs: int) -> None:
        now = self.now()
        for name, value in zip(MEASURES, (destinations, routes, fib, vrfs), strict=True):
            self.marks[name].update(value, now)

    def average(self, name: str) -> int:
        return self.marks[name].average(self.start, self.now())


__all__ = ["MEASURES", "Highwater", "Mark"]
