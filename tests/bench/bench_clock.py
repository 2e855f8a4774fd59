"""Timer benchmark: thousands of periodic timers (RPM probes) on the virtual clock.

One scheduler task runs every due callback from a heap, so the cost is a heap
push and pop per event, not a Trio task wake-up. Prints events per second.
Not a test: run it

    .venv/bin/python tests/bench/bench_clock.py [--timers 5000] [--seconds 200] [--aligned]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import trio

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from nos.runtime.clock import TrioScheduler


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--timers", type=int, default=5000)
    parser.add_argument("--seconds", type=float, default=200.0)
    parser.add_argument(
        "--aligned", action="store_true", help="all timers on the same tick (probes armed by one commit)"
    )
    args = parser.parse_args()
    scheduler = TrioScheduler("virtual")
    fired = 0

    def periodic(offset: float) -> None:
        def tick() -> None:
            nonlocal fired
            fired += 1
            scheduler.call_later(1.0, tick)  # every second, like an RPM probe's interval

        scheduler.call_later(offset, tick)

    for i in range(args.timers):
        periodic(0.0 if args.aligned else i / args.timers)  # spread: every timer its own deadline (worst case)

    async def body() -> None:
        async with trio.open_nursery() as nursery:
            nursery.start_soon(scheduler.run)
            await scheduler.sleep(args.seconds)
            nursery.cancel_scope.cancel()

    t0 = time.perf_counter()
    trio.run(body, clock=scheduler.trio_clock)
    elapsed = time.perf_counter() - t0
    print(f"{args.timers} periodic timers, {args.seconds:.0f} virtual seconds: {fired:,} events in {elapsed:.2f} s")
    print(f"{'timer events per second':<44} {fired / elapsed:12,.0f}")


if __name__ == "__main__":
    main()
