"""Lab benchmark on the user's path: `nos lab` processes, typed to through the console.

1. A device that starts from a generated configuration (bench_config.generate,
   10k, 50k, 100k and 200k lines), each routing instance's port cabled to a
   host that answers its RPM probes and next hops, and two uplinks: a static
   default route to UP1 and an ip-monitoring policy that moves it to UP2 when
   a probe to UP1 fails. On the virtual clock:
   - the start: spawn to the first `lab> `, and the same lab with the
     device's uplinks only, whose difference is the start of the device
     with that configuration (growth <= 2.3x per doubling);
   - one-line changes committed inside the running lab (`R1> configure`,
     `R1> set ...`, `R1> commit`, three times: the median commit from sent
     to `lab> ` back; the one-line target, 0.3 s, at 100k lines);
   - a link cut settling: `link R1:ge-0/0/0 down` to its prompt (the routes
     changed), then `wait 1s` until ip-monitoring has failed over; the wall
     time of the cut and the waits (<= 0.5 s at 100k lines); then the cut
     of an instance's port (`link R1:xe-0/0/0 down`: RI-0000 loses its
     interface routes and its statics' next hop), to its prompt.
2. A chain of N routers between two hosts (100, 250, 500, 1,000): spawn to
   the first `lab> ` (<= 1 s at 100 devices, <= 10 s at 1,000).

Each prints its scaling curve with the growth per doubling and the targets of
issue 10 (OK / OVER). A size that runs past `--timeout` is killed and reads
TIMEOUT; larger sizes of that part are then skipped. Not a test:

    .venv/bin/python tests/bench/bench_lab.py [--sizes 10000,50000,100000,200000]
        [--devices 100,250,500,1000] [--skip-biggest] [--timeout 150] [--only config|chain]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_config import ONE_LINE_COMMITS, SIZES, TARGET_AT, generate, instances_for, one_line_change
from user_path import LAB, Curve, Failed, Target, Timeout, curve, describe, expect, start_lab, summary

DEVICES = (100, 250, 500, 1000)
UPLINKS = """\
set interfaces ge-0/0/0 unit 0 family inet address 192.168.0.1/30
set interfaces ge-0/0/1 unit 0 family inet address 192.168.1.1/30
set routing-options static route 0.0.0.0/0 next-hop 192.168.0.2
set services rpm probe UPLINK test t1 probe-type icmp-ping
set services rpm probe UPLINK test t1 target address 192.168.0.2
set services rpm probe UPLINK test t1 probe-count 1
set services rpm probe UPLINK test t1 probe-interval 1
set services rpm probe UPLINK test t1 test-interval 1
set services rpm probe UPLINK test t1 thresholds total-loss 1
set services ip-monitoring policy UPLINK match rpm-probe UPLINK
set services ip-monitoring policy UPLINK then preferred-route route 0.0.0.0/0 next-hop 192.168.1.2
"""
MAX_WAITS = 20  # one-second waits for ip-monitoring to fail over before the measure is a failure


# -- 1. a device with a big configuration ----------------------------------------------------------------


def write_big_lab(folder: Path, instances: int) -> Path:
    """R1 with `generate(instances)` and the uplinks; a host on each instance's port (its .2 address)."""
    (folder / "r1.set").write_text((generate(instances) if instances else "") + UPLINKS)
    parts = [
        '[lab]\nname = "big"\nseed = 1\nclock = "virtual"\n',
        '[nodes.R1]\nkind = "device"\nplatform = "router"\nconfig = "r1.set"\n',
    ]
    parts.append('[nodes.UP1]\nkind = "host"\naddress = "192.168.0.2/30"\n')
    parts.append('[nodes.UP2]\nkind = "host"\naddress = "192.168.1.2/30"\n')
    links = [("R1:ge-0/0/0", "UP1:eth0"), ("R1:ge-0/0/1", "UP2:eth0")]
    for i in range(instances):  # the port and address of instance i, as generate() gives them
        a, b = (i >> 8) & 255, i & 255
        parts.append(f'[nodes.H{i}]\nkind = "host"\naddress = "10.{a}.{b}.2/30"\n')
        links.append((f"R1:xe-{i // 480}/{(i // 48) % 10}/{i % 48}", f"H{i}:eth0"))
    parts += [f'[[links]]\na = "{a}"\nb = "{b}"\n' for a, b in links]
    path = folder / "lab.toml"
    path.write_text("\n".join(parts))
    return path


class BigCurves:
    def __init__(self) -> None:
        self.start = Curve("lab start, spawn to the first `lab> ` (device, uplinks, a host per instance)", "s")
        self.net = Curve("   minus the same lab without the configuration: the device's start", "s", Target(growth=2.3))
        self.rss = Curve("   peak resident memory at `lab> `", "MB")
        self.commit = Curve(
            f"one-line change committed in the running lab (`R1> commit`; median of {ONE_LINE_COMMITS})",
            "s",
            Target(0.3, TARGET_AT),
        )
        self.cut = Curve("link cut: `link R1:ge-0/0/0 down` to `lab> ` (routes changed)", "s")
        self.settle = Curve(
            "link cut settled: the cut and the `wait 1s` until ip-monitoring failed over", "s", Target(0.5, TARGET_AT)
        )
        self.lab_time = Curve("   lab seconds until ip-monitoring failed over", "s")
        self.instance_cut = Curve(
            "link cut of an instance's port: `link R1:xe-0/0/0 down` to `lab> ` (RI-0000's routes gone)",
            "s",
            Target(0.5, TARGET_AT),
        )

    def print(self) -> None:
        for c in vars(self).values():
            curve(c)


def run_big(curves: BigCurves, lines: int, instances: int, baseline: float, timeout: float) -> None:
    with tempfile.TemporaryDirectory(prefix="nos-bench-") as tmp:
        path = write_big_lab(Path(tmp), instances)
        with start_lab(path, timeout) as p:
            started = p.since_start()
            curves.start.add(lines, started)
            curves.net.add(lines, max(started - baseline, 0.0))
            curves.rss.add(lines, p.peak_mb())
            p.command("R1> configure", LAB)
            commits = []
            for k in range(ONE_LINE_COMMITS):
                p.command(f"R1> {one_line_change(k)}", LAB)
                seconds, out = p.command("R1> commit", LAB)
                expect(out, "commit complete", "R1> commit")
                commits.append(seconds)
            curves.commit.add(lines, statistics.median(commits))
            p.command("R1> exit", LAB)
            _, out = p.command("R1> show services ip-monitoring status", LAB)
            expect(out, "UPLINK (Status: PASS)", "ip-monitoring before the cut")
            cut, out = p.command("link R1:ge-0/0/0 down", LAB)
            expect(out, "is now down", "link R1:ge-0/0/0 down")
            curves.cut.add(lines, cut)
            waited, lab_seconds = 0.0, 0
            while "UPLINK (Status: FAIL)" not in out:
                if lab_seconds == MAX_WAITS:
                    raise Failed(f"ip-monitoring did not fail over within {MAX_WAITS} s of lab time")
                seconds, _ = p.command("wait 1s", LAB)
                waited += seconds
                lab_seconds += 1
                _, out = p.command("R1> show services ip-monitoring status", LAB)
            _, out = p.command("R1> show route table inet.0 0.0.0.0/0 exact", LAB)
            expect(out, "to 192.168.1.2 via ge-0/0/1.0", "the default route after the failover")
            curves.settle.add(lines, cut + waited)
            curves.lab_time.add(lines, float(lab_seconds))
            cut, out = p.command("link R1:xe-0/0/0 down", LAB)
            expect(out, "is now down", "link R1:xe-0/0/0 down")
            _, out = p.command("R1> show route table RI-0000.inet.0", LAB)
            expect(out, "(0 active", "RI-0000.inet.0 after its port was cut")
            curves.instance_cut.add(lines, cut)
            p.send("quit")
            p.finish()


def baseline_start(timeout: float) -> float:
    """The same lab with the uplinks only: best of 3 (start-up of Python, the schema and the lab)."""
    best = float("inf")
    for _ in range(3):
        with (
            tempfile.TemporaryDirectory(prefix="nos-bench-") as tmp,
            start_lab(write_big_lab(Path(tmp), 0), timeout) as p,
        ):
            best = min(best, p.since_start())
            p.send("quit")
            p.finish()
    return best


def big_config(sizes: list[int], timeout: float) -> None:
    curves = BigCurves()
    given_up = ""
    try:
        baseline = baseline_start(timeout)
        print(f"the lab without the configuration starts in {baseline:.3f} s (best of 3)", flush=True)
    except (Timeout, Failed) as exc:
        print(f"the lab without the configuration did not start: {exc}", flush=True)
        baseline, given_up = 0.0, f"the lab without the configuration: {describe(exc)}"
    for lines in sizes:
        instances = instances_for(lines)
        measures = [c for c in vars(curves).values() if isinstance(c, Curve)]
        if given_up:
            for m in measures:
                m.add(lines, f"skipped: {given_up}")
            continue
        filled = [len(m.rows) for m in measures]
        t0 = time.perf_counter()
        try:
            run_big(curves, lines, instances, baseline, timeout)
        except (Timeout, Failed) as exc:
            for m, before in zip(measures, filled, strict=True):
                if len(m.rows) == before:
                    m.add(lines, describe(exc))
            given_up = "a smaller size did not finish"
            if isinstance(exc, Failed):
                print(f"    {exc}", flush=True)
        print(
            f"  {lines:,} lines ({instances:,} instances, as many hosts): {time.perf_counter() - t0:.1f} s", flush=True
        )
    print()
    print(f"USER'S PATH: `nos lab` with a device of {', '.join(f'{s:,}' for s in sizes)} lines (targets of issue 10)")
    curves.print()


# -- 2. a chain of routers ----------------------------------------------------------------------------------


def subnet(i: int) -> str:
    """The /24 of link i of the chain (0: H1 to R1; n: Rn to H2): 10.<i / 256>.<i % 256>."""
    return f"10.{i >> 8}.{i & 255}"


def router_config(i: int, n: int) -> str:
    """R<i> sits between link i-1 (left, its .2) and link i (right, its .1) and routes to both ends."""
    lines = [
        f"set system host-name R{i}",
        'set system root-authentication encrypted-password "$6$bench$x"',
        f"set interfaces ge-0/0/0 unit 0 family inet address {subnet(i - 1)}.2/24",
        f"set interfaces ge-0/0/1 unit 0 family inet address {subnet(i)}.1/24",
    ]
    if i < n:
        lines.append(f"set routing-options static route {subnet(n)}.0/24 next-hop {subnet(i)}.2")
    if i > 1:
        lines.append(f"set routing-options static route {subnet(0)}.0/24 next-hop {subnet(i - 1)}.1")
    return "\n".join(lines) + "\n"


def write_chain(folder: Path, n: int) -> Path:
    parts = ['[lab]\nname = "chain"\nseed = 1\nclock = "virtual"\n']
    parts.append(f'[nodes.H1]\nkind = "host"\naddress = "{subnet(0)}.1/24"\ngateway = "{subnet(0)}.2"\nttl = 255\n')
    parts.append(f'[nodes.H2]\nkind = "host"\naddress = "{subnet(n)}.2/24"\ngateway = "{subnet(n)}.1"\nttl = 255\n')
    for i in range(1, n + 1):
        (folder / f"r{i}.conf").write_text(router_config(i, n))
        parts.append(f'[nodes.R{i}]\nkind = "device"\nplatform = "router"\nconfig = "r{i}.conf"\n')
    links = [("H1:eth0", "R1:ge-0/0/0")]
    links += [(f"R{i}:ge-0/0/1", f"R{i + 1}:ge-0/0/0") for i in range(1, n)]
    links.append((f"R{n}:ge-0/0/1", "H2:eth0"))
    parts += [f'[[links]]\na = "{a}"\nb = "{b}"\nlatency = 1\n' for a, b in links]
    path = folder / "lab.toml"
    path.write_text("\n".join(parts))
    return path


def chain(devices: list[int], timeout: float) -> None:
    start = Curve("chain lab start, spawn to the first `lab> `", "s", Target(limits={100: 1.0, 1000: 10.0}))
    rss = Curve("   peak resident memory at `lab> `", "MB")
    ping = Curve("ping H1 -> H2 across the chain, 3 packets (chains of up to 120 devices)", "s")
    given_up = ""
    for n in devices:
        measures = [start, rss, ping]
        if given_up:
            for m in measures:
                m.add(n, f"skipped: {given_up}")
            continue
        filled = [len(m.rows) for m in measures]
        t0 = time.perf_counter()
        try:
            with (
                tempfile.TemporaryDirectory(prefix="nos-bench-") as tmp,
                start_lab(write_chain(Path(tmp), n), timeout) as p,
            ):
                seconds = p.since_start()
                start.add(n, seconds)
                rss.add(n, p.peak_mb())
                if n <= 120:  # a packet crosses at most 256 links there and back (ttl 255)
                    seconds, out = p.command(f"H1> ping {subnet(n)}.2 count 3", LAB)
                    expect(out, "3 packets received", "the ping across the chain")
                    ping.add(n, seconds)
                else:
                    ping.add(n, "not run: longer than a packet's ttl")
                p.send("quit")
                p.finish()
        except (Timeout, Failed) as exc:
            for m, before in zip(measures, filled, strict=True):
                if len(m.rows) == before:
                    m.add(n, describe(exc))
            given_up = "a smaller chain did not finish"
            if isinstance(exc, Failed):
                print(f"    {exc}", flush=True)
        print(f"  {n:,} devices: {time.perf_counter() - t0:.1f} s", flush=True)
    print()
    print(
        f"USER'S PATH: `nos lab` with a chain of {', '.join(f'{n:,}' for n in devices)} routers (targets of issue 10)"
    )
    for c in (start, rss, ping):
        curve(c, "devices")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="configuration sizes in set lines")
    parser.add_argument("--devices", default=",".join(map(str, DEVICES)), help="chain lengths")
    parser.add_argument("--skip-biggest", action="store_true", help="leave out the largest size of each part")
    parser.add_argument("--timeout", type=float, default=150.0, help="deadline of each nos process, seconds")
    parser.add_argument("--only", choices=("config", "chain"), help="run one part")
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    devices = sorted(int(s) for s in args.devices.split(","))
    if args.skip_biggest:
        sizes, devices = sizes[:-1] or sizes, devices[:-1] or devices
    if args.only != "chain":
        big_config(sizes, args.timeout)
        print()
    if args.only != "config":
        chain(devices, args.timeout)
        print()
    summary()


if __name__ == "__main__":
    main()
