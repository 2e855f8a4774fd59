"""Session table benchmark: 100,000 concurrent sessions on a virtual clock (issue 12's targets:
<= 200 MB extra memory, <= 5 us median lookup, aging without per-session timers).

IN-PROCESS: the table itself, fed as the packet path feeds it (no NAT bindings, no walk);
bench_flow.py measures the user's path, the `nos` executable with a scripted load through an SRX.
Prints:

  * the extra memory of the table with N sessions (resident set growth: sessions, wings, keys,
    the aging wheel);
  * the median time of one lookup (each timed alone, timer overhead included) over a random mix
    of both directions, and the mean over a batch;
  * aging: every session refreshed once a lab second for a while, then left idle: the scheduler
    callbacks the table armed, the sessions re-filed, the time the last one took to age out.

    .venv/bin/python tests/bench/bench_sessions.py [--sessions 100000] [--seconds 90]
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from nos.features.flow.sessions.table import SessionTable, Wing
from nos.runtime.clock import ManualScheduler

MB = 1024 * 1024
PUBLIC = 0xC6336401  # 198.51.100.1: source NAT to the egress interface's address
SERVERS = [0x08080800 + i for i in range(64)]  # 8.8.8.0/26


def rss() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096


def wings(i: int) -> tuple[Wing, Wing]:
    """Session i: a LAN client (10.0.0.0/8) to one of 64 servers, TCP, UDP or ICMP, source NAT with a
    port of its own (as interface NAT allocates them)."""
    proto = ("tcp", "udp", "icmp")[i % 3]
    client = 0x0A000000 + (i >> 4)
    sport = 1024 + (i & 0x0F) * 3000 + (i % 3000)
    server = SERVERS[i % 64]
    dport = {"tcp": 443, "udp": 53, "icmp": 0}[proto]
    nat_port = 1024 + i % 64000
    nat_addr = PUBLIC + i // 64000
    return (
        Wing(client, sport, server, dport, proto, "ge-0/0/0.0", "trust"),
        Wing(server, dport, nat_addr, nat_port, proto, "ge-0/0/1.0", "untrust"),
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=90, help="lab seconds of refreshes before idling")
    args = parser.parse_args()
    n = args.sessions

    print("IN-PROCESS: the session table itself (bench_flow.py measures the user's path)")
    gc.collect()
    clock = ManualScheduler()
    table = SessionTable(clock.now, clock.call_at)
    base = rss()
    t0 = time.perf_counter()
    sessions = []
    for i in range(n):
        a, b = wings(i)
        app, timeout = {"tcp": ("junos-https", 1800), "udp": ("junos-dns-udp", 60), "icmp": ("junos-icmp-all", 60)}[
            a.proto
        ]
        s = table.create(a, b, "trust-to-untrust", app, timeout, policy_index=4, nat_pool="interface", packet_size=64)
        if a.proto == "tcp":
            table.touch(s, "out", 60, "syn-ack")
            table.touch(s, "in", 52, "ack")
        sessions.append(s)
    created = time.perf_counter() - t0
    gc.collect()
    grown = rss() - base  # the `sessions` list of this script is in it too (0.8 MB)
    print(f"sessions: {len(table):,} created in {created:.2f} s ({len(table) / created:,.0f}/s)")
    print(
        f"memory: +{grown / MB:.1f} MB resident ({grown / n:.0f} B a session: wings, keys, wheel)  "
        f"target <= 200 MB: {'OK' if grown <= 200 * MB else 'OVER'}"
    )

    rng = random.Random(12)
    keys = []
    for i in rng.sample(range(n), 10_000):
        w = sessions[i].in_wing if rng.random() < 0.5 else sessions[i].out_wing
        keys.append((w.proto, w.src, w.sport, w.dst, w.dport))
    lookup = table.lookup
    clock_ns = time.perf_counter_ns
    times = []
    for key in keys:
        t = clock_ns()
        found = lookup(*key)
        times.append(clock_ns() - t)
        assert found is not None
    t = time.perf_counter()
    for _ in range(10):
        for key in keys:
            lookup(*key)
    batch = (time.perf_counter() - t) / (10 * len(keys)) * 1e6
    median = statistics.median(times) / 1000
    print(
        f"lookup: median {median:.2f} us (each timed alone), mean {batch:.2f} us (a batch)  "
        f"target <= 5 us: {'OK' if median <= 5 else 'OVER'}"
    )

    wheel = table.wheel
    t = time.perf_counter()
    for _ in range(args.seconds):
        clock.advance(1)
        for s in sessions:
            table.touch(s, "in", 64)
    refreshing = time.perf_counter() - t
    print(
        f"aging: {n:,} sessions refreshed every lab second for {args.seconds} s "
        f"({refreshing / (n * args.seconds) * 1e6:.2f} us a refresh): {wheel.callbacks} scheduler callbacks armed, "
        f"{wheel.refiled:,} sessions re-filed, {len(table):,} alive"
    )
    pending = sum(1 for _, _, timer in clock._heap if not timer.cancelled)
    t = time.perf_counter()
    clock.advance(1801)
    idle = time.perf_counter() - t
    print(
        f"aging: left idle, all {n:,} aged out in {idle:.2f} s wall "
        f"({len(table)} left, {wheel.callbacks} callbacks armed in all, {pending} timer pending before)"
    )
    assert len(table) == 0


if __name__ == "__main__":
    main()
