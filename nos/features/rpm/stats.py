"""Measurements of RPM tests: kept as sums, so memory does not grow with the probes sent.

A test records only each probe's round trip (or None, lost) while it runs;
`measure` turns a test's samples into results when it completes or is shown.
"""

from __future__ import annotations

import math
from itertools import pairwise
from typing import NamedTuple


class Measurement:
    """Samples of one quantity (round trip time, positive or negative jitter), in microseconds."""

    __slots__ = ("high", "low", "samples", "squares", "total")

    def __init__(self) -> None:
        self.samples = 0
        self.low = 0
        self.high = 0
        self.total = 0
        self.squares = 0

    def add(self, x: int) -> None:
        if self.samples:
            if x < self.low:
                self.low = x
            elif x > self.high:
                self.high = x
        else:
            self.low = self.high = x
        self.samples += 1
        self.total += x
        self.squares += x * x

    def fill(self, values: list[int]) -> None:
        """Add many samples at once."""
        if not values:
            return
        low, high = min(values), max(values)
        if self.samples:
            self.low, self.high = min(self.low, low), max(self.high, high)
        else:
            self.low, self.high = low, high
        self.samples += len(values)
        self.total += sum(values)
        self.squares += sum(x * x for x in values)

    def merge(self, other: Measurement) -> None:
        """Fold another measurement in (a finished test into the results over all tests)."""
        if not other.samples:
            return
        if not self.samples:
            self.low, self.high = other.low, other.high
        else:
            self.low = min(self.low, other.low)
            self.high = max(self.high, other.high)
        self.samples += other.samples
        self.total += other.total
        self.squares += other.squares

    @property
    def average(self) -> int:
        return round(self.total / self.samples) if self.samples else 0

    @property
    def stddev(self) -> int:
        if not self.samples:
            return 0
        mean = self.total / self.samples
        return round(math.sqrt(max(0.0, self.squares / self.samples - mean * mean)))


class Results:
    """Probes sent and received, with round trip time and jitter, over some span of probes."""

    __slots__ = ("completed", "negative", "positive", "received", "rtt", "sent")

    def __init__(self) -> None:
        self.sent = 0
        self.received = 0
        self.rtt = Measurement()
        self.positive = Measurement()  # jitter >= 0: the round trip grew (or stayed)
        self.negative = Measurement()  # jitter < 0, as a magnitude
        self.completed: float | None = None  # device time the test ended (the last test's results)

    @property
    def loss_percentage(self) -> float:
        return (self.sent - self.received) * 100 / self.sent if self.sent else 0.0

    def merge(self, other: Results) -> None:
        self.sent += other.sent
        self.received += other.received
        self.rtt.merge(other.rtt)
        self.positive.merge(other.positive)
        self.negative.merge(other.negative)


class Span(NamedTuple):
    """A run of probes measured: its results, and what the next run continues from."""

    results: Results
    last_rtt: int | None  # µs of the last answered probe (the next jitter is measured from it)
    interarrival: float  # RFC 3550 smoothed jitter after these probes, µs
    last_jitter: int | None  # the jitter of the last answered probe


def measure(samples: list[float | None], last_rtt: int | None, interarrival: float) -> Span:
    """Results of probes whose round trips (ms; None: lost) are `samples`, continuing the jitter
    from `last_rtt` and the smoothed jitter from `interarrival`."""
    results = Results()
    results.sent = len(samples)
    rtts = [round(x * 1000) for x in samples if x is not None]
    if not rtts:
        return Span(results, last_rtt, interarrival, None)
    results.received = len(rtts)
    results.rtt.fill(rtts)
    chain = rtts if last_rtt is None else [last_rtt, *rtts]
    jitters = [b - a for a, b in pairwise(chain)]
    results.positive.fill([j for j in jitters if j >= 0])
    results.negative.fill([-j for j in jitters if j < 0])
    for j in jitters:
        interarrival += (abs(j) - interarrival) / 16
    return Span(results, rtts[-1], interarrival, jitters[-1] if jitters else None)


__all__ = ["Measurement", "Results", "Span", "measure"]
