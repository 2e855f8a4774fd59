"""RPM benchmark: 10,000 tests at one probe per second for one lab hour on the virtual clock.

Prints probe events per wall second next to the floor: a bare heap-based event
loop doing the same number of timer events (heappush/heappop and a call), so
the ratio comes from one run. Also prints the peak memory and checks that each
test keeps no more history than history-size. Not a test: run it

    .venv/bin/python tests/bench/bench_rpm.py [--tests 10000] [--seconds 3600]
"""

from __future__ import annotations

import argparse
import heapq
import itertools
import resource
import sys
import tempfile
import time
from pathlib import Path

import trio

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from nos.lab.labfile import load_lab_file
from nos.lab.topology import build_lab

HISTORY = 50


def config(tests: int) -> str:
    """R1 probes Net's address: 15 probes 1 s apart, the next test at once, so one probe a second."""
    lines = [
        "set system host-name R1",
        'set system root-authentication encrypted-password "$6$bench$x"',
        "set interfaces ge-0/0/0 unit 0 family inet address 192.0.2.1/24",
        "set services rpm probe-limit 500",
    ]
    for i in range(tests):
        test = f"set services rpm probe p{i // 100} test t{i % 100}"
        lines += [
            f"{test} target address 192.0.2.2",
            f"{test} probe-count 15",
            f"{test} probe-interval 1",
            f"{test} test-interval 0",
            f"{test} history-size {HISTORY}",
        ]
    return "\n".join(lines) + "\n"


LAB = """\
[lab]
name = "rpm-bench"
clock = "virtual"

[nodes.R1]
kind = "device"
platform = "router"
config = "r1.conf"

[nodes.Net]
kind = "internet"
address = "192.0.2.2/24"

[[links]]
a = "R1:ge-0/0/0"
b = "Net:eth0"
latency = 1
"""


def floor(timers: int, seconds: float) -> tuple[int, float]:
    """The same timer events on a bare heap: each timer re-arms itself one second later."""
    heap: list[tuple[float, int, object]] = []
    order = itertools.count()
    fired = 0

    def tick() -> None:
        nonlocal fired
        fired += 1

    for i in range(timers):
        heapq.heappush(heap, (i / timers, next(order), tick))
    t0 = time.perf_counter()
    while heap and heap[0][0] <= seconds:
        when, _, callback = heapq.heappop(heap)
        callback()  # type: ignore[operator]
        heapq.heappush(heap, (when + 1.0, next(order), callback))
    return fired, time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tests", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=3600.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "r1.conf").write_text(config(args.tests))
        (folder / "lab.toml").write_text(LAB)
        t0 = time.perf_counter()
        lab = build_lab(load_lab_file(folder / "lab.toml"), clock="virtual", state_dir=folder / "state")
        print(f"{'build the lab (commit ' + f'{args.tests:,} tests)':<44} {time.perf_counter() - t0:9.2f} s")
        rpm = lab.nodes["R1"].device.rpm
        elapsed = 0.0

        async def body() -> None:
            nonlocal elapsed
            async with lab.running():
                start = time.perf_counter()
                await lab.sleep(args.seconds)
                elapsed = time.perf_counter() - start

        try:
            trio.run(body, clock=lab.scheduler.trio_clock)  # type: ignore[attr-defined]
            runs = list(rpm.runs.values())
            probes = sum(run.views()[2].sent for run in runs)
            longest = max(len(run.history) for run in runs)
            failed = sum(1 for run in runs if run.passed is False)
        finally:
            lab.close()
    rate = probes / elapsed
    # The floor is cheap to repeat and this machine's speed wanders: its median of three runs.
    floors = [floor(args.tests, args.seconds) for _ in range(3)]
    base, base_time = sorted(floors, key=lambda f: f[1])[1]
    base_rate = base / base_time
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{'probe events':<44} {probes:>12,} in {elapsed:.1f} s ({failed} tests failing)")
    print(f"{'probe events per wall second':<44} {rate:12,.0f}   (target >= 300,000)")
    print(f"{'bare heap loop, same number of timers':<44} {base_rate:12,.0f}   ({base:,} events in {base_time:.1f} s,")
    print(f"{'':<44} {'':12}    median of {', '.join(f'{t:.1f}' for _, t in floors)} s)")
    print(f"{'ratio (bare heap / RPM)':<44} {base_rate / rate:12.2f}   (target <= 3)")
    print(f"{'longest history kept':<44} {longest:12}   (history-size {HISTORY})")
    print(f"{'resident memory (peak)':<44} {rss:12,.0f} MB")


if __name__ == "__main__":
    main()
