"""Flow statistics for benchmarks [simulator extension]: with `NOS_FLOW_STATS=1` in its environment,
`nos run` times every session-table lookup of each device with a flow table and counts the lab
scheduler's callbacks, then prints a report to stderr when the script ends (after the transcript,
before the exit line). tests/bench/bench_flow.py reads it.

Why in the executable: the issue's targets are for the user's path, so the numbers come from the
process that ran the scripted load, not from a rebuilt copy of the table. Each lookup is timed alone
with `perf_counter_ns` around the table's own `lookup` (the timer's overhead, some tens of
nanoseconds, is included); found and not-found lookups are kept apart (a first packet's miss, a
session's hit). Without the variable nothing is wrapped and nothing costs.

The report, one line each:

    flow-stats SRX: sessions 0 now; lookups found 100000 median 0.91 us, missed 100000 median 0.62 us
    flow-stats SRX: aging wheel: 62 scheduler callbacks armed, 0 re-filed
    flow-stats scheduler: 1234 callbacks run
"""

from __future__ import annotations

import os
import statistics
import time
from array import array
from collections.abc import Callable
from typing import Any

ENV = "NOS_FLOW_STATS"


class TimedTable:
    """One table's lookups, timed: the wrapper stands in the table's `lookup` attribute."""

    def __init__(self, name: str, table: Any):
        self.name = name
        self.table = table
        self.found = array("L")  # nanoseconds of each lookup that found a session
        self.missed = array("L")
        inner: Callable[..., Any] = table.lookup
        clock = time.perf_counter_ns
        found, missed = self.found.append, self.missed.append

        def lookup(*args: Any) -> Any:
            start = clock()
            result = inner(*args)
            elapsed = clock() - start
            (found if result is not None else missed)(elapsed)
            return result

        table.lookup = lookup

    def lines(self) -> list[str]:
        table = self.table
        wheel = table.wheel
        return [
            f"flow-stats {self.name}: sessions {len(table)} now; "
            f"lookups {_median('found', self.found)}, {_median('missed', self.missed)}",
            f"flow-stats {self.name}: aging wheel: {wheel.callbacks} scheduler callbacks armed, "
            f"{wheel.refiled} re-filed",
        ]


class FlowStats:
    """What `install` wrapped: the tables, and the scheduler's callbacks run."""

    def __init__(self, lab: Any):
        self.tables: list[TimedTable] = []
        self.callbacks = 0
        for name, node in lab.nodes.items():
            feature = getattr(getattr(node, "device", None), "flow_sessions", None)
            if feature is not None:
                self.tables.append(TimedTable(name, feature.table))
        scheduler = lab.scheduler
        run_due = scheduler.run_due

        def counted(now: float) -> int:
            ran: int = run_due(now)
            self.callbacks += ran
            return ran

        scheduler.run_due = counted  # (called as self.run_due: the instance's attribute is found first)

    def report(self) -> list[str]:
        lines = [line for timed in self.tables for line in timed.lines()]
        return [*lines, f"flow-stats scheduler: {self.callbacks} callbacks run"]


def install(lab: Any) -> FlowStats | None:
    """Wrap the lab's tables and scheduler when the environment asks for it (NOS_FLOW_STATS)."""
    if os.environ.get(ENV, "") in ("", "0"):
        return None
    return FlowStats(lab)


def _median(what: str, samples: array) -> str:  # type: ignore[type-arg]
    if not samples:
        return f"{what} 0"
    return f"{what} {len(samples)} median {statistics.median(samples) / 1000:.2f} us"


__all__ = ["ENV", "FlowStats", "install"]
