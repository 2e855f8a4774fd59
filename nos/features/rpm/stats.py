"""Running measurements of an RPM test: kept as sums, so memory does not grow with the probes sent."""

from __future__ import annotations

import math


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


__all__ = ["Measurement", "Results"]
