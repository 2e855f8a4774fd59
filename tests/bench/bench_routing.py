"""Routing-table benchmark: one table fed N routes from one gateway, a listener attached, at four sizes.

For each size, in a fresh process:
  - insert: the feed added with a route listener attached (every change is heard;
    the count is checked), wall seconds;
  - memory: resident memory the table added (RSS after minus before, the feed's
    prefixes excepted: they are read from a compact array), and what tracemalloc
    counts;
  - longest-prefix lookups per second over random addresses (best of 3 passes of
    300,000; about half the addresses are covered by some route).
First through `add_prefixes` (the feed packed: no Route object per route, the
issue's "1M routes" line), then through `add_many` (a Route object per route,
made by the caller and timed with the insert), then the packed feed copied into
two more tables by a rib-group, with the worst time to replace one route.

Then what happens to a packed feed all at once (the BGP slice's session down and
link cut), a listener attached and its count checked, the feed as one family (one
template) and as families of 10 prefixes (one template per set of path attributes,
as a neighbour's full table comes):
  - withdraw: `withdraw_prefixes` of the whole feed, family by family;
  - flip: the connected route of the feed's gateway removed (every route hidden:
    the pack goes dead) and added again (alive), each timed.

This is the routing engine's own benchmark: nothing in the product feeds a table
this big yet (see the report of issue 10 for a way through `nos`). Not a test: run

    .venv/bin/python tests/bench/bench_routing.py [--sizes 125000,250000,500000,1000000]
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import random
import subprocess
import sys
import time
import tracemalloc
from array import array
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from nos.routing.engine import Instance, RibGroup, RoutingEngine  # noqa: E402
from nos.routing.prefix import addr  # noqa: E402
from nos.routing.rib import Rib  # noqa: E402
from nos.routing.route import VIA, NextHop, Route  # noqa: E402

SIZES = (125_000, 250_000, 500_000, 1_000_000)
TARGETS = {"insert": 3.0, "rss": 250.0, "lookups": 500_000}  # the issue's, at 1,000,000 routes
BULK_TARGET = 2.0  # seconds for a session down or a link cut at 1,000,000 routes (the BGP slice's aim)
FAMILY = 10  # prefixes per family (set of path attributes) in the "families" variant
GATEWAY = addr("10.255.0.2")
KINDS = {
    "packed": "add_prefixes (packed), 1 table",
    "objects": "add_many (a Route object per route), 1 table",
    "copies": "add_prefixes (packed), rib-group into 3 tables",
    "withdraw": "add_prefixes (packed), then withdraw_prefixes of the whole feed, 1 table",
    "flip": "add_prefixes (packed), the gateway's connected route removed and added again, 1 table",
}


def feed(n: int) -> array:
    """n distinct prefixes as `network << 6 | length`: /24 mostly, some /16-/23 and /25-/32, as a real
    table has (none in 10/8, where the interface is)."""
    rng = random.Random(1)
    lengths = [24] * 70 + [16, 18, 20, 22, 23] * 3 + [25, 26, 28, 30, 32] * 3
    seen: set[int] = set()
    while len(seen) < n:
        plen = rng.choice(lengths)
        net = rng.getrandbits(32) & (0xFFFFFFFF << (32 - plen)) & 0xFFFFFFFF
        if net >> 24 != 10:
            seen.add(net << 6 | plen)
    return array("Q", sorted(seen))


def resident_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def bulk(kind: str, keys: array, family_size: int) -> dict[str, float]:
    """A packed feed withdrawn, or its gateway going and coming back, with a listener attached; the
    feed in families of `family_size` prefixes (one template each, all via one gateway)."""
    n = len(keys)
    engine = RoutingEngine(lambda: 0.0)
    interface = [(addr("10.255.0.1"), 16)]
    engine.set_interface("ge-0/0/0.0", interface, True)
    heard = [0]

    def listener(table: str, p: object, old: object, new: object) -> None:
        heard[0] += 1

    engine.listeners.append(listener)
    hop = (NextHop(VIA, GATEWAY),)
    families: list[tuple[object, list[tuple[int, int]]]] = []
    for start in range(0, n, family_size):
        family = ("bgp", "master", GATEWAY, start)
        prefixes = [(k >> 6, k & 63) for k in keys[start : start + family_size]]
        families.append((family, prefixes))
        engine.add_prefixes(Route((0, 0), "BGP", hop, source=family, table="inet.0", since=0.0, metric=start), prefixes)
    gc.collect()
    out: dict[str, float] = {}

    def timed(name: str, change: Callable[[], None], expected: int) -> None:
        heard[0] = 0
        start = time.perf_counter()
        change()
        out[name] = time.perf_counter() - start
        if heard[0] != expected:
            raise SystemExit(f"{name}: the listener heard {heard[0]:,} changes, not {expected:,}")

    if kind == "withdraw":

        def withdraw() -> None:
            for family, prefixes in families:
                engine.withdraw_prefixes(family, prefixes)

        timed("withdraw", withdraw, n)
        if engine._packs or engine.tables["inet.0"].counts()[0] != 2:  # the interface's Direct and Local
            raise SystemExit("withdraw_prefixes left routes behind")
    else:  # the Direct and Local routes change too
        timed("dead", lambda: engine.set_interface("ge-0/0/0.0", [], True), n + 2)
        timed("alive", lambda: engine.set_interface("ge-0/0/0.0", interface, True), n + 2)
        if any(isinstance(source[0], tuple) for source in engine._placed):  # (family, prefix): a feed's
            raise SystemExit("the flip made Route objects")
    return out


def child(kind: str, n: int, trace: bool) -> dict[str, float]:
    """One measure in this (fresh) process."""
    keys = feed(n)
    if kind in ("withdraw", "flip"):
        one = bulk(kind, keys, n)
        gc.collect()
        many = bulk(kind, keys, FAMILY)
        return {**one, **{f"{name} families": value for name, value in many.items()}}
    rng = random.Random(2)
    probes = array("Q", (rng.getrandbits(32) for _ in range(300_000)))
    engine = RoutingEngine(lambda: 0.0)
    tables = ["inet.0"]
    group = None
    if kind == "copies":
        for name in ("A", "B"):
            engine.instances[name] = Instance(name, "virtual-router", f"{name}.inet.0")
            engine.tables[f"{name}.inet.0"] = Rib(f"{name}.inet.0")
        engine.rib_groups["copy"] = RibGroup("copy", ("inet.0", "A.inet.0", "B.inet.0"))
        tables, group = ["inet.0", "A.inet.0", "B.inet.0"], "copy"
    engine.set_interface("ge-0/0/0.0", [(addr("10.255.0.1"), 16)], True)
    heard = [0]

    def listener(table: str, p: object, old: object, new: object) -> None:
        heard[0] += 1

    engine.listeners.append(listener)
    hop = (NextHop(VIA, GATEWAY),)
    gc.collect()
    if trace:
        tracemalloc.start()
    before = resident_mb()
    start = time.perf_counter()
    if kind == "objects":
        engine.add_many(
            [Route((k >> 6, k & 63), "BGP", hop, source=("feed", k), table="inet.0", since=0.0) for k in keys]
        )
    else:
        template = Route((0, 0), "BGP", hop, source="feed", table="inet.0", since=0.0)
        engine.add_prefixes(template, ((k >> 6, k & 63) for k in keys), group)
    insert = time.perf_counter() - start
    gc.collect()
    out = {"insert": insert, "rss": (resident_mb() - before) / len(tables)}
    if trace:
        out["traced"] = tracemalloc.get_traced_memory()[0] / 2**20 / len(tables)
        tracemalloc.stop()
        return out
    if heard[0] != n * len(tables):
        raise SystemExit(f"the listener heard {heard[0]:,} changes, not {n * len(tables):,}")
    lookup = engine.tables["inet.0"].lookup
    best = math.inf
    for _ in range(3):
        start = time.perf_counter()
        for a in probes:
            lookup(a)
        best = min(best, time.perf_counter() - start)
    out["lookups"] = len(probes) / best
    if kind == "copies":  # replace one route: withdraw it, add it again with another next hop (3 tables)
        worst = 0.0
        for k in range(20):
            p = (keys[n // 2] >> 6, keys[n // 2] & 63)
            start = time.perf_counter()
            engine.withdraw(("feed", p))
            again = Route(p, "BGP", (NextHop(VIA, GATEWAY + k % 2),), source=("feed", p), table="inet.0", since=0.0)
            engine.add(again, group)
            worst = max(worst, time.perf_counter() - start)
        out["replace"] = worst * 1000
    return out


def measure(kind: str, n: int, trace: bool) -> dict[str, float] | str:
    """Run `child` in a fresh interpreter (and, for tracemalloc's count, in another: tracing slows
    everything down); its figures, or why there are none."""
    out: dict[str, float] = {}
    for traced in (False, True) if trace else (False,):
        args = [sys.executable, __file__, "--child", kind, str(n)] + (["--trace"] if traced else [])
        done = subprocess.run(args, capture_output=True, text=True, timeout=1800)
        if done.returncode != 0:
            return "FAILED (" + (done.stderr.strip().splitlines() or ["?"])[-1] + ")"
        figures = json.loads(done.stdout.splitlines()[-1])
        if traced:
            out["traced"] = figures["traced"]
        else:
            out.update(figures)
    return out


def row(title: str, unit: str, rows: list[tuple[int, float | None]], target: float | None, more: bool) -> None:
    """One measure over the sizes, with its growth per doubling and the issue's target at 1,000,000."""
    goal = f"   [target: {'>=' if more else '<='} {target:,g} {unit} at 1,000,000 routes]" if target else ""
    print(f"  {title}{goal}")
    previous: tuple[int, float] | None = None
    for size, value in rows:
        if value is None:
            print(f"    {size:>9,} routes   not measured")
            previous = None
            continue
        cells = [f"    {size:>9,} routes {value:12,.{0 if value >= 10_000 else 3}f} {unit:<10}"]
        if previous is not None and previous[1] > 0 and value > 0:
            exponent = math.log(value / previous[1]) / math.log(size / previous[0])
            cells.append(f"x{2**exponent:5.2f} per doubling")
        else:
            cells.append(" " * 17)
        if target and size == 1_000_000:
            ok = value >= target if more else value <= target
            cells.append("OK" if ok else ("UNDER" if more else "OVER"))
        print("  ".join(cells).rstrip())
        previous = (size, value)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--kinds", default=",".join(KINDS))
    parser.add_argument("--trace", action="store_true", help="also count the table's memory with tracemalloc (slow)")
    parser.add_argument("--child", nargs=2, metavar=("KIND", "N"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child[0], int(args.child[1]), args.trace)))
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    print("routing tables: one feed of N routes via one gateway, a listener attached; each figure a fresh process")
    for kind in args.kinds.split(","):
        results = {n: measure(kind, n, args.trace or kind == "packed") for n in sizes}
        print(f"\n{KINDS[kind]}")
        for n, r in results.items():
            if isinstance(r, str):
                print(f"    {n:>9,} routes   {r}")
        ok = {n: r for n, r in results.items() if isinstance(r, dict)}

        def values(name: str, scale: float = 1.0, ok: dict = ok) -> list[tuple[int, float | None]]:
            return [(n, ok[n][name] * scale if n in ok and name in ok[n] else None) for n in sizes]

        if kind in ("withdraw", "flip"):
            for name, title in (
                ("withdraw", "withdraw_prefixes, one family"),
                ("withdraw families", f"withdraw_prefixes, families of {FAMILY}"),
                ("dead", "connected route removed: pack dead, one family"),
                ("alive", "connected route added again: pack alive, one family"),
                ("dead families", f"connected route removed: packs dead, families of {FAMILY}"),
                ("alive families", f"connected route added again: packs alive, families of {FAMILY}"),
            ):
                if any(n in ok and name in ok[n] for n in sizes):
                    row(f"{title}, a listener attached", "s", values(name), BULK_TARGET, False)
            continue
        main_line = kind == "packed"
        row("insert with a listener", "s", values("insert"), TARGETS["insert"] if main_line else None, False)
        row("memory per table (RSS)", "MB", values("rss"), TARGETS["rss"] if main_line else None, False)
        if any(n in ok and "traced" in ok[n] for n in sizes):
            row("memory per table (tracemalloc)", "MB", values("traced"), None, False)
        row("lookups per second", "lookups/s", values("lookups"), TARGETS["lookups"] if main_line else None, True)
        if kind == "copies":
            row("replace one route, 3 tables (worst of 20)", "ms", values("replace"), None, False)


if __name__ == "__main__":
    main()
