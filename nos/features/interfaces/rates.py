"""Input and output rates of the ports, measured from their counters over the device's clock.

Junos shows bits and packets per second averaged over the last few seconds.
Once a device is cabled into a lab (the only place traffic flows), it samples
its ports' counters every EVERY seconds on its own scheduler, after the lab has
counted the probes it still owes. A rate is the change of a counter since the
newest sample at least WINDOW seconds old (so over the last 5 to 10 seconds),
over the time between; before such a sample exists, since the oldest one. A
device alone never samples, and its rates read 0 as its counters do not move.

A sample costs a settling of the lab's replayed probes (their batching is what
makes 10,000 RPM tests cheap): one every 5 s keeps that cost small, where one
a second made bench_rpm about 40% slower.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import Any

WINDOW = 5.0  # seconds a rate is averaged over
EVERY = 5.0  # seconds between samples

Totals = tuple[int, int, int, int]  # input bytes, output bytes, input packets, output packets


class RateMeter:
    """Samples of every port's totals on the clock, and the rates they give."""

    def __init__(self, scheduler: Any, totals: Callable[[], dict[str, Totals]], settle: Callable[[], None]):
        self.scheduler = scheduler
        self._totals = totals
        self._settle = settle
        self.samples: deque[tuple[float, dict[str, Totals]]] = deque(maxlen=int(WINDOW / EVERY) + 2)
        self._started = False

    def start(self) -> None:
        """Sample from now on, every EVERY seconds (again: nothing)."""
        if not self._started:
            self._started = True
            self._tick()

    def _tick(self) -> None:
        self._settle()
        self.samples.append((self.scheduler.now(), self._totals()))
        self.scheduler.call_later(EVERY, self._tick)

    def rates(self, port: str, current: Totals) -> tuple[int, int, int, int]:
        """(input bps, input pps, output bps, output pps) of `port`, whose totals are `current` now."""
        now = self.scheduler.now()
        base: tuple[float, Totals] | None = None
        for when, totals in reversed(self.samples):
            if port not in totals or when >= now:
                continue
            base = (when, totals[port])
            if now - when >= WINDOW - 1e-9:
                break
        if base is None:
            return 0, 0, 0, 0
        when, then = base
        span = now - when
        in_b, out_b, in_p, out_p = (max(0, c - t) for c, t in zip(current, then, strict=True))
        return int(in_b * 8 / span), int(in_p / span), int(out_b * 8 / span), int(out_p / span)


__all__ = ["EVERY", "WINDOW", "RateMeter", "Totals"]
