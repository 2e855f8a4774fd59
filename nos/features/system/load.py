"""The routing engine's load averages (`w`, `show system uptime`, `show chassis routing-engine`).

Computed as the FreeBSD kernel under Junos computes them (kern_synch.c `loadav`):
every 5 s the number of runnable threads `n` is sampled and each average moves
towards it in 11-bit fixed point,

    avg = (cexp * avg + n * FSCALE * (FSCALE - cexp)) >> FSHIFT

with cexp = exp(-5/60), exp(-5/300), exp(-5/900) for the 1, 5 and 15 minute
averages; they print as avg / FSCALE with two decimals. The kernel's sampling
interval is 5 s with a random spread of +-1 s; here it is exactly 5 s of
device time from boot, so the averages are the same on every run.

What is counted ([G]: a simulated routing engine's load): the device's daemons
run in no time on the lab clock, so none is ever runnable at an instant. A
daemon counts as one runnable thread at a sample when it did work during the 5 s
before it: ntpd (a poll sent or answered), rmopd (an RPM test completed), rpd
(active routes changed: a commit, a BGP update, a failover), and any daemon
that logged an event (mgd commits, sshd logins, ...). So `n` is at most the
number of daemons, and a quiet device with nothing configured stays at 0.00.

Cost: noting work is a comparison and a set insertion; the samples are folded
in only when work is noted in a later period or the averages are read, one step
per sample, and a run of idle samples stops as soon as every average is 0.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

FSHIFT = 11
FSCALE = 1 << FSHIFT
# FreeBSD's cexp[]: exp(-1/12), exp(-1/60), exp(-1/180) in fixed point (truncated, as C converts them).
CEXP = (int(0.9200444146293232 * FSCALE), int(0.9834714538216174 * FSCALE), int(0.9944598480048967 * FSCALE))
PERIOD = 5.0  # seconds between samples


class LoadAverage:
    """The 1, 5 and 15 minute load averages of one device, sampled every PERIOD s from `start`."""

    def __init__(self, now: Callable[[], float], start: float):
        self._now = now
        self._start = start
        self._avg = [0, 0, 0]  # fixed point
        self._sampled = 0  # samples folded in: sample k (k >= 1) is taken at start + k * PERIOD
        self._period = 0  # the period whose busy daemons `_busy` holds (sample period + 1 counts them)
        self._busy: set[str] = set()

    def work(self, daemon: str) -> None:
        """`daemon` did some work now."""
        period = int((self._now() - self._start) // PERIOD)
        if period != self._period:
            self._catch_up(period)
            self._period = period
        self._busy.add(daemon)

    def averages(self) -> tuple[float, float, float]:
        """The three averages now."""
        self._catch_up(int((self._now() - self._start) // PERIOD))
        return self._avg[0] / FSCALE, self._avg[1] / FSCALE, self._avg[2] / FSCALE

    def texts(self) -> tuple[str, str, str]:
        """The averages as `w` prints them (`0.08`)."""
        one, five, fifteen = self.averages()
        return f"{one:.2f}", f"{five:.2f}", f"{fifteen:.2f}"

    def _catch_up(self, samples: int) -> None:
        """Fold in every sample taken up to `samples` (the sample of period p is number p + 1)."""
        avg = self._avg
        while self._sampled < samples:
            period = self._sampled  # the period this sample counts
            if period == self._period and self._busy:
                n, self._busy = len(self._busy), set()
            elif avg == [0, 0, 0]:  # idle, nothing left to decay: on to the busy period's sample
                self._sampled = min(samples, self._period) if self._busy else samples
                continue
            else:
                n = 0
            for i, cexp in enumerate(CEXP):
                avg[i] = (cexp * avg[i] + n * FSCALE * (FSCALE - cexp)) >> FSHIFT
            self._sampled += 1


def attach(device: Any) -> LoadAverage:
    """Give `device` its load averages (`device.load`), fed by its daemons' work (see above)."""
    load = LoadAverage(device.scheduler.now, device.boot_time - device.scheduler.epoch0)
    device.load = load

    def event_logged(event: Any) -> None:
        load.work(event.process)

    device.event_listeners.append(event_logged)
    if device.routing is not None:
        device.routing.listen(lambda *_: load.work("rpd"), lambda *_: load.work("rpd"))
    if device.rpm is not None:
        device.rpm.listeners.append(lambda _run: load.work("rmopd"))
    return load


__all__ = ["CEXP", "FSCALE", "PERIOD", "LoadAverage", "attach"]
