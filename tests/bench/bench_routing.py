"""Routing benchmark: 1,000,000 routes in one table, copied by a rib-group into two more.

Prints build time, resident memory, longest-prefix lookups per second, and the
time to replace one route (FIB update). Not a test: run it

    .venv/bin/python tests/bench/bench_routing.py [--routes 1000000]
"""

from __future__ import annotations

import argparse
import gc
import random
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from nos.routing.engine import Instance, RibGroup, RoutingEngine
from nos.routing.prefix import addr
from nos.routing.rib import Rib
from nos.routing.route import VIA, NextHop, Route


def verdict(value: float, target: float, smaller_is_better: bool = True) -> str:
    ok = value <= target if smaller_is_better else value >= target
    return "OK" if ok else "OVER" if smaller_is_better else "UNDER"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--routes", type=int, default=1_000_000)
    args = parser.parse_args()
    n = args.routes

    engine = RoutingEngine(lambda: 0.0)
    for name in ("A", "B"):
        engine.instances[name] = Instance(name, "virtual-router", f"{name}.inet.0")
        engine.tables[f"{name}.inet.0"] = Rib(f"{name}.inet.0")
    engine.rib_groups["copy"] = RibGroup("copy", ("inet.0", "A.inet.0", "B.inet.0"))
    engine.set_interface("ge-0/0/0.0", [(addr("10.255.0.1"), 16)], True)
    gateway = addr("10.255.0.2")
    hop = (NextHop(VIA, gateway),)
    # Prefixes: a mix of lengths, as a real table has (/24 mostly, some /16-/23 and /25-/32).
    rng = random.Random(1)
    lengths = [24] * 70 + [16, 18, 20, 22, 23] * 3 + [25, 26, 28, 30, 32] * 3
    prefixes = set()
    while len(prefixes) < n:
        plen = rng.choice(lengths)
        net = rng.getrandbits(32) & (0xFFFFFFFF << (32 - plen)) & 0xFFFFFFFF
        if net >> 24 == 10:
            continue
        prefixes.add((net, plen))
    plist = list(prefixes)
    gc.collect()
    gc.disable()
    t0 = time.perf_counter()
    engine.add_many([Route(p, "Static", hop, source=("bench", p), table="inet.0", since=0.0) for p in plist], "copy")
    build = time.perf_counter() - t0
    gc.enable()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    counts = [engine.tables[t].counts()[1] for t in ("inet.0", "A.inet.0", "B.inet.0")]
    print(f"routes: {n:,} in inet.0, copies: {counts[1]:,} + {counts[2]:,}")
    print(f"{'build (3 tables)':<44} {build:9.2f} s   (target <= 10 s) {verdict(build, 10)}")
    print(f"{'resident memory (peak)':<44} {rss:9.0f} MB  (target <= 1536 MB) {verdict(rss, 1536)}")

    rib = engine.tables["inet.0"]
    probes = [rng.getrandbits(32) for _ in range(300_000)]
    t0 = time.perf_counter()
    found = 0
    lookup = rib.lookup
    for a in probes:
        if lookup(a) is not None:
            found += 1
    rate = len(probes) / (time.perf_counter() - t0)
    print(
        f"{'longest-prefix lookups per second':<44} {rate:9.0f}     (target >= 300,000) {verdict(rate, 300_000, False)}"
    )

    victim = plist[len(plist) // 2]
    worst = 0.0
    for k in range(20):
        t0 = time.perf_counter()
        engine.withdraw(("bench", victim))
        new_hop = (NextHop(VIA, gateway + 1 + k % 2),)
        engine.add(Route(victim, "Static", new_hop, source=("bench", victim), table="inet.0", since=0.0), "copy")
        worst = max(worst, time.perf_counter() - t0)
    print(
        f"{'replace one route (3 tables, worst of 20)':<44} {worst * 1000:9.3f} ms  (target <= 5 ms) {verdict(worst, 0.005)}"
    )


if __name__ == "__main__":
    main()
